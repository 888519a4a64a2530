"""Fixtures: a real `latchkey serve` on port 0 with a temporary data dir and a known root key."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from latchkey_harness import Server, StartServer, User, bootstrap_config, create_user_with_key, stop_cleanly


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


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the session, bootstrapped with account 111122223333 and its root key."""
    directory = tmp_path_factory.mktemp("latchkey")
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
