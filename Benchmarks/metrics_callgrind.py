"""What the metrics cost in instructions, which the machine's other load does not disturb: the release server runs
under valgrind's callgrind with `--metrics off` and `--metrics on` (access log and audit trail off in both), answers
LOW and then HIGH pre-signed GetCallerIdentity requests over one keep-alive connection, and stops; the instructions
per request are (Ir(HIGH) - Ir(LOW)) / (HIGH - LOW), so start-up and one-time costs cancel out.

    .venv/bin/python Benchmarks/metrics_callgrind.py [LOW] [HIGH]     # default 200 1000

LATCHKEY_BIN names the binary (default .build-release/release/latchkey); a copy without its DWARF debug info is made
first (valgrind 3.19 cannot read Swift 6's). Needs valgrind (Debian's package). Takes about three minutes.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")


def instructions(binary: Path, work: Path, mode: str, requests: int) -> int:
    config = work / "latchkey.yaml"
    config.write_text(
        "accounts:\n"
        '  - id: "111122223333"\n'
        "    rootAccessKeys:\n"
        f"      - {{accessKeyId: {bench.ROOT_ACCESS_KEY_ID}, secretAccessKey: {bench.ROOT_SECRET_ACCESS_KEY}}}\n"
    )
    out = work / f"callgrind-{mode}-{requests}.out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LATCHKEY_")}
    server = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", str(binary), "serve"]
        + ["--data-dir", str(work / f"{mode}-{requests}"), "--port", "0", "--config", str(config)]
        + ["--access-log", "off", "--audit-store", "off", "--metrics", mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    port = next(int(match[1]) for line in server.stdout if (match := LISTENING.search(line)))
    endpoint = f"http://127.0.0.1:{port}"
    headers = bench.signed_headers(endpoint, Credentials(bench.ROOT_ACCESS_KEY_ID, bench.ROOT_SECRET_ACCESS_KEY))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(requests):
        connection.request("POST", "/", body=bench.BODY, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GetCallerIdentity answered {response.status}")
    connection.close()
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=300)
    match = re.search(r"^(?:summary|totals): (\d+)", out.read_text(errors="replace"), re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no instruction total in {out}")
    return int(match[1])


def main(arguments: list[str]) -> int:
    low = int(arguments[0]) if arguments else 200
    high = int(arguments[1]) if len(arguments) > 1 else 1000
    binary = Path(os.environ.get("LATCHKEY_BIN", ROOT / ".build-release" / "release" / "latchkey"))
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        stripped = work / "latchkey"
        subprocess.run(["objcopy", "--strip-debug", str(binary), str(stripped)], check=True)
        per_request = {}
        for mode in ("off", "on"):
            few = instructions(stripped, work, mode, low)
            many = instructions(stripped, work, mode, high)
            per_request[mode] = (many - few) / (high - low)
            each = per_request[mode]
            print(f"metrics {mode}: {low} requests {few} Ir, {high} requests {many} Ir, {each:.0f} Ir each")
        extra = per_request["on"] - per_request["off"]
        print(f"on / off instructions per request: {per_request['on'] / per_request['off']:.4f} ({extra:+.0f} Ir)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
