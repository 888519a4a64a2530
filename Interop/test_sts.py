"""STS through boto3 and the AWS CLI: GetCallerIdentity, GetSessionToken, GetAccessKeyInfo."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from latchkey_harness import ACCOUNT_ID, ROOT_KEYS, Keys, Server, User, client_error, error_code

ROOT_ARN = f"arn:aws:iam::{ACCOUNT_ID}:root"


def lifetime(credentials: dict) -> float:
    """Seconds from now until the credentials expire."""
    return (credentials["Expiration"] - datetime.now(timezone.utc)).total_seconds()


def assert_temporary(credentials: dict) -> Keys:
    assert credentials["AccessKeyId"].startswith("ASIA"), credentials["AccessKeyId"]
    assert len(credentials["AccessKeyId"]) == 20
    assert credentials["SecretAccessKey"]
    assert credentials["SessionToken"]
    return Keys.from_response(credentials)


def test_get_caller_identity_as_root_with_boto3(server: Server) -> None:
    identity = server.sts().get_caller_identity()
    assert identity["Arn"] == ROOT_ARN
    assert identity["UserId"] == ACCOUNT_ID
    assert identity["Account"] == ACCOUNT_ID


def test_get_caller_identity_as_root_with_cli(server: Server) -> None:
    identity = server.cli("sts", "get-caller-identity").json()
    assert identity == {"UserId": ACCOUNT_ID, "Account": ACCOUNT_ID, "Arn": ROOT_ARN}


@pytest.mark.parametrize("requested", [None, 7200, 129600])
def test_root_session_is_capped_at_one_hour(server: Server, requested: int | None) -> None:
    arguments = {} if requested is None else {"DurationSeconds": requested}
    credentials = server.sts().get_session_token(**arguments)["Credentials"]
    assert_temporary(credentials)
    assert abs(lifetime(credentials) - 3600) < 30, credentials["Expiration"]


def test_root_session_shorter_than_an_hour_is_kept(server: Server) -> None:
    credentials = server.sts().get_session_token(DurationSeconds=900)["Credentials"]
    assert abs(lifetime(credentials) - 900) < 30, credentials["Expiration"]


def test_user_session_defaults_to_twelve_hours(server: Server, user: User) -> None:
    credentials = server.sts(user.keys).get_session_token()["Credentials"]
    assert_temporary(credentials)
    assert abs(lifetime(credentials) - 43200) < 30, credentials["Expiration"]


def test_user_session_honours_duration_seconds(server: Server, user: User) -> None:
    credentials = server.sts(user.keys).get_session_token(DurationSeconds=1800)["Credentials"]
    assert abs(lifetime(credentials) - 1800) < 30, credentials["Expiration"]


def test_user_session_duration_above_36_hours_is_rejected(server: Server, user: User) -> None:
    error = client_error(server.sts(user.keys).get_session_token, DurationSeconds=129601)
    assert error_code(error) == ("ValidationError", 400)


def test_temporary_root_credentials_identify_as_root(server: Server) -> None:
    temporary = assert_temporary(server.sts().get_session_token()["Credentials"])
    identity = server.sts(temporary).get_caller_identity()
    assert identity["Arn"] == ROOT_ARN
    assert identity["Account"] == ACCOUNT_ID


def test_temporary_user_credentials_identify_as_the_user(server: Server, user: User) -> None:
    temporary = assert_temporary(server.sts(user.keys).get_session_token()["Credentials"])
    identity = server.sts(temporary).get_caller_identity()
    assert identity["Arn"] == user.arn
    assert identity["UserId"] == user.user_id
    assert identity["Account"] == ACCOUNT_ID


def test_temporary_credentials_work_with_the_cli(server: Server) -> None:
    temporary = Keys.from_response(server.cli("sts", "get-session-token").json()["Credentials"])
    assert temporary.access_key_id.startswith("ASIA")
    assert server.cli("sts", "get-caller-identity", keys=temporary).json()["Arn"] == ROOT_ARN


def test_get_session_token_with_temporary_credentials_is_refused(server: Server) -> None:
    temporary = Keys.from_response(server.sts().get_session_token()["Credentials"])
    error = client_error(server.sts(temporary).get_session_token)
    assert error_code(error) == ("AccessDenied", 403)


def test_temporary_credentials_with_a_forged_token_are_refused(server: Server) -> None:
    temporary = Keys.from_response(server.sts().get_session_token()["Credentials"])
    assert temporary.session_token
    forged = Keys(temporary.access_key_id, temporary.secret_access_key, temporary.session_token[:-4] + "AAAA")
    error = client_error(server.sts(forged).get_caller_identity)
    assert error_code(error) == ("InvalidClientTokenId", 403)


def test_access_key_info_decodes_an_aws_key(server: Server) -> None:
    info = server.sts().get_access_key_info(AccessKeyId="AKIARZPUZDIKGB2VALC4")
    assert info["Account"] == "123456789012"


def test_access_key_info_with_cli(server: Server) -> None:
    info = server.cli("sts", "get-access-key-info", "--access-key-id", "AKIARZPUZDIKGB2VALC4").json()
    assert info == {"Account": "123456789012"}


def test_access_key_info_names_the_account_of_issued_keys(server: Server, user: User) -> None:
    temporary = Keys.from_response(server.sts(user.keys).get_session_token()["Credentials"])
    for issued in (user.keys.access_key_id, temporary.access_key_id):
        assert server.sts().get_access_key_info(AccessKeyId=issued)["Account"] == ACCOUNT_ID, issued


def test_access_key_info_rejects_a_malformed_key(server: Server) -> None:
    error = client_error(server.sts(ROOT_KEYS).get_access_key_info, AccessKeyId="AKIA-not-a-valid-key!")
    assert error_code(error) == ("ValidationError", 400)
