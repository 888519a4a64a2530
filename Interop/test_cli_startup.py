"""The `latchkey` binary at startup: a taken port, a data folder another server holds, and `--version`."""

from __future__ import annotations

import os
import re
import socket
import subprocess
from pathlib import Path

import pytest

from latchkey_harness import REPO_ROOT, StartServer, binary_path

# A regression (the second server starts serving) costs this long, not a hang.
EXIT_TIMEOUT = 60


def run_latchkey(*args: str) -> subprocess.CompletedProcess[str]:
    """Runs the binary to completion with no LATCHKEY_* variable from the caller's environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LATCHKEY_")}
    return subprocess.run(
        [str(binary_path()), *args], capture_output=True, text=True, env=env, timeout=EXIT_TIMEOUT
    )


def assert_created_nothing(output: subprocess.CompletedProcess[str]) -> None:
    assert "Created account" not in output.stdout, output.stdout
    assert "AWS_SECRET_ACCESS_KEY" not in output.stdout, output.stdout
    assert "listening" not in output.stdout, output.stdout


@pytest.fixture
def plain_listener():
    """A socket listening on a free loopback port that is not a latchkey server."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def test_taken_port_is_refused_by_name_before_anything_is_created(plain_listener: int, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    output = run_latchkey("serve", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(plain_listener))
    assert output.returncode == 1, output
    assert output.stderr.strip().splitlines()[-1] == f"latchkey: port {plain_listener} is already in use on 127.0.0.1"
    assert "bind(descriptor" not in output.stderr
    assert_created_nothing(output)
    # No store, no master key, no account: the data folder was never made.
    assert not data_dir.exists()


def test_port_of_a_running_latchkey_is_refused_and_its_store_is_untouched(
    start_server: StartServer, tmp_path: Path
) -> None:
    first = start_server(tmp_path / "first")
    port = int(first.endpoint.rsplit(":", 1)[1])
    first_files = sorted(path.name for path in (tmp_path / "first").iterdir())
    second_dir = tmp_path / "second"
    output = run_latchkey("serve", "--data-dir", str(second_dir), "--host", "127.0.0.1", "--port", str(port))
    assert output.returncode == 1, output
    assert f"latchkey: port {port} is already in use on 127.0.0.1" in output.stderr
    assert_created_nothing(output)
    assert not second_dir.exists()
    assert sorted(path.name for path in (tmp_path / "first").iterdir()) == first_files
    # The first server still answers.
    assert first.sts().get_caller_identity()["Account"] == "111122223333"


def test_second_server_on_one_data_folder_is_refused_until_the_first_stops(
    start_server: StartServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    first = start_server(data_dir)
    assert first.process is not None
    output = run_latchkey("serve", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", "0")
    assert output.returncode == 1, output
    assert output.stderr.strip().splitlines()[-1] == (
        f"latchkey: the data folder {data_dir} is already in use by another latchkey server (pid {first.process.pid})"
    )
    assert_created_nothing(output)
    assert first.sts().get_caller_identity()["Account"] == "111122223333"

    # The lock goes with the first server: once it has stopped, the folder opens again, with the same account.
    assert first.stop() == 0
    again = start_server(data_dir)
    assert again.sts().get_caller_identity()["Account"] == "111122223333"
    assert again.printed("LATCHKEY_ACCOUNT_ID") is None


def test_lock_of_a_killed_server_does_not_outlive_it(start_server: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = start_server(data_dir)
    first.kill()
    first.process = None
    again = start_server(data_dir)
    assert again.sts().get_caller_identity()["Account"] == "111122223333"


VERSION_LINE = re.compile(r"^latchkey (?P<version>\d+\.\d+\.\d+) \(commit (?P<commit>[0-9a-f]{12}(-dirty)?|unknown)\)$")


def test_version_names_the_release_and_the_commit_it_was_built_from() -> None:
    output = run_latchkey("--version")
    assert output.returncode == 0, output
    match = VERSION_LINE.match(output.stdout.strip())
    assert match, output.stdout
    commit = match["commit"].removesuffix("-dirty")
    if (REPO_ROOT / ".git").exists():
        # Built from this checkout, so the commit is one of its commits (never a hard-coded or made-up one).
        assert commit != "unknown"
        known = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True
        )
        assert known.returncode == 0, f"{commit} is not a commit of {REPO_ROOT}"


def test_serve_help_still_works_and_is_not_a_server(tmp_path: Path) -> None:
    output = run_latchkey("serve", "--help")
    assert output.returncode == 0
    assert "--data-dir" in output.stdout
