"""The audit trail with boto3: `serve --audit-log FILE` writes one CloudTrail record per STS and IAM call; the
records' fields are checked against what the calls did (a denied AssumeRole, a SAML federated call and the session
it issued, IAM writes, a bad signature), and no secret the test handled appears in the file."""

from __future__ import annotations

import json
import os
import stat
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from federation_support import (
    AWS_SAML_ENDPOINT,
    CertificateAuthority,
    OIDCIssuer,
    SAMLIdentityProvider,
    encode_saml,
    name_qualifier,
)
from latchkey_harness import (
    ACCOUNT_ID,
    ROOT_KEYS,
    Keys,
    Server,
    StartServer,
    bootstrap_config,
    client_error,
    create_user_with_key,
    stop_cleanly,
    unique,
)

HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"
REQUIRED = (
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "requestParameters",
    "responseElements",
    "requestID",
    "eventID",
    "readOnly",
    "eventType",
    "managementEvent",
    "eventCategory",
)


def read_events(path: Path, at_least: int, timeout: float = 60.0) -> list[dict]:
    """The file's records once it holds `at_least` of them (the server writes in batches every 100 ms)."""
    deadline = time.monotonic() + timeout
    lines: list[str] = []
    while time.monotonic() < deadline:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) >= at_least:
            break
        time.sleep(0.05)
    assert len(lines) >= at_least, f"only {len(lines)} of {at_least} audit events in {path}"
    return [json.loads(line) for line in lines]


def find(events: list[dict], name: str, request_id: str | None = None) -> dict:
    matching = [
        event
        for event in events
        if event["eventName"] == name and (request_id is None or event["requestID"] == request_id)
    ]
    assert matching, f"no {name} event ({request_id}) among {[event['eventName'] for event in events]}"
    return matching[-1]


def well_formed(event: dict) -> None:
    for key in REQUIRED:
        assert key in event, f"{key} missing from {event}"
    assert event["eventVersion"] == "1.08"
    assert event["eventType"] == "AwsApiCall"
    assert event["managementEvent"] is True
    assert event["eventCategory"] == "Management"
    assert event["eventSource"] in ("sts.amazonaws.com", "iam.amazonaws.com")
    assert event["eventTime"].endswith("Z")
    assert len(event["eventTime"]) == 20
    assert str(uuid.UUID(event["eventID"])) == event["eventID"]
    assert isinstance(event["readOnly"], bool)
    assert isinstance(event["userIdentity"].get("type"), str)


@pytest.fixture
def audited(start_server: StartServer, tmp_path: Path) -> tuple[Server, Path]:
    path = tmp_path / "audit" / "trail.jsonl"
    path.parent.mkdir()
    server = start_server(tmp_path / "data", args=["--audit-log", str(path)])
    return server, path


def test_events_of_a_session_carry_callers_parameters_and_answers(audited: tuple[Server, Path]) -> None:
    server, path = audited
    iam = server.iam()
    secrets = [ROOT_KEYS.secret_access_key]

    # An IAM write: CreateUser and CreateAccessKey (whose secret must be hidden).
    user_name = unique("auditee")
    created = iam.create_user(UserName=user_name, Path="/audit/")
    key_response = iam.create_access_key(UserName=user_name)
    key = key_response["AccessKey"]
    secrets.append(key["SecretAccessKey"])
    user_keys = Keys(key["AccessKeyId"], key["SecretAccessKey"])

    # A denied AssumeRole: the user may not assume a role that trusts only another user.
    trusted = create_user_with_key(server)
    secrets.append(trusted.keys.secret_access_key)
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": trusted.arn}, "Action": "sts:AssumeRole"}],
    }
    role = iam.create_role(RoleName=unique("audited-role"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    denied = client_error(server.sts(user_keys).assume_role, RoleArn=role["Arn"], RoleSessionName="denied")
    assert denied.response["Error"]["Code"] == "AccessDenied"

    # A role session, then a call made with it.
    session = server.sts(trusted.keys).assume_role(RoleArn=role["Arn"], RoleSessionName="traced", DurationSeconds=900)
    credentials = session["Credentials"]
    secrets += [credentials["SecretAccessKey"], credentials["SessionToken"]]
    session_keys = Keys.from_response(credentials)
    identity = server.sts(session_keys).get_caller_identity()
    identity_request = identity["ResponseMetadata"]["RequestId"]

    # A bad signature.
    wrong = Keys(ROOT_KEYS.access_key_id, "not-the-secret-" + uuid.uuid4().hex)
    secrets.append(wrong.secret_access_key)
    bad = client_error(server.sts(wrong).get_caller_identity)
    assert bad.response["Error"]["Code"] == "SignatureDoesNotMatch"

    events = read_events(path, at_least=9)
    for event in events:
        well_formed(event)

    create_user = find(events, "CreateUser", created["ResponseMetadata"]["RequestId"])
    assert create_user["eventSource"] == "iam.amazonaws.com"
    assert create_user["readOnly"] is False
    assert create_user["requestParameters"] == {"userName": user_name, "path": "/audit/"}
    assert create_user["responseElements"]["user"]["arn"] == created["User"]["Arn"]
    assert create_user["responseElements"]["user"]["userId"] == created["User"]["UserId"]
    assert create_user["userIdentity"] == {
        "type": "Root",
        "principalId": ACCOUNT_ID,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:root",
        "accountId": ACCOUNT_ID,
        "accessKeyId": ROOT_KEYS.access_key_id,
    }
    assert create_user["recipientAccountId"] == ACCOUNT_ID
    assert "Botocore" in create_user["userAgent"] or "botocore" in create_user["userAgent"]

    create_key = find(events, "CreateAccessKey", key_response["ResponseMetadata"]["RequestId"])
    assert create_key["responseElements"]["accessKey"]["accessKeyId"] == key["AccessKeyId"]
    assert create_key["responseElements"]["accessKey"]["secretAccessKey"] == HIDDEN

    create_role = find(events, "CreateRole")
    # Policy documents are redacted by Latchkey's model (docs/aws-differences.md).
    assert create_role["requestParameters"]["assumeRolePolicyDocument"] == HIDDEN

    denied_event = find(events, "AssumeRole", denied.response["ResponseMetadata"]["RequestId"])
    assert denied_event["errorCode"] == "AccessDenied"
    assert denied_event["responseElements"] is None
    assert denied_event["userIdentity"]["type"] == "IAMUser"
    assert denied_event["userIdentity"]["userName"] == user_name
    assert denied_event["userIdentity"]["accessKeyId"] == key["AccessKeyId"]
    assert denied_event["userIdentity"]["principalId"] == created["User"]["UserId"]
    assert denied_event["requestParameters"] == {"roleArn": role["Arn"], "roleSessionName": "denied"}
    assert {"ARN": role["Arn"], "accountId": ACCOUNT_ID, "type": "AWS::IAM::Role"} in denied_event["resources"]

    assumed = find(events, "AssumeRole", session["ResponseMetadata"]["RequestId"])
    assert "errorCode" not in assumed
    assert assumed["responseElements"]["credentials"]["accessKeyId"] == credentials["AccessKeyId"]
    assert assumed["responseElements"]["credentials"]["sessionToken"] == HIDDEN
    assert assumed["responseElements"]["assumedRoleUser"]["arn"] == session["AssumedRoleUser"]["Arn"]
    assert assumed["requestParameters"]["durationSeconds"] == 900

    # The later call is traced to the session by its access key.
    call = find(events, "GetCallerIdentity", identity_request)
    assert call["userIdentity"]["type"] == "AssumedRole"
    assert call["userIdentity"]["accessKeyId"] == credentials["AccessKeyId"]
    assert call["userIdentity"]["arn"] == identity["Arn"]
    assert call["userIdentity"]["principalId"] == identity["UserId"]
    context = call["userIdentity"]["sessionContext"]
    assert context["sessionIssuer"] == {
        "type": "Role",
        "principalId": role["RoleId"],
        "arn": role["Arn"],
        "accountId": ACCOUNT_ID,
        "userName": role["RoleName"],
    }
    assert context["attributes"]["mfaAuthenticated"] == "false"
    assert context["attributes"]["creationDate"].endswith("Z")
    assert call["readOnly"] is True
    assert call["responseElements"] is None
    assert call["awsRegion"] == "us-east-1"

    bad_event = find(events, "GetCallerIdentity", bad.response["ResponseMetadata"]["RequestId"])
    assert bad_event["errorCode"] == "SignatureDoesNotMatch"
    assert bad_event["userIdentity"] == {"type": "Unknown", "accessKeyId": ROOT_KEYS.access_key_id}

    text = path.read_text()
    for secret in secrets:
        assert secret not in text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_saml_federated_call_and_its_session(audited: tuple[Server, Path]) -> None:
    server, path = audited
    idp = SAMLIdentityProvider()
    name = unique("audit-idp")
    provider_arn = server.iam().create_saml_provider(Name=name, SAMLMetadataDocument=idp.metadata())["SAMLProviderArn"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithSAML",
                "Condition": {"StringEquals": {"SAML:aud": AWS_SAML_ENDPOINT}},
            }
        ],
    }
    role = server.iam().create_role(RoleName=unique("saml-audit"), AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    assertion = encode_saml(idp.response(role_arn=role["Arn"], provider_arn=provider_arn, session_name="fed"))
    result = server.unsigned("sts").assume_role_with_saml(
        RoleArn=role["Arn"], PrincipalArn=provider_arn, SAMLAssertion=assertion
    )
    credentials = result["Credentials"]
    identity = server.sts(Keys.from_response(credentials)).get_caller_identity()

    events = read_events(path, at_least=4)
    event = find(events, "AssumeRoleWithSAML", result["ResponseMetadata"]["RequestId"])
    well_formed(event)
    subject = result["Subject"]
    assert event["userIdentity"] == {
        "type": "SAMLUser",
        "principalId": f"{name_qualifier(idp.entity_id, ACCOUNT_ID, name)}:{subject}",
        "userName": subject,
        "identityProvider": provider_arn,
    }
    assert event["requestParameters"]["sAMLAssertion"] == HIDDEN
    assert event["requestParameters"]["principalArn"] == provider_arn
    assert event["responseElements"]["credentials"]["accessKeyId"] == credentials["AccessKeyId"]
    assert event["responseElements"]["subject"] == subject
    assert event["recipientAccountId"] == ACCOUNT_ID

    call = find(events, "GetCallerIdentity", identity["ResponseMetadata"]["RequestId"])
    context = call["userIdentity"]["sessionContext"]
    assert call["userIdentity"]["type"] == "AssumedRole"
    assert context["webIdFederationData"]["federatedProvider"] == provider_arn
    assert context["sessionIssuer"]["arn"] == role["Arn"]

    text = path.read_text()
    for secret in (assertion, credentials["SecretAccessKey"], credentials["SessionToken"]):
        assert secret not in text


@pytest.mark.single_node
def test_a_web_identity_call_and_its_session(tmp_path: Path) -> None:
    (tmp_path / "ca").mkdir()
    ca = CertificateAuthority(tmp_path / "ca")
    config = bootstrap_config(tmp_path)
    config.write_text(config.read_text() + f"idpTrustedCAFile: {json.dumps(str(ca.pem_path))}\n")
    path = tmp_path / "trail.jsonl"
    server = Server(tmp_path / "data", config, tmp_path / "server.log", args=["--audit-log", str(path)]).start()
    issuer = OIDCIssuer(ca)
    try:
        provider_arn = server.iam().create_open_id_connect_provider(Url=issuer.url, ClientIDList=["client-1"])[
            "OpenIDConnectProviderArn"
        ]
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider_arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                }
            ],
        }
        role = server.iam().create_role(RoleName=unique("web-audit"), AssumeRolePolicyDocument=json.dumps(trust))[
            "Role"
        ]
        token = issuer.token(sub="repo:audit/main")
        result = server.unsigned("sts").assume_role_with_web_identity(
            RoleArn=role["Arn"], RoleSessionName="ci-run", WebIdentityToken=token
        )
        credentials = result["Credentials"]
        identity = server.sts(Keys.from_response(credentials)).get_caller_identity()

        events = read_events(path, at_least=4)
        event = find(events, "AssumeRoleWithWebIdentity", result["ResponseMetadata"]["RequestId"])
        well_formed(event)
        assert event["userIdentity"] == {
            "type": "WebIdentityUser",
            "principalId": f"{result['Provider']}:{result['Audience']}:repo:audit/main",
            "userName": "repo:audit/main",
            "identityProvider": result["Provider"],
        }
        assert event["requestParameters"]["webIdentityToken"] == HIDDEN
        assert event["requestParameters"]["roleSessionName"] == "ci-run"
        assert event["responseElements"]["credentials"]["accessKeyId"] == credentials["AccessKeyId"]
        assert event["responseElements"]["subjectFromWebIdentityToken"] == "repo:audit/main"
        assert event["recipientAccountId"] == ACCOUNT_ID
        assert "errorCode" not in event

        call = find(events, "GetCallerIdentity", identity["ResponseMetadata"]["RequestId"])
        context = call["userIdentity"]["sessionContext"]
        assert context["webIdFederationData"]["federatedProvider"] == provider_arn
        assert context["sessionIssuer"]["arn"] == role["Arn"]

        text = path.read_text()
        for secret in (token, token.split(".")[2], credentials["SecretAccessKey"], credentials["SessionToken"]):
            assert secret not in text
    finally:
        issuer.stop()
        stop_cleanly(server)


def test_an_unwritable_audit_log_keeps_the_server_answering_and_not_ready(
    start_server: StartServer, tmp_path: Path
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the log's folder should be")
    server = start_server(tmp_path / "data", args=["--audit-log", str(blocker / "trail.jsonl")])
    for _ in range(3):
        assert server.sts().get_caller_identity()["Account"] == ACCOUNT_ID

    deadline = time.monotonic() + 60
    body: dict = {}
    while time.monotonic() < deadline:
        response = server_get(server, "/readyz")
        body = json.loads(response[1])
        if response[0] == 503 and "audit-log" in body.get("failing", []):
            break
        time.sleep(0.05)
    assert "audit-log" in body.get("failing", []), body
    assert "Not a directory" in body["checks"]["audit-log"]
    assert server.sts().get_caller_identity()["Account"] == ACCOUNT_ID


def server_get(server: Server, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(server.endpoint + path, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
