"""The secrets scan over the whole run (conftest.py, latchkey_testing.secrets): the secrets the suite handles are
collected from real calls, every server writes its audit trail to a file of the run's folder, and a secret planted in
an audit file is found in every form it could take there, without the finding showing it."""

from __future__ import annotations

import base64
import json
import random as secrets_random
import shutil
import time
import urllib.parse
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from latchkey_testing import secrets, supports_option

from latchkey_harness import ACCOUNT_ID, ROOT_SECRET_ACCESS_KEY, Keys, Server, binary_path, unique


def test_secrets_of_real_calls_are_collected(server: Server) -> None:
    """What boto3 sends and receives goes through the hooks: a session token, a user's secret key, an MFA code sent
    (and refused), a virtual MFA device's seed."""
    answer = server.sts().get_session_token(DurationSeconds=900)["Credentials"]
    assert answer["SessionToken"] in secrets.REGISTRY
    assert answer["SecretAccessKey"] in secrets.REGISTRY
    iam = server.iam()
    name = unique("scan")
    iam.create_user(UserName=name)
    code = f"{secrets_random.randrange(1_000_000):06d}"
    with pytest.raises(ClientError):
        server.sts().get_session_token(SerialNumber=f"arn:aws:iam::{ACCOUNT_ID}:mfa/{name}", TokenCode=code)
    assert code in secrets.REGISTRY
    key = iam.create_access_key(UserName=name)["AccessKey"]
    assert key["SecretAccessKey"] in secrets.REGISTRY
    assert ROOT_SECRET_ACCESS_KEY in secrets.REGISTRY
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("scan"))["VirtualMFADevice"]
    assert device["Base32StringSeed"].decode("ascii") in secrets.REGISTRY


def test_the_servers_of_the_run_write_audit_files(server: Server) -> None:
    scan = secrets.active_scan()
    if scan is None:
        pytest.skip("the secrets scan is off (LATCHKEY_SECRETS_SCAN=0)")
    if not supports_option(str(binary_path()), "--audit-log"):
        pytest.skip("this latchkey binary has no --audit-log: the scan has no files to read")
    assert any(path.parent == scan.directory for path in scan.files)
    server.sts().get_caller_identity()
    # Events are written in batches: wait (generously) for the first to reach a file.
    deadline = time.monotonic() + 60
    while not any(path.is_file() and path.stat().st_size > 0 for path in scan.files):
        assert time.monotonic() < deadline, f"no audit file under {scan.directory} got an event within 60 s"
        time.sleep(0.1)


def planted_lines(secret: str) -> list[str]:
    """Audit lines holding `secret` as written, percent-encoded, JSON-escaped with `\\/`, and base64-encoded."""
    return [
        json.dumps({"requestParameters": {"policy": f"x{secret}y"}}),
        json.dumps({"errorMessage": "bad " + urllib.parse.quote(secret, safe="")}),
        json.dumps({"responseElements": {"x": secret}}).replace("/", "\\/"),
        json.dumps({"additionalEventData": base64.b64encode(secret.encode()).decode()}),
    ]


def test_a_planted_secret_is_found_in_every_form_and_never_shown(server: Server, tmp_path: Path) -> None:
    credentials = server.sts().get_session_token(DurationSeconds=900)["Credentials"]
    keys = Keys.from_response(credentials)
    audit = tmp_path / "audit.jsonl"
    # A real audit file of this run when there is one (it must itself be clean), then the planted lines.
    scan = secrets.active_scan()
    real = [path for path in (scan.files if scan else []) if path.is_file()]
    if real:
        shutil.copy(real[0], audit)
    clean = len(audit.read_text().splitlines()) if audit.exists() else 0
    if audit.exists():
        assert secrets.scan([audit]) == [], "the run's own audit file holds a secret"
    with audit.open("a") as file:
        for line in planted_lines(keys.secret_access_key) + planted_lines(keys.session_token or ""):
            file.write(line + "\n")
        # A 6-digit number the run never handled as a secret is not a finding.
        harmless = next(code for code in (f"{n:06d}" for n in range(999_999, 0, -7)) if code not in secrets.REGISTRY)
        file.write(json.dumps({"requestParameters": {"tokenCode": harmless}, "eventID": "77000000077"}) + "\n")
    findings = secrets.scan([audit])
    assert {finding.line for finding in findings} == set(range(clean + 1, clean + 9))
    assert {finding.kind.split(" ")[0] for finding in findings} == {"SecretAccessKey", "SessionToken"}
    for finding in findings:
        assert keys.secret_access_key not in str(finding)
        assert (keys.session_token or "") not in str(finding)
        assert finding.path == audit


def test_short_codes_are_found_as_whole_numbers_only(tmp_path: Path) -> None:
    registry = secrets.SecretRegistry()
    registry.add("TokenCode", "314159")
    audit = tmp_path / "audit.jsonl"
    audit.write_text(
        json.dumps({"requestParameters": {"tokenCode": "314159"}})
        + "\n"
        + json.dumps({"eventID": "a3141592-0000", "accountId": "831415900000"})
        + "\n"
    )
    findings = secrets.scan([audit], registry)
    assert [(finding.line, finding.kind) for finding in findings] == [(1, "TokenCode")]


def test_rotated_audit_files_are_scanned_too(tmp_path: Path) -> None:
    registry = secrets.SecretRegistry()
    registry.add("SAMLAssertion", "PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm4")
    audit = tmp_path / "audit.jsonl"
    audit.write_text("{}\n")
    (tmp_path / "audit.jsonl.1").write_text(json.dumps({"x": "PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm4"}) + "\n")
    findings = secrets.scan([audit], registry)
    assert [(finding.path.name, finding.line) for finding in findings] == [("audit.jsonl.1", 1)]
