"""What the metrics cost: GetCallerIdentity (long-term key) and AssumeRole against two release servers of one binary,
`--metrics off` and `--metrics on`, in alternating rounds (docs/metrics.md). Both servers run with the access log and
the audit trail off, so the metrics are the only request observer of "on" (the completed-request record it needs is
counted in its cost) and "off" has none.

    .venv/bin/python Benchmarks/metrics.py [ROUNDS] [DURATION] [CONNECTIONS]

LATCHKEY_BIN names the binary (default .build-release/release/latchkey: `swift build -c release --scratch-path
.build-release --product latchkey`). Every round runs every server and scenario once (wrk -t2), the order reversed
every other round; the report gives "on"'s requests/s per round as a ratio to "off" of the same round and scenario,
and the median ratio, and the server's CPU time per request (utime + stime from /proc, which the machine's other load
disturbs much less than throughput) with its ratio. At the end "on"'s /metrics is read back, so the requests were
counted.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import access_log  # noqa: E402
import bench  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
QUIET = ["--access-log", "off", "--audit-store", "off"]
SETTINGS = {"off": [*QUIET, "--metrics", "off"], "on": [*QUIET, "--metrics", "on"]}
SCENARIOS = ("long-term", "assume-role")


def cpu_seconds(pid: int) -> float:
    """The process's user and system CPU time so far (/proc/PID/stat utime + stime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(script: Path, endpoint: str, duration: str, connections: int) -> tuple[float, int, float]:
    """requests/s, requests and p99 (ms) of one wrk run."""
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "-s", str(script), endpoint + "/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = access_log.RESULT.search(output)
    if match is None or int(match[5]) != 0:
        raise RuntimeError(f"wrk failed or saw errors: {output}")
    requests, duration_us, _, p99 = (int(match[i]) for i in range(1, 5))
    return requests / (duration_us / 1e6), requests, p99 / 1000


def scripts_for(endpoint: str, work: Path, name: str) -> dict[str, Path]:
    root = Credentials(bench.ROOT_ACCESS_KEY_ID, bench.ROOT_SECRET_ACCESS_KEY)
    out = work / f"{name}-scripts"
    out.mkdir()
    (out / "long-term.lua").write_text(bench.lua(bench.signed_headers(endpoint, root)))
    bench.prepare_assume_role(endpoint, root, out)
    return {scenario: out / f"{scenario}.lua" for scenario in SCENARIOS}


def main(arguments: list[str]) -> int:
    rounds = int(arguments[0]) if arguments else 6
    duration = arguments[1] if len(arguments) > 1 else "5s"
    connections = int(arguments[2]) if len(arguments) > 2 else 64
    binary = Path(os.environ.get("LATCHKEY_BIN", ROOT / ".build-release" / "release" / "latchkey"))
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        servers = {name: access_log.start(binary, work, name, args) for name, args in SETTINGS.items()}
        try:
            scripts = {}
            for name, (_, endpoint) in servers.items():
                urllib.request.urlopen(endpoint + "/healthz").read()
                scripts[name] = scripts_for(endpoint, work, name)
                for script in scripts[name].values():
                    access_log.run_wrk(script, endpoint, "2s", 16)  # warm-up
            rates = {(name, scenario): [] for name in SETTINGS for scenario in SCENARIOS}
            cpu = {(name, scenario): [] for name in SETTINGS for scenario in SCENARIOS}
            print(f"cores {os.cpu_count()}, load {Path('/proc/loadavg').read_text().split()[:3]}, {binary}")
            for round_number in range(rounds):
                order = list(SETTINGS) if round_number % 2 == 0 else list(reversed(SETTINGS))
                line = []
                for scenario in SCENARIOS:
                    for name in order:
                        process, endpoint = servers[name]
                        before = cpu_seconds(process.pid)
                        rate, requests, p99 = run_wrk(scripts[name][scenario], endpoint, duration, connections)
                        per_request = (cpu_seconds(process.pid) - before) / requests * 1e6
                        rates[(name, scenario)].append(rate)
                        cpu[(name, scenario)].append(per_request)
                        line.append(f"{scenario} {name} {rate:6.0f}/s {per_request:5.1f} us cpu p99 {p99:.1f} ms")
                print(f"round {round_number + 1}: " + " | ".join(line), flush=True)
                time.sleep(0.5)
            for scenario in SCENARIOS:
                ratios = [on / off for on, off in zip(rates[("on", scenario)], rates[("off", scenario)], strict=True)]
                print(
                    f"{scenario}: on / off median {statistics.median(ratios):.3f} "
                    f"[{min(ratios):.3f}-{max(ratios):.3f}] per round {' '.join(f'{r:.3f}' for r in ratios)}; "
                    f"off median {statistics.median(rates[('off', scenario)]):.0f}/s"
                )
                cpu_ratios = [on / off for on, off in zip(cpu[("on", scenario)], cpu[("off", scenario)], strict=True)]
                print(
                    f"{scenario}: server CPU per request on / off median {statistics.median(cpu_ratios):.3f} "
                    f"[{min(cpu_ratios):.3f}-{max(cpu_ratios):.3f}]; off median "
                    f"{statistics.median(cpu[('off', scenario)]):.1f} us, on median "
                    f"{statistics.median(cpu[('on', scenario)]):.1f} us"
                )
            text = urllib.request.urlopen(servers["on"][1] + "/metrics").read().decode()
            counted = sum(
                float(line.rsplit(" ", 1)[1])
                for line in text.splitlines()
                if line.startswith("latchkey_requests_total{") and 'outcome="ok"' in line
            )
            print(f"requests counted ok by the 'on' server: {counted:.0f}")
            off = urllib.request.Request(servers["off"][1] + "/metrics")
            try:
                urllib.request.urlopen(off)
                print("the 'off' server answered /metrics: it should not", file=sys.stderr)
                return 1
            except urllib.error.HTTPError as error:
                if error.code != 400:
                    print(f"the 'off' server answered /metrics with {error.code}, not 400", file=sys.stderr)
                    return 1
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
