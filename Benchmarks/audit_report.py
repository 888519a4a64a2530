"""The report of Benchmarks/audit.sh: `audit_report.py RESULTS`.

RESULTS has one line per run, "round target connections WRK_RESULT requests=... duration_us=... p50_us=... p99_us=...
non2xx=... socket_errors=...", the targets being `baseline` and `audit-{off,file,store}-SCENARIO`.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

GOAL = 0.90  # issue 14: with the audit trail on, at most 10% slower than with it off
SETTINGS = ("off", "file", "store")
NAMES = {"long-term": "GetCallerIdentity, long-term key", "temporary": "GetCallerIdentity, session",
         "assume-role": "AssumeRole"}


def parse(line: str) -> tuple[int, str, int, dict[str, float]]:
    round_, target, connections, marker, *values = line.split()
    assert marker == "WRK_RESULT", line
    fields = {key: float(value) for key, value in (value.split("=", 1) for value in values) if value}
    fields["rate"] = fields["requests"] / (fields["duration_us"] / 1e6)
    return int(round_), target, int(connections), fields


def spread(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.3f} [{min(values):.3f}-{max(values):.3f}]"


def main(results: Path) -> int:
    runs = {(r, t, c): v for r, t, c, v in (parse(line) for line in results.read_text().splitlines() if line.strip())}
    rounds = sorted({r for r, _, _ in runs})
    connection_counts = sorted({c for _, _, c in runs})
    scenarios = list(dict.fromkeys(t.split("-", 2)[2] for _, t, _ in runs if t.startswith("audit-")))

    def rate(round_: int, target: str, connections: int) -> float | None:
        run = runs.get((round_, target, connections))
        return run["rate"] if run else None

    for connections in connection_counts:
        print(f"{connections} connections, {len(rounds)} rounds. Per round: req/s / the ceiling's req/s of the same "
              f"round; then each audit setting / audit off of the same round.")
        ceiling = [rate(r, "baseline", connections) for r in rounds]
        print(f"  {'ceiling req/s':<40} " + " ".join(f"{v:>7.0f}" if v else f"{'-':>7}" for v in ceiling))
        summary = []
        for scenario in scenarios:
            by_setting: dict[str, list[float]] = {}
            for setting in SETTINGS:
                target = f"audit-{setting}-{scenario}"
                ratios = [rate(r, target, connections) / ceiling[i] for i, r in enumerate(rounds)
                          if rate(r, target, connections) and ceiling[i]]
                by_setting[setting] = ratios
                print(f"  {target:<40} " + " ".join(f"{v:>7.3f}" for v in ratios))
            for setting in ("file", "store"):
                relative = [rate(r, f"audit-{setting}-{scenario}", connections)
                            / rate(r, f"audit-off-{scenario}", connections)
                            for r in rounds
                            if rate(r, f"audit-{setting}-{scenario}", connections)
                            and rate(r, f"audit-off-{scenario}", connections)]
                print(f"  {f'{setting} / off, {scenario}':<40} " + " ".join(f"{v:>7.3f}" for v in relative))
                summary.append((scenario, setting, by_setting, relative))
        print()
        print(f"| Scenario ({connections} connections) | off / ceiling | file / ceiling | store / ceiling "
              f"| file / off | store / off | goal >= {GOAL:.2f} |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for scenario in scenarios:
            rows = {setting: relative for s, setting, _, relative in summary if s == scenario}
            by_setting = next(b for s, _, b, _ in summary if s == scenario)
            verdicts = []
            for setting in ("file", "store"):
                if rows[setting]:
                    met = statistics.median(rows[setting]) >= GOAL
                    verdicts.append(f"{setting} {'met' if met else 'not met'}")
            print(f"| {NAMES.get(scenario, scenario)} | {spread(by_setting['off'])} | {spread(by_setting['file'])} "
                  f"| {spread(by_setting['store'])} | {spread(rows['file'])} | {spread(rows['store'])} "
                  f"| {', '.join(verdicts)} |")
        print()
        if any("cpu_us" in run for run in runs.values()):
            print(f"The server's CPU time per request (user + system, its audit writer included), microseconds: median "
                  f"[min-max] over the rounds; and per round, off's CPU / the setting's CPU (>= {GOAL:.2f}: at most "
                  f"{1 / GOAL - 1:.0%} more CPU)")
            print(f"| Scenario ({connections} connections) | off | file | store | off / file | off / store |")
            print("| --- | --- | --- | --- | --- | --- |")
            for scenario in scenarios:
                cpu = {setting: [runs[(r, f"audit-{setting}-{scenario}", connections)]["cpu_us"] for r in rounds
                                 if (r, f"audit-{setting}-{scenario}", connections) in runs] for setting in SETTINGS}
                cells = [f"{statistics.median(v):.1f} [{min(v):.1f}-{max(v):.1f}]" if v else "-" for v in cpu.values()]
                relative = [spread([o / x for o, x in zip(cpu["off"], cpu[setting], strict=False) if x > 0])
                            for setting in ("file", "store")]
                print(f"| {NAMES.get(scenario, scenario)} | {' | '.join(cells)} | {' | '.join(relative)} |")
            print()
        for setting in SETTINGS:
            total = sum(run["requests"] for (_, t, c), run in runs.items() if c == connections
                        and t.startswith(f"audit-{setting}-"))
            print(f"requests measured against audit {setting}: {total:.0f}")
        print()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
