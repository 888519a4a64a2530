"""Graceful shutdown of the `latchkey` binary: requests in flight get `--shutdown-grace` to finish, then every
connection is closed and the process exits 0; a second signal skips the rest of the grace period."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path

from latchkey_harness import Server, StartServer

# Upper bounds for things that take milliseconds: a regression costs this long, not a hang.
BOUND = 30
# Timeouts far longer than any test, so only the shutdown under test can end a connection.
NO_TIMEOUTS = ["--header-timeout", "1h", "--body-timeout", "1h", "--idle-timeout", "1h"]

STALLED_HEAD = (
    "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    "Content-Length: {length}\r\n\r\n"
)


def address(server: Server) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(server.endpoint)
    return parts.hostname or "127.0.0.1", parts.port or 80


def stalled_request(server: Server, body: bytes, length: int) -> socket.socket:
    """A connection that sent a header announcing `length` bytes of body and only `body` of them, once the server
    has read what was sent (so the request is in flight, not still in the kernel's buffer)."""
    host, port = address(server)
    connection = socket.create_connection((host, port), timeout=BOUND)
    connection.sendall(STALLED_HEAD.format(host=f"{host}:{port}", length=length).encode() + body)
    wait_until_read_by_server(connection)
    return connection


def wait_until_read_by_server(connection: socket.socket) -> None:
    """Waits until the server's end of `connection` has nothing left in its receive queue (/proc/net/tcp)."""
    client_host, client_port = connection.getsockname()
    server_host, server_port = connection.getpeername()

    def hex_address(host: str, port: int) -> str:
        return socket.inet_aton(host)[::-1].hex().upper() + f":{port:04X}"

    local, remote = hex_address(server_host, server_port), hex_address(client_host, client_port)
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1] == local and fields[2] == remote and int(fields[4].split(":")[1], 16) == 0:
                return
        time.sleep(0.01)
    raise AssertionError("the server did not read the request's bytes")


def answered_once(server: Server) -> socket.socket:
    """A keep-alive connection that has had one complete answer and is now idle."""
    host, port = address(server)
    connection = socket.create_connection((host, port), timeout=BOUND)
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    connection.sendall(STALLED_HEAD.format(host=f"{host}:{port}", length=len(body)).encode() + body)
    answer = read_answer(connection)
    assert answer.startswith(b"HTTP/1.1 "), answer
    return connection


def read_answer(connection: socket.socket) -> bytes:
    """Reads until the end of one response with a Content-Length, or until the server closes."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
    )
    while len(rest) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest


def closed_by_server(connection: socket.socket) -> bool:
    """Whether the server closed the connection (end of stream or reset) within BOUND seconds."""
    connection.settimeout(BOUND)
    try:
        while True:
            if not connection.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def wait_until_not_listening(server: Server) -> None:
    """The listener closes as soon as shutdown begins."""
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        try:
            socket.create_connection(address(server), timeout=1).close()
        except OSError:
            return
        time.sleep(0.05)
    raise AssertionError("the server still accepts connections after SIGTERM")


def wait_for_exit(server: Server, timeout: float = BOUND) -> int | None:
    assert server.process is not None
    try:
        return server.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def test_a_stalled_body_does_not_hold_the_process_past_the_grace_period(start_server: StartServer, tmp_path: Path):
    server = start_server(tmp_path / "data", args=["--shutdown-grace", "1s", *NO_TIMEOUTS])
    connection = stalled_request(server, b"Action=", length=1000)
    assert server.process is not None
    server.process.send_signal(signal.SIGTERM)
    status = wait_for_exit(server)
    assert status == 0, f"exit status {status} (None: still running {BOUND}s after SIGTERM); {server.describe()}"
    assert closed_by_server(connection)
    server.process = None


def test_a_request_in_flight_is_answered_during_the_grace_period(start_server: StartServer, tmp_path: Path):
    server = start_server(tmp_path / "data", args=["--shutdown-grace", "120s", *NO_TIMEOUTS])
    rest = b"GetCallerIdentity&Version=2011-06-15"
    connection = stalled_request(server, b"Action=", length=len(b"Action=") + len(rest))
    assert server.process is not None
    server.process.send_signal(signal.SIGTERM)
    wait_until_not_listening(server)
    assert server.process.poll() is None, "the server exited with a request in flight"
    connection.sendall(rest)
    answer = read_answer(connection)
    # Unsigned: an AWS error document, answered in full rather than cut off.
    assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
    assert b"<ErrorResponse" in answer, answer
    status = wait_for_exit(server)
    assert status == 0, f"exit status {status} after the last request finished; {server.describe()}"
    server.process = None


def test_idle_connections_do_not_wait_for_the_grace_period(start_server: StartServer, tmp_path: Path):
    server = start_server(tmp_path / "data", args=["--shutdown-grace", "300s", *NO_TIMEOUTS])
    idle = [answered_once(server) for _ in range(3)]
    assert server.process is not None
    server.process.send_signal(signal.SIGTERM)
    # Far less than the 300 s grace: nothing is in flight, so nothing waits for it.
    status = wait_for_exit(server, timeout=120)
    assert status == 0, f"exit status {status}; {server.describe()}"
    assert all(closed_by_server(connection) for connection in idle)
    server.process = None


def test_a_second_signal_ends_the_grace_period_at_once(start_server: StartServer, tmp_path: Path):
    server = start_server(tmp_path / "data", args=["--shutdown-grace", "600s", *NO_TIMEOUTS])
    connection = stalled_request(server, b"Action=", length=1000)
    assert server.process is not None
    server.process.send_signal(signal.SIGTERM)
    wait_until_not_listening(server)
    assert server.process.poll() is None, "the server exited while a request was in flight and the grace period lasts"
    server.process.send_signal(signal.SIGINT)
    status = wait_for_exit(server, timeout=120)
    assert status is not None, f"still running 120 s after the second signal (grace 600 s); {server.describe()}"
    assert status == 0, f"exit status {status}; {server.describe()}"
    assert closed_by_server(connection)
    server.process = None
