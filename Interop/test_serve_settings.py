"""The connection settings of `latchkey serve`: a flag wins over its environment variable, which wins over the
configuration file, which wins over the default; a bad value stops the start with a message naming its source."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

from latchkey_harness import binary_path

BOUND = 60
SETTINGS = re.compile(
    r"connections: header timeout (?P<header>\S+), body timeout (?P<body>\S+), idle timeout (?P<idle>\S+), "
    r"at most (?P<max>\d+)(?P<derived> \(from the descriptor limit\))?, shutdown grace (?P<grace>\S+)"
)


def command(tmp_path: Path, args: list[str], config: str) -> list[str]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    line = [str(binary_path()), "serve", "--data-dir", str(tmp_path / "data"), "--port", "0", *args]
    if config:
        path = tmp_path / "latchkey.yaml"
        path.write_text(config)
        line += ["--config", str(path)]
    return line


def environment(env: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LATCHKEY_")}
    clean["LATCHKEY_LOG_LEVEL"] = "info"
    clean.update(env)
    return clean


def effective_settings(tmp_path: Path, args: list[str] = (), env: dict[str, str] | None = None, config: str = ""):
    """Starts the server, reads the settings line it logs at start, and stops it (SIGTERM, exit 0)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    log = tmp_path / "stderr.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            command(tmp_path, list(args), config),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=environment(env or {}),
        )
    try:
        # Signals are handled once the server listens: wait for its line before stopping it.
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("latchkey listening on "):
                break
        match = SETTINGS.search(log.read_text())
        assert match, f"no settings line: {log.read_text()[-2000:]}"
        return match.groupdict()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=BOUND) == 0


def refused(tmp_path: Path, args: list[str] = (), env: dict[str, str] | None = None, config: str = ""):
    result = subprocess.run(
        command(tmp_path, list(args), config),
        capture_output=True,
        text=True,
        env=environment(env or {}),
        timeout=BOUND,
    )
    assert result.returncode != 0, result.stdout
    assert "listening" not in result.stdout
    return result.stderr


def test_defaults(tmp_path: Path):
    settings = effective_settings(tmp_path)
    assert (settings["header"], settings["body"], settings["idle"], settings["grace"]) == ("10s", "30s", "1m", "10s")
    assert settings["derived"], settings


def test_file_then_environment_then_flag(tmp_path: Path):
    config = "headerTimeout: 4s\nbodyTimeout: 5s\nidleTimeout: 6s\nmaxConnections: 70\nshutdownGrace: 7s\n"
    from_file = effective_settings(tmp_path / "file", config=config)
    assert from_file == {"header": "4s", "body": "5s", "idle": "6s", "max": "70", "derived": None, "grace": "7s"}

    env = {"LATCHKEY_HEADER_TIMEOUT": "2m", "LATCHKEY_MAX_CONNECTIONS": "80", "LATCHKEY_SHUTDOWN_GRACE": "500ms"}
    from_env = effective_settings(tmp_path / "env", env=env, config=config)
    assert from_env == {"header": "2m", "body": "5s", "idle": "6s", "max": "80", "derived": None, "grace": "500ms"}

    flags = ["--header-timeout", "3", "--body-timeout", "1h", "--max-connections", "90"]
    from_flags = effective_settings(tmp_path / "flags", args=flags, env=env, config=config)
    assert from_flags == {"header": "3s", "body": "1h", "idle": "6s", "max": "90", "derived": None, "grace": "500ms"}


def test_bad_values_are_refused_naming_their_source(tmp_path: Path):
    assert "--idle-timeout must be a duration" in refused(tmp_path, args=["--idle-timeout", "forever"])
    assert "LATCHKEY_MAX_CONNECTIONS must be a whole number" in refused(
        tmp_path, env={"LATCHKEY_MAX_CONNECTIONS": "lots"}
    )
    stderr = refused(tmp_path, config="shutdownGrace: 0s\n")
    assert "line 1" in stderr, stderr
    assert "shutdownGrace must be a duration" in stderr, stderr
    # The flag wins, so a bad environment value under it is never read.
    assert (
        effective_settings(tmp_path / "ok", args=["--body-timeout", "2s"], env={"LATCHKEY_BODY_TIMEOUT": "x"})["body"]
        == "2s"
    )
