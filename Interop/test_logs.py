"""Log lines: `--log-format json` (one object per line), the access log (one line per request, its fields, never a
secret), `--access-log off`, and the warning for an outbound issuer on a wildcard address."""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path

import pytest

from latchkey_harness import (
    ACCOUNT_ID,
    ROOT_KEYS,
    Keys,
    Server,
    StartServer,
    client_error,
    create_user_with_key,
    error_code,
    send_request,
    signed_request,
    stop_cleanly,
)

pytestmark = pytest.mark.single_node

ACCESS_FIELDS = {"request-id", "api", "action", "principal", "outcome", "status", "latency-ms", "source-ip"}


def json_lines(server: Server) -> list[dict]:
    """Every stderr line of the server as JSON (each must parse)."""
    lines = [line for line in server.log_path.read_text(errors="replace").splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise AssertionError(f"not a JSON line: {line!r}") from error
    return parsed


def access_lines(server: Server, *request_ids: str) -> dict[str, dict]:
    """The access lines of a JSON-format server, by request ID, once those of `request_ids` are written (the access
    log is written off the request path, so a line may follow its response by a moment)."""
    deadline = time.monotonic() + 60
    while True:
        lines = {line["request-id"]: line for line in json_lines(server) if line.get("label") == "latchkey.access"}
        if all(request_id in lines for request_id in request_ids) or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def log_text_with(server: Server, needle: str) -> str:
    """The server's stderr once it holds `needle` (at most 60 s)."""
    deadline = time.monotonic() + 60
    while True:
        text = server.log_path.read_text(errors="replace")
        if needle in text or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


def request_id(response: dict) -> str:
    return response["ResponseMetadata"]["RequestId"]


def test_json_lines_and_one_access_line_per_request_with_no_secret(start_server: StartServer, tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", args=["--log-format", "json"])
    secrets: list[str] = [ROOT_KEYS.secret_access_key]

    # Every line of the start, already, is a JSON object with the fixed fields.
    started = json_lines(server)
    assert started, "the start logged nothing"
    for line in started:
        assert {"time", "level", "label", "message"} <= line.keys(), line
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"]), line

    identity = server.sts().get_caller_identity()
    user = create_user_with_key(server)
    secrets.append(user.keys.secret_access_key)
    denied = client_error(server.iam(user.keys).list_users)
    assert error_code(denied) == ("AccessDenied", 403)
    session = server.sts(user.keys).get_session_token()["Credentials"]
    session_keys = Keys.from_response(session)
    secrets += [session_keys.secret_access_key, session_keys.session_token]
    # The session token travels in a header of this request: it must not reach the log.
    session_identity = server.sts(session_keys).get_caller_identity()
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsb2ctdGVzdCJ9.c2lnbmF0dXJlLXNlY3JldC1sb2ctdGVzdA"
    secrets.append(token)
    web_identity = client_error(
        server.unsigned("sts").assume_role_with_web_identity,
        RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/none",
        RoleSessionName="log-test",
        WebIdentityToken=token,
    )
    assertion = base64.b64encode(b"<samlp:Response>assertion-secret-for-the-log-test</samlp:Response>").decode()
    secrets.append(assertion)
    saml = client_error(
        server.unsigned("sts").assume_role_with_saml,
        RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/none",
        PrincipalArn=f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/none",
        SAMLAssertion=assertion,
    )
    mfa = client_error(
        server.sts(user.keys).get_session_token,
        SerialNumber=f"arn:aws:iam::{ACCOUNT_ID}:mfa/none",
        TokenCode="918273",
    )
    secrets.append("918273")
    forged = send_request(
        signed_request(
            server.endpoint,
            {"Action": "GetCallerIdentity", "Version": "2011-06-15"},
            Keys(ROOT_KEYS.access_key_id, "a-wrong-secret-that-must-not-be-logged-000"),
        )
    )
    assert forged.status == 403
    forged_id = forged.xml_error()["RequestId"]

    ids = [
        request_id(identity),
        denied.response["ResponseMetadata"]["RequestId"],
        request_id(session_identity),
        web_identity.response["ResponseMetadata"]["RequestId"],
        saml.response["ResponseMetadata"]["RequestId"],
        mfa.response["ResponseMetadata"]["RequestId"],
        forged_id,
    ]
    lines = access_lines(server, *ids)
    for line in lines.values():
        assert line.keys() >= ACCESS_FIELDS, line
        assert line["level"] == "info"
        assert line["message"] == "request"
        assert isinstance(line["status"], int), line
        assert isinstance(line["latency-ms"], (int, float)), line
        assert line["latency-ms"] >= 0
        assert line["source-ip"] == "127.0.0.1"

    ok = lines[request_id(identity)]
    assert ok["api"] == "sts"
    assert ok["action"] == "GetCallerIdentity"
    assert ok["outcome"] == "ok"
    assert ok["status"] == 200
    assert ok["principal"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    refused = lines[denied.response["ResponseMetadata"]["RequestId"]]
    assert refused["api"] == "iam"
    assert refused["action"] == "ListUsers"
    assert refused["outcome"] == "AccessDenied"
    assert refused["status"] == 403
    assert refused["principal"] == user.arn
    chained = lines[request_id(session_identity)]
    assert chained["principal"] == user.arn
    assert chained["outcome"] == "ok"
    federated = lines[web_identity.response["ResponseMetadata"]["RequestId"]]
    assert federated["action"] == "AssumeRoleWithWebIdentity"
    assert federated["principal"] == "-"
    assert federated["outcome"] == web_identity.response["Error"]["Code"]
    assert lines[saml.response["ResponseMetadata"]["RequestId"]]["action"] == "AssumeRoleWithSAML"
    assert lines[mfa.response["ResponseMetadata"]["RequestId"]]["outcome"] == mfa.response["Error"]["Code"]
    bad_signature = lines[forged_id]
    assert bad_signature["outcome"] == "SignatureDoesNotMatch"
    assert bad_signature["principal"] == "-"

    # An action that is no operation is not echoed.
    unknown = send_request(
        signed_request(server.endpoint, {"Action": "Steal-the-secret-918273x", "Version": "2011-06-15"})
    )
    assert unknown.status == 400
    unknown_id = unknown.xml_error()["RequestId"]
    assert access_lines(server, unknown_id)[unknown_id]["action"] == "-"

    log = server.log_path.read_text(errors="replace")
    for secret in secrets + ["Steal-the-secret"]:
        assert secret not in log, f"a secret reached the log: {secret[:6]}..."


def test_text_format_by_default_and_access_log_off(start_server: StartServer, tmp_path: Path) -> None:
    text = start_server(tmp_path / "text")
    identity = text.sts().get_caller_identity()
    log = log_text_with(text, request_id(identity))
    line = next(line for line in log.splitlines() if request_id(identity) in line)
    for expected in ("latchkey.access", "action=GetCallerIdentity", "outcome=ok", "status=200", "source-ip=127.0.0.1"):
        assert expected in line, line
    assert not line.startswith("{")

    quiet = start_server(tmp_path / "quiet", args=["--log-format", "json", "--access-log", "off"])
    identity = quiet.sts().get_caller_identity()
    stop_cleanly(quiet)
    assert request_id(identity) not in quiet.log_path.read_text(errors="replace")
    assert all(line.get("label") != "latchkey.access" for line in json_lines(quiet))


def test_wildcard_host_without_outbound_issuer_url_warns(start_server: StartServer, tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", args=["--host", "0.0.0.0", "--log-format", "json"])
    warnings = [line for line in json_lines(server) if line["level"] == "warning"]
    assert any("outboundIssuerBaseURL" in line["message"] and "0.0.0.0" in line["message"] for line in warnings), (
        warnings
    )
    local = start_server(tmp_path / "local", args=["--log-format", "json"])
    assert not any("outboundIssuerBaseURL" in line["message"] for line in json_lines(local))
