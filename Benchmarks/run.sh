#!/usr/bin/env bash
# Throughput and latency of a signed GetCallerIdentity against latchkey, next to a bare Hummingbird server
# that returns a fixed 400-byte body (the ceiling). See Benchmarks/README.md.
#
# Environment: BENCH_DURATION (default 10s), BENCH_WARMUP (default 2s), BENCH_CONNECTIONS (default "1 16 64"),
# BENCH_OUT (a directory to keep the raw wrk outputs and the table in).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
scratch="$root/.build-release"
duration=${BENCH_DURATION:-10s}
warmup=${BENCH_WARMUP:-2s}
read -r -a connection_counts <<<"${BENCH_CONNECTIONS:-1 16 64}"

echo "==> release build (scratch path $scratch)"
swift build -c release --scratch-path "$scratch" --product latchkey
swift build -c release --scratch-path "$scratch" --product latchkey-bench-baseline
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)

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
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
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

echo "==> starting an HTTPS OIDC issuer for the AssumeRoleWithWebIdentity scenario"
"$python" "$root/Benchmarks/bench.py" issuer "$work/issuer" >"$work/issuer.log" 2>&1 &
pids+=($!)
for ((attempt = 0; attempt < 300; attempt++)); do
    [[ -f $work/issuer/issuer.json ]] && break
    sleep 0.1
done
[[ -f $work/issuer/issuer.json ]] || { cat "$work/issuer.log" >&2; exit 1; }
echo "idpTrustedCAFile: $work/issuer/ca.pem" >>"$work/latchkey.yaml"

echo "==> starting servers"
"$bin/latchkey" serve --config "$work/latchkey.yaml" --data-dir "$work/data" --host 127.0.0.1 --port 0 \
    --log-level warning >"$work/latchkey.out" 2>"$work/latchkey.err" &
pids+=($!)
listening=$(wait_for "${pids[-1]}" "$work/latchkey.out" '^latchkey listening on http://[^ ]+$')
latchkey_url=${listening#latchkey listening on }

"$bin/latchkey-bench-baseline" --host 127.0.0.1 --port 0 >"$work/baseline.log" 2>&1 &
pids+=($!)
listening=$(wait_for "${pids[-1]}" "$work/baseline.log" 'listening on 127\.0\.0\.1:[0-9]+$')
baseline_url="http://${listening#listening on }"
echo "latchkey $latchkey_url, baseline $baseline_url"

echo "==> signing requests (valid for 15 minutes from now)"
BENCH_ISSUER_DIR="$work/issuer" "$python" "$root/Benchmarks/bench.py" prepare "$latchkey_url" "$work/requests"

# scenario name, URL, request file (without extension)
scenarios=(
    "latchkey-long-term|$latchkey_url|long-term"
    "latchkey-temporary|$latchkey_url|temporary"
    "baseline|$baseline_url|long-term"
)
if [[ -f $work/requests/assume-role.lua ]]; then
    scenarios=("${scenarios[@]:0:2}" "latchkey-assume-role|$latchkey_url|assume-role" "${scenarios[@]:2}")
fi
if [[ -f $work/requests/web-identity.lua ]]; then
    scenarios=("${scenarios[@]:0:3}" "latchkey-web-identity|$latchkey_url|web-identity" "${scenarios[@]:3}")
fi

echo "==> checking that every replayed request answers 200"
for entry in "${scenarios[@]}"; do
    IFS='|' read -r name url request <<<"$entry"
    status=$(curl -sS -o "$work/check.body" -w '%{http_code}' -K "$work/requests/$request.curl" "$url/")
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
    wrk -t"$threads" -c"$3" -d"$4" --latency -s "$work/requests/$2.lua" "$1/"
}

echo "==> warm-up ($warmup each)"
for entry in "${scenarios[@]}"; do
    IFS='|' read -r name url request <<<"$entry"
    run_wrk "$url" "$request" 16 "$warmup" >/dev/null
done

echo "==> measuring ($duration per run)"
: >"$work/results"
mkdir -p "$work/raw"
for entry in "${scenarios[@]}"; do
    IFS='|' read -r name url request <<<"$entry"
    for connections in "${connection_counts[@]}"; do
        printf '%s, %s connections\n' "$name" "$connections"
        run_wrk "$url" "$request" "$connections" "$duration" >"$work/raw/$name-$connections.txt"
        echo "$name $connections $(grep -m1 '^WRK_RESULT' "$work/raw/$name-$connections.txt")" >>"$work/results"
    done
done

echo
"$python" "$root/Benchmarks/bench.py" table "$work/results" | tee "$work/table.txt"
if [[ -n ${BENCH_OUT:-} ]]; then
    mkdir -p "$BENCH_OUT"
    cp -r "$work/raw" "$work/results" "$work/table.txt" "$BENCH_OUT/"
fi
if grep -qvE 'non2xx=0 socket_errors=0' "$work/results"; then
    echo "some runs had errors (see the errors column); the numbers above are not comparable" >&2
    exit 1
fi
