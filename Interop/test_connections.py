"""Connections cannot exhaust the server (issue 10, part 3): with the descriptor limit lowered to 256, more idle TCP
connections than the server could ever hold do not lock a well-behaved client out, and do not make it spin.

The server runs through a wrapper that lowers RLIMIT_NOFILE (soft and hard) before exec'ing the real binary, so the
harness starts and stops it as usual and the PID measured is the server's.
"""

from __future__ import annotations

import os
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from latchkey_harness import Server, binary_path, bootstrap_config, stop_cleanly

DESCRIPTOR_LIMIT = 256
# More than the server can hold open: every descriptor it has, and then some.
ATTACKERS = 400
# Generous bounds: the effect must come, however loaded the machine.
ANSWER_BOUND = 30.0
CPU_WINDOW = 3.0


def limited_server(directory: Path, *flags: str) -> Server:
    """`latchkey serve` with `flags`, under RLIMIT_NOFILE = 256."""
    wrapper = directory / "latchkey-limited"
    wrapper.write_text(f'#!/bin/sh\nulimit -n {DESCRIPTOR_LIMIT} || exit 99\nexec "{binary_path()}" "$@" {" ".join(flags)}\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    previous = os.environ.get("LATCHKEY_BIN")
    os.environ["LATCHKEY_BIN"] = str(wrapper)
    try:
        return Server(directory / "data", bootstrap_config(directory), directory / "server.log").start()
    finally:
        if previous is None:
            del os.environ["LATCHKEY_BIN"]
        else:
            os.environ["LATCHKEY_BIN"] = previous


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command: state is field 3, utime 14 and stime 15 (1-based, see proc(5)).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_idle_connections(endpoint: str, count: int) -> list[socket.socket]:
    """Opens up to `count` TCP connections that send nothing; connections the server never takes time out."""
    host, port = endpoint.removeprefix("http://").split(":")
    opened = []
    for _ in range(count):
        connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        connection.settimeout(1.0)
        try:
            connection.connect((host, int(port)))
        except OSError:
            connection.close()
            continue
        opened.append(connection)
    return opened


@pytest.fixture
def attack() -> Iterator[list[socket.socket]]:
    held: list[socket.socket] = []
    yield held
    for connection in held:
        connection.close()


@pytest.mark.parametrize(
    "flags",
    [
        # Connections that send nothing are closed after the idle timeout ...
        ["--idle-timeout", "1s"],
        # ... and, while they are held, the limit closes the oldest for each new one.
        ["--idle-timeout", "60s"],
        # A limit the descriptors cannot hold is lowered to what they can (else accept fails with EMFILE, and
        # SwiftNIO retries it in a busy loop).
        ["--idle-timeout", "60s", "--max-connections", "1000"],
    ],
    ids=["idle-timeout", "limit", "limit-above-descriptors"],
)
def test_idle_connections_beyond_the_descriptor_limit_lock_no_one_out(
    tmp_path: Path, attack: list[socket.socket], flags: list[str]
) -> None:
    server = limited_server(tmp_path, *flags)
    try:
        assert server.process is not None
        pid = server.process.pid
        limit = Path(f"/proc/{pid}/limits").read_text()
        assert any(line.startswith("Max open files") and f" {DESCRIPTOR_LIMIT} " in line for line in limit.splitlines())

        attack.extend(open_idle_connections(server.endpoint, ATTACKERS))

        # A well-behaved client is answered.
        started = time.monotonic()
        identity = server.sts().get_caller_identity()
        assert identity["Account"] == "111122223333"
        assert time.monotonic() - started < ANSWER_BOUND

        # The attack goes on (the connections are held, nothing is sent): the server does not spin.
        before = cpu_seconds(pid)
        time.sleep(CPU_WINDOW)
        used = cpu_seconds(pid) - before
        assert used < CPU_WINDOW / 4, f"the server used {used:.2f} s of CPU in {CPU_WINDOW} s of idle attack"

        # And it still answers afterwards.
        assert server.sts().get_caller_identity()["Account"] == "111122223333"
    finally:
        for connection in attack:
            connection.close()
        attack.clear()
        stop_cleanly(server)
