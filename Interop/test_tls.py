"""HTTPS served directly (--tls-certificate/--tls-key, SIGHUP reload) and trusted proxies (--trusted-proxy): what
boto3 and raw clients see, and what `aws:SecureTransport` and `aws:SourceIp` conditions decide.

Certificates are made here with `cryptography`: a test CA, and server certificates for 127.0.0.1 signed by it.
"""

from __future__ import annotations

import datetime
import http.client
import ipaddress
import json
import signal
import socket
import ssl
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from latchkey_harness import (
    BOTO_CONFIG,
    REGION,
    ROOT_KEYS,
    Keys,
    Server,
    StartServer,
    binary_path,
    boto_session,
    client_error,
    error_code,
    signed_request,
    unique,
)

pytestmark = pytest.mark.single_node

DEADLINE = 60.0


class Authority:
    """A test CA that signs server certificates for 127.0.0.1 and localhost."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Latchkey test CA")])
        now = datetime.datetime.now(datetime.UTC)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.path = directory / "ca.pem"
        self.path.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))

    def issue(self, common_name: str) -> tuple[bytes, bytes, bytes]:
        """(certificate PEM, key PEM, certificate DER) for 127.0.0.1 and localhost."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return (
            certificate.public_bytes(serialization.Encoding.PEM),
            key_pem,
            certificate.public_bytes(serialization.Encoding.DER),
        )


def start_tls(start_server: StartServer, data_dir: Path, args: list[str]) -> Server:
    """A server started with TLS options: it says `latchkey listening on https://...`."""
    server = start_server(data_dir, args=args)
    listening = next(line for line in server.lines if line.startswith("latchkey listening on "))
    assert listening.startswith("latchkey listening on https://127.0.0.1:"), listening
    assert server.endpoint.startswith("https://"), server.endpoint
    return server


def port_of(server: Server) -> int:
    return urllib.parse.urlsplit(server.endpoint).port or 0


def served_certificate(server: Server, ca: Path, **options) -> bytes:
    """The DER certificate a new TLS connection is served (verified against the test CA)."""
    context = ssl.create_default_context(cafile=str(ca))
    for name, value in options.items():
        setattr(context, name, value)
    with (
        socket.create_connection(("127.0.0.1", port_of(server)), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        return tls.getpeercert(binary_form=True)


def tls_client(server: Server, ca: Path, service: str, keys: Keys = ROOT_KEYS):
    return boto_session().client(
        service,
        endpoint_url=server.endpoint,
        region_name=REGION,
        aws_access_key_id=keys.access_key_id,
        aws_secret_access_key=keys.secret_access_key,
        aws_session_token=keys.session_token,
        config=BOTO_CONFIG,
        verify=str(ca),
    )


def wait_for(condition, what: str):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {DEADLINE} s: {what}")


def user_with_policy(iam, condition: dict) -> Keys:
    """A user allowed iam:GetUser only under `condition`."""
    name = unique("tls-user")
    iam.create_user(UserName=name)
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*", "Condition": condition}],
    }
    iam.put_user_policy(UserName=name, PolicyName="conditional", PolicyDocument=json.dumps(policy))
    return Keys.from_response(iam.create_access_key(UserName=name)["AccessKey"])


# HTTPS served directly


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    return Authority(tmp_path)


def test_boto3_over_https_with_the_ca_and_secure_transport_true(
    start_server: StartServer, tmp_path: Path, authority: Authority
) -> None:
    certificate, key, _ = authority.issue("latchkey-1")
    (tmp_path / "cert.pem").write_bytes(certificate)
    (tmp_path / "key.pem").write_bytes(key)
    server = start_tls(
        start_server,
        tmp_path / "data",
        ["--tls-certificate", str(tmp_path / "cert.pem"), "--tls-key", str(tmp_path / "key.pem")],
    )
    identity = tls_client(server, authority.path, "sts").get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::111122223333:root"

    # aws:SecureTransport is true over direct TLS: a policy that demands it allows the call.
    iam = tls_client(server, authority.path, "iam")
    secure_only = user_with_policy(iam, {"Bool": {"aws:SecureTransport": "true"}})
    insecure_only = user_with_policy(iam, {"Bool": {"aws:SecureTransport": "false"}})
    wait_for(lambda: _allowed(tls_client(server, authority.path, "iam", secure_only)), "the secure user allowed")
    error = client_error(tls_client(server, authority.path, "iam", insecure_only).get_user)
    assert error_code(error) == ("AccessDenied", 403)

    # Plain HTTP to the HTTPS port gets no answer in clear text.
    with socket.create_connection(("127.0.0.1", port_of(server)), timeout=10) as raw:
        raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            answer = raw.recv(1024)
        except ConnectionResetError:
            answer = b""
        assert not answer.startswith(b"HTTP/1.1 200"), answer

    # A client that offers only TLS 1.1 is refused by the server (TLS 1.2 is the lowest offered).
    old = ssl.create_default_context(cafile=str(authority.path))
    old.set_ciphers("DEFAULT:@SECLEVEL=0")
    try:
        old.minimum_version = ssl.TLSVersion.TLSv1_1
        old.maximum_version = ssl.TLSVersion.TLSv1_1
    except (ValueError, ssl.SSLError):
        pytest.skip("this Python's OpenSSL cannot offer TLS 1.1")
    with (
        socket.create_connection(("127.0.0.1", port_of(server)), timeout=10) as raw,
        pytest.raises(ssl.SSLError) as refused,
    ):
        old.wrap_socket(raw, server_hostname="127.0.0.1")
    # The server's alert, not the client's own refusal (UNSUPPORTED_PROTOCOL).
    assert "ALERT_PROTOCOL_VERSION" in str(refused.value).upper(), refused.value


def _allowed(client) -> bool:
    try:
        client.get_user()
        return True
    except Exception:
        return False


def test_sighup_reloads_the_certificate_for_new_connections_only(
    start_server: StartServer, tmp_path: Path, authority: Authority
) -> None:
    first, first_key, first_der = authority.issue("latchkey-first")
    second, second_key, second_der = authority.issue("latchkey-second")
    certificate_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    certificate_path.write_bytes(first)
    key_path.write_bytes(first_key)
    server = start_tls(
        start_server,
        tmp_path / "data",
        ["--tls-certificate", str(certificate_path), "--tls-key", str(key_path)],
    )
    assert served_certificate(server, authority.path) == first_der

    # A connection opened before the reload keeps its certificate and keeps working.
    context = ssl.create_default_context(cafile=str(authority.path))
    kept = http.client.HTTPSConnection("127.0.0.1", port_of(server), timeout=30, context=context)
    kept.request("GET", "/healthz")
    assert kept.getresponse().read() is not None
    assert kept.sock.getpeercert(binary_form=True) == first_der

    certificate_path.write_bytes(second)
    key_path.write_bytes(second_key)
    server.process.send_signal(signal.SIGHUP)
    wait_for(lambda: served_certificate(server, authority.path) == second_der, "the new certificate served")
    assert tls_client(server, authority.path, "sts").get_caller_identity()["Account"] == "111122223333"
    kept.request("GET", "/healthz")
    response = kept.getresponse()
    assert response.status == 200, response.read()
    response.read()
    assert kept.sock.getpeercert(binary_form=True) == first_der
    kept.close()

    # A bad new key keeps the certificate in use and says why; the server keeps running.
    key_path.write_bytes(b"-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    server.process.send_signal(signal.SIGHUP)
    wait_for(lambda: "were not reloaded" in server.log_path.read_text(errors="replace"), "the refused reload logged")
    log = server.log_path.read_text(errors="replace")
    assert str(key_path) in log
    assert "bm90IGEga2V5" not in log
    assert served_certificate(server, authority.path) == second_der
    # A key that does not match the certificate is refused the same way.
    _, other_key, _ = authority.issue("latchkey-other")
    key_path.write_bytes(other_key)
    server.process.send_signal(signal.SIGHUP)
    wait_for(lambda: server.log_path.read_text(errors="replace").count("were not reloaded") >= 2, "the mismatch logged")
    assert served_certificate(server, authority.path) == second_der
    assert server.process.poll() is None


def test_tls_files_that_cannot_be_served_stop_the_start(tmp_path: Path, authority: Authority) -> None:
    certificate, _, _ = authority.issue("latchkey-1")
    _, other_key, _ = authority.issue("latchkey-2")
    (tmp_path / "cert.pem").write_bytes(certificate)
    (tmp_path / "key.pem").write_bytes(other_key)
    base = [str(binary_path()), "serve", "--data-dir", str(tmp_path / "data"), "--port", "0"]
    cases = [
        (["--tls-certificate", str(tmp_path / "missing.pem"), "--tls-key", str(tmp_path / "key.pem")], "missing.pem"),
        (["--tls-certificate", str(tmp_path / "cert.pem"), "--tls-key", str(tmp_path / "key.pem")], "key.pem"),
        (["--tls-certificate", str(tmp_path / "cert.pem")], "--tls-certificate and --tls-key go together"),
        (["--trusted-proxy", "10.0.0.0/33"], "'10.0.0.0/33' is not an IPv4 or IPv6 address or CIDR block"),
        (["--log-format", "xml"], "--log-format must be text or json, not 'xml'"),
        (["--access-log", "maybe"], "--access-log must be on or off, not 'maybe'"),
    ]
    for args, expected in cases:
        result = subprocess.run(base + args, capture_output=True, text=True, timeout=60)
        assert result.returncode != 0, (args, result.stdout, result.stderr)
        assert expected in result.stderr, (args, result.stderr)
        assert "latchkey listening" not in result.stdout
    # A key that is not the certificate's is a one-line error at start.
    result = subprocess.run(
        base + ["--tls-certificate", str(tmp_path / "cert.pem"), "--tls-key", str(tmp_path / "key.pem")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "does the key match the certificate?" in result.stderr, result.stderr


def read_to_end(connection: ssl.SSLSocket) -> bytes:
    answer = b""
    while chunk := connection.recv(4096):
        answer += chunk
    return answer


def test_connection_limits_hold_over_tls(start_server: StartServer, tmp_path: Path, authority: Authority) -> None:
    """The connection guard sits behind the TLS handler: a request that is not HTTP gets its 400 document and a
    header that never ends its 408, over TLS, and the connection is closed after."""
    certificate, key, _ = authority.issue("latchkey-1")
    (tmp_path / "cert.pem").write_bytes(certificate)
    (tmp_path / "key.pem").write_bytes(key)
    server = start_tls(
        start_server,
        tmp_path / "data",
        [
            "--tls-certificate",
            str(tmp_path / "cert.pem"),
            "--tls-key",
            str(tmp_path / "key.pem"),
            "--header-timeout",
            "1s",
        ],
    )
    context = ssl.create_default_context(cafile=str(authority.path))
    with (
        socket.create_connection(("127.0.0.1", port_of(server)), timeout=DEADLINE) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        answer = read_to_end(tls)
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b"<Code>InvalidRequest</Code>" in answer
    with (
        socket.create_connection(("127.0.0.1", port_of(server)), timeout=DEADLINE) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        answer = read_to_end(tls)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"<Code>RequestTimeout</Code>" in answer


# Trusted proxies


def send_from(source: str, server: Server, keys: Keys, headers: dict[str, str]) -> int:
    """A signed iam:GetUser from the loopback address `source`, with extra headers; returns the HTTP status."""
    request = signed_request(server.endpoint, {"Action": "GetUser", "Version": "2010-05-08"}, keys, service="iam")
    parts = urllib.parse.urlsplit(server.endpoint)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30, source_address=(source, 0))
    try:
        connection.request("POST", "/", body=request.body, headers={**dict(request.headers.items()), **headers})
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


def test_forwarding_headers_count_only_from_a_trusted_proxy(start_server: StartServer, tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", args=["--trusted-proxy", "127.0.0.1/32", "--trusted-proxy", "fd00::/8"])
    iam = server.iam()
    from_office = user_with_policy(iam, {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
    secure_only = user_with_policy(iam, {"Bool": {"aws:SecureTransport": "true"}})
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}

    # From the trusted proxy (127.0.0.1): the client is 203.0.113.9 and the request came over HTTPS.
    wait_for(lambda: send_from("127.0.0.1", server, from_office, forwarded) == 200, "the forwarded client allowed")
    assert send_from("127.0.0.1", server, secure_only, forwarded) == 200
    # A spoofed leftmost entry is not the client: the rightmost untrusted one is.
    spoofed_chain = {"X-Forwarded-For": "203.0.113.77, 198.51.100.1"}
    assert send_from("127.0.0.1", server, from_office, spoofed_chain) == 403
    # Without the headers, the proxy itself is the source and the request is plain HTTP.
    assert send_from("127.0.0.1", server, from_office, {}) == 403
    assert send_from("127.0.0.1", server, secure_only, {"X-Forwarded-Proto": "http"}) == 403
    # A malformed X-Forwarded-For falls back to the peer.
    assert send_from("127.0.0.1", server, from_office, {"X-Forwarded-For": "203.0.113.9:443"}) == 403

    # From an untrusted peer (127.0.0.2), the same headers change nothing.
    assert send_from("127.0.0.2", server, from_office, forwarded) == 403
    assert send_from("127.0.0.2", server, secure_only, forwarded) == 403


def test_without_trusted_proxies_forwarding_headers_are_ignored(server: Server) -> None:
    iam = server.iam()
    from_office = user_with_policy(iam, {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
    secure_only = user_with_policy(iam, {"Bool": {"aws:SecureTransport": "true"}})
    loopback = user_with_policy(iam, {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}})
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    wait_for(lambda: send_from("127.0.0.1", server, loopback, forwarded) == 200, "the loopback user allowed")
    assert send_from("127.0.0.1", server, from_office, forwarded) == 403
    assert send_from("127.0.0.1", server, secure_only, forwarded) == 403
    error = client_error(server.iam(secure_only).get_user)
    assert error_code(error) == ("AccessDenied", 403)


def test_sighup_without_tls_is_ignored(start_server: StartServer, tmp_path: Path) -> None:
    # `systemctl reload` sends SIGHUP to every node; one without TLS has nothing to reload and must keep serving
    # (before, the signal's default action ended it with status 129).
    server = start_server(tmp_path / "data")
    server.process.send_signal(signal.SIGHUP)
    assert server.sts().get_caller_identity()["Account"] == "111122223333"
    server.process.send_signal(signal.SIGHUP)
    time.sleep(0.5)  # let a default action, were the signal not ignored, end the process before the check
    assert server.process.poll() is None
    assert server.sts().get_caller_identity()["Account"] == "111122223333"
