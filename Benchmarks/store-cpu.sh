#!/usr/bin/env bash
# CPU time of the server per request on SQLite and on PostgreSQL, in alternating rounds (issue 13). Throughput
# ratios on a shared machine move by tens of percent from round to round; the process's own CPU time per request
# moves much less, so it shows whether the PostgreSQL store costs anything on the hot path.
#
#   Benchmarks/store-cpu.sh [ROUNDS]      (default 5)
#
# Starts the latchkey in LATCHKEY_BIN (default: the release build in .build-release) twice: once on SQLite, once
# with --database-url on a fresh database of BENCH_DATABASE_URL, else LATCHKEY_TEST_DATABASE_URL, else a throw-away
# server (scripts/postgres-cluster). Each round runs `wrk -t2 -c16 -d3s` on GetCallerIdentity with a long-term key,
# with a session, and AssumeRole, against each store (the store that goes first alternates), and prints the growth
# of the process's utime + stime (/proc/PID/stat) divided by the requests wrk completed. Needs wrk, psql and the
# Python of .venv (boto3).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
rounds=${1:-5}
bin=${LATCHKEY_BIN:-$root/.build-release/release/latchkey}
python=$root/.venv/bin/python
work=$(mktemp -d)
chmod 755 "$work"
pids=() server="" database="" cluster=""
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    if [[ -n $database ]]; then psql "$server" -X -q -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" || true; fi
    if [[ -n $cluster ]]; then "$root/scripts/postgres-cluster" stop "$cluster" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

server=${BENCH_DATABASE_URL:-${LATCHKEY_TEST_DATABASE_URL:-}}
if [[ -z $server ]]; then
    cluster=$work/postgres
    server=$("$root/scripts/postgres-cluster" start "$cluster")
fi
database="latchkey_cpu_$$"
psql "$server" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$database\""
database_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$server" "$database")

cat >"$work/latchkey.yaml" <<'YAML'
accounts:
  - id: "111122223333"
    rootAccessKeys:
      - {accessKeyId: AKIAIOSFODNN7EXAMPLE, secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}
YAML

declare -A url pid
start() {
    local name=$1
    shift
    "$bin" serve --config "$work/latchkey.yaml" --data-dir "$work/data-$name" --host 127.0.0.1 --port 0 \
        --log-level warning "$@" >"$work/$name.out" 2>"$work/$name.err" &
    pids+=($!)
    pid[$name]=$!
    for _ in $(seq 300); do
        if grep -q '^latchkey listening on' "$work/$name.out"; then break; fi
        sleep 0.1
    done
    url[$name]=$(grep -m1 -oE 'http://[^ ]+' "$work/$name.out") || { cat "$work/$name.err" >&2; exit 1; }
    "$python" "$root/Benchmarks/bench.py" prepare "${url[$name]}" "$work/requests-$name" >/dev/null
}
start sqlite
start postgres --database-url "$database_url"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tick=$(getconf CLK_TCK)
echo "round scenario store requests cpu_us_per_request"
for ((round = 1; round <= rounds; round++)); do
    order=(sqlite postgres)
    if ((round % 2 == 0)); then order=(postgres sqlite); fi
    for scenario in long-term temporary assume-role; do
        for store in "${order[@]}"; do
            before=$(cpu_ticks "${pid[$store]}")
            requests=$(wrk -t2 -c16 -d3s -s "$work/requests-$store/$scenario.lua" "${url[$store]}/" |
                awk '/^WRK_RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "requests") print kv[2] } }')
            after=$(cpu_ticks "${pid[$store]}")
            awk -v r="$round" -v s="$scenario" -v st="$store" -v n="$requests" -v t="$((after - before))" -v hz="$tick" \
                'BEGIN { printf "%d %s %s %d %.1f\n", r, s, st, n, t / hz * 1e6 / n }'
        done
    done
done | tee "$work/results"
echo
echo "median CPU per request (us) over $rounds rounds, PostgreSQL / SQLite:"
awk '{ v[$2 " " $3] = v[$2 " " $3] " " $5 }
    END { for (k in v) print k, v[k] }' "$work/results" | sort | python3 -c '
import statistics, sys
medians = {}
for line in sys.stdin:
    scenario, store, *values = line.split()
    medians[(scenario, store)] = statistics.median(float(v) for v in values)
for scenario in ("long-term", "temporary", "assume-role"):
    s, p = medians.get((scenario, "sqlite")), medians.get((scenario, "postgres"))
    if s and p:
        print(f"  {scenario:<12} SQLite {s:7.1f}  PostgreSQL {p:7.1f}  ratio {p / s:.2f}")
'
