#!/usr/bin/env bash
# Throughput and latency of signed STS requests against latchkey, next to a bare Hummingbird server that returns a
# fixed 400-byte body (the ceiling), measured in alternating rounds. See Benchmarks/README.md.
#
# Environment:
#   BENCH_ROUNDS        rounds (default 5; fewer than 5 only with BENCH_ALLOW_FEW_ROUNDS=1, for quick checks)
#   BENCH_DURATION      length of each wrk run (default 5s)
#   BENCH_WARMUP        warm-up of each target before the first round (default 2s)
#   BENCH_CONNECTIONS   connection counts (default "64"; for example "1 16 64")
#   BENCH_SCENARIOS     scenarios to measure (default "long-term temporary assume-role web-identity")
#   BENCH_POPULATION    N > 0: also start a second latchkey holding N more users and N more roles and measure
#                       AssumeRole against it (scenario latchkey-assume-role-N, compared with latchkey-assume-role)
#   BENCH_STORE         "postgres": also start a latchkey on a PostgreSQL store (--database-url, a fresh database) and
#                       measure every scenario against it in the same rounds (scenarios postgres-*, compared with
#                       latchkey-* on SQLite); the server is BENCH_DATABASE_URL, else LATCHKEY_TEST_DATABASE_URL, else
#                       a throw-away one from scripts/postgres-cluster. Default "sqlite" (SQLite only)
#   BENCH_STARTUP       0 to skip Benchmarks/startup.sh at the end (default 1)
#   BENCH_OUT           a directory to keep the raw wrk outputs, the results, the machine header and the tables in
#   LATCHKEY_BIN, BASELINE_BIN   prebuilt binaries to measure instead of building this checkout in release
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
scratch="$root/.build-release"
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
rounds=${BENCH_ROUNDS:-5}
duration=${BENCH_DURATION:-5s}
warmup=${BENCH_WARMUP:-2s}
population=${BENCH_POPULATION:-0}
store=${BENCH_STORE:-sqlite}
read -r -a connection_counts <<<"${BENCH_CONNECTIONS:-64}"
read -r -a selected <<<"${BENCH_SCENARIOS:-long-term temporary assume-role web-identity}"

if ! [[ $rounds =~ ^[0-9]+$ ]] || ((rounds < 1)); then
    echo "BENCH_ROUNDS must be a positive number" >&2
    exit 2
fi
if ((rounds < 5)) && [[ ${BENCH_ALLOW_FEW_ROUNDS:-0} != 1 ]]; then
    echo "BENCH_ROUNDS=$rounds: at least 5 rounds make a median worth reading on a shared machine" \
        "(BENCH_ALLOW_FEW_ROUNDS=1 for a quick check)" >&2
    exit 2
fi
if ! [[ $population =~ ^[0-9]+$ ]]; then
    echo "BENCH_POPULATION must be a number" >&2
    exit 2
fi
if [[ $store != sqlite && $store != postgres ]]; then
    echo "BENCH_STORE must be sqlite or postgres" >&2
    exit 2
fi
want_web_identity=0
for scenario in "${selected[@]}"; do
    case ${scenario#latchkey-} in
        long-term | temporary | assume-role) ;;
        web-identity) want_web_identity=1 ;;
        *)
            echo "unknown scenario '$scenario' (long-term, temporary, assume-role, web-identity)" >&2
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
latchkey=${LATCHKEY_BIN:-$bin/latchkey}
baseline=${BASELINE_BIN:-$bin/latchkey-bench-baseline}
latchkey=$(realpath "$latchkey")
baseline=$(realpath "$baseline")

if ! command -v wrk >/dev/null 2>&1; then
    echo "==> installing wrk"
    sudo=()
    if ((EUID != 0)); then sudo=(sudo -n); fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends wrk
fi

python=python3
if [[ -x $root/.venv/bin/python ]]; then python=$root/.venv/bin/python; fi
"$python" -c 'import boto3' 2>/dev/null || {
    echo "boto3 is missing for $python: run scripts/test once (it prepares .venv) or pip install boto3" >&2
    exit 1
}

work=$(mktemp -d)
chmod 755 "$work" # a throw-away PostgreSQL runs as the postgres user when this runs as root
latchkey_url="" populated_url="" postgres_url=""
pg_cluster="" pg_server="" pg_database=""
pids=()
stop_servers() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    pids=()
}
cleanup() {
    stop_servers
    if [[ -n $pg_database ]]; then
        psql "$pg_server" -X -q -c "DROP DATABASE IF EXISTS \"$pg_database\" WITH (FORCE)" >/dev/null || true
    fi
    if [[ -n $pg_cluster ]]; then "$root/scripts/postgres-cluster" stop "$pg_cluster" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

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

cat >"$work/latchkey.yaml" <<'EOF'
accounts:
  - id: "111122223333"
    rootAccessKeys:
      - {accessKeyId: AKIAIOSFODNN7EXAMPLE, secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}
EOF

if ((want_web_identity)); then
    echo "==> starting an HTTPS OIDC issuer for the AssumeRoleWithWebIdentity scenario"
    "$python" "$root/Benchmarks/bench.py" issuer "$work/issuer" >"$work/issuer.log" 2>&1 &
    pids+=($!)
    for ((attempt = 0; attempt < 300; attempt++)); do
        [[ -f $work/issuer/issuer.json ]] && break
        sleep 0.1
    done
    [[ -f $work/issuer/issuer.json ]] || { cat "$work/issuer.log" >&2; exit 1; }
    echo "idpTrustedCAFile: $work/issuer/ca.pem" >>"$work/latchkey.yaml"
fi

# start_latchkey NAME VARIABLE [SERVE OPTIONS...]: starts a latchkey server with its own data dir and sets VARIABLE
# to its URL.
start_latchkey() {
    local name=$1 variable=$2
    shift 2
    "$latchkey" serve --config "$work/latchkey.yaml" --data-dir "$work/data-$name" --host 127.0.0.1 --port 0 \
        --log-level warning "$@" >"$work/$name.out" 2>"$work/$name.err" &
    pids+=($!)
    local listening
    listening=$(wait_for "${pids[-1]}" "$work/$name.out" '^latchkey listening on http://[^ ]+$')
    printf -v "$variable" '%s' "${listening#latchkey listening on }"
}

echo "==> starting servers"
start_latchkey latchkey latchkey_url
if [[ $store == postgres ]]; then
    pg_server=${BENCH_DATABASE_URL:-${LATCHKEY_TEST_DATABASE_URL:-}}
    if [[ -z $pg_server ]]; then
        pg_cluster=$work/postgres
        pg_server=$("$root/scripts/postgres-cluster" start "$pg_cluster")
    fi
    pg_database="latchkey_bench_$$_$RANDOM"
    psql "$pg_server" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$pg_database\""
    pg_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$pg_server" "$pg_database")
    start_latchkey postgres postgres_url --database-url "$pg_url"
    echo "latchkey on PostgreSQL (database $pg_database) $postgres_url"
fi
"$baseline" --host 127.0.0.1 --port 0 >"$work/baseline.log" 2>&1 &
pids+=($!)
listening=$(wait_for "${pids[-1]}" "$work/baseline.log" 'listening on 127\.0\.0\.1:[0-9]+$')
baseline_url="http://${listening#listening on }"
echo "latchkey $latchkey_url, baseline $baseline_url"

echo "==> creating the scenarios' entities and signing requests (a signature replays for 15 minutes)"
issuer_dir=""
if ((want_web_identity)); then issuer_dir=$work/issuer; fi
BENCH_ISSUER_DIR="$issuer_dir" "$python" "$root/Benchmarks/bench.py" prepare "$latchkey_url" "$work/requests"
if [[ -n $postgres_url ]]; then
    BENCH_ISSUER_DIR="$issuer_dir" "$python" "$root/Benchmarks/bench.py" prepare "$postgres_url" "$work/requests-pg"
fi

# Targets: "name|URL|request file without extension"; the baseline replays the long-term request.
targets=("baseline|$baseline_url|$work/requests/long-term")
for scenario in "${selected[@]}"; do
    scenario=${scenario#latchkey-}
    if [[ ! -f $work/requests/$scenario.lua ]]; then
        echo "this server has no $scenario scenario (see the output above)" >&2
        exit 1
    fi
    targets+=("latchkey-$scenario|$latchkey_url|$work/requests/$scenario")
    if [[ -n $postgres_url ]]; then
        targets+=("postgres-$scenario|$postgres_url|$work/requests-pg/$scenario")
    fi
done

if ((population > 0)); then
    echo "==> starting a second latchkey and creating $population users and $population roles in it"
    start_latchkey populated populated_url
    "$python" "$root/Benchmarks/bench.py" populated "$populated_url" "$work/requests-populated" "$population"
    if [[ " ${selected[*]} " != *" assume-role "* && " ${selected[*]} " != *" latchkey-assume-role "* ]]; then
        # The population's figure is its ratio to AssumeRole on the small store, measured in the same rounds.
        targets+=("latchkey-assume-role|$latchkey_url|$work/requests/assume-role")
    fi
    targets+=("latchkey-assume-role-$population|$populated_url|$work/requests-populated/assume-role")
fi

echo "==> checking that every replayed request answers 200"
for entry in "${targets[@]}"; do
    IFS='|' read -r name url request <<<"$entry"
    status=$(curl -sS -o "$work/check.body" -w '%{http_code}' -K "$request.curl" "$url/")
    if [[ $status != 200 ]]; then
        echo "$name answered $status instead of 200:" >&2
        cat "$work/check.body" >&2
        exit 1
    fi
    echo "$name: 200"
done

# run_wrk URL REQUEST CONNECTIONS LENGTH (wrk needs at least one connection per thread)
run_wrk() {
    local threads=2
    if (($3 < threads)); then threads=$3; fi
    wrk -t"$threads" -c"$3" -d"$4" --latency -s "$2.lua" "$1/"
}

revision=$("$latchkey" --version 2>/dev/null || echo "unknown version")
checkout=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")
{
    echo "machine: $(nproc) cores, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "memory: $(awk '/^MemTotal:/ {t = $2} /^MemAvailable:/ {a = $2}
        END {printf "%.1f GiB, %.1f GiB available", t / 1048576, a / 1048576}' /proc/meminfo)"
    echo "kernel: $(uname -sr)"
    echo "load average (1/5/15 min): $load_at_start at the start of run.sh," \
        "$(cut -d' ' -f1-3 /proc/loadavg) before measuring"
    echo "latchkey: $latchkey ($revision); run.sh of checkout $checkout"
    echo "baseline: $baseline"
    if [[ -n $postgres_url ]]; then
        echo "stores: SQLite (latchkey-*) and PostgreSQL $(psql "$pg_server" -X -A -t -c 'SHOW server_version' |
            cut -d' ' -f1) on loopback, fsync on, a fresh database (postgres-*)"
    fi
    echo "rounds: $rounds, $duration per run, connections: ${connection_counts[*]}, warm-up $warmup per target"
    echo "order: odd rounds baseline first, then the scenarios; even rounds the same runs in reverse order"
} | tee "$work/header.txt"

echo "==> warm-up ($warmup each)"
for entry in "${targets[@]}"; do
    IFS='|' read -r name url request <<<"$entry"
    run_wrk "$url" "$request" 16 "$warmup" >/dev/null
done

# One round: every target once per connection count, baseline first; even rounds run the list backwards, so a
# drift within a round (the machine warming, another job starting) falls on both ends equally over two rounds.
runs=()
for entry in "${targets[@]}"; do
    for connections in "${connection_counts[@]}"; do
        runs+=("$entry|$connections")
    done
done

: >"$work/results"
mkdir -p "$work/raw"
started=$SECONDS
for ((round = 1; round <= rounds; round++)); do
    if ((round > 1)); then
        # Every round's requests are signed afresh, so no run replays a signature older than a round.
        "$python" "$root/Benchmarks/bench.py" resign "$latchkey_url" "$work/requests"
        if [[ -n $postgres_url ]]; then
            "$python" "$root/Benchmarks/bench.py" resign "$postgres_url" "$work/requests-pg"
        fi
        if ((population > 0)); then
            "$python" "$root/Benchmarks/bench.py" resign "$populated_url" "$work/requests-populated"
        fi
    fi
    order=("${runs[@]}")
    if ((round % 2 == 0)); then
        order=()
        for ((index = ${#runs[@]} - 1; index >= 0; index--)); do order+=("${runs[index]}"); done
    fi
    echo "==> round $round of $rounds ($duration per run, $((SECONDS - started)) s so far)"
    for entry in "${order[@]}"; do
        IFS='|' read -r name url request connections <<<"$entry"
        raw="$work/raw/$name-$connections-round$round.txt"
        run_wrk "$url" "$request" "$connections" "$duration" >"$raw"
        result=$(grep -m1 '^WRK_RESULT' "$raw")
        echo "$round $name $connections $result" >>"$work/results"
        awk -v name="$name" -v c="$connections" '{
            for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            printf "  %-30s %3d conns %9.0f req/s  p99 %6.2f ms  errors %d\n", name, c,
                v["requests"] / (v["duration_us"] / 1e6), v["p99_us"] / 1000, v["non2xx"] + v["socket_errors"]
        }' <<<"$result"
    done
done
echo "load average after the rounds: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$work/header.txt"

echo
cat "$work/header.txt" >"$work/table.txt"
echo >>"$work/table.txt"
"$python" "$root/Benchmarks/bench.py" report "$work/results" | tee -a "$work/table.txt"

stop_servers
if [[ ${BENCH_STARTUP:-1} != 0 ]]; then
    echo "==> start-up and idle RSS (Benchmarks/startup.sh)"
    LATCHKEY_BIN=$latchkey "$root/Benchmarks/startup.sh" | tee "$work/startup.txt"
fi

if [[ -n ${BENCH_OUT:-} ]]; then
    mkdir -p "$BENCH_OUT"
    cp -r "$work/raw" "$work/results" "$work/header.txt" "$work/table.txt" "$BENCH_OUT/"
    if [[ -f $work/startup.txt ]]; then cp "$work/startup.txt" "$BENCH_OUT/"; fi
fi
if grep -qvE 'non2xx=0 socket_errors=0' "$work/results"; then
    echo "some runs had errors (see the errors column); the numbers above are not comparable" >&2
    exit 1
fi
