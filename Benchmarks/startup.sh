#!/usr/bin/env bash
# Start-up time and idle memory of the release `latchkey serve`. See Benchmarks/README.md.
#
#   Benchmarks/startup.sh [RUNS]      # default 10 (or STARTUP_RUNS)
#
# Each run starts `latchkey serve --port 0` on a fresh temporary data dir with no configuration file (the default
# settings: the server creates its master key, its database and an account, and prints the account's root key),
# and measures, in Python (Benchmarks/bench.py startup):
#   - the time from just before the exec (subprocess.Popen) to the line "latchkey listening on ..." on stdout,
#   - the time from just before the exec to the end of the first 200 answer to a GetCallerIdentity signed with the
#     printed root key (so the store, the key lookup and SigV4 verification are up, not only the socket),
#   - VmRSS (and VmHWM, the peak) from /proc/PID/status after STARTUP_SETTLE seconds of idling (default 1).
# It prints each run and the median and range. Environment: LATCHKEY_BIN (a prebuilt binary; otherwise this checkout
# is built in release into .build-release), STARTUP_RUNS, STARTUP_SETTLE.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
runs=${1:-${STARTUP_RUNS:-10}}
settle=${STARTUP_SETTLE:-1}

if [[ -n ${LATCHKEY_BIN:-} ]]; then
    latchkey=$LATCHKEY_BIN
else
    scratch="$root/.build-release"
    echo "==> release build (scratch path $scratch)"
    swift build -c release --scratch-path "$scratch" --product latchkey
    latchkey="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/latchkey"
fi

python=python3
if [[ -x $root/.venv/bin/python ]]; then python=$root/.venv/bin/python; fi

echo "latchkey: $(realpath "$latchkey") ($("$latchkey" --version 2>/dev/null || echo "unknown version"))"
echo "machine: $(nproc) cores, load average (1/5/15 min) before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$runs runs, fresh data dir each, default settings, --port 0; RSS after $settle s idle (MB = VmRSS kB / 1024)"
"$python" "$root/Benchmarks/bench.py" startup "$latchkey" "$runs" "$settle"
