#!/usr/bin/env bash
# What the audit trail costs: GetCallerIdentity (long-term key) and AssumeRole against three latchkey servers of the
# same release binary, with the audit trail off, on with the file sink only, and on with the store sink only, next
# to the bare Hummingbird server (the ceiling), in alternating rounds. Reports each as a ratio to the ceiling of the
# same round, and each audit setting's rate per round as a ratio to "off" in the same round (the issue's goal: at
# most 10% slower, ratio >= 0.90). See Benchmarks/README.md ("The audit trail's cost").
#
# Environment (as run.sh): BENCH_ROUNDS (default 6: an even count, so each target runs early and late equally
# often), BENCH_DURATION (5s), BENCH_WARMUP (2s), BENCH_CONNECTIONS ("64"), BENCH_SCENARIOS ("long-term
# assume-role"), BENCH_OUT (keep the raw outputs and the tables), LATCHKEY_BIN, BASELINE_BIN.
#   AUDIT_OFF_ARGS     serve options that turn the audit trail off (default "--audit-store off")
#   AUDIT_FILE_ARGS    the file sink only (default "--audit-store off --audit-log FILE", FILE in the work folder)
#   AUDIT_STORE_ARGS   the store sink only (default: nothing, the store copy is on by default)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
scratch="$root/.build-release"
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
rounds=${BENCH_ROUNDS:-6}
duration=${BENCH_DURATION:-5s}
warmup=${BENCH_WARMUP:-2s}
read -r -a connection_counts <<<"${BENCH_CONNECTIONS:-64}"
read -r -a selected <<<"${BENCH_SCENARIOS:-long-term assume-role}"

if ! [[ $rounds =~ ^[0-9]+$ ]] || ((rounds < 1)); then
    echo "BENCH_ROUNDS must be a positive number" >&2
    exit 2
fi
if ((rounds < 4)) && [[ ${BENCH_ALLOW_FEW_ROUNDS:-0} != 1 ]]; then
    echo "BENCH_ROUNDS=$rounds: at least 4 rounds (BENCH_ALLOW_FEW_ROUNDS=1 for a quick check)" >&2
    exit 2
fi
for scenario in "${selected[@]}"; do
    case $scenario in
        long-term | temporary | assume-role) ;;
        *)
            echo "unknown scenario '$scenario' (long-term, temporary, assume-role)" >&2
            exit 2
            ;;
    esac
done

if [[ -z ${LATCHKEY_BIN:-} || -z ${BASELINE_BIN:-} ]]; then
    echo "==> release build (scratch path $scratch)"
    bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
fi
if [[ -z ${LATCHKEY_BIN:-} ]]; then
    swift build -c release --scratch-path "$scratch" --product latchkey
fi
if [[ -z ${BASELINE_BIN:-} ]]; then
    swift build -c release --scratch-path "$scratch" --product latchkey-bench-baseline
fi
latchkey=$(realpath "${LATCHKEY_BIN:-$bin/latchkey}")
baseline=$(realpath "${BASELINE_BIN:-$bin/latchkey-bench-baseline}")

command -v wrk >/dev/null 2>&1 || {
    echo "wrk is missing (apt-get install wrk, or run Benchmarks/run.sh once)" >&2
    exit 1
}
python=python3
if [[ -x $root/.venv/bin/python ]]; then python=$root/.venv/bin/python; fi
"$python" -c 'import boto3' 2>/dev/null || {
    echo "boto3 is missing for $python: run scripts/test once (it prepares .venv) or pip install boto3" >&2
    exit 1
}

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

read -r -a off_args <<<"${AUDIT_OFF_ARGS:---audit-store off}"
read -r -a file_args <<<"${AUDIT_FILE_ARGS:---audit-store off --audit-log $work/audit/audit.jsonl}"
read -r -a store_args <<<"${AUDIT_STORE_ARGS:-}"
mkdir -p "$work/audit"

cat >"$work/latchkey.yaml" <<'EOF'
accounts:
  - id: "111122223333"
    rootAccessKeys:
      - {accessKeyId: AKIAIOSFODNN7EXAMPLE, secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}
EOF

# wait_for PID FILE PATTERN: prints the first match of the extended regex PATTERN in FILE, waiting up to 30 s.
wait_for() {
    local pid=$1 file=$2 pattern=$3 match
    for ((attempt = 0; attempt < 300; attempt++)); do
        if match=$(grep -m1 -oE "$pattern" "$file"); then
            echo "$match"
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then break; fi
        sleep 0.1
    done
    echo "server did not start; its output:" >&2
    cat "$file" "${file%.*}.err" >&2 2>/dev/null || true
    return 1
}

declare -A urls server_pids
# start_latchkey NAME [SERVE OPTIONS...]
start_latchkey() {
    local name=$1
    shift
    "$latchkey" serve --config "$work/latchkey.yaml" --data-dir "$work/data-$name" --host 127.0.0.1 --port 0 \
        --log-level warning "$@" >"$work/$name.out" 2>"$work/$name.err" &
    pids+=($!)
    server_pids[$name]=$!
    local listening
    listening=$(wait_for "${pids[-1]}" "$work/$name.out" '^latchkey listening on http://[^ ]+$')
    urls[$name]=${listening#latchkey listening on }
    echo "audit $name: ${urls[$name]} (serve $*)"
}

echo "==> starting servers"
start_latchkey off "${off_args[@]}"
start_latchkey file "${file_args[@]}"
start_latchkey store "${store_args[@]}"
"$baseline" --host 127.0.0.1 --port 0 >"$work/baseline.log" 2>&1 &
pids+=($!)
server_pids[baseline]=$!
listening=$(wait_for "${pids[-1]}" "$work/baseline.log" 'listening on 127\.0\.0\.1:[0-9]+$')
baseline_url="http://${listening#listening on }"
echo "baseline $baseline_url"

echo "==> creating the scenarios' entities and signing requests on each server"
for name in off file store; do
    "$python" "$root/Benchmarks/bench.py" prepare "${urls[$name]}" "$work/requests-$name" >/dev/null
done

targets=("baseline|$baseline_url|$work/requests-off/long-term")
for scenario in "${selected[@]}"; do
    for name in off file store; do
        targets+=("audit-$name-$scenario|${urls[$name]}|$work/requests-$name/$scenario")
    done
done

echo "==> checking that every replayed request answers 200"
for entry in "${targets[@]}"; do
    IFS='|' read -r name url request <<<"$entry"
    status=$(curl -sS -o "$work/check.body" -w '%{http_code}' -K "$request.curl" "$url/")
    if [[ $status != 200 ]]; then
        echo "$name answered $status instead of 200:" >&2
        cat "$work/check.body" >&2
        exit 1
    fi
done

# cpu_ticks PID: the process's user + system CPU time so far, in clock ticks (/proc/PID/stat fields 14 and 15; the
# command name in field 2 has no spaces here).
cpu_ticks() {
    awk '{print $14 + $15}' "/proc/$1/stat"
}
ticks_per_second=$(getconf CLK_TCK)

run_wrk() {
    local threads=2
    if (($3 < threads)); then threads=$3; fi
    wrk -t"$threads" -c"$3" -d"$4" --latency -s "$2.lua" "$1/"
}

{
    echo "machine: $(nproc) cores, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "load average (1/5/15 min): $load_at_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) before measuring"
    echo "latchkey: $latchkey ($("$latchkey" --version 2>/dev/null || echo unknown)); checkout" \
        "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo ?)"
    echo "audit off: serve ${off_args[*]}"
    echo "audit file: serve ${file_args[*]}"
    echo "audit store: serve ${store_args[*]:-(defaults)}"
    echo "rounds: $rounds, $duration per run, connections: ${connection_counts[*]}, warm-up $warmup per target"
    echo "order: odd rounds baseline first, then the targets; even rounds the same runs in reverse order"
} | tee "$work/header.txt"

echo "==> warm-up ($warmup each)"
for entry in "${targets[@]}"; do
    IFS='|' read -r name url request <<<"$entry"
    run_wrk "$url" "$request" 16 "$warmup" >/dev/null
done

runs=()
for entry in "${targets[@]}"; do
    for connections in "${connection_counts[@]}"; do runs+=("$entry|$connections"); done
done
: >"$work/results"
mkdir -p "$work/raw"
started=$SECONDS
for ((round = 1; round <= rounds; round++)); do
    if ((round > 1)); then
        for name in off file store; do
            "$python" "$root/Benchmarks/bench.py" resign "${urls[$name]}" "$work/requests-$name"
        done
    fi
    order=("${runs[@]}")
    if ((round % 2 == 0)); then
        order=()
        for ((index = ${#runs[@]} - 1; index >= 0; index--)); do order+=("${runs[index]}"); done
    fi
    echo "==> round $round of $rounds ($((SECONDS - started)) s so far)"
    for entry in "${order[@]}"; do
        IFS='|' read -r name url request connections <<<"$entry"
        raw="$work/raw/$name-$connections-round$round.txt"
        server=${name#audit-}
        server=${server%%-*}
        before=$(cpu_ticks "${server_pids[$server]}")
        run_wrk "$url" "$request" "$connections" "$duration" >"$raw"
        after=$(cpu_ticks "${server_pids[$server]}")
        result=$(grep -m1 '^WRK_RESULT' "$raw")
        # The server's CPU time over the run (its audit writer included), per completed request, in microseconds.
        cpu=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" '{
            for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "requests") n = kv[2] }
            printf "%.2f", (n > 0) ? t / hz * 1e6 / n : 0 }' <<<"$result")
        echo "$round $name $connections $result cpu_us=$cpu" >>"$work/results"
        awk -v name="$name" -v c="$connections" '{
            for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            printf "  %-28s %3d conns %9.0f req/s  p99 %6.2f ms  errors %d\n", name, c,
                v["requests"] / (v["duration_us"] / 1e6), v["p99_us"] / 1000, v["non2xx"] + v["socket_errors"]
        }' <<<"$result"
    done
done
echo "load average after the rounds: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$work/header.txt"

# What each server says about its audit trail once the rounds are over: /readyz, and the audit lines of /metrics
# (written and dropped events) when the server has them. Events dropped would make a sink look cheaper than it is.
sleep 2
{
    echo
    echo "After the rounds:"
    for name in off file store; do
        echo "audit $name: /readyz $(curl -sS "${urls[$name]}/readyz" || echo unavailable)"
        curl -sS "${urls[$name]}/metrics" 2>/dev/null | grep -E '^latchkey_audit' | sed 's/^/    /' || true
    done
    lines=$(cat "$work"/audit/audit.jsonl* 2>/dev/null | wc -l)
    echo "audit file: $lines lines in $(find "$work/audit" -type f | wc -l) file(s), $(du -sh "$work/audit" | cut -f1)"
    echo "audit store: database $(du -sh "$work/data-store" | cut -f1) (audit off: $(du -sh "$work/data-off" | cut -f1))"
} | tee -a "$work/header.txt"

echo
cat "$work/header.txt" >"$work/table.txt"
echo >>"$work/table.txt"
"$python" "$root/Benchmarks/audit_report.py" "$work/results" | tee -a "$work/table.txt"

if [[ -n ${BENCH_OUT:-} ]]; then
    mkdir -p "$BENCH_OUT"
    cp -r "$work/raw" "$work/results" "$work/header.txt" "$work/table.txt" "$BENCH_OUT/"
fi
if grep -qvE 'non2xx=0 socket_errors=0' "$work/results"; then
    echo "some runs had errors (see the errors column); the numbers above are not comparable" >&2
    exit 1
fi
