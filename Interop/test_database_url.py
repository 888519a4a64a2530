"""`latchkey serve --database-url`: one node on a fresh PostgreSQL database (on `LATCHKEY_TEST_DATABASE_URL`'s
server) serves the usual boto3 flows and its health endpoints; bad input (a malformed URL, an unreachable or missing
database, wrong credentials, a wrong master key, a database migrated by a newer Latchkey) exits non-zero at start with
a clear message and writes nothing."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from latchkey_harness import ACCOUNT_ID, Keys, Server, binary_path, bootstrap_config, stop_cleanly, unique
from multinode_harness import PrivatePostgres, TestDatabase, database_server_url, new_master_key, psql

pytestmark = [
    pytest.mark.single_node,
    pytest.mark.skipif(database_server_url() is None, reason="LATCHKEY_TEST_DATABASE_URL is not set"),
]

EXIT_TIMEOUT = 60


@pytest.fixture
def database() -> Iterator[TestDatabase]:
    created = TestDatabase(database_server_url() or "", prefix="latchkey_url")
    try:
        yield created
    finally:
        created.drop()


def tables(database: TestDatabase) -> list[str]:
    return database.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog','information_schema')"
    ).split()


def serve_to_exit(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, timeout: float = EXIT_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """Runs `latchkey serve` that must exit by itself (a refused start) and returns how it ended."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LATCHKEY_")}
    full_env.update(env or {})
    command = [str(binary_path()), "serve", "--data-dir", str(tmp_path / "data"), "--host", "127.0.0.1", "--port", "0"]
    return subprocess.run([*command, *args], capture_output=True, text=True, env=full_env, timeout=timeout)


def assert_refused(output: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """The start failed with status 1, its last stderr line says `latchkey: ...` with every fragment, and nothing was
    created or printed."""
    assert output.returncode == 1, output
    last = output.stderr.strip().splitlines()[-1]
    assert last.startswith("latchkey: "), output.stderr
    for fragment in fragments:
        assert fragment in last, output.stderr
    assert "listening" not in output.stdout, output.stdout
    assert "AWS_SECRET_ACCESS_KEY" not in output.stdout, output.stdout
    return last


def closed_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


def get(endpoint: str, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(endpoint + path, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_serves_the_usual_flows_on_postgresql(database: TestDatabase, tmp_path: Path) -> None:
    key = new_master_key()
    server = Server(
        tmp_path / "data",
        bootstrap_config(tmp_path),
        tmp_path / "server.log",
        args=["--database-url", database.url, "--database-pool-size", "4"],
        env={"LATCHKEY_MASTER_KEY": key},
    ).start()
    try:
        # The store is in PostgreSQL: the data folder is neither created nor locked.
        assert not (tmp_path / "data").exists()
        assert "latchkey_migrations" in tables(database)
        assert get(server.endpoint, "/healthz") == (200, {"status": "ok"})
        status, body = get(server.endpoint, "/readyz")
        assert status == 200, body
        assert body["status"] == "ready"

        iam = server.iam()
        name = unique("pg-user")
        user = iam.create_user(UserName=name)["User"]
        keys = Keys.from_response(iam.create_access_key(UserName=name)["AccessKey"])
        identity = server.sts(keys).get_caller_identity()
        assert identity["Arn"] == user["Arn"]
        assert identity["Account"] == ACCOUNT_ID

        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": user["Arn"]}, "Action": "sts:AssumeRole"}],
        }
        role = iam.create_role(RoleName=unique("pg-role"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        session = server.sts(keys).assume_role(RoleArn=role["Arn"], RoleSessionName="pg")["Credentials"]
        assumed = server.sts(Keys.from_response(session)).get_caller_identity()
        assert ":assumed-role/" in assumed["Arn"]
        # What was written is in the database.
        assert database.query(f"SELECT count(*) FROM users WHERE user_name = '{name}'").strip() == "1"

        # The password of the URL never reaches the log.
        log = (tmp_path / "server.log").read_text()
        assert "opening the store" in log
    finally:
        stop_cleanly(server)
    # A restart on the same database with the same key keeps everything.
    again = Server(
        tmp_path / "data2",
        bootstrap_config(tmp_path),
        tmp_path / "server2.log",
        args=["--database-url", database.url],
        env={"LATCHKEY_MASTER_KEY": key},
    ).start()
    try:
        assert again.sts(keys).get_caller_identity()["Arn"] == user["Arn"]
    finally:
        stop_cleanly(again)


def test_password_is_never_logged(database: TestDatabase, tmp_path: Path) -> None:
    # Trust authentication accepts any password: the URL carries one the log must not show.
    parts = urllib.parse.urlsplit(database.url)
    with_password = urllib.parse.urlunsplit(
        parts._replace(netloc=f"{parts.username}:pw-hunter2-secret@{parts.hostname}:{parts.port}")
    )
    server = Server(
        tmp_path / "data",
        bootstrap_config(tmp_path),
        tmp_path / "server.log",
        args=["--database-url", with_password, "--log-level", "debug"],
        env={"LATCHKEY_MASTER_KEY": new_master_key()},
    ).start()
    try:
        server.sts().get_caller_identity()
    finally:
        stop_cleanly(server)
    log = (tmp_path / "server.log").read_text()
    assert "pw-hunter2-secret" not in log
    assert ":***@" in log


def test_database_url_from_environment_and_configuration_file(database: TestDatabase, tmp_path: Path) -> None:
    key = new_master_key()
    server = Server(
        tmp_path / "data",
        bootstrap_config(tmp_path),
        tmp_path / "env.log",
        env={"LATCHKEY_MASTER_KEY": key, "LATCHKEY_DATABASE_URL": database.url},
    ).start()
    try:
        server.iam().create_user(UserName="from-env")
    finally:
        stop_cleanly(server)
    config = tmp_path / "with-url.yaml"
    config.write_text(bootstrap_config(tmp_path).read_text() + f"databaseURL: {database.url}\ndatabasePoolSize: 2\n")
    server = Server(tmp_path / "data", config, tmp_path / "file.log", env={"LATCHKEY_MASTER_KEY": key}).start()
    try:
        assert server.iam().get_user(UserName="from-env")["User"]["UserName"] == "from-env"
    finally:
        stop_cleanly(server)


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("postgres://user:hunter2@host:port/db", "invalid database URL"),
        ("postgres://user:hunter2@host/db?sslmode=sometimes", "invalid database URL: sslmode"),
        ("mysql://user:hunter2@host/db", "--database-url must be a URL like postgres://"),
    ],
)
def test_malformed_url_is_refused(tmp_path: Path, url: str, fragment: str) -> None:
    output = serve_to_exit(tmp_path, "--database-url", url)
    if fragment.startswith("--database-url"):
        # ArgumentParser's validation error: usage on stderr, status 64.
        assert output.returncode != 0, output
        assert fragment in output.stderr
    else:
        assert_refused(output, fragment)
    assert "hunter2" not in output.stderr + output.stdout
    assert not (tmp_path / "data").exists()


def test_unreachable_database_with_no_wait_fails_at_once(tmp_path: Path) -> None:
    port = closed_port()
    started = time.monotonic()
    output = serve_to_exit(
        tmp_path, "--database-url", f"postgres://latchkey:hunter2@127.0.0.1:{port}/latchkey", "--database-wait", "0"
    )
    elapsed = time.monotonic() - started
    assert_refused(output, f"PostgreSQL at 127.0.0.1:{port}/latchkey is unreachable", "--database-wait 0")
    assert "retrying" not in output.stderr
    assert "hunter2" not in output.stderr
    assert not (tmp_path / "data").exists()
    print(f"unreachable database, --database-wait 0: exited after {elapsed:.2f} s")


def test_unreachable_database_is_retried_with_backoff_then_given_up(tmp_path: Path) -> None:
    port = closed_port()
    output = serve_to_exit(
        tmp_path, "--database-url", f"postgres://latchkey@127.0.0.1:{port}/latchkey", "--database-wait", "4"
    )
    assert_refused(output, "is still unreachable after", "(--database-wait)")
    retries = [
        line for line in output.stderr.splitlines() if f"database unreachable at 127.0.0.1:{port}, retrying in" in line
    ]
    delays = [line.split("retrying in ")[1].split()[0] for line in retries]
    # 0.5 s doubling up to 5 s; the last pause may be cut short by the end of the wait.
    assert len(delays) >= 2, output.stderr
    assert delays[:-1] == ["500ms", "1s", "2s", "4s", "5s"][: len(delays) - 1], output.stderr


def test_missing_database_is_refused_without_retrying(tmp_path: Path) -> None:
    server_url = database_server_url() or ""
    parts = urllib.parse.urlsplit(server_url)
    missing = urllib.parse.urlunsplit(parts._replace(path=f"/latchkey_missing_{os.getpid()}"))
    output = serve_to_exit(tmp_path, "--database-url", missing, "--database-wait", "60", timeout=30)
    assert_refused(output, "cannot use the PostgreSQL at", "3D000")
    assert "retrying" not in output.stderr


def test_unknown_role_is_refused_without_retrying(tmp_path: Path, database: TestDatabase) -> None:
    parts = urllib.parse.urlsplit(database.url)
    wrong_user = urllib.parse.urlunsplit(
        parts._replace(netloc=f"latchkey_no_such_role:whatever@{parts.hostname}:{parts.port}")
    )
    output = serve_to_exit(tmp_path, "--database-url", wrong_user, "--database-wait", "60", timeout=30)
    last = assert_refused(output, "cannot use the PostgreSQL at")
    assert "28000" in last or "28P01" in last, last
    assert "whatever" not in output.stderr
    assert tables(database) == []


def test_wrong_master_key_is_refused_and_writes_nothing(database: TestDatabase, tmp_path: Path) -> None:
    server = Server(
        tmp_path / "data",
        bootstrap_config(tmp_path),
        tmp_path / "server.log",
        args=["--database-url", database.url],
        env={"LATCHKEY_MASTER_KEY": new_master_key()},
    ).start()
    stop_cleanly(server)
    before = database.query("SELECT count(*) FROM users").strip(), database.query("SELECT count(*) FROM access_keys")
    output = serve_to_exit(
        tmp_path,
        "--database-url",
        database.url,
        "--config",
        str(bootstrap_config(tmp_path)),
        env={"LATCHKEY_MASTER_KEY": new_master_key()},
    )
    assert_refused(output, "the master key does not match the one this store was sealed with", "LATCHKEY_MASTER_KEY")
    after = database.query("SELECT count(*) FROM users").strip(), database.query("SELECT count(*) FROM access_keys")
    assert before == after
    # A node with no key at all would generate one: refused the same way, and no key file is left behind.
    output = serve_to_exit(tmp_path, "--database-url", database.url)
    assert_refused(output, "the master key does not match")
    assert not (tmp_path / "data" / "master.key").exists()


def test_database_migrated_by_a_newer_latchkey_is_refused(database: TestDatabase, tmp_path: Path) -> None:
    server = Server(
        tmp_path / "data",
        bootstrap_config(tmp_path),
        tmp_path / "server.log",
        args=["--database-url", database.url],
        env={"LATCHKEY_MASTER_KEY": (key := new_master_key())},
    ).start()
    stop_cleanly(server)
    database.query(
        "INSERT INTO latchkey_migrations (id, applied_order, applied_at) "
        "SELECT '9999-from-the-future', max(applied_order) + 1, 0 FROM latchkey_migrations"
    )
    output = serve_to_exit(tmp_path, "--database-url", database.url, env={"LATCHKEY_MASTER_KEY": key})
    assert_refused(output, "was migrated by a newer Latchkey", "9999-from-the-future")
    assert "retrying" not in output.stderr


def test_start_waits_for_a_database_that_comes_up(tmp_path: Path) -> None:
    """A node started before its database retries (and says so) and serves once the database is up."""
    postgres = PrivatePostgres()
    try:
        url = postgres.start()
        postgres.stop()
        server = Server(
            tmp_path / "data",
            bootstrap_config(tmp_path),
            tmp_path / "server.log",
            args=["--database-url", url, "--database-wait", "120"],
            env={"LATCHKEY_MASTER_KEY": new_master_key()},
        )
        failures: list[BaseException] = []

        def start() -> None:
            try:
                server.start()
            except BaseException as error:  # reported below, from the test's thread
                failures.append(error)

        starter = threading.Thread(target=start)
        starter.start()
        log = tmp_path / "server.log"
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline
            and starter.is_alive()
            and "retrying in" not in (log.read_text() if log.exists() else "")
        ):
            time.sleep(0.1)
        assert not failures, failures
        assert "database unreachable at 127.0.0.1:" in log.read_text()
        postgres.restart_on_same_port()
        starter.join(timeout=60)
        assert not failures, failures
        assert server.endpoint, server.describe()
        try:
            assert server.sts().get_caller_identity()["Account"] == ACCOUNT_ID
            assert get(server.endpoint, "/readyz")[0] == 200
        finally:
            stop_cleanly(server)
    finally:
        postgres.remove()


def test_wrong_password_is_refused_without_retrying(tmp_path: Path) -> None:
    """On a private server that asks for passwords (scram-sha-256 for every role but `postgres`)."""
    postgres = PrivatePostgres()
    try:
        url = postgres.start()
        hba = postgres.directory / "data" / "pg_hba.conf"
        hba.write_text(
            "host all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n" + hba.read_text()
        )
        psql(url, "SELECT pg_reload_conf()")
        psql(url, "CREATE ROLE latchkey_pw LOGIN PASSWORD 'right-password'")
        parts = urllib.parse.urlsplit(url)
        wrong = urllib.parse.urlunsplit(
            parts._replace(netloc=f"latchkey_pw:wrong-password-hunter2@{parts.hostname}:{parts.port}")
        )
        output = serve_to_exit(tmp_path, "--database-url", wrong, "--database-wait", "60", timeout=30)
        last = assert_refused(output, "cannot use the PostgreSQL at", "28P01")
        assert "retrying" not in output.stderr
        assert "wrong-password-hunter2" not in output.stderr + output.stdout, last
        assert not (tmp_path / "data").exists()
    finally:
        postgres.remove()


def test_nodes_starting_together_with_different_keys_agree_on_one(database: TestDatabase, tmp_path: Path) -> None:
    """Two nodes start at the same moment on a new database with different master keys: exactly one starts, the
    other is refused by the master-key check."""
    config = bootstrap_config(tmp_path)
    results: dict[int, subprocess.CompletedProcess[str] | Server] = {}

    def start(index: int) -> None:
        node = Server(
            tmp_path / f"data{index}",
            config,
            tmp_path / f"node{index}.log",
            args=["--database-url", database.url],
            env={"LATCHKEY_MASTER_KEY": new_master_key()},
        )
        try:
            results[index] = node.start()
        except RuntimeError as error:
            results[index] = subprocess.CompletedProcess([], 1, "", str(error))

    threads = [threading.Thread(target=start, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    started = [result for result in results.values() if isinstance(result, Server)]
    refused = [result for result in results.values() if not isinstance(result, Server)]
    try:
        assert (len(started), len(refused)) == (1, 1), results
        assert "the master key does not match the one this store was sealed with" in refused[0].stderr
        assert started[0].sts().get_caller_identity()["Account"] == ACCOUNT_ID
    finally:
        for server in started:
            stop_cleanly(server)
