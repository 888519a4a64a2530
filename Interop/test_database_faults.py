"""The database goes away under a running node: requests that need it answer AWS's `ServiceUnavailable` (503, never
a 500 or a hang) within 2 seconds, requests that do not need it keep working, and once the database is back the node
serves again without a restart. The database is a throw-away PostgreSQL of the test's own (scripts/postgres-cluster),
stopped and started again on the same port."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from latchkey_harness import ACCOUNT_ID, Keys, Server, bootstrap_config, stop_cleanly, unique
from multinode_harness import PrivatePostgres, database_server_url, new_master_key, report_figure, wait_until

pytestmark = [
    pytest.mark.single_node,
    pytest.mark.skipif(database_server_url() is None, reason="LATCHKEY_TEST_DATABASE_URL is not set (no PostgreSQL)"),
]

# What "within 2 seconds" is checked against: generous, since the machine is shared; the times are reported.
GENEROUS = 10.0


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    cluster = PrivatePostgres()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def status_of(endpoint: str, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(endpoint + path, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def timed_failure(call, *args, **kwargs) -> tuple[str, int, float]:
    """Runs a boto3 call that must fail; returns its code, HTTP status and how long it took."""
    started = time.monotonic()
    try:
        call(*args, **kwargs)
    except ClientError as error:
        elapsed = time.monotonic() - started
        return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"], elapsed
    raise AssertionError(f"{call} succeeded with the database down")


def test_database_down_answers_503_quickly_and_recovers_without_restart(
    postgres: PrivatePostgres, tmp_path: Path
) -> None:
    server = Server(
        tmp_path / "data",
        bootstrap_config(tmp_path),
        tmp_path / "server.log",
        args=["--database-url", postgres.url],
        env={"LATCHKEY_MASTER_KEY": new_master_key()},
    ).start()
    try:
        iam = server.iam()
        name = unique("fault-user")
        iam.create_user(UserName=name)
        user_keys = Keys.from_response(iam.create_access_key(UserName=name)["AccessKey"])
        unused_name = unique("fault-unused")
        iam.create_user(UserName=unused_name)
        unused_keys = Keys.from_response(iam.create_access_key(UserName=unused_name)["AccessKey"])
        session = Keys.from_response(server.sts(user_keys).get_session_token()["Credentials"])
        assert server.sts(session).get_caller_identity()["Account"] == ACCOUNT_ID
        user_arn = iam.get_user(UserName=name)["User"]["Arn"]
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}],
        }
        role_arn = iam.create_role(RoleName=unique("fault-role"), AssumeRolePolicyDocument=json.dumps(trust))["Role"][
            "Arn"
        ]
        server.sts(user_keys).assume_role(RoleArn=role_arn, RoleSessionName="warm")

        postgres.stop()

        needing_store = {
            "CreateUser": lambda: iam.create_user(UserName=unique("during-outage")),
            "ListUsers": lambda: iam.list_users(),
            "GetUser": lambda: iam.get_user(UserName=name),
            "GetCallerIdentity (a long-term key never used before)": lambda: server.sts(
                unused_keys
            ).get_caller_identity(),
            "GetSessionToken": lambda: server.sts(unused_keys).get_session_token(),
        }
        times: dict[str, float] = {}
        for label, call in needing_store.items():
            code, status, elapsed = timed_failure(call)
            assert (code, status) == ("ServiceUnavailable", 503), f"{label}: {code} {status}"
            assert elapsed < GENEROUS, f"{label} took {elapsed:.2f} s"
            times[label] = elapsed
        report_figure(
            "database down, single node: 503 ServiceUnavailable in "
            + ", ".join(f"{label} {elapsed * 1000:.0f} ms" for label, elapsed in times.items())
        )

        # Temporary credentials need no store; a long-term key used just before is served from the node's cache
        # (stale if error) while the store cannot answer.
        started = time.monotonic()
        assert server.sts(session).get_caller_identity()["Account"] == ACCOUNT_ID
        assert server.sts(user_keys).get_caller_identity()["Arn"].endswith(f":user/{name}")
        # An AssumeRole whose role and policies this node has cached (used just before) is answered from the cache.
        assumed = server.sts(user_keys).assume_role(RoleArn=role_arn, RoleSessionName="during-outage")
        assert ":assumed-role/" in assumed["AssumedRoleUser"]["Arn"]
        report_figure(
            f"database down: GetCallerIdentity with temporary credentials 200 in {time.monotonic() - started:.3f} s"
        )

        ready_status, ready = status_of(server.endpoint, "/readyz")
        assert ready_status == 503, ready
        assert "store" in ready["failing"], ready
        assert status_of(server.endpoint, "/healthz") == (200, {"status": "ok"})

        postgres.restart_on_same_port()

        statuses: list[int] = []

        def creates() -> bool:
            try:
                iam.create_user(UserName=unique("after-outage"))
                return True
            except ClientError as error:
                statuses.append(error.response["ResponseMetadata"]["HTTPStatusCode"])
                return False

        recovered = wait_until(creates, deadline=60.0, interval=0.2)
        assert recovered is not None, "the node did not recover within 60 s of the database's return"
        assert set(statuses) <= {503}, statuses
        report_figure(f"database back: the node served IAM writes again {recovered:.2f} s after the restart")
        assert status_of(server.endpoint, "/readyz")[0] == 200
        assert server.sts(unused_keys).get_caller_identity()["Account"] == ACCOUNT_ID
    finally:
        stop_cleanly(server)
