"""The same-account trust-policy bypass (issue 9, bug 1), driven by boto3 and the AWS CLI: an identity policy that
allows everything never stands in for a role's trust policy; and the STS parity fixes of the same issue."""

from __future__ import annotations

import json

from latchkey_harness import Keys, Server, User, client_error, error_code, unique

ACCOUNT = "111122223333"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
EVERYTHING = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}]})


def trust(principal: str, condition: dict | None = None, actions: list[str] | None = None) -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions or ["sts:AssumeRole"]}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def role(server: Server, trust_policy: str) -> dict:
    return server.iam().create_role(RoleName=unique("bypass"), AssumeRolePolicyDocument=trust_policy)["Role"]


def allowed_everything(server: Server, user: User) -> User:
    server.iam().put_user_policy(UserName=user.name, PolicyName="sts", PolicyDocument=EVERYTHING)
    return user


def assert_denied(server: Server, keys: Keys, role_arn: str, **extra) -> None:
    error = client_error(server.sts(keys).assume_role, RoleArn=role_arn, RoleSessionName="s1", **extra)
    assert error_code(error) == ("AccessDenied", 403)


def test_mfa_condition_on_the_account_trust_is_not_bypassed(server: Server, user: User) -> None:
    allowed_everything(server, user)
    target = role(server, trust(ROOT, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    assert_denied(server, user.keys, target["Arn"])


def test_the_cli_sees_the_same_denial(server: Server, user: User) -> None:
    allowed_everything(server, user)
    target = role(server, trust(ROOT, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    refused = server.cli("sts", "assume-role", "--role-arn", target["Arn"], "--role-session-name", "cli", keys=user.keys)
    assert refused.error_code() == "AccessDenied"


def test_a_trust_policy_naming_someone_else_is_not_bypassed(server: Server, user: User) -> None:
    allowed_everything(server, user)
    other = server.iam().create_user(UserName=unique("other"))["User"]
    target = role(server, trust(other["Arn"]))
    assert_denied(server, user.keys, target["Arn"])


def test_external_id_tag_session_and_source_identity_need_the_trust_policy(server: Server, user: User) -> None:
    allowed_everything(server, user)
    target = role(server, trust(ROOT, {"StringEquals": {"sts:ExternalId": "id-42"}}))
    assert_denied(server, user.keys, target["Arn"], ExternalId="wrong-id")
    assert server.sts(user.keys).assume_role(RoleArn=target["Arn"], RoleSessionName="ok", ExternalId="id-42")["Credentials"]
    assert_denied(server, user.keys, target["Arn"], ExternalId="id-42", Tags=[{"Key": "k", "Value": "v"}])
    assert_denied(server, user.keys, target["Arn"], ExternalId="id-42", SourceIdentity="alice")


def test_a_session_without_mfa_does_not_meet_an_mfa_condition(server: Server, user: User) -> None:
    allowed_everything(server, user)
    target = role(server, trust(user.arn, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    session = Keys.from_response(server.sts(user.keys).get_session_token()["Credentials"])
    assert_denied(server, session, target["Arn"])


def test_a_malformed_role_arn_is_request_arn_is_invalid(server: Server, user: User) -> None:
    error = client_error(server.sts(user.keys).assume_role, RoleArn="arn:aws:iam::111122223333:user/nope", RoleSessionName="s1")
    assert error_code(error) == ("ValidationError", 400)
    assert error.response["Error"]["Message"] == "Request ARN is invalid"


def test_at_most_ten_policy_arns(server: Server, user: User) -> None:
    target = role(server, trust(user.arn))
    arns = [{"arn": f"arn:aws:iam::{ACCOUNT}:policy/p{index}"} for index in range(11)]
    error = client_error(server.sts(user.keys).assume_role, RoleArn=target["Arn"], RoleSessionName="s1", PolicyArns=arns)
    assert error_code(error) == ("ValidationError", 400)
    message = error.response["Error"]["Message"]
    assert message.startswith("1 validation error detected: Value ")
    assert message.endswith("at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10")
    federation = client_error(server.sts(user.keys).get_federation_token, Name="bob", PolicyArns=arns)
    assert error_code(federation) == ("ValidationError", 400)


def test_get_federation_token_without_policies_reports_a_packed_size_of_zero(server: Server, user: User) -> None:
    allowed_everything(server, user)
    result = server.sts(user.keys).get_federation_token(Name="bob")
    assert result["PackedPolicySize"] == 0
