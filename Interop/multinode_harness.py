"""Many Latchkey nodes over one PostgreSQL: a fresh database, three `latchkey serve --database-url` nodes sharing one
master key, and a per-request round-robin proxy in front of them.

The PostgreSQL server comes from `LATCHKEY_TEST_DATABASE_URL` (`scripts/test` starts a throw-away one); every cluster
gets a database of its own on it, dropped when the cluster stops. Private servers that a test may stop (the database
outage test) come from `scripts/postgres-cluster` through `PrivatePostgres`.

The proxy is a small HTTP/1.1 proxy rather than nginx: it picks the next node for EVERY request (a keep-alive client
connection is not pinned to a node), forwards the request's bytes unchanged (the Host header SigV4 signs included),
retries the next node only when a node refuses the connection (nothing was sent, as nginx does), answers 502 when a
node fails after the request was sent, and counts the requests each node served.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import secrets
import shutil
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from latchkey_harness import REGION, REPO_ROOT, Keys, Server, binary_path, bootstrap_config

DATABASE_URL_VARIABLE = "LATCHKEY_TEST_DATABASE_URL"
TARGET_VARIABLE = "LATCHKEY_INTEROP_TARGET"
NODE_COUNT = 3
MAX_HEAD = 1 << 20
POSTGRES_CLUSTER = REPO_ROOT / "scripts" / "postgres-cluster"


def multinode_target() -> bool:
    """True when the interop suite runs against a three-node cluster (`LATCHKEY_INTEROP_TARGET=multinode`)."""
    return os.environ.get(TARGET_VARIABLE, "").strip().lower() in ("multinode", "multi-node", "cluster")


def database_server_url() -> str | None:
    """The PostgreSQL server URL for tests, if any."""
    return os.environ.get(DATABASE_URL_VARIABLE) or None


def new_master_key() -> str:
    """A master key as `LATCHKEY_MASTER_KEY` takes it: 32 random bytes, base64."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


# PostgreSQL


def psql(url: str, sql: str, *, timeout: float = 60.0) -> str:
    """Runs `sql` with psql (unaligned, tuples only) and returns its output; raises with psql's stderr on failure."""
    done = subprocess.run(
        ["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"psql failed ({done.returncode}) on {sql!r}: {done.stderr.strip()}")
    return done.stdout


def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` (user, password, host, port and query parameters kept)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


class TestDatabase:
    """A database of its own on a PostgreSQL server, dropped (with any session still on it) by `drop`."""

    __test__ = False  # not a pytest test class

    def __init__(self, server_url: str, prefix: str = "latchkey_mn") -> None:
        self.server_url = server_url
        self.name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        psql(server_url, f'CREATE DATABASE "{self.name}"')
        self.url = with_database(server_url, self.name)

    def query(self, sql: str) -> str:
        return psql(self.url, sql)

    def drop(self) -> None:
        psql(self.server_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class PrivatePostgres:
    """A throw-away PostgreSQL server of the test's own (scripts/postgres-cluster), which the test may stop and start
    again; the shared test server must never be stopped."""

    def __init__(self) -> None:
        # Under /tmp and open to others: the `postgres` user runs the server when the tests run as root.
        self.root = Path(tempfile.mkdtemp(prefix="latchkey-private-pg-"))
        self.root.chmod(0o755)
        self.directory = self.root / "cluster"
        self.url = ""

    def start(self) -> str:
        """Starts (or restarts, on a new free port) the server and returns its URL."""
        self.url = self._run("start").strip()
        return self.url

    def stop(self) -> None:
        self._run("stop")

    def restart_on_same_port(self) -> None:
        """Starts the stopped server again on the port it had, so that clients holding its URL can reconnect."""
        port = urllib.parse.urlsplit(self.url).port
        data = self.directory / "data"
        command = [
            self._pg_ctl(),
            "-D",
            str(data),
            "-l",
            str(self.directory / "postgres.log"),
            "-w",
            "-t",
            "60",
            "-s",
            "-o",
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300",
            "start",
        ]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=90)
        if done.returncode != 0:
            raise RuntimeError(f"could not restart PostgreSQL on port {port}: {done.stderr.strip()} {self.log_tail()}")

    def log_tail(self) -> str:
        log = self.directory / "postgres.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else ""

    def remove(self) -> None:
        try:
            if (self.directory / "data" / "PG_VERSION").exists():
                self._run("stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _pg_ctl(self) -> str:
        found = subprocess.run(
            ["bash", "-c", "ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        bin_dir = os.environ.get("LATCHKEY_PG_BIN") or found
        return str(Path(bin_dir) / "pg_ctl") if bin_dir else "pg_ctl"

    def _run(self, command: str) -> str:
        done = subprocess.run(
            [str(POSTGRES_CLUSTER), command, str(self.directory)], capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"postgres-cluster {command} failed: {done.stderr.strip()}")
        return done.stdout


# The round-robin proxy


class _ClientHandler(socketserver.StreamRequestHandler):
    """One client connection: requests are read one at a time, each forwarded to the next node."""

    timeout = 120
    server: _ProxyServer

    def handle(self) -> None:
        proxy = self.server.proxy
        while True:
            try:
                request = _read_request(self.rfile)
            except (OSError, ValueError):
                return
            if request is None:
                return
            head, body, method, close_after = request
            status, reason, headers, payload, backend_closes = proxy.forward(head, body)
            out = [f"HTTP/1.1 {status} {reason}".encode("latin-1")]
            has_body = method != "HEAD" and status >= 200 and status not in (204, 304)
            for name, value in headers:
                lower = name.lower()
                if lower in ("connection", "keep-alive", "transfer-encoding"):
                    continue
                if lower == "content-length" and has_body:
                    continue
                out.append(f"{name}: {value}".encode("latin-1"))
            if has_body:
                out.append(f"Content-Length: {len(payload)}".encode("latin-1"))
            closing = close_after or backend_closes
            if closing:
                out.append(b"Connection: close")
            try:
                self.wfile.write(b"\r\n".join(out) + b"\r\n\r\n" + (payload if has_body else b""))
                self.wfile.flush()
            except OSError:
                return
            if closing:
                return


def _read_request(rfile) -> tuple[bytes, bytes, str, bool] | None:
    """(head bytes, body bytes, method, client wants the connection closed) of the next request, None at EOF."""
    lines = []
    size = 0
    while True:
        line = rfile.readline(MAX_HEAD)
        if not line:
            if lines:
                raise ValueError("connection closed inside a request head")
            return None
        if not lines and line in (b"\r\n", b"\n"):
            continue  # a stray empty line between requests
        lines.append(line)
        size += len(line)
        if size > MAX_HEAD:
            raise ValueError("request head too large")
        if line in (b"\r\n", b"\n"):
            break
    head = b"".join(lines)
    request_line = lines[0].decode("latin-1").split()
    method = request_line[0] if request_line else ""
    version = request_line[2] if len(request_line) > 2 else "HTTP/1.0"
    headers: dict[str, str] = {}
    for raw in lines[1:-1]:
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    connection = headers.get("connection", "").lower()
    close_after = "close" in connection or (version == "HTTP/1.0" and "keep-alive" not in connection)
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _read_chunked_raw(rfile)
    else:
        length = int(headers.get("content-length", "0") or "0")
        body = rfile.read(length) if length > 0 else b""
        if len(body) < length:
            raise ValueError("connection closed inside a request body")
    return head, body, method, close_after


def _read_chunked_raw(rfile) -> bytes:
    """A chunked body as it was sent (framing included), read up to its end."""
    out = bytearray()
    while True:
        line = rfile.readline(65537)
        if not line:
            raise ValueError("connection closed inside a chunked body")
        out += line
        size = int(line.split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while True:
                trailer = rfile.readline(65537)
                out += trailer
                if trailer in (b"\r\n", b"\n", b""):
                    return bytes(out)
        out += rfile.read(size + 2)


class _ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, proxy: RoundRobinProxy) -> None:
        self.proxy = proxy
        super().__init__(("127.0.0.1", 0), _ClientHandler)


class RoundRobinProxy:
    """Per-request round robin over `nodes` (Server objects; read at every request, so a restarted node's new port is
    used at once). `exclude(node)` takes a node out of the rotation, `include(node)` puts it back."""

    def __init__(self, nodes: Sequence[Server], *, timeout: float = 60.0) -> None:
        self.nodes = list(nodes)
        self.timeout = timeout
        self.excluded: set[int] = set()
        self.served: Counter[int] = Counter()
        self.failures: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._next = 0
        self._server = _ProxyServer(self)
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="round-robin-proxy", daemon=True)
        self._thread.start()

    def exclude(self, node: Server) -> None:
        with self._lock:
            self.excluded.add(self.nodes.index(node))

    def include(self, node: Server) -> None:
        with self._lock:
            self.excluded.discard(self.nodes.index(node))

    def _rotation(self) -> list[int]:
        """Node indexes in the order to try for one request: the next one in turn first."""
        with self._lock:
            live = [i for i in range(len(self.nodes)) if i not in self.excluded and self.nodes[i].endpoint]
            if not live:
                return []
            first = self._next % len(live)
            self._next += 1
        return live[first:] + live[:first]

    def forward(self, head: bytes, body: bytes) -> tuple[int, str, list[tuple[str, str]], bytes, bool]:
        """Sends the request to the next node; (status, reason, headers, body, node closed the connection)."""
        for index in self._rotation():
            host, port = self.nodes[index].endpoint.removeprefix("http://").rsplit(":", 1)
            try:
                connection = socket.create_connection((host, int(port)), timeout=self.timeout)
            except OSError:
                with self._lock:
                    self.failures[index] += 1
                continue  # refused: nothing was sent, the next node may take it
            try:
                # The node may have answered and closed early (a body it refuses): read its answer anyway.
                with contextlib.suppress(OSError):
                    connection.sendall(head + body)
                response = http.client.HTTPResponse(connection)
                response.begin()
                payload = response.read()
                with self._lock:
                    self.served[index] += 1
                closes = (response.getheader("connection") or "").lower() == "close"
                return response.status, response.reason, response.getheaders(), payload, closes
            except (OSError, http.client.HTTPException) as error:
                with self._lock:
                    self.failures[index] += 1
                message = f"node {index} failed: {type(error).__name__}".encode()
                return 502, "Bad Gateway", [("Content-Type", "text/plain")], message, True
            finally:
                connection.close()
        return 502, "Bad Gateway", [("Content-Type", "text/plain")], b"no node accepted the connection", True

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# The cluster


class Cluster(Server):
    """`count` nodes on one database behind a round-robin proxy. It is a `Server` whose endpoint is the proxy's, so
    the interop suite's clients (`sts()`, `iam()`, `cli()`...) go through the proxy; `nodes[i]` reaches one node."""

    def __init__(
        self,
        directory: Path,
        database_url: str,
        config: Path | None,
        *,
        count: int = NODE_COUNT,
        master_key: str | None = None,
        args: Sequence[str] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        super().__init__(directory, config, directory / "cluster.log")
        self.directory = directory
        self.database_url = database_url
        self.master_key = master_key or new_master_key()
        self.node_env = {"LATCHKEY_MASTER_KEY": self.master_key, **(env or {})}
        self.nodes = [
            Server(
                directory / f"node{i}" / "data",
                config,
                directory / f"node{i}.log",
                args=["--database-url", database_url, *args],
                env=self.node_env,
            )
            for i in range(count)
        ]
        self.proxy: RoundRobinProxy | None = None
        self.database: TestDatabase | None = None  # dropped by stop() when the cluster made it

    def start(self) -> Cluster:
        """Starts every node at the same moment (they migrate and bootstrap the one database together), then the
        proxy."""
        for node in self.nodes:
            node.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            results = list(pool.map(_start_or_error, self.nodes))
        errors = [error for error in results if error is not None]
        if errors:
            for node in self.nodes:
                node.kill()
            raise RuntimeError("a node did not start:\n" + "\n".join(errors))
        self.proxy = RoundRobinProxy(self.nodes)
        self.endpoint = self.proxy.endpoint
        return self

    def stop(self) -> int | None:
        """Stops every node with SIGTERM (0 only if all exited 0), the proxy, and drops the cluster's database."""
        # Nodes a test killed are not asked to stop.
        statuses = [node.stop() for node in self.nodes if node.process is not None and node.process.poll() is None]
        if self.proxy is not None:
            self.proxy.close()
            self.proxy = None
        if self.database is not None:
            self.database.drop()
            self.database = None
        return next((status for status in statuses if status != 0), 0)

    def kill(self) -> None:
        for node in self.nodes:
            node.kill()

    def printed(self, name: str) -> str | None:
        return next((value for node in self.nodes if (value := node.printed(name)) is not None), None)

    def describe(self) -> str:
        return "\n".join(f"node {i} ({node.endpoint}): {node.describe()}" for i, node in enumerate(self.nodes))

    def restart(self, node: Server) -> Server:
        """Starts a stopped or killed node again (a new port; the proxy follows it)."""
        node.kill()
        node.process = None
        node.endpoint = ""
        node.start()
        return node

    def admin(self, *args: str, keys: Keys | None = None, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Runs `latchkey ARGS...` with the cluster's master key and database URL in the environment (and `keys` as
        the AWS credentials of the default chain, for commands that call an endpoint)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("LATCHKEY_")}
        env.update(self.node_env, LATCHKEY_DATABASE_URL=self.database_url)
        if keys is not None:
            env.update(AWS_ACCESS_KEY_ID=keys.access_key_id, AWS_SECRET_ACCESS_KEY=keys.secret_access_key)
            env.update(AWS_REGION=REGION, AWS_DEFAULT_REGION=REGION)
            if keys.session_token:
                env["AWS_SESSION_TOKEN"] = keys.session_token
        return subprocess.run(
            [str(binary_path()), *args], capture_output=True, text=True, timeout=timeout, env=env, check=False
        )


def _start_or_error(node: Server) -> str | None:
    try:
        node.start()
    except RuntimeError as error:
        return str(error)
    return None


def start_cluster(
    directory: Path,
    config: Path | None = None,
    *,
    count: int = NODE_COUNT,
    server_url: str | None = None,
    args: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> Cluster:
    """A fresh database on the test PostgreSQL server (`server_url`, else `LATCHKEY_TEST_DATABASE_URL`) and `count`
    nodes on it; the database is dropped when the cluster stops. `config` defaults to the suite's bootstrap YAML."""
    url = server_url or database_server_url()
    if url is None:
        raise RuntimeError(f"{DATABASE_URL_VARIABLE} is not set (scripts/test sets it)")
    directory.mkdir(parents=True, exist_ok=True)
    database = TestDatabase(url)
    config = config if config is not None else bootstrap_config(directory)
    try:
        cluster = Cluster(directory, database.url, config, count=count, args=args, env=env)
        cluster.database = database
        return cluster.start()
    except BaseException:
        database.drop()
        raise


FIGURES: list[str] = []
"""Measured figures (propagation times, request counts) of this run, printed in pytest's summary (conftest.py)."""


def report_figure(text: str) -> None:
    FIGURES.append(text)
    print(text)


def wait_until(check: Callable[[], bool], *, deadline: float = 10.0, interval: float = 0.01) -> float | None:
    """Calls `check` until it returns true; the seconds it took, or None if `deadline` passed first."""
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        if time.monotonic() - started > deadline:
            return None
        time.sleep(interval)
