"""docs/operations.md's backup and restore, done as written: SQLite's online backup of a running server, and pg_dump /
pg_restore of a PostgreSQL store, each restored into an empty place with the master key (and refused with another
key)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from latchkey_harness import Keys, Server, StartServer, bootstrap_config, client_error, error_code, stop_cleanly, unique
from multinode_harness import TestDatabase, database_server_url, new_master_key

pytestmark = pytest.mark.single_node


def user_with_key(server: Server) -> tuple[str, Keys]:
    iam = server.iam()
    name = unique("backup")
    iam.create_user(UserName=name)
    return name, Keys.from_response(iam.create_access_key(UserName=name)["AccessKey"])


def online_backup(database: Path, target: Path) -> None:
    """`sqlite3 DB ".backup 'TARGET'"` as docs/operations.md says, or the same SQLite backup API from Python when
    the sqlite3 command is not installed."""
    if shutil.which("sqlite3"):
        done = subprocess.run(
            ["sqlite3", str(database), f".backup '{target}'"], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return
    source = sqlite3.connect(database)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def test_an_online_sqlite_backup_restores_into_an_empty_folder_with_its_master_key(
    tmp_path: Path, start_server: StartServer
) -> None:
    server = start_server(tmp_path / "data")
    name, keys = user_with_key(server)
    session = Keys.from_response(server.sts(keys).get_session_token()["Credentials"])
    backup = tmp_path / "latchkey-backup.sqlite"
    online_backup(tmp_path / "data" / "latchkey.sqlite", backup)
    later, _ = user_with_key(server)
    stop_cleanly(server)

    restored = tmp_path / "restored"
    restored.mkdir(mode=0o700)
    shutil.copyfile(backup, restored / "latchkey.sqlite")
    shutil.copyfile(tmp_path / "data" / "master.key", restored / "master.key")
    (restored / "master.key").chmod(0o600)
    server = start_server(restored)
    # The user's secret opens with the restored master key, and a session issued before the backup still opens.
    assert server.sts(keys).get_caller_identity()["Arn"].endswith(f":user/{name}")
    assert server.sts(session).get_caller_identity()["Arn"].endswith(f":user/{name}")
    # What was created after the backup is not there.
    assert error_code(client_error(server.iam().get_user, UserName=later)) == ("NoSuchEntity", 404)
    stop_cleanly(server)

    # The same backup with another master key is refused at start, before anything is written.
    wrong = tmp_path / "wrong-key"
    wrong.mkdir(mode=0o700)
    shutil.copyfile(backup, wrong / "latchkey.sqlite")
    (wrong / "master.key").write_text(new_master_key() + "\n")
    (wrong / "master.key").chmod(0o600)
    with pytest.raises(RuntimeError, match="master key does not match"):
        start_server(wrong)


@pytest.mark.skipif(database_server_url() is None, reason="LATCHKEY_TEST_DATABASE_URL is not set")
@pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("pg_restore") is None, reason="no pg_dump")
def test_a_pg_dump_restores_into_an_empty_database_with_the_master_key(tmp_path: Path) -> None:
    server_url = database_server_url() or ""
    original = TestDatabase(server_url, prefix="latchkey_backup")
    copy = TestDatabase(server_url, prefix="latchkey_restore")
    key = new_master_key()
    config = bootstrap_config(tmp_path)

    def node(database: TestDatabase, master_key: str, index: int) -> Server:
        return Server(
            tmp_path / f"node-{index}",
            config,
            tmp_path / f"node-{index}.log",
            args=["--database-url", database.url],
            env={"LATCHKEY_MASTER_KEY": master_key},
        )

    try:
        server = node(original, key, 0).start()
        name, keys = user_with_key(server)
        dump = tmp_path / "latchkey.dump"
        done = subprocess.run(
            ["pg_dump", "--format=custom", f"--file={dump}", original.url], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        stop_cleanly(server)

        done = subprocess.run(
            ["pg_restore", "--no-owner", "-d", copy.url, str(dump)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        server = node(copy, key, 1).start()
        assert server.sts(keys).get_caller_identity()["Arn"].endswith(f":user/{name}")
        stop_cleanly(server)

        refused = node(copy, new_master_key(), 2)
        with pytest.raises(RuntimeError, match="master key does not match"):
            refused.start()
    finally:
        original.drop()
        copy.drop()
