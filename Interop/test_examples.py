"""The deployment examples in examples/, run for real: the systemd unit (checked by systemd-analyze, and its command
line started), and the nginx TLS front end (real nginx with the example's server block, a self-signed certificate
made here, a boto3 client over HTTPS, and the forwarded headers seen through policies)."""

from __future__ import annotations

import datetime
import http.client
import ipaddress
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from latchkey_harness import (
    BOTO_CONFIG,
    REGION,
    REPO_ROOT,
    ROOT_KEYS,
    Keys,
    Server,
    StartServer,
    binary_path,
    boto_session,
    client_error,
    error_code,
    unique,
)

EXAMPLES = REPO_ROOT / "examples"
UNIT = EXAMPLES / "latchkey.service"
NGINX_SITE = EXAMPLES / "nginx-tls.conf"
EXAMPLE_CONFIG = EXAMPLES / "latchkey.yaml"
LISTENING = re.compile(r"^latchkey listening on (?P<url>http://\S+)$")


def unit_settings(text: str) -> dict[str, list[str]]:
    """Each `Key=value` of the unit (every section), values in order."""
    settings: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        settings.setdefault(key.strip(), []).append(value.strip())
    return settings


# The systemd unit


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_systemd_unit_passes_systemd_analyze_verify_and_its_security_review(tmp_path: Path) -> None:
    # verify checks that ExecStart's binary exists: the unit names the installed path, the test the built one.
    unit = tmp_path / "latchkey.service"
    unit.write_text(UNIT.read_text().replace("/usr/local/bin/latchkey", str(binary_path())))
    verified = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0, verified.stderr
    # An unknown or misspelt key is only a warning: any output at all is a failure here.
    assert verified.stdout.strip() == "", verified.stdout
    assert verified.stderr.strip() == "", verified.stderr
    # The overall exposure level (0 best, 10 worst), at most 2.0 ("OK").
    security = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", "--threshold=20", "--no-pager", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert security.returncode == 0, security.stdout[-3000:] + security.stderr
    level = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", security.stdout)
    assert level, security.stdout[-500:]
    assert float(level.group(1)) <= 2.0, security.stdout[-500:]


def test_the_systemd_unit_has_the_documented_hardening() -> None:
    settings = unit_settings(UNIT.read_text())
    single = {key: values[-1] for key, values in settings.items()}
    assert single["User"] == "latchkey"
    assert single["ExecStart"].startswith(
        "/usr/local/bin/latchkey serve --config /etc/latchkey/latchkey.yaml --data-dir /var/lib/latchkey"
    )
    assert single["ExecReload"] == "/bin/kill -HUP $MAINPID"
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "CapabilityBoundingSet": "",
        "MemoryDenyWriteExecute": "yes",
        "LockPersonality": "yes",
        "UMask": "0077",
        "Restart": "on-failure",
    }.items():
        assert single.get(key) == value, f"{key}={single.get(key)!r}, expected {value!r}"
    assert set(single["ReadWritePaths"].split()) == {"/var/lib/latchkey", "/var/log/latchkey"}
    assert "@system-service" in settings["SystemCallFilter"]
    assert set(single["RestrictAddressFamilies"].split()) <= {"AF_INET", "AF_INET6", "AF_UNIX"}
    assert int(single["LimitNOFILE"]) >= 16384


class Process:
    """A `latchkey serve` started from an exact command line (not the harness's), stdout read line by line."""

    def __init__(self, command: list[str], log: Path) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("LATCHKEY_")}
        with log.open("w") as errors:
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=errors, text=True, env=env, start_new_session=True
            )
        self.log = log
        self.lines: list[str] = []

    def wait_listening(self, timeout: float = 60.0) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip("\n"))
            if match := LISTENING.match(self.lines[-1]):
                return match["url"]
        self.process.kill()
        raise AssertionError(f"no listening line: {self.lines}; stderr {self.log.read_text()[-3000:]}")

    def printed(self, name: str) -> str:
        value = next((line.split("=", 1)[1] for line in self.lines if line.startswith(name + "=")), None)
        assert value, f"no {name}= line in {self.lines}"
        return value

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("no exit within 30 s of SIGTERM") from None


@pytest.mark.single_node
def test_the_units_command_line_and_the_example_configuration_start_a_working_server(tmp_path: Path) -> None:
    """ExecStart as written, with the test's binary, folders and a free port: every option exists, the example
    configuration parses, and the first start serves a signed call."""
    exec_start = {key: values[-1] for key, values in unit_settings(UNIT.read_text()).items()}["ExecStart"]
    replacements = {
        "/usr/local/bin/latchkey": str(binary_path()),
        "/etc/latchkey/latchkey.yaml": str(EXAMPLE_CONFIG),
        "/var/lib/latchkey": str(tmp_path / "lib"),
        "/var/log/latchkey": str(tmp_path / "log"),
    }
    command = []
    for argument in shlex.split(exec_start):
        for old, new in replacements.items():
            argument = argument.replace(old, new)
        command.append(argument)
    assert command.count("--port") == 1
    command[command.index("--port") + 1] = "0"
    (tmp_path / "log").mkdir()
    server = Process(command, tmp_path / "server.log")
    try:
        url = server.wait_listening()
        sts = boto_session().client(
            "sts",
            endpoint_url=url,
            region_name=REGION,
            aws_access_key_id=server.printed("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=server.printed("AWS_SECRET_ACCESS_KEY"),
            config=BOTO_CONFIG,
        )
        assert sts.get_caller_identity()["Account"] == server.printed("LATCHKEY_ACCOUNT_ID")
    finally:
        status = server.stop()
    assert status == 0, server.log.read_text()[-3000:]
    assert (tmp_path / "lib" / "latchkey.sqlite").is_file()
    if "--audit-log" in command:  # the audit trail's file, in the unit's log folder
        audit = command[command.index("--audit-log") + 1]
        events = [json.loads(line) for line in Path(audit).read_text().splitlines()]
        assert "GetCallerIdentity" in [event["eventName"] for event in events]


# nginx in front


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_path = directory / "fullchain.pem"
    key_path = directory / "privkey.pem"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return certificate_path, key_path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Nginx:
    """nginx in the foreground with examples/nginx-tls.conf as its only server block (paths and ports
    substituted), its prefix, logs, pid and temporary folders in a test folder."""

    def __init__(self, directory: Path, upstream: str) -> None:
        self.directory = directory
        self.certificate, key = self_signed_certificate(directory)
        self.port = free_port()
        site = NGINX_SITE.read_text()
        substitutions = [
            ("server 127.0.0.1:8080;", f"server {upstream};"),
            ("listen 443 ssl;", f"listen 127.0.0.1:{self.port} ssl;"),
            ("listen [::]:443 ssl;", ""),
            ("/etc/latchkey/tls/fullchain.pem", str(self.certificate)),
            ("/etc/latchkey/tls/privkey.pem", str(key)),
        ]
        for old, new in substitutions:
            assert old in site, f"examples/nginx-tls.conf no longer has {old!r}: update this test"
            site = site.replace(old, new)
        (directory / "latchkey.conf").write_text(site)
        user = "user root;\n" if os.geteuid() == 0 else ""
        temporary = "".join(
            f"    {kind}_temp_path {directory / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (directory / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {directory / 'nginx.pid'};\n"
            f"error_log {directory / 'error.log'} info;\nevents {{ worker_connections 64; }}\n"
            f"http {{\n    access_log {directory / 'access.log'};\n{temporary}"
            f"    include {directory / 'latchkey.conf'};\n}}\n"
        )
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        options = ["-p", str(directory), "-e", str(directory / "error.log"), "-c", str(directory / "nginx.conf")]
        checked = subprocess.run(
            [nginx, "-t", *options],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen(
            [nginx, *options],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"nginx exited: {self.process.stderr.read() if self.process.stderr else ''}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError("nginx did not listen within 30 s")

    @property
    def endpoint(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.certificate))

    def client(self, service: str, keys: Keys):
        client = boto_session().client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=keys.access_key_id,
            aws_secret_access_key=keys.secret_access_key,
            aws_session_token=keys.session_token,
            verify=str(self.certificate),
            config=BOTO_CONFIG,
        )
        return client

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def nginx_front(tmp_path: Path, start_server: StartServer) -> Iterator[tuple[Nginx, Server]]:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.skip("nginx is not installed (Debian nginx-light)")
    server = start_server(tmp_path / "data", args=["--trusted-proxy", "127.0.0.1/32"])
    upstream = server.endpoint.removeprefix("http://")
    front_dir = tmp_path / "nginx"
    front_dir.mkdir()
    front = Nginx(front_dir, upstream)
    try:
        yield front, server
    finally:
        front.stop()


def policy(statement: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_boto3_through_the_nginx_front_end_over_https(nginx_front: tuple[Nginx, Server]) -> None:
    front, server = nginx_front
    identity = front.client("sts", ROOT_KEYS).get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::111122223333:root"
    assert front.client("iam", ROOT_KEYS).list_users()["ResponseMetadata"]["HTTPStatusCode"] == 200
    # /metrics has a location of its own (allowed from loopback only), still proxied to Latchkey.
    connection = http.client.HTTPSConnection("127.0.0.1", front.port, timeout=60, context=front.context())
    try:
        connection.request("GET", "/metrics")
        answer = connection.getresponse()
        text = answer.read().decode(errors="replace")
    finally:
        connection.close()
    assert answer.status == 200, text[:500]
    assert "latchkey_requests_total" in text


def test_the_front_end_passes_https_and_the_client_address_and_replaces_a_forged_x_forwarded_for(
    nginx_front: tuple[Nginx, Server],
) -> None:
    """A user may call iam:GetUser only over HTTPS from 127.0.0.1: allowed through nginx (X-Forwarded-Proto https
    from a trusted proxy), refused on plain HTTP, and still allowed when the client forges an X-Forwarded-For that
    nginx must overwrite (appended, it would become the caller's aws:SourceIp and the call would be refused)."""
    front, server = nginx_front
    iam = server.iam()
    name = unique("tls-only")
    iam.create_user(UserName=name)
    keys = Keys.from_response(iam.create_access_key(UserName=name)["AccessKey"])
    condition = {"Bool": {"aws:SecureTransport": "true"}, "IpAddress": {"aws:SourceIp": "127.0.0.1/32"}}
    iam.put_user_policy(
        UserName=name,
        PolicyName="https-only",
        PolicyDocument=policy({"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*", "Condition": condition}),
    )
    assert front.client("iam", keys).get_user(UserName=name)["User"]["UserName"] == name
    refused = client_error(server.iam(keys).get_user, UserName=name)
    assert error_code(refused) == ("AccessDenied", 403)

    forged = front.client("iam", keys)

    def forge(request, **_) -> None:  # after signing: the header is not signed, as a proxy's would not be
        request.headers["X-Forwarded-For"] = "203.0.113.9"
        request.headers["X-Forwarded-Proto"] = "http"

    forged.meta.events.register("before-send.iam.GetUser", forge)
    assert forged.get_user(UserName=name)["User"]["UserName"] == name


def test_the_front_end_lets_a_512_kib_body_reach_latchkey(nginx_front: tuple[Nginx, Server]) -> None:
    """nginx's own 413 would be an HTML page: a body at Latchkey's limit must get Latchkey's AWS error instead."""
    front, _ = nginx_front
    body = "Action=GetCallerIdentity&Version=2011-06-15&Pad=" + "x" * (512 * 1024 - 60)
    connection = http.client.HTTPSConnection("127.0.0.1", front.port, timeout=60, context=front.context())
    try:
        connection.request(
            "POST", "/", body=body, headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        )
        answer = connection.getresponse()
        text = answer.read().decode(errors="replace")
    finally:
        connection.close()
    assert "<ErrorResponse" in text, f"{answer.status}: {text[:500]}"
    assert "nginx" not in text
