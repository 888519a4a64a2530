"""Key rotation end to end with the real `latchkey admin` commands (docs/key-rotation.md): a master-key rotation on a
three-node PostgreSQL cluster, and a session-key rotation on a single SQLite server.

(`test_multinode.py` rotates the session key twice under load on a cluster.)
"""

from __future__ import annotations

import base64
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from latchkey_harness import (
    ROOT_KEYS,
    Keys,
    Server,
    StartServer,
    binary_path,
    bootstrap_config,
    create_user_with_key,
    current_counter,
    seed_secret,
    send_request,
    signed_request,
    stop_cleanly,
    totp,
    unique,
)
from multinode_harness import database_server_url, report_figure, start_cluster, wait_until

GET_CALLER_IDENTITY = {"Action": "GetCallerIdentity", "Version": "2011-06-15"}


def caller_code(node: Server, keys: Keys) -> str:
    """ "OK" or the error code of a raw GetCallerIdentity signed with `keys`, sent to one node."""
    response = send_request(signed_request(node.endpoint, GET_CALLER_IDENTITY, keys))
    return "OK" if response.status == 200 else response.xml_error()["Code"]


def readiness(node: Server) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(node.endpoint + "/readyz", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def session_key_id(keys: Keys) -> int:
    """The key ID in a session token's header (version byte, then the ID big-endian)."""
    assert keys.session_token is not None
    header = base64.b64decode(keys.session_token[:8])
    return int.from_bytes(header[1:5], "big")


def admin(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LATCHKEY_")}
    return subprocess.run(
        [str(binary_path()), "admin", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, **env},
        check=False,
    )


@pytest.mark.skipif(database_server_url() is None, reason="needs LATCHKEY_TEST_DATABASE_URL")
@pytest.mark.single_node  # it starts a cluster of its own: once is enough, not again in the cluster pass
def test_a_master_key_rotation_on_a_cluster(tmp_path: Path) -> None:
    cluster = start_cluster(tmp_path / "cluster", bootstrap_config(tmp_path))
    old_key = cluster.master_key
    try:
        nodes = cluster.nodes
        user = create_user_with_key(nodes[0])
        iam = nodes[1].iam()
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("mfa"))["VirtualMFADevice"]
        secret = seed_secret(device["Base32StringSeed"])
        counter = current_counter(margin=8.0)
        iam.enable_mfa_device(
            UserName=user.name,
            SerialNumber=device["SerialNumber"],
            AuthenticationCode1=totp(secret, counter - 1),
            AuthenticationCode2=totp(secret, counter),
        )
        session = Keys.from_response(nodes[2].sts(user.keys).get_session_token()["Credentials"])

        # Refused with nothing written: the same key, and a file that holds no key.
        same = tmp_path / "same.key"
        same.write_text(old_key + "\n")
        refused = cluster.admin("admin", "rotate-master-key", "--new-key-file", str(same))
        assert refused.returncode == 1 and "is the current one" in refused.stderr, refused.stderr
        garbage = tmp_path / "garbage.key"
        garbage.write_text("not a key\n")
        refused = cluster.admin("admin", "rotate-master-key", "--new-key-file", str(garbage))
        assert refused.returncode == 1 and "32-byte key" in refused.stderr, refused.stderr
        assert [caller_code(node, user.keys) for node in nodes] == ["OK"] * 3

        new_key = base64.b64encode(os.urandom(32)).decode()
        new_file = tmp_path / "new.key"
        new_file.write_text(new_key + "\n")
        started = time.monotonic()
        rotated = cluster.admin("admin", "rotate-master-key", "--new-key-file", str(new_file))
        command = time.monotonic() - started
        assert rotated.returncode == 0, rotated.stderr
        assert "re-sealed" in rotated.stdout and "restart every node with the new key" in rotated.stdout
        assert new_key not in rotated.stdout + rotated.stderr

        # Every node, still on the old key, refuses clearly: 503 ServiceUnavailable and /readyz 503.
        took = wait_until(lambda: all(caller_code(node, ROOT_KEYS) == "ServiceUnavailable" for node in nodes))
        report_figure(
            f"master-key rotation: the command took {command:.2f} s (with its 2 s wait before the sweep); every "
            + "old-key node refusing "
            + ("never" if took is None else f"{took:.2f} s after it returned")
        )
        assert took is not None, cluster.describe()
        assert [caller_code(node, session) for node in nodes] == ["ServiceUnavailable"] * 3
        for node in nodes:
            status, body = readiness(node)
            assert status == 503 and "master key rotated; restart with the new key" in body, body
        assert any("the master key was rotated" in node.log_path.read_text(errors="replace") for node in nodes)

        # A node started with the old key now refuses to start; restarted with the new key, every node serves every
        # old secret: the user's and the root's keys sign, the session from before opens, MFA verifies.
        for node in nodes:
            node.stop()
            node.env["LATCHKEY_MASTER_KEY"] = new_key
            cluster.restart(node)
        for node in nodes:
            assert caller_code(node, user.keys) == "OK"
            assert caller_code(node, ROOT_KEYS) == "OK"
            assert caller_code(node, session) == "OK"
            assert readiness(node)[0] == 200
        with_mfa = nodes[0].sts(user.keys).get_session_token(
            SerialNumber=device["SerialNumber"], TokenCode=totp(secret, counter + 1)
        )
        assert caller_code(nodes[1], Keys.from_response(with_mfa["Credentials"])) == "OK"

        stale = Server(
            tmp_path / "stale" / "data",
            None,
            tmp_path / "stale.log",
            args=["--database-url", cluster.database_url],
            env={"LATCHKEY_MASTER_KEY": old_key},
        )
        (tmp_path / "stale").mkdir()
        with pytest.raises(RuntimeError):
            stale.start()
        assert "does not match" in (tmp_path / "stale.log").read_text(errors="replace")
    finally:
        stop_cleanly(cluster)


def test_a_session_key_rotation_on_a_single_sqlite_server(start_server: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir)
    before = Keys.from_response(server.sts().get_session_token()["Credentials"])
    assert session_key_id(before) == 1

    rotated = admin("rotate-session-key", "--data-dir", str(data_dir), env={})
    assert rotated.returncode == 0, rotated.stderr
    assert rotated.stdout.startswith("session-token key 2 is active"), rotated.stdout

    # The running server seals under key 2 after its next poll; the session from before still works.
    started = time.monotonic()
    while True:
        after = Keys.from_response(server.sts().get_session_token()["Credentials"])
        if session_key_id(after) == 2 or time.monotonic() - started > 10:
            break
        time.sleep(0.05)
    report_figure(f"session-key rotation (SQLite): new key in use after {time.monotonic() - started:.2f} s")
    assert session_key_id(after) == 2
    assert caller_code(server, before) == "OK"
    assert caller_code(server, after) == "OK"

    # Without the master key (another data folder) nothing is rotated.
    refused = admin("rotate-session-key", "--data-dir", str(tmp_path / "elsewhere"), env={})
    assert refused.returncode == 1
    assert refused.stderr.startswith("latchkey: no master key"), refused.stderr
