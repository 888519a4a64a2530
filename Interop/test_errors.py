"""Authentication failures, validation, protocol errors, presigned URLs and the JSON error form."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from latchkey_harness import (
    ACCOUNT_ID,
    ROOT_ACCESS_KEY_ID,
    Keys,
    Server,
    client_error,
    error_code,
    send,
    send_request,
    signed_request,
)

STS_VERSION = "2011-06-15"
IAM_VERSION = "2010-05-08"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT_ID}:root"
ROLE_SESSION_NAME_MESSAGE = (
    "1 validation error detected: Value 'a b!' at 'roleSessionName' failed to satisfy constraint: "
    "Member must satisfy regular expression pattern: [\\w+=,.@-]*"
)
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def test_wrong_secret_is_signature_does_not_match(server: Server) -> None:
    error = client_error(server.sts(Keys(ROOT_ACCESS_KEY_ID, "not-the-secret")).get_caller_identity)
    assert error_code(error) == ("SignatureDoesNotMatch", 403)


def test_wrong_secret_with_cli(server: Server) -> None:
    result = server.cli("sts", "get-caller-identity", keys=Keys(ROOT_ACCESS_KEY_ID, "not-the-secret"))
    assert result.error_code() == "SignatureDoesNotMatch", result.stderr


def test_unknown_key_is_invalid_client_token_id(server: Server) -> None:
    error = client_error(server.sts(Keys("AKIAZZZZZZZZZZZZZZZZ", "whatever")).get_caller_identity)
    assert error_code(error) == ("InvalidClientTokenId", 403)


def test_unknown_key_with_cli(server: Server) -> None:
    result = server.cli("sts", "get-caller-identity", keys=Keys("AKIAZZZZZZZZZZZZZZZZ", "whatever"))
    assert result.error_code() == "InvalidClientTokenId", result.stderr


@pytest.mark.parametrize("service", ["sts", "iam"])
def test_unsigned_request_is_missing_authentication_token(server: Server, service: str) -> None:
    client = server.unsigned(service)
    call = client.get_caller_identity if service == "sts" else client.list_users
    assert error_code(client_error(call)) == ("MissingAuthenticationToken", 403)


def test_error_response_is_aws_xml(server: Server) -> None:
    response = send("POST", server.endpoint + "/", f"Action=GetCallerIdentity&Version={STS_VERSION}", FORM)
    assert response.status == 403
    assert response.headers.get("content-type", "").startswith("text/xml"), response.headers
    error = response.xml_error()
    assert error["Type"] == "Sender"
    assert error["Code"] == "MissingAuthenticationToken"
    assert error["Message"]
    assert error["RequestId"], response.text


def test_invalid_role_session_name_has_aws_validation_message(server: Server) -> None:
    error = client_error(
        server.sts().assume_role, RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/demo", RoleSessionName="a b!"
    )
    assert error_code(error) == ("ValidationError", 400)
    assert error.response["Error"]["Message"] == ROLE_SESSION_NAME_MESSAGE


def test_unknown_action_is_invalid_action(server: Server) -> None:
    response = send_request(signed_request(server.endpoint, {"Action": "Nope", "Version": STS_VERSION}))
    assert response.status == 400, response.text
    assert response.xml_error()["Code"] == "InvalidAction"


@pytest.mark.parametrize(
    ("service", "params", "field", "expected"),
    [
        ("sts", {"Action": "GetCallerIdentity", "Version": STS_VERSION}, "Arn", ROOT_ARN),
        ("iam", {"Action": "ListUsers", "Version": IAM_VERSION}, "IsTruncated", "false"),
    ],
)
def test_raw_signed_request_with_matching_scope_is_accepted(
    server: Server, service: str, params: dict[str, str], field: str, expected: str
) -> None:
    response = send_request(signed_request(server.endpoint, params, service=service))
    assert response.status == 200, response.text
    assert response.xml_field(field) == expected


@pytest.mark.parametrize(
    ("service", "params"),
    [
        ("iam", {"Action": "GetCallerIdentity", "Version": STS_VERSION}),
        ("sts", {"Action": "ListUsers", "Version": IAM_VERSION}),
    ],
)
def test_credential_scope_for_the_other_service_is_refused(
    server: Server, service: str, params: dict[str, str]
) -> None:
    response = send_request(signed_request(server.endpoint, params, service=service))
    assert response.status == 403, response.text
    assert response.xml_error()["Code"] == "SignatureDoesNotMatch"


def test_presigned_get_caller_identity_works_with_get(server: Server) -> None:
    url = server.sts().generate_presigned_url("get_caller_identity", ExpiresIn=300, HttpMethod="GET")
    assert "X-Amz-Signature=" in url
    response = send("GET", url)
    assert response.status == 200, response.text
    assert response.xml_field("Arn") == ROOT_ARN
    assert response.xml_field("Account") == ACCOUNT_ID


def tampered(url: str, name: str, change) -> str:
    parts = urllib.parse.urlsplit(url)
    pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    assert name in dict(pairs), url
    query = urllib.parse.urlencode([(k, change(v) if k == name else v) for k, v in pairs])
    return urllib.parse.urlunsplit(parts._replace(query=query))


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("X-Amz-Signature", lambda value: value[:-1] + ("0" if value[-1] != "0" else "1")),
        ("X-Amz-Expires", lambda value: str(int(value) + 1)),
        ("Action", lambda value: "GetSessionToken"),
    ],
)
def test_tampered_presigned_url_is_refused(server: Server, name: str, change) -> None:
    url = server.sts().generate_presigned_url("get_caller_identity", ExpiresIn=300, HttpMethod="GET")
    response = send("GET", tampered(url, name, change))
    assert response.status == 403, response.text
    assert response.xml_error()["Code"] == "SignatureDoesNotMatch"


def test_accept_json_gives_json_error(server: Server) -> None:
    headers = {**FORM, "Accept": "application/json"}
    response = send("POST", server.endpoint + "/", f"Action=GetCallerIdentity&Version={STS_VERSION}", headers)
    assert response.status == 403
    assert response.headers.get("content-type", "").startswith("application/json"), response.headers
    body = json.loads(response.body)
    assert body["Error"]["Code"] == "MissingAuthenticationToken", body
    assert body["Error"]["Type"] == "Sender"
    assert body["Error"]["Message"]
    assert body["RequestId"]


def test_accept_json_on_a_signed_error(server: Server) -> None:
    request = signed_request(
        server.endpoint, {"Action": "Nope", "Version": STS_VERSION}, headers={"Accept": "application/json"}
    )
    response = send_request(request)
    assert response.status == 400, response.text
    assert json.loads(response.body)["Error"]["Code"] == "InvalidAction"
