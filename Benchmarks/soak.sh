#!/usr/bin/env bash
# Soak: MINUTES of steady load on a release latchkey, reporting requests, errors and the server's memory over time.
#
#   Benchmarks/soak.sh MINUTES
#
# The load is wrk replaying, in turn, a GetCallerIdentity signed with a long-term key, one signed with session
# credentials, and an AssumeRole (the requests of Benchmarks/bench.py, signed again every 10 minutes because a
# SigV4 signature only replays for 15). It runs in segments of SOAK_SEGMENT seconds (default 60); after each, the
# script records the segment's requests and errors and the server's RSS, descriptors and threads from /proc.
# At the end it prints the table and a summary: total requests and errors, RSS after the warm-up (the first 20% of
# segments, at least one) and at the end, and the growth per 10 minutes over the first and the second half of the
# rest, so a leak (steady growth) can be told from a cache filling up (growth that slows to nothing).
#
# Environment: SOAK_CONNECTIONS (default 32), SOAK_SEGMENT (60), SOAK_NEW_CONNECTIONS=1 (every request on a new
# connection, `Connection: close`, to soak the accepting and closing of connections), SOAK_OUT (a directory to keep the table in),
# SOAK_NICE (default 10: the server and wrk run niced, so a shared machine stays usable), LATCHKEY_BIN (a latchkey
# binary to use instead of building one in release into .build-release).
set -euo pipefail

minutes=${1:?usage: Benchmarks/soak.sh MINUTES}
[[ $minutes =~ ^[0-9]+$ ]] && ((minutes > 0)) || { echo "MINUTES must be a positive whole number" >&2; exit 2; }
connections=${SOAK_CONNECTIONS:-32}
segment=${SOAK_SEGMENT:-60}
niceness=${SOAK_NICE:-10}

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
if [[ -n ${LATCHKEY_BIN:-} ]]; then
    latchkey=$LATCHKEY_BIN
else
    echo "==> release build (scratch path $root/.build-release)"
    swift build -c release --scratch-path "$root/.build-release" --product latchkey
    latchkey="$(swift build -c release --scratch-path "$root/.build-release" --show-bin-path)/latchkey"
fi
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
python=python3
if [[ -x $root/.venv/bin/python ]]; then python=$root/.venv/bin/python; fi

work=$(mktemp -d)
server_pid=
cleanup() {
    if [[ -n $server_pid ]]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/latchkey.yaml" <<'YAML'
accounts:
  - id: "111122223333"
    rootAccessKeys:
      - {accessKeyId: AKIAIOSFODNN7EXAMPLE, secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}
YAML

nice -n "$niceness" "$latchkey" serve --config "$work/latchkey.yaml" --data-dir "$work/data" --port 0 \
    --log-level warning >"$work/latchkey.out" 2>"$work/latchkey.err" &
server_pid=$!
url=
for ((attempt = 0; attempt < 300; attempt++)); do
    if line=$(grep -m1 -oE '^latchkey listening on http://[^ ]+$' "$work/latchkey.out"); then url=${line#latchkey listening on }; break; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
[[ -n $url ]] || { echo "latchkey did not start:" >&2; cat "$work/latchkey.out" "$work/latchkey.err" >&2; exit 1; }
echo "==> latchkey $("$latchkey" --version) on $url, pid $server_pid; $minutes minutes, $connections connections"

"$python" "$root/Benchmarks/bench.py" prepare "$url" "$work/requests"
mixed_mode=()
if [[ ${SOAK_NEW_CONNECTIONS:-0} == 1 ]]; then mixed_mode=(close); fi
"$python" "$root/Benchmarks/bench.py" mixed "$work/requests" "${mixed_mode[@]}"

calc() { awk "BEGIN { print $1 }"; }

# rss_kb, fds, threads of the server now
sample() {
    local rss threads fds
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status")
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$server_pid/status")
    fds=$(ls "/proc/$server_pid/fd" | wc -l)
    echo "$rss $fds $threads"
}

segments=$(((minutes * 60 + segment - 1) / segment))
table="$work/table.txt"
printf '%8s %10s %9s %7s %8s %8s %5s %7s\n' minute requests "req/s" non2xx socket_err rss_mb fds threads | tee "$table"
read -r rss fds threads < <(sample)
printf '%8.1f %10s %9s %7s %8s %8.1f %5s %7s\n' 0 - - - - "$(calc "$rss / 1024")" "$fds" "$threads" | tee -a "$table"
last_signed=$SECONDS
total_requests=0
total_errors=0
for ((index = 1; index <= segments; index++)); do
    if ((SECONDS - last_signed >= 600)); then
        "$python" "$root/Benchmarks/bench.py" resign "$url" "$work/requests"
        "$python" "$root/Benchmarks/bench.py" mixed "$work/requests" "${mixed_mode[@]}"
        last_signed=$SECONDS
    fi
    threads_wrk=2
    ((connections < 2)) && threads_wrk=1
    result=$(nice -n "$niceness" wrk -t"$threads_wrk" -c"$connections" -d"${segment}s" -s "$work/requests/mixed.lua" "$url/" \
        | grep -m1 '^WRK_RESULT') || { echo "wrk failed in segment $index" >&2; exit 1; }
    kill -0 "$server_pid" 2>/dev/null || { echo "latchkey exited during segment $index:" >&2; cat "$work/latchkey.err" >&2; exit 1; }
    requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$result")
    duration_us=$(sed -E 's/.*duration_us=([0-9]+).*/\1/' <<<"$result")
    non2xx=$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$result")
    socket_errors=$(sed -E 's/.*socket_errors=([0-9]+).*/\1/' <<<"$result")
    total_requests=$((total_requests + requests))
    total_errors=$((total_errors + non2xx + socket_errors))
    read -r rss fds threads < <(sample)
    printf '%8.1f %10s %9.0f %7s %8s %8.1f %5s %7s\n' "$(calc "$index * $segment / 60")" "$requests" \
        "$(calc "$requests / ($duration_us / 1000000)")" "$non2xx" "$socket_errors" "$(calc "$rss / 1024")" \
        "$fds" "$threads" | tee -a "$table"
done

"$python" - "$table" "$total_requests" "$total_errors" <<'PY' | tee -a "$table"
import sys
lines = [line.split() for line in open(sys.argv[1]).read().splitlines()[1:]]
start, rows = lines[0], lines[1:]
minutes = [float(r[0]) for r in rows]
rss = [float(r[5]) for r in rows]
warm = max(1, len(rows) // 5)
rest = list(zip(minutes[warm - 1:], rss[warm - 1:]))
def slope(points):
    if len(points) < 2 or points[-1][0] == points[0][0]:
        return 0.0
    n = len(points)
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    sxx = sum((p[0] - mx) ** 2 for p in points)
    return sum((p[0] - mx) * (p[1] - my) for p in points) / sxx * 10 if sxx else 0.0
half = len(rest) // 2
print(f"total: {int(sys.argv[2])} requests, {int(sys.argv[3])} errors (non-2xx or socket) over {minutes[-1]:.0f} minutes")
print(f"RSS: {float(start[5]):.1f} MB at start, {rss[warm - 1]:.1f} MB after the warm-up ({minutes[warm - 1]:.0f} min), "
      f"{rss[-1]:.1f} MB at the end, peak {max(rss):.1f} MB")
print(f"RSS growth after the warm-up, MB per 10 minutes (least squares): first half {slope(rest[:half + 1]):.2f}, "
      f"second half {slope(rest[half:]):.2f}")
PY
if [[ -n ${SOAK_OUT:-} ]]; then mkdir -p "$SOAK_OUT"; cp "$table" "$SOAK_OUT/"; fi
((total_errors == 0)) || { echo "the soak saw $total_errors errors" >&2; exit 1; }
