"""How long a change made on one node takes to reach another (issue 13): revocation and key disabling.

    .venv/bin/python Benchmarks/propagation.py [TRIALS]       (default 30 trials of each)

Starts two `latchkey serve --database-url` nodes (the binary in LATCHKEY_BIN, else the release build in
.build-release, else the debug build) on a fresh database of the PostgreSQL server in BENCH_DATABASE_URL or
LATCHKEY_TEST_DATABASE_URL, else of a throw-away server started with scripts/postgres-cluster. Each trial:

- revocation: a fresh role session is used on both nodes (both have it in their caches), then revoked on node A with
  the RevokeSessions action; node B is asked GetCallerIdentity with it in a tight loop until it answers
  InvalidClientTokenId. The time is from the 200 of RevokeSessions to that first refusal.
- key disabled: a fresh user's key is used on both nodes, then made Inactive on node A (UpdateAccessKey); node B is
  polled the same way.

Each change is made after a random pause of up to 250 ms, so that the trials fall at every phase of the nodes'
200 ms change-feed poll. Prints each trial and the distribution (median, quartiles, 90th percentile, min-max). A poll is one signed request
on a new loopback connection (about a millisecond), which bounds the resolution.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Interop"))

from latchkey_harness import Keys, bootstrap_config, create_user_with_key, send_request, signed_request, unique  # noqa: E402
from multinode_harness import PrivatePostgres, start_cluster  # noqa: E402

GET_CALLER_IDENTITY = {"Action": "GetCallerIdentity", "Version": "2011-06-15"}
DEADLINE = 30.0


def code(endpoint: str, keys: Keys) -> str:
    response = send_request(signed_request(endpoint, GET_CALLER_IDENTITY, keys))
    return "OK" if response.status == 200 else response.xml_error()["Code"]


def until_refused(endpoint: str, keys: Keys, started: float) -> float:
    while time.monotonic() - started < DEADLINE:
        if code(endpoint, keys) == "InvalidClientTokenId":
            return time.monotonic() - started
    raise SystemExit(f"not refused on {endpoint} within {DEADLINE} s")


def revocation_trial(a, b, user: Keys, role_arn: str) -> float:
    session = Keys.from_response(a.sts(user).assume_role(RoleArn=role_arn, RoleSessionName="trial")["Credentials"])
    assert code(a.endpoint, session) == code(b.endpoint, session) == "OK"
    response = send_request(
        signed_request(
            a.endpoint,
            {"Action": "RevokeSessions", "Version": "2010-05-08", "AccessKeyId": session.access_key_id},
            service="iam",
        )
    )
    started = time.monotonic()
    if response.status != 200:
        raise SystemExit(f"RevokeSessions answered {response.status}: {response.text}")
    return until_refused(b.endpoint, session, started)


def key_trial(a, b) -> float:
    user = create_user_with_key(a)
    assert code(a.endpoint, user.keys) == code(b.endpoint, user.keys) == "OK"
    a.iam().update_access_key(UserName=user.name, AccessKeyId=user.keys.access_key_id, Status="Inactive")
    started = time.monotonic()
    return until_refused(b.endpoint, user.keys, started)


def describe(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    q1, median, q3 = statistics.quantiles(ms, n=4, method="inclusive")
    p90 = statistics.quantiles(ms, n=10, method="inclusive")[8]
    return (
        f"{name}: {len(ms)} trials, median {median:.0f} ms, IQR {q1:.0f}-{q3:.0f} ms, p90 {p90:.0f} ms, "
        f"min-max {ms[0]:.0f}-{ms[-1]:.0f} ms"
    )


def main() -> int:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    if "LATCHKEY_BIN" not in os.environ:
        for candidate in (ROOT / ".build-release" / "release" / "latchkey", ROOT / ".build" / "debug" / "latchkey"):
            if candidate.exists():
                os.environ["LATCHKEY_BIN"] = str(candidate)
                break
    print(f"latchkey: {os.environ.get('LATCHKEY_BIN')}")
    private = None
    server_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("LATCHKEY_TEST_DATABASE_URL")
    if not server_url:
        private = PrivatePostgres()
        server_url = private.start()
    directory = Path(tempfile.mkdtemp(prefix="latchkey-propagation-"))
    try:
        cluster = start_cluster(directory / "cluster", bootstrap_config(directory), count=2, server_url=server_url)
        try:
            a, b = cluster.nodes
            user = create_user_with_key(a)
            trust = {"Effect": "Allow", "Principal": {"AWS": user.arn}, "Action": "sts:AssumeRole"}
            role = a.iam().create_role(
                RoleName=unique("bench"),
                AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [trust]}),
            )["Role"]
            revocations, keys = [], []
            for trial in range(1, trials + 1):
                # A random pause, so that the changes fall at every phase of the nodes' 200 ms change-feed poll.
                time.sleep(random.uniform(0, 0.25))
                revocations.append(revocation_trial(a, b, user.keys, role["Arn"]))
                time.sleep(random.uniform(0, 0.25))
                keys.append(key_trial(a, b))
                print(
                    f"trial {trial:>3}: revocation {revocations[-1] * 1000:6.0f} ms, key disabled {keys[-1] * 1000:6.0f} ms"
                )
            print(describe("revoked session refused on the other node", revocations))
            print(describe("disabled key refused on the other node", keys))
        finally:
            cluster.stop()
    finally:
        if private is not None:
            private.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
