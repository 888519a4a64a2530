"""What the access log costs: GetCallerIdentity (long-term key) against release servers of one binary with the access
log off, on in text format and on in JSON format, in alternating rounds (docs/logging.md).

    .venv/bin/python Benchmarks/access_log.py [ROUNDS] [DURATION] [CONNECTIONS]

LATCHKEY_BIN names the binary (default .build-release/release/latchkey: `swift build -c release --scratch-path
.build-release --product latchkey`). Each server writes its stderr to a file on disk, as under systemd with a file or
journald. Every round runs every server once (wrk -t2), the order reversed every other round; the report gives each
setting's requests/s per round as a ratio to "off" of the same round, and the median ratio.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {
    "off": ["--access-log", "off"],
    "text": ["--access-log", "on"],
    "json": ["--access-log", "on", "--log-format", "json"],
}
LISTENING = re.compile(r"latchkey listening on http://127\.0\.0\.1:(\d+)")
RESULT = re.compile(r"WRK_RESULT requests=(\d+) duration_us=(\d+) p50_us=(\d+) p99_us=(\d+) non2xx=(\d+)")


def start(binary: Path, work: Path, name: str, args: list[str]) -> tuple[subprocess.Popen, str]:
    config = work / "latchkey.yaml"
    config.write_text(
        "accounts:\n"
        '  - id: "111122223333"\n'
        "    rootAccessKeys:\n"
        f"      - {{accessKeyId: {bench.ROOT_ACCESS_KEY_ID}, secretAccessKey: {bench.ROOT_SECRET_ACCESS_KEY}}}\n"
    )
    stderr = (work / f"{name}.log").open("w")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LATCHKEY_")}
    process = subprocess.Popen(
        [str(binary), "serve", "--data-dir", str(work / name), "--port", "0", "--config", str(config), *args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=env,
    )
    for line in process.stdout:
        match = LISTENING.search(line)
        if match:
            return process, f"http://127.0.0.1:{match[1]}"
    raise RuntimeError(f"{name} did not start; see {work / name}.log")


def run_wrk(script: Path, endpoint: str, duration: str, connections: int) -> tuple[float, float, float]:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "-s", str(script), endpoint + "/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = RESULT.search(output)
    if match is None or int(match[5]) != 0:
        raise RuntimeError(f"wrk failed or saw errors: {output}")
    requests, duration_us, p50, p99 = (int(match[i]) for i in range(1, 5))
    return requests / (duration_us / 1e6), p50 / 1000, p99 / 1000


def main(arguments: list[str]) -> int:
    rounds = int(arguments[0]) if arguments else 6
    duration = arguments[1] if len(arguments) > 1 else "5s"
    connections = int(arguments[2]) if len(arguments) > 2 else 32
    binary = Path(os.environ.get("LATCHKEY_BIN", ROOT / ".build-release" / "release" / "latchkey"))
    root = Credentials(bench.ROOT_ACCESS_KEY_ID, bench.ROOT_SECRET_ACCESS_KEY)
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        servers = {name: start(binary, work, name, args) for name, args in SETTINGS.items()}
        try:
            scripts = {}
            for name, (_, endpoint) in servers.items():
                urllib.request.urlopen(endpoint + "/healthz").read()
                scripts[name] = work / f"{name}.lua"
                scripts[name].write_text(bench.lua(bench.signed_headers(endpoint, root)))
                run_wrk(scripts[name], endpoint, "2s", 16)  # warm-up
            rates: dict[str, list[float]] = {name: [] for name in SETTINGS}
            print(f"cores {os.cpu_count()}, load {Path('/proc/loadavg').read_text().split()[:3]}, {binary}")
            for round_number in range(rounds):
                order = list(SETTINGS) if round_number % 2 == 0 else list(reversed(SETTINGS))
                line = []
                for name in order:
                    rate, p50, p99 = run_wrk(scripts[name], servers[name][1], duration, connections)
                    rates[name].append(rate)
                    line.append(f"{name} {rate:8.0f}/s p50 {p50:.2f} ms p99 {p99:.2f} ms")
                print(f"round {round_number + 1}: " + " | ".join(line), flush=True)
                time.sleep(0.5)
            for name in ("text", "json"):
                ratios = [on / off for on, off in zip(rates[name], rates["off"], strict=True)]
                print(
                    f"{name} / off: median {statistics.median(ratios):.3f} "
                    f"[{min(ratios):.3f}-{max(ratios):.3f}] per round {' '.join(f'{r:.3f}' for r in ratios)}"
                )
            lines = sum(1 for _ in (work / "json.log").open())
            print(f"access lines written by the json server: {lines}")
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
