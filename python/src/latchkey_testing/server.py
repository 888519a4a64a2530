"""`LatchkeyServer`: one `latchkey serve` process on a free loopback port, with a temporary data folder, a
configuration file holding known root keys and an optional seed."""

from __future__ import annotations

import functools
import os
import queue
import re
import secrets as _random
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import boto3
import yaml
from botocore import UNSIGNED
from botocore.config import Config

from . import secrets

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
LISTENING = re.compile(r"^latchkey listening on (?P<scheme>https?)://(?P<host>[^:\s/]+):(?P<port>\d+)$")
BOTO_CONFIG = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)
_PRINTED_SECRET = re.compile(r"^(?P<name>[A-Z_]*(?:SECRET|TOKEN|PASSWORD)[A-Z_]*)=(?P<value>\S+)$")
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


class BinaryNotFound(RuntimeError):
    """Neither `LATCHKEY_BIN` nor `PATH` has a runnable `latchkey`."""


@dataclass(frozen=True)
class RootCredentials:
    """The root access key of the server's account."""

    access_key_id: str
    secret_access_key: str
    account_id: str

    def __post_init__(self) -> None:
        secrets.collect("root SecretAccessKey", self.secret_access_key)

    def __repr__(self) -> str:  # never the secret
        return f"RootCredentials({self.access_key_id!r}, account {self.account_id!r})"

    @classmethod
    def generate(cls, account_id: str = DEFAULT_ACCOUNT_ID) -> RootCredentials:
        key_id = "AKIA" + "".join(_random.choice(_ID_ALPHABET) for _ in range(16))
        secret = "".join(_random.choice(_SECRET_ALPHABET) for _ in range(40))
        return cls(key_id, secret, account_id)


def find_binary(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The `latchkey` executable: `explicit`, else `LATCHKEY_BIN`, else `latchkey` on `PATH`."""
    candidate = explicit or os.environ.get("LATCHKEY_BIN")
    if candidate:
        path = Path(candidate)
        if os.access(path, os.X_OK) and path.is_file():
            return path
        source = "the path given" if explicit else "LATCHKEY_BIN"
        raise BinaryNotFound(
            f"{source} names {path}, which is not an executable file. Build Latchkey (`swift build` in its "
            "checkout makes .build/debug/latchkey) and point LATCHKEY_BIN at the binary."
        )
    found = shutil.which("latchkey")
    if found:
        return Path(found)
    raise BinaryNotFound(
        "the latchkey binary was not found: LATCHKEY_BIN is not set and there is no `latchkey` on PATH. Build it "
        "(`swift build` in the Latchkey checkout makes .build/debug/latchkey, or `scripts/release` a release "
        "tarball) and set LATCHKEY_BIN=/path/to/latchkey, or put the folder holding it on PATH."
    )


@functools.cache
def supports_option(binary: str, option: str) -> bool:
    """Whether `latchkey serve --help` lists `option` (so harnesses can use a flag once the binary has it)."""
    try:
        done = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return option in done.stdout or option in done.stderr


def seed_document(seed: Mapping[str, Any] | str | None, root: RootCredentials | None) -> tuple[str, RootCredentials]:
    """The configuration file's YAML: the seed (a mapping or YAML text), with the root key of `root`'s account
    added unless the seed declares one for it, in which case the seed's first key is the root key returned."""
    if seed is None:
        document: dict[str, Any] = {}
    elif isinstance(seed, str):
        loaded = yaml.safe_load(seed)
        if loaded is not None and not isinstance(loaded, dict):
            raise ValueError("a seed must be a YAML mapping (the configuration file's top level)")
        document = dict(loaded or {})
    else:
        document = dict(seed)
    root = root or RootCredentials.generate()
    accounts = [dict(entry) for entry in document.get("accounts") or []]
    for entry in accounts:
        if isinstance(entry.get("id"), int):
            entry["id"] = f"{entry['id']:012d}"
    mine = next((entry for entry in accounts if entry.get("id") == root.account_id), None)
    if mine is None:
        mine = {"id": root.account_id}
        accounts.insert(0, mine)
    declared = list(mine.get("rootAccessKeys") or [])
    if declared:
        first = declared[0]
        root = RootCredentials(str(first["accessKeyId"]), str(first["secretAccessKey"]), root.account_id)
    else:
        mine["rootAccessKeys"] = [{"accessKeyId": root.access_key_id, "secretAccessKey": root.secret_access_key}]
    _collect_seed_secrets(accounts)
    document["accounts"] = accounts
    return yaml.safe_dump(document, sort_keys=False, default_flow_style=False), root


# Seed keys whose values are secrets: access keys' secrets (root and users') and virtual MFA devices' seeds.
_SEED_SECRETS = {"secretAccessKey": "SecretAccessKey (seed)", "seed": "Base32StringSeed (seed)"}


def _collect_seed_secrets(value: Any) -> None:
    """Reports the secrets a seed declares to the secrets scan."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key in _SEED_SECRETS and isinstance(item, str):
                secrets.collect(_SEED_SECRETS[key], item)
            else:
                _collect_seed_secrets(item)
    elif isinstance(value, list):
        for item in value:
            _collect_seed_secrets(item)


def _collect_config_secrets(path: Path) -> None:
    """Reports the secrets a configuration file of the caller's declares (an unreadable file is the server's to
    report)."""
    try:
        _collect_seed_secrets(yaml.safe_load(path.read_text()))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        pass


class LatchkeyServer:
    """One `latchkey serve` process on 127.0.0.1, port 0.

    ```python
    with LatchkeyServer(seed={"accounts": [...]}) as server:
        server.client("sts").get_caller_identity()
    ```

    Without `config_path` a configuration file is written to a temporary folder: the seed (a mapping or YAML
    text, the same keys as `latchkey serve --config`) plus the root key of `account_id` (generated unless `root`
    or the seed gives one). `bootstrap=False` starts with no configuration file at all (the server then creates
    its first account and prints its key). Standard output is drained by a thread into `lines`; standard error
    goes to `log_path`. `stop()` sends SIGTERM and removes the temporary folder.
    """

    def __init__(
        self,
        seed: Mapping[str, Any] | str | None = None,
        *,
        binary: str | os.PathLike[str] | None = None,
        data_dir: Path | None = None,
        config_path: Path | None = None,
        bootstrap: bool = True,
        log_path: Path | None = None,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        preexec_fn: Callable[[], None] | None = None,
        root: RootCredentials | None = None,
        account_id: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        audit_log: Path | str | None = None,
        startup_timeout: float = 30.0,
        stop_timeout: float = 10.0,
    ) -> None:
        self._temporary: Path | None = None
        self.binary = binary
        self.seed = seed
        self.data_dir = data_dir
        self.config = config_path
        self.bootstrap = bootstrap
        self.log_path = log_path
        self.args = list(args)
        self.env = dict(env or {})
        self.preexec_fn = preexec_fn
        self.root = root or (RootCredentials.generate(account_id) if bootstrap and config_path is None else None)
        self.region = region
        self.audit_log = audit_log
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.lines: list[str] = []
        self.endpoint = ""
        self.process: subprocess.Popen[str] | None = None
        self._session: boto3.session.Session | None = None

    # Life cycle

    def _scratch(self) -> Path:
        if self._temporary is None:
            self._temporary = Path(tempfile.mkdtemp(prefix="latchkey-"))
        return self._temporary

    def command(self) -> list[str]:
        """The command line `start()` runs (writing the configuration file first when it makes one)."""
        binary = find_binary(self.binary)
        if self.data_dir is None:
            self.data_dir = self._scratch() / "data"
        if self.config is None and self.bootstrap:
            text, self.root = seed_document(self.seed, self.root)
            self.config = self._scratch() / "latchkey.yaml"
            self.config.write_text(text)
            self.config.chmod(0o600)
        command = [str(binary), "serve", "--data-dir", str(self.data_dir), "--host", "127.0.0.1", "--port", "0"]
        if self.config is not None:
            command += ["--config", str(self.config)]
            _collect_config_secrets(Path(self.config))
        command += self.args
        audit = self._audit_destination(str(binary))
        if audit is not None:
            command += ["--audit-log", str(audit)]
        return command

    def _audit_destination(self, binary: str) -> Path | str | None:
        """`audit_log`, else a file of the active secrets scan (when the binary has `--audit-log` and neither the
        arguments nor the environment choose an audit log already)."""
        chosen = any(arg == "--audit-log" or arg.startswith("--audit-log=") for arg in self.args)
        chosen = chosen or "LATCHKEY_AUDIT_LOG" in self.env
        if chosen:
            secrets.note_audit_option(self.args, self.env)
            return None
        if self.audit_log is not None:
            if str(self.audit_log) != "-":
                secrets.note_audit_file(Path(self.audit_log))
            return self.audit_log
        scan = secrets.active_scan()
        if scan is None or not supports_option(binary, "--audit-log"):
            return None
        return scan.new_audit_file()

    def start(self) -> LatchkeyServer:
        command = self.command()
        env = {k: v for k, v in os.environ.items() if not k.startswith("LATCHKEY_")}
        env.setdefault("LATCHKEY_LOG_LEVEL", "info")
        env.update(self.env)
        if self.log_path is None:
            self.log_path = self._scratch() / "server.log"
        with Path(self.log_path).open("a") as log:
            self.process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                env=env,
                start_new_session=True,
                preexec_fn=self.preexec_fn,
            )
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._drain, args=(self.process, lines), daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = lines.get(timeout=max(remaining, 0.01))
            except queue.Empty:
                self._failed(f"no listening line within {self.startup_timeout}s")
            if line is None:
                self._failed("server exited before listening")
            match = LISTENING.match(line)
            if match:
                self.endpoint = f"{match['scheme']}://{match['host']}:{match['port']}"
                return self

    def _failed(self, reason: str) -> NoReturn:
        """Stops a start that failed, removes its temporary folder and raises with what the server said."""
        self.kill()
        message = f"{reason}; {self.describe()}"
        self._cleanup()
        raise RuntimeError(message)

    def _drain(self, process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
        if process.stdout is None:
            return
        for raw in process.stdout:
            line = raw.rstrip("\n")
            printed = _PRINTED_SECRET.match(line)
            if printed:  # the first account's generated key, printed once by a server started without a config
                secrets.collect(printed["name"], printed["value"])
            self.lines.append(line)
            lines.put(line)
        lines.put(None)

    def stop(self) -> int | None:
        """Sends SIGTERM and returns the exit status, or None if the server had not exited in `stop_timeout`."""
        if self.process is None:
            self._cleanup()
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        finally:
            self.process = None
            self._cleanup()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _cleanup(self) -> None:
        if self._temporary is not None:
            shutil.rmtree(self._temporary, ignore_errors=True)
            self._temporary = None

    def __enter__(self) -> LatchkeyServer:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # What it printed

    def printed(self, name: str) -> str | None:
        """The value of a `NAME=value` line the server printed on stdout, if any."""
        prefix = name + "="
        return next((line[len(prefix) :] for line in self.lines if line.startswith(prefix)), None)

    def describe(self) -> str:
        path = Path(self.log_path) if self.log_path is not None else None
        log = path.read_text(errors="replace")[-4000:] if path is not None and path.exists() else ""
        return f"stdout: {self.lines[-20:]!r}; stderr tail:\n{log}"

    # Clients

    @property
    def root_credentials(self) -> RootCredentials:
        if self.root is None:
            raise RuntimeError("this server was started with a configuration file of the caller's: no known root key")
        return self.root

    def boto_session(self) -> boto3.session.Session:
        """One boto3 session (service models loaded once), with the secrets scan's hooks."""
        if self._session is None:
            self._session = secrets.watch(boto3.session.Session())
        return self._session

    def session(
        self,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
    ) -> boto3.session.Session:
        """A boto3 session with these credentials (the root's by default) and the server's region; give its
        clients `endpoint_url=server.endpoint` (or use `client()`)."""
        if access_key_id is None:
            root = self.root_credentials
            access_key_id, secret_access_key = root.access_key_id, root.secret_access_key
        return secrets.watch(
            boto3.session.Session(
                aws_access_key_id=access_key_id,
                aws_secret_access_key=secret_access_key,
                aws_session_token=session_token,
                region_name=self.region,
            )
        )

    def client(
        self,
        service: str,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        region: str | None = None,
    ):
        """A boto3 client for `service` (`sts`, `iam`, `cloudtrail`) on this server, signed with the root's
        credentials unless others are given, with no retries."""
        if access_key_id is None:
            root = self.root_credentials
            access_key_id, secret_access_key = root.access_key_id, root.secret_access_key
        return self.boto_session().client(
            service,
            endpoint_url=self.endpoint,
            region_name=region or self.region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            aws_session_token=session_token,
            config=BOTO_CONFIG,
        )

    def unsigned_client(self, service: str):
        """A client that sends no credentials (AssumeRoleWithWebIdentity, AssumeRoleWithSAML)."""
        return self.boto_session().client(
            service,
            endpoint_url=self.endpoint,
            region_name=self.region,
            config=BOTO_CONFIG.merge(Config(signature_version=UNSIGNED)),
        )
