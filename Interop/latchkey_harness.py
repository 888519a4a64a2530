"""Shared helpers for the interop suite: the server process, clients, raw signed requests, TOTP."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from latchkey_testing import secrets as secrets_scan
from latchkey_testing.server import LISTENING as LISTENING  # re-exported: the listening line
from latchkey_testing.server import LatchkeyServer

REPO_ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
ACCOUNT_ID = "111122223333"
ROOT_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
ROOT_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
BOTO_CONFIG = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)


@dataclass(frozen=True)
class Keys:
    """A set of AWS credentials (session token only for temporary credentials)."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None

    def __post_init__(self) -> None:
        # Every key the suite holds is a secret the audit trail must never show (the secrets scan).
        secrets_scan.collect("SecretAccessKey", self.secret_access_key)
        if self.session_token:
            secrets_scan.collect("SessionToken", self.session_token)

    @classmethod
    def from_response(cls, credentials: dict) -> Keys:
        """Keys from a `Credentials` or `AccessKey` element of a boto3 response."""
        return cls(credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials.get("SessionToken"))

    def botocore(self) -> Credentials:
        return Credentials(self.access_key_id, self.secret_access_key, self.session_token)


ROOT_KEYS = Keys(ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)
# A second account, for cross-account AssumeRole.
OTHER_ACCOUNT_ID = "444455556666"
OTHER_ROOT_KEYS = Keys("AKIAOTHERACCOUNTROOT", "otherAccountRootSecretKey0000000000000000")


def binary_path() -> Path:
    """The server binary: `LATCHKEY_BIN`, else the debug build in the repository."""
    return Path(os.environ.get("LATCHKEY_BIN", REPO_ROOT / ".build" / "debug" / "latchkey"))


def bootstrap_config(directory: Path) -> Path:
    """Writes the bootstrap YAML holding the known root key and returns its path."""
    path = directory / "latchkey.yaml"
    path.write_text(
        "accounts:\n"
        f'  - id: "{ACCOUNT_ID}"\n'
        "    rootAccessKeys:\n"
        f"      - {{accessKeyId: {ROOT_ACCESS_KEY_ID}, secretAccessKey: {ROOT_SECRET_ACCESS_KEY}}}\n"
        f'  - id: "{OTHER_ACCOUNT_ID}"\n'
        "    rootAccessKeys:\n"
        f"      - {{accessKeyId: {OTHER_ROOT_KEYS.access_key_id}, secretAccessKey: {OTHER_ROOT_KEYS.secret_access_key}}}\n"
    )
    return path


@functools.cache
def boto_session() -> boto3.session.Session:
    """One boto3 session for the whole run, so service models are loaded once; its clients report every secret
    they send or receive to the secrets scan."""
    return secrets_scan.watch(boto3.session.Session())


class Server(LatchkeyServer):
    """One `latchkey serve` process on a free port (latchkey_testing's `LatchkeyServer`, with the interop suite's
    constructor); stdout is drained by a thread and kept in `lines`. While the secrets scan is on (conftest.py) it
    writes its audit trail to a file of the run's scan folder."""

    def __init__(
        self,
        data_dir: Path,
        config: Path | None,
        log_path: Path,
        args: Sequence[str] = (),
        preexec_fn: Callable[[], None] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        """`args` are more `serve` options; `preexec_fn` runs in the child before exec (e.g. to lower a limit);
        `env` is more environment for the server (the `LATCHKEY_` variables of the tests' own environment are not
        passed on: e.g. `LATCHKEY_MASTER_KEY` goes here)."""
        super().__init__(
            binary=binary_path(),
            data_dir=data_dir,
            config_path=config,
            bootstrap=False,
            log_path=log_path,
            args=args,
            env=env,
            preexec_fn=preexec_fn,
            startup_timeout=STARTUP_TIMEOUT,
            stop_timeout=STOP_TIMEOUT,
        )

    def start(self) -> Server:
        binary = binary_path() if self.binary is None else Path(self.binary)
        if not os.access(binary, os.X_OK):
            raise RuntimeError(f"latchkey binary not found at {binary} (build it or set LATCHKEY_BIN)")
        super().start()
        return self

    # Clients

    def client(self, service: str, keys: Keys = ROOT_KEYS, region: str = REGION):
        return boto_session().client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=keys.access_key_id,
            aws_secret_access_key=keys.secret_access_key,
            aws_session_token=keys.session_token,
            config=BOTO_CONFIG,
        )

    def unsigned(self, service: str):
        """A client that sends no credentials at all."""
        return boto_session().client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            config=BOTO_CONFIG.merge(Config(signature_version=UNSIGNED)),
        )

    def sts(self, keys: Keys = ROOT_KEYS):
        return self.client("sts", keys)

    def iam(self, keys: Keys = ROOT_KEYS):
        return self.client("iam", keys)

    def cli(self, *args: str, keys: Keys = ROOT_KEYS) -> CLIResult:
        return run_cli(self.endpoint, list(args), keys)


def stop_cleanly(server: Server) -> None:
    status = server.stop()
    assert status == 0, f"server did not exit 0 within 10 s after SIGTERM (status {status}); {server.describe()}"


StartServer = Callable[..., Server]
"""The `start_server` fixture: `start(data_dir, with_config=True) -> Server`."""


# Users


def unique(prefix: str) -> str:
    """A name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@dataclass(frozen=True)
class User:
    name: str
    user_id: str
    arn: str
    keys: Keys


def create_user_with_key(server: Server, path: str = "/eng/") -> User:
    iam = server.iam()
    created = iam.create_user(UserName=unique("user"), Path=path)["User"]
    key = iam.create_access_key(UserName=created["UserName"])["AccessKey"]
    return User(created["UserName"], created["UserId"], created["Arn"], Keys.from_response(key))


# AWS CLI


@dataclass(frozen=True)
class CLIResult:
    returncode: int
    stdout: str
    stderr: str

    def json(self):
        assert self.returncode == 0, f"aws exited {self.returncode}: {self.stderr.strip()}"
        return json.loads(self.stdout) if self.stdout.strip() else {}

    def error_code(self) -> str | None:
        """The code in the CLI's `An error occurred (Code) when calling ...` line."""
        match = re.search(r"An error occurred \((\w+)\)", self.stderr)
        return match.group(1) if match else None


def cli_command() -> list[str]:
    """`LATCHKEY_AWS_CLI` if set, else `aws` on PATH, else `python -m awscli`."""
    if configured := os.environ.get("LATCHKEY_AWS_CLI"):
        return configured.split()
    if found := shutil.which("aws"):
        return [found]
    return [sys.executable, "-m", "awscli"]


def run_cli(endpoint: str, args: list[str], keys: Keys) -> CLIResult:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=keys.access_key_id,
        AWS_SECRET_ACCESS_KEY=keys.secret_access_key,
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_MAX_ATTEMPTS="1",
        AWS_PAGER="",
        AWS_EC2_METADATA_DISABLED="true",
    )
    if keys.session_token:
        env["AWS_SESSION_TOKEN"] = keys.session_token
    command = cli_command() + ["--endpoint-url", endpoint, "--output", "json", *args]
    collect_cli_arguments(args)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    try:
        secrets_scan.collect_members(json.loads(done.stdout) if done.stdout.strip() else {})
    except ValueError:
        pass
    return CLIResult(done.returncode, done.stdout, done.stderr)


# The AWS CLI's options whose values are secrets, and the member each is.
CLI_SECRET_OPTIONS = {
    "--password": "Password",
    "--old-password": "OldPassword",
    "--new-password": "NewPassword",
    "--saml-assertion": "SAMLAssertion",
    "--web-identity-token": "WebIdentityToken",
    "--token-code": "TokenCode",
    "--authentication-code1": "AuthenticationCode1",
    "--authentication-code2": "AuthenticationCode2",
}


def collect_cli_arguments(args: Sequence[str]) -> None:
    """Reports the secrets among AWS CLI arguments (`--password X`, `--token-code=X`...) to the secrets scan."""
    for index, arg in enumerate(args):
        name, _, inline = arg.partition("=")
        kind = CLI_SECRET_OPTIONS.get(name)
        if kind is None:
            continue
        value = inline if inline else (args[index + 1] if index + 1 < len(args) else "")
        if not value.startswith("file://"):
            secrets_scan.collect(kind, value)


# boto3 errors


def client_error(call, *args, **kwargs) -> ClientError:
    """Runs a boto3 call that must fail and returns its ClientError."""
    try:
        result = call(*args, **kwargs)
    except ClientError as error:
        return error
    raise AssertionError(f"expected an error, got {result!r}")


def error_code(error: ClientError) -> tuple[str, int]:
    return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]


# Raw HTTP


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def xml_error(self) -> dict[str, str]:
        """`Type`, `Code`, `Message` and `RequestId` of an `<ErrorResponse>` body."""
        root = ET.fromstring(self.body)
        assert local(root.tag) == "ErrorResponse", f"not an ErrorResponse: {self.text}"
        fields = {local(child.tag): (child.text or "") for child in root.iter()}
        return {key: fields.get(key, "") for key in ("Type", "Code", "Message", "RequestId")}

    def xml_field(self, name: str) -> str | None:
        root = ET.fromstring(self.body)
        return next((node.text for node in root.iter() if local(node.tag) == name), None)


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def send(method: str, url: str, body: bytes | str | None = None, headers: dict[str, str] | None = None) -> Response:
    """One HTTP/1.1 request without proxies, redirects or retries."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    payload = body.encode() if isinstance(body, str) else body
    secrets_scan.collect_form(payload)
    try:
        connection.request(method, target, body=payload, headers=headers or {})
        answer = connection.getresponse()
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
    finally:
        connection.close()


def signed_request(
    endpoint: str,
    params: dict[str, str],
    keys: Keys = ROOT_KEYS,
    service: str = "sts",
    region: str = REGION,
    headers: dict[str, str] | None = None,
) -> AWSRequest:
    """A POST with a form body, signed with SigV4 in the Authorization header."""
    request = AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=urllib.parse.urlencode(params),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", **(headers or {})},
    )
    SigV4Auth(keys.botocore(), service, region).add_auth(request)
    return request


def send_request(request: AWSRequest) -> Response:
    return send(request.method, request.url, request.body, dict(request.headers.items()))


# TOTP (RFC 6238 with HMAC-SHA1, 30 s steps, 6 digits)

TOTP_STEP = 30


def totp(secret: bytes, counter: int) -> str:
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def seed_secret(base32_seed: bytes | str) -> bytes:
    """The TOTP key from a virtual MFA device's Base32StringSeed (boto3 gives the seed's ASCII as bytes)."""
    text = base32_seed.decode("ascii") if isinstance(base32_seed, bytes) else base32_seed
    text = text.strip().upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def current_counter(margin: float = 3.0) -> int:
    """The current TOTP step, after waiting out the last `margin` seconds of a step so that
    the server sees the same step as the caller."""
    into_step = time.time() % TOTP_STEP
    if into_step > TOTP_STEP - margin:
        time.sleep(TOTP_STEP - into_step + 0.1)
    return int(time.time()) // TOTP_STEP
