"""IAM checks policy documents on write as AWS does (issue 9, section 3), seen through boto3."""

from __future__ import annotations

import json

import pytest

from latchkey_harness import ACCOUNT_ID, Server, client_error, error_code, unique

TRUST_ACTIONS = "AssumeRole policy may only specify STS AssumeRole actions."
VERSION = "Policy document must be version 2012-10-17 or greater."


def trust(**changes: object) -> dict:
    statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"}
    statement.update(changes)
    return {"Version": "2012-10-17", "Statement": [{k: v for k, v in statement.items() if v is not None}]}


def permissions(version: str | None = "2012-10-17", **changes: object) -> dict:
    statement = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}
    statement.update(changes)
    document: dict = {"Statement": [statement]}
    if version is not None:
        document["Version"] = version
    return document


def malformed_message(call, **kwargs) -> str:
    error = client_error(call, **kwargs)
    assert error_code(error) == ("MalformedPolicyDocument", 400)
    return error.response["Error"]["Message"]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ('{"Version": "2012-10-17", "Statement": [', "This policy contains invalid Json"),
        (json.dumps(trust(Action=["sts:AssumeRole", "s3:GetObject"])), TRUST_ACTIONS),
        (json.dumps(trust(Action="sts:*")), TRUST_ACTIONS),
        (json.dumps(trust(Resource="*")), "Has prohibited field Resource"),
        (json.dumps(trust(Principal=None)), "Missing required field Principal"),
    ],
)
def test_trust_policies_are_checked_as_aws_checks_them(server: Server, document: str, message: str) -> None:
    iam = server.iam()
    name = unique("trust")
    assert malformed_message(iam.create_role, RoleName=name, AssumeRolePolicyDocument=document) == message
    assert error_code(client_error(iam.get_role, RoleName=name)) == ("NoSuchEntity", 404)

    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust()))
    assert malformed_message(iam.update_assume_role_policy, RoleName=name, PolicyDocument=document) == message
    kept = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]
    assert kept == trust()


def test_every_assume_role_action_is_accepted_in_a_trust_policy(server: Server) -> None:
    iam = server.iam()
    actions = [
        "sts:AssumeRole",
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
        "sts:TagSession",
        "sts:SetSourceIdentity",
        "sts:SetContext",
    ]
    name = unique("trust-ok")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust(Action=actions)))
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Action"] == actions


IAM_PATH = (
    'IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, '
    "instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, "
    "report/, access-report/."
)

PERMISSIONS_CASES = [
    (permissions(version=None), VERSION, "managed only"),
    (permissions(version="2008-10-17"), VERSION, "managed only"),
    (
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Sid": "A", "Effect": "Deny", "Action": "iam:*", "Resource": "*"},
            ],
        },
        "Statement IDs (SID) in a single policy must be unique.",
        "both",
    ),
    (permissions(Resource="arn:aws:iam:::example_bucket"), IAM_PATH, "both"),
    (
        permissions(Resource="arn:aws:iam:us-east-1::user/u"),
        "IAM resource arn:aws:iam:us-east-1::user/u cannot contain region information.",
        "both",
    ),
    (
        permissions(Resource="arn:aws2:s3:::b"),
        'Partition "aws2" is not valid for resource "arn:aws2:s3:::b".',
        "both",
    ),
    (permissions(Principal={"AWS": "*"}), "Policy document should not specify a principal.", "both"),
    (
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*"}},
        "Policy statement must contain resources.",
        "both",
    ),
    (
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Resource": "*"}},
        "Policy statement must contain actions.",
        "both",
    ),
    (permissions(Resource="arn:aws:fdsasf"), None, "both"),
    (permissions(Condition={"StringEquals": {"foo": "bar"}}), None, "both"),
]


@pytest.mark.parametrize(("document", "message", "scope"), PERMISSIONS_CASES)
def test_managed_policies_are_checked_as_aws_checks_them(
    server: Server, document: dict, message: str | None, scope: str
) -> None:
    iam = server.iam()
    name = unique("managed")
    text = json.dumps(document)
    arn = f"arn:aws:iam::{ACCOUNT_ID}:policy/{name}"
    if message is None:
        assert iam.create_policy(PolicyName=name, PolicyDocument=text)["Policy"]["Arn"] == arn
        assert iam.create_policy_version(PolicyArn=arn, PolicyDocument=text)["PolicyVersion"]["VersionId"] == "v2"
        return
    assert malformed_message(iam.create_policy, PolicyName=name, PolicyDocument=text) == message
    assert error_code(client_error(iam.get_policy, PolicyArn=arn)) == ("NoSuchEntity", 404)
    iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(permissions()))
    assert malformed_message(iam.create_policy_version, PolicyArn=arn, PolicyDocument=text) == message


@pytest.mark.parametrize(("document", "message", "scope"), PERMISSIONS_CASES)
def test_inline_policies_are_checked_as_aws_checks_them(
    server: Server, document: dict, message: str | None, scope: str
) -> None:
    iam = server.iam()
    user, group, role = unique("u"), unique("g"), unique("r")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust()))
    text = json.dumps(document)
    calls = [
        (iam.put_user_policy, {"UserName": user}),
        (iam.put_group_policy, {"GroupName": group}),
        (iam.put_role_policy, {"RoleName": role}),
    ]
    # Inline policies may still be written in the 2008-10-17 language.
    expected = None if scope == "managed only" else message
    for call, owner in calls:
        if expected is None:
            call(PolicyName="p", PolicyDocument=text, **owner)
        else:
            assert malformed_message(call, PolicyName="p", PolicyDocument=text, **owner) == expected
    if expected is None:
        assert iam.get_user_policy(UserName=user, PolicyName="p")["PolicyDocument"] == document
    else:
        assert error_code(client_error(iam.get_user_policy, UserName=user, PolicyName="p")) == ("NoSuchEntity", 404)
