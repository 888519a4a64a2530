"""Fixtures: a real `latchkey serve` on port 0 with a temporary data dir and a known root key.

With `LATCHKEY_INTEROP_TARGET=multinode` the `server` fixture is a cluster instead: three nodes on one fresh
PostgreSQL database (on `LATCHKEY_TEST_DATABASE_URL`) behind a per-request round-robin proxy (multinode_harness.py).
Tests that start servers of their own (restarts, shutdown, start-up options, descriptor limits) are skipped then: they
test one process, and run in the single-node pass.

The secrets scan (latchkey_testing's plugin, on unless LATCHKEY_SECRETS_SCAN=0): every server the suite starts writes
its audit trail to a file of one folder, every secret the run handles is collected (boto3 hooks, keys, raw requests,
the AWS CLI's arguments and answers), and at the end every audit file is searched for every secret; a hit fails the
run with the file, the line and the kind of secret.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

try:
    import latchkey_testing  # noqa: F401  (installed into the venv by scripts/test: pip install -e ./python)
except ImportError:  # not installed: the checkout's copy, with its plugin loaded below
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python" / "src"))
from latchkey_testing import plugin as latchkey_plugin

from latchkey_harness import Server, StartServer, User, bootstrap_config, create_user_with_key, stop_cleanly
from multinode_harness import FIGURES, database_server_url, multinode_target, start_cluster

# latchkey_testing's pytest plugin (fixtures, secrets scan): by its entry point when installed, else from the checkout.
pytest_plugins = (
    []
    if any(entry.name == "latchkey" for entry in importlib.metadata.entry_points(group="pytest11"))
    else ["latchkey_testing.plugin"]
)

# Modules whose tests start single servers of their own: skipped when the suite targets a cluster.
SINGLE_NODE_MODULES = {
    "test_cli_startup": "starts and stops its own server processes",
    "test_connections": "measures one server process under a lowered descriptor limit",
    "test_readme_tour": "starts its own server from an empty data folder",
    "test_restart": "restarts one server on its data folder",
    "test_serve_settings": "tests one server's start-up options",
    "test_shutdown": "signals one server process",
}
# Tests that expect a change made through one request to show in the very next one. Across nodes a change shows
# within a second (the change feed polls every 200 ms; test_multinode.py measures it), and a key's last use reaches
# the other nodes when the node that saw it flushes its uses (once a minute), so these run in the single-node pass.
IMMEDIATE = "expects a change to show in the very next request, which on another node comes within a second"
SINGLE_NODE_TESTS = {
    "test_federation_oidc.py::test_changes_to_the_provider_apply_to_the_next_token": IMMEDIATE,
    "test_revocation.py::test_a_revoked_session_is_refused_and_a_newer_one_works": IMMEDIATE,
    "test_revocation.py::test_the_cli_revokes_a_role_and_the_sessions_chained_from_it": IMMEDIATE,
    "test_revocation.py::test_revoking_a_long_term_key_refuses_its_get_session_token_sessions": IMMEDIATE,
    "test_update_user_and_key_last_used.py::test_access_key_last_used_reports_service_and_region": (
        "reads a key's last use on another node than the one that saw it, before the minute's flush"
    ),
}


def pytest_configure(config: pytest.Config) -> None:
    # Nothing from the developer's AWS setup may leak into the clients.
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    config.addinivalue_line("markers", "single_node: the test needs one server process; skipped on a cluster")
    if os.environ.get("LATCHKEY_SECRETS_SCAN", "1") != "0":
        latchkey_plugin.enable_secrets_scan(config)
    if multinode_target() and database_server_url() is None:
        raise pytest.UsageError("LATCHKEY_INTEROP_TARGET=multinode needs LATCHKEY_TEST_DATABASE_URL (scripts/test)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not multinode_target():
        return
    for item in items:
        module = item.module.__name__ if item.module is not None else ""
        reason = SINGLE_NODE_MODULES.get(module) or SINGLE_NODE_TESTS.get(item.nodeid.rsplit("/", 1)[-1])
        if reason is None and "start_server" in getattr(item, "fixturenames", ()):
            reason = "starts single servers of its own"
        if reason is None and item.get_closest_marker("single_node") is not None:
            reason = "needs one server process"
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=f"single-node test ({reason}); it runs in the single-node pass"))


def pytest_terminal_summary(terminalreporter) -> None:
    """The figures the multi-node tests measured (propagation times...), which they assert only loosely."""
    if FIGURES:
        terminalreporter.section("measured")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the session, bootstrapped with account 111122223333 and its root key (a cluster of three
    nodes behind a round-robin proxy when LATCHKEY_INTEROP_TARGET=multinode)."""
    directory = tmp_path_factory.mktemp("latchkey")
    if multinode_target():
        running: Server = start_cluster(directory / "cluster", bootstrap_config(directory))
    else:
        running = Server(directory / "data", bootstrap_config(directory), directory / "server.log").start()
    try:
        yield running
    finally:
        stop_cleanly(running)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    """Starts servers on a data dir of the caller's choice; each still running at the end must stop cleanly."""
    started: list[Server] = []

    def start(data_dir: Path, *, with_config: bool = True, args: Sequence[str] = (), preexec_fn=None) -> Server:
        config = bootstrap_config(tmp_path) if with_config else None
        log = tmp_path / f"server-{len(started)}.log"
        running = Server(data_dir, config, log, args=args, preexec_fn=preexec_fn).start()
        started.append(running)
        return running

    yield start
    for running in started:
        if running.process is not None:
            stop_cleanly(running)


@pytest.fixture
def user(server: Server) -> User:
    """A fresh IAM user under /eng/ with one active access key."""
    return create_user_with_key(server)
