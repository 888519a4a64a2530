#!/usr/bin/env bash
# Compares this checkout with an earlier revision on the same machine, in alternating rounds:
#
#   Benchmarks/compare.sh REV [ROUNDS]        # default 3 rounds; each round runs REV, then this checkout
#
# REV is checked out into a git worktree under .build-compare/ and built in release there (its own scratch path);
# each round runs that revision's Benchmarks/run.sh and then this checkout's, both at BENCH_CONNECTIONS (default
# 64). For every scenario it prints the ratio to the baseline server of each run, and the median over rounds of
# (this checkout's ratio / REV's ratio) with its range: 1.00 means no change, 0.95 five percent slower. The
# baseline server measured in the same run cancels out most of the machine's noise; alternating cancels drift.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
rev=${1:?usage: Benchmarks/compare.sh REV [ROUNDS]}
rounds=${2:-3}
export BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
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
for ((round = 1; round <= rounds; round++)); do
    echo "==> round $round of $rounds: $rev"
    BENCH_OUT="$out/old-$round" "$other/Benchmarks/run.sh" >"$out/old-$round.log" 2>&1 || { tail -20 "$out/old-$round.log"; exit 1; }
    echo "==> round $round of $rounds: this checkout"
    BENCH_OUT="$out/new-$round" "$root/Benchmarks/run.sh" >"$out/new-$round.log" 2>&1 || { tail -20 "$out/new-$round.log"; exit 1; }
done

python3 - "$out" "$rounds" <<'PYTHON'
import statistics
import sys
from pathlib import Path

out, rounds = Path(sys.argv[1]), int(sys.argv[2])

def ratios(results: Path) -> dict[tuple[str, str], float]:
    rates = {}
    for line in results.read_text().splitlines():
        scenario, connections, _, *fields = line.split()
        values = dict(field.split("=") for field in fields)
        rates[(scenario, connections)] = float(values["requests"]) / (float(values["duration_us"]) / 1e6)
    return {key: rate / rates[("baseline", key[1])] for key, rate in rates.items() if key[0] != "baseline"}

old = [ratios(out / f"old-{n}" / "results") for n in range(1, rounds + 1)]
new = [ratios(out / f"new-{n}" / "results") for n in range(1, rounds + 1)]
print(f"{'scenario':<22} {'conns':>5}  {'old ratio to baseline (per round)':<34} {'new ratio to baseline':<34} new/old median [min, max]")
for key in sorted(set(old[0]) & set(new[0])):
    before = [r[key] for r in old]
    after = [r[key] for r in new]
    change = [a / b for a, b in zip(after, before)]
    print(
        f"{key[0]:<22} {key[1]:>5}  {' '.join(f'{v:.3f}' for v in before):<34} {' '.join(f'{v:.3f}' for v in after):<34} "
        f"{statistics.median(change):.3f} [{min(change):.3f}, {max(change):.3f}]"
    )
PYTHON
echo "raw results and logs: $out"
