#!/usr/bin/env bash
# Compares this checkout with an earlier revision on the same machine, in alternating rounds:
#
#   Benchmarks/compare.sh REV [ROUNDS]        # default 4 rounds; odd rounds run REV first, even rounds this checkout
#
# REV is checked out into a git worktree under .build-compare/ and built in release there (its own scratch path);
# each round runs that revision's Benchmarks/run.sh and then this checkout's, both at BENCH_CONNECTIONS (default
# 64). For every scenario it prints the ratio to the baseline server of each run, the median over rounds of
# (this checkout's ratio / REV's ratio) with its range, and the median of the plain requests/s ratio of the two
# runs of a round: 1.00 means no change, 0.95 five percent slower. The order alternates because the second run of a
# round was measured systematically slower on the shared development machine (2026-12-07: a 0.84 "regression" with
# REV always first was 0.99-1.01 with the order reversed); the baseline server, measured in every run, varies by
# up to 15% between runs on its own, so read both columns.
#
# Each run.sh measures one round of its own (BENCH_ROUNDS=1, no start-up measurement) with BENCH_DURATION (default
# 10s, the older run.sh's default, so both revisions run equally long); a run.sh from before the rounds ignores those
# settings. To measure an older binary with this checkout's run.sh in its own alternating rounds instead, give it
# LATCHKEY_BIN (see Benchmarks/README.md).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
rev=${1:?usage: Benchmarks/compare.sh REV [ROUNDS]}
rounds=${2:-4}
export BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
export BENCH_DURATION=${BENCH_DURATION:-10s}
export BENCH_ROUNDS=1 BENCH_ALLOW_FEW_ROUNDS=1 BENCH_STARTUP=0
other="$root/.build-compare/$(git rev-parse --short "$rev")"
out="$root/.build-compare/results-$(date +%Y%m%d-%H%M%S)"

if [[ ! -d $other ]]; then
    git worktree add --detach "$other" "$rev" >/dev/null
fi
# SwiftPM keys its build folder by the package's path: run the other checkout from its real path, so a build made
# there (or a symbolic link to an existing checkout) is reused rather than rebuilt.
other=$(realpath "$other")
# The earlier revision's run.sh looks for the Python venv in its own checkout.
[[ -e $other/.venv || ! -d $root/.venv ]] || ln -s "$root/.venv" "$other/.venv"

mkdir -p "$out"
echo "==> machine: $(nproc) cores, load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
run_old() {
    echo "==> round $1 of $rounds: $rev"
    BENCH_OUT="$out/old-$1" "$other/Benchmarks/run.sh" >"$out/old-$1.log" 2>&1 || { tail -20 "$out/old-$1.log"; exit 1; }
}
run_new() {
    echo "==> round $1 of $rounds: this checkout"
    BENCH_OUT="$out/new-$1" "$root/Benchmarks/run.sh" >"$out/new-$1.log" 2>&1 || { tail -20 "$out/new-$1.log"; exit 1; }
}
for ((round = 1; round <= rounds; round++)); do
    if ((round % 2 == 1)); then run_old "$round"; run_new "$round"; else run_new "$round"; run_old "$round"; fi
done

python3 - "$out" "$rounds" <<'PYTHON'
import statistics
import sys
from pathlib import Path

out, rounds = Path(sys.argv[1]), int(sys.argv[2])

def rates(results: Path) -> dict[tuple[str, str], float]:
    rates = {}
    for line in results.read_text().splitlines():
        if not line.strip():
            continue
        if line.split()[2] != "WRK_RESULT":
            line = line.split(maxsplit=1)[1]  # this checkout's run.sh starts each line with the round
        scenario, connections, _, *fields = line.split()
        values = dict(field.split("=") for field in fields)
        rates[(scenario, connections)] = float(values["requests"]) / (float(values["duration_us"]) / 1e6)
    return rates

def ratios(rates: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    return {key: rate / rates[("baseline", key[1])] for key, rate in rates.items() if key[0] != "baseline"}

old_rates = [rates(out / f"old-{n}" / "results") for n in range(1, rounds + 1)]
new_rates = [rates(out / f"new-{n}" / "results") for n in range(1, rounds + 1)]
old = [ratios(r) for r in old_rates]
new = [ratios(r) for r in new_rates]
print(
    f"{'scenario':<22} {'conns':>5}  {'old ratio to baseline (per round)':<34} {'new ratio to baseline':<34} "
    "new/old of ratios: median [min, max]   new/old of req/s: median [min, max]"
)
for key in sorted(set(old[0]) & set(new[0])):
    before = [r[key] for r in old]
    after = [r[key] for r in new]
    change = [a / b for a, b in zip(after, before)]
    plain = [n[key] / o[key] for n, o in zip(new_rates, old_rates)]
    print(
        f"{key[0]:<22} {key[1]:>5}  {' '.join(f'{v:.3f}' for v in before):<34} {' '.join(f'{v:.3f}' for v in after):<34} "
        f"{statistics.median(change):.3f} [{min(change):.3f}, {max(change):.3f}]            "
        f"{statistics.median(plain):.3f} [{min(plain):.3f}, {max(plain):.3f}]"
    )
PYTHON
echo "raw results and logs: $out"
