"""The `latchkey` fixtures against the real binary, the missing-binary message, and the secrets scan failing a run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from latchkey_testing import BinaryNotFound, LatchkeyServer, RootCredentials, find_binary, seed_document
from latchkey_testing import secrets
from latchkey_testing.server import LISTENING

OTHER = {"accessKeyId": "AKIAOTHERACCOUNTROOT", "secretAccessKey": "otherAccountRootSecretKey0000000000000000"}


def test_the_fixture_gives_a_server_the_root_key_signs_for(latchkey: LatchkeyServer) -> None:
    assert latchkey.endpoint.startswith("http://127.0.0.1:")
    root = latchkey.root_credentials
    assert root.access_key_id.startswith("AKIA") and len(root.access_key_id) == 20
    assert root.secret_access_key not in repr(root)
    identity = latchkey.client("sts").get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{root.account_id}:root"
    iam = latchkey.client("iam")
    created = iam.create_user(UserName="alice")["User"]
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    session = latchkey.session(key["AccessKeyId"], key["SecretAccessKey"])
    sts = session.client("sts", endpoint_url=latchkey.endpoint)
    assert sts.get_caller_identity()["Arn"] == created["Arn"]


def test_a_wrong_secret_is_refused(latchkey: LatchkeyServer) -> None:
    wrong = latchkey.client("sts", latchkey.root_credentials.access_key_id, "x" * 40)
    with pytest.raises(ClientError) as raised:
        wrong.get_caller_identity()
    assert raised.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


@pytest.mark.latchkey_seed(
    {"accounts": [{"id": "111122223333", "rootAccessKeys": [{**OTHER, "accessKeyId": "AKIASEEDEDROOTKEY001"}]}]}
)
def test_a_seed_mapping_and_its_accounts(latchkey: LatchkeyServer) -> None:
    # The seed declares another account; the server's own account gets a generated key besides.
    seeded = latchkey.client("sts", "AKIASEEDEDROOTKEY001", OTHER["secretAccessKey"])
    assert seeded.get_caller_identity()["Account"] == "111122223333"
    assert latchkey.client("sts").get_caller_identity()["Account"] == latchkey.root_credentials.account_id


SEED_TEXT = f"""
accounts:
  - id: "444455556666"
    rootAccessKeys:
      - {{accessKeyId: {OTHER["accessKeyId"]}, secretAccessKey: {OTHER["secretAccessKey"]}}}
"""


def test_a_seed_in_yaml_naming_the_account_gives_its_root_key(latchkey_factory) -> None:
    server = latchkey_factory(SEED_TEXT, account_id="444455556666")
    assert server.root_credentials.access_key_id == OTHER["accessKeyId"]
    assert server.client("sts").get_caller_identity()["Arn"] == "arn:aws:iam::444455556666:root"


DECLARATIVE = {
    "accounts": [
        {
            "id": "123456789012",
            "users": [
                {"name": "ci", "accessKeys": [{"accessKeyId": "AKIACISEEDEDKEY00001", "secretAccessKey": "c" * 40}]}
            ],
            "roles": [
                {
                    "name": "deploy",
                    "trustPolicy": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": "arn:aws:iam::123456789012:user/ci"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    },
                }
            ],
        }
    ]
}


@pytest.mark.latchkey_seed(DECLARATIVE)
def test_a_declarative_seed_is_there_when_the_test_starts(latchkey: LatchkeyServer) -> None:
    # The seed declares no root key for the account: one is generated besides what it declares.
    assert latchkey.client("sts").get_caller_identity()["Arn"] == "arn:aws:iam::123456789012:root"
    ci = latchkey.client("sts", "AKIACISEEDEDKEY00001", "c" * 40)
    assumed = ci.assume_role(RoleArn="arn:aws:iam::123456789012:role/deploy", RoleSessionName="seeded")
    assert assumed["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/deploy/seeded"


def test_two_servers_are_independent(latchkey_factory) -> None:
    first, second = latchkey_factory(), latchkey_factory()
    assert first.endpoint != second.endpoint
    first.client("iam").create_user(UserName="only-here")
    with pytest.raises(ClientError) as raised:
        second.client("iam").get_user(UserName="only-here")
    assert raised.value.response["Error"]["Code"] == "NoSuchEntity"


def test_a_bad_seed_stops_the_start_with_the_servers_message(latchkey_factory) -> None:
    with pytest.raises(RuntimeError, match="noSuchKey"):
        latchkey_factory({"noSuchKey": 1})


def test_stop_removes_the_temporary_folder() -> None:
    with LatchkeyServer() as server:
        data = Path(server.data_dir)
        assert data.exists()
    assert not data.exists()
    assert server.process is None


def test_seed_documents() -> None:
    given = RootCredentials("AKIAAAAAAAAAAAAAAAAA", "s" * 40, "111122223333")
    text, root = seed_document({"accounts": [{"id": 111122223333}]}, given)
    assert "'111122223333'" in text and "AKIAAAAAAAAAAAAAAAAA" in text
    assert root.access_key_id == "AKIAAAAAAAAAAAAAAAAA"
    with pytest.raises(ValueError, match="mapping"):
        seed_document("- a list", None)


def test_the_listening_line_may_be_http_or_https() -> None:
    assert LISTENING.match("latchkey listening on http://127.0.0.1:8080")["scheme"] == "http"
    assert LISTENING.match("latchkey listening on https://127.0.0.1:8443")["port"] == "8443"


def test_without_the_binary_the_message_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LATCHKEY_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BinaryNotFound) as raised:
        find_binary()
    message = str(raised.value)
    assert "LATCHKEY_BIN" in message and "PATH" in message and "swift build" in message
    monkeypatch.setenv("LATCHKEY_BIN", str(tmp_path / "nothing"))
    with pytest.raises(BinaryNotFound, match="LATCHKEY_BIN names .*nothing"):
        find_binary()


def test_the_fixture_reports_a_missing_binary(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile("def test_uses(latchkey):\n    pass\n")
    monkeypatch.setenv("PATH", str(pytester.path))
    monkeypatch.delenv("LATCHKEY_BIN", raising=False)
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*the latchkey binary was not found: LATCHKEY_BIN is not set*"])


PLANTED = """
from latchkey_testing import secrets

def test_plants_a_secret():
    secrets.collect("SessionToken", "FQoGZXIvYXdzEPLANTEDSESSIONTOKEN0123456789/abc+def==")
    secrets.collect("TokenCode", "493817")
    path = secrets.active_scan().new_audit_file()
    path.write_text(
        '{"eventName":"GetCallerIdentity"}\\n'
        '{"requestParameters":{"x":"FQoGZXIvYXdzEPLANTEDSESSIONTOKEN0123456789\\\\/abc+def=="}}\\n'
        '{"errorMessage":"code 493817 refused"}\\n'
        '{"eventID":"1234938170"}\\n'
    )
"""


@pytest.fixture
def outer_scan():
    """The run's own scan (if any), restored after an in-process pytester run replaced it."""
    previous = secrets.active_scan()
    yield
    secrets.activate(previous)


@pytest.mark.usefixtures("outer_scan")
def test_the_secrets_scan_fails_a_run_whose_audit_file_holds_a_secret(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(PLANTED)
    result = pytester.runpytest_inprocess("--latchkey-secrets-scan", "--latchkey-audit-dir", str(pytester.path / "a"))
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1)
    output = result.stdout.str()
    assert "audit-0001.jsonl:2: a SessionToken (JSON-escaped) is in the audit trail" in output
    assert "audit-0001.jsonl:3: a TokenCode (as a number) is in the audit trail" in output
    assert ":4:" not in output  # 493817 inside a longer number is not the code
    assert "PLANTEDSESSIONTOKEN" not in output and "493817" not in output


@pytest.mark.usefixtures("outer_scan")
def test_the_secrets_scan_passes_a_clean_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        "from latchkey_testing import secrets\n"
        "def test_clean():\n"
        "    secrets.collect('Password', 'correct-horse-battery-staple')\n"
        "    secrets.active_scan().new_audit_file().write_text('{\"eventName\":\"CreateLoginProfile\"}\\n')\n"
    )
    result = pytester.runpytest_inprocess("--latchkey-secrets-scan")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*secrets*searched for in 1 audit files*"])
