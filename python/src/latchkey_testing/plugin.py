"""The pytest plugin (entry point `pytest11`, name `latchkey`).

Fixtures:
- `latchkey`: a started `LatchkeyServer` for the test, seeded by the test's `@pytest.mark.latchkey_seed(...)`
  (a mapping or YAML text) if it has one; stopped after the test.
- `latchkey_factory`: `latchkey_factory(seed=None, **options) -> LatchkeyServer`, for tests that want several
  servers or options of their own; each is stopped after the test.
- `latchkey_binary`: the `latchkey` executable (`LATCHKEY_BIN`, else `PATH`).

The secrets scan (`--latchkey-secrets-scan`, `latchkey_secrets_scan = true` in the ini file, or
`LATCHKEY_SECRETS_SCAN=1`): every server
started during the run writes its audit trail to a file of one folder, every secret the run's boto3 sessions handle
is collected, and at the end of the run every audit file is searched for every secret; a hit fails the run, naming
the file, the line and the kind of secret.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from . import secrets
from .server import LatchkeyServer, find_binary

_FINDINGS = pytest.StashKey[list]()
_WRITTEN = pytest.StashKey[int]()
_SCAN = pytest.StashKey[secrets.AuditScan]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("latchkey")
    group.addoption(
        "--latchkey-secrets-scan",
        action="store_true",
        default=None,
        help="write every Latchkey server's audit trail to a file and fail the run if any holds a secret it handled",
    )
    group.addoption(
        "--latchkey-audit-dir",
        default=None,
        help="the folder for the secrets scan's audit files (default: a new temporary folder)",
    )
    parser.addini("latchkey_secrets_scan", "run the secrets scan (see --latchkey-secrets-scan)", type="bool")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "latchkey_seed(seed): the seed (a mapping or YAML text) the `latchkey` fixture starts with"
    )
    enabled = config.getoption("latchkey_secrets_scan")
    if enabled is None:
        enabled = bool(config.getini("latchkey_secrets_scan")) or _environment_says_scan()
    if enabled:
        enable_secrets_scan(config)


def enable_secrets_scan(config: pytest.Config) -> secrets.AuditScan:
    """Turns the secrets scan on for this run (a conftest may call it from its `pytest_configure`)."""
    if _SCAN in config.stash:
        return config.stash[_SCAN]
    scan = secrets.AuditScan(config.getoption("latchkey_audit_dir"))
    config.stash[_SCAN] = scan
    secrets.activate(scan)
    return scan


def secrets_scan(config: pytest.Config) -> secrets.AuditScan | None:
    """The run's scan, if on."""
    return config.stash.get(_SCAN, None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    scan = secrets_scan(session.config)
    if scan is None:
        return
    written = scan.written()
    findings = scan.scan()
    session.config.stash[_FINDINGS] = findings
    session.config.stash[_WRITTEN] = len(written)
    if findings and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if not findings:
        scan.remove_if_owned()  # a clean run's files are not kept (a run with findings keeps them to look at)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    scan = secrets_scan(config)
    if scan is None:
        return
    findings = config.stash.get(_FINDINGS, [])
    terminalreporter.section("latchkey secrets scan")
    written = config.stash.get(_WRITTEN, 0)
    terminalreporter.write_line(
        f"{len(secrets.REGISTRY)} secrets ({len(secrets.REGISTRY.kinds())} kinds) searched for in "
        f"{written} audit files under {scan.directory}" + (" (removed: clean)" if scan.owned and not findings else "")
    )
    if not written:
        terminalreporter.write_line(
            "no server wrote an audit file: they ran without --audit-log (a latchkey binary without the option?)"
        )
    for finding in findings[:200]:
        terminalreporter.write_line(f"SECRET IN AUDIT TRAIL: {finding}", red=True)
    if findings:
        terminalreporter.write_line(f"{len(findings)} findings: the run fails", red=True)


@pytest.fixture(scope="session")
def latchkey_binary() -> str:
    """The `latchkey` executable (`LATCHKEY_BIN`, else `PATH`); a clear error when there is none."""
    return str(find_binary())


@pytest.fixture
def latchkey_factory(latchkey_binary: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """`latchkey_factory(seed=None, **options)`: starts a `LatchkeyServer` (options as its constructor's); each is
    stopped after the test."""
    started: list[LatchkeyServer] = []

    def start(seed: Any = None, **options: Any) -> LatchkeyServer:
        options.setdefault("binary", latchkey_binary)
        options.setdefault("log_path", tmp_path_factory.mktemp("latchkey") / "server.log")
        server = LatchkeyServer(seed, **options)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def latchkey(request: pytest.FixtureRequest, latchkey_factory: Any) -> LatchkeyServer:
    """A started Latchkey server: `endpoint`, `root_credentials`, `session()`, `client(service)`. Seeded by the
    test's `@pytest.mark.latchkey_seed(seed)` marker, if any."""
    marker = request.node.get_closest_marker("latchkey_seed")
    seed = None
    if marker is not None:
        seed = marker.args[0] if marker.args else marker.kwargs.get("seed")
    return latchkey_factory(seed)


def _environment_says_scan() -> bool:
    return os.environ.get("LATCHKEY_SECRETS_SCAN", "") not in ("", "0")
