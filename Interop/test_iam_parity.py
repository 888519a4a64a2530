"""IAM answers as AWS gives them (issue 9, section 3), as boto3 reads them: shapes, paging, codes and messages."""

from __future__ import annotations

import base64
import datetime

import pytest
from federation_support import SAMLIdentityProvider

from latchkey_harness import ACCOUNT_ID, Server, client_error, error_code, unique

TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    f'"Principal":{{"AWS":"arn:aws:iam::{ACCOUNT_ID}:root"}},"Action":"sts:AssumeRole"}}]}}'
)
ALLOW = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'


def tags(count: int) -> list[dict[str, str]]:
    return [{"Key": f"k{index}", "Value": "v"} for index in range(1, count + 1)]


def test_role_and_policy_shapes(server: Server) -> None:
    iam = server.iam()
    role = iam.create_role(RoleName=unique("role"), AssumeRolePolicyDocument=TRUST, Description="d")["Role"]
    assert "MaxSessionDuration" not in role
    assert "Description" not in role
    described = iam.update_role_description(RoleName=role["RoleName"], Description="e")["Role"]
    assert "MaxSessionDuration" not in described
    assert described["Description"] == "e"
    assert iam.get_role(RoleName=role["RoleName"])["Role"]["MaxSessionDuration"] == 3600

    policy = iam.create_policy(PolicyName=unique("policy"), PolicyDocument=ALLOW, Description="d")["Policy"]
    assert "Description" not in policy
    fetched = iam.get_policy(PolicyArn=policy["Arn"])["Policy"]
    assert fetched["Description"] == "d"
    assert fetched["Tags"] == []


def test_saml_provider_valid_until_and_private_keys(server: Server) -> None:
    iam = server.iam()
    arn = iam.create_saml_provider(Name=unique("idp"), SAMLMetadataDocument=SAMLIdentityProvider().metadata())[
        "SAMLProviderArn"
    ]
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["PrivateKeyList"] == []
    assert isinstance(got["ValidUntil"], datetime.datetime)
    assert got["ValidUntil"].year == got["CreateDate"].year + 100
    listed = {entry["Arn"]: entry for entry in iam.list_saml_providers()["SAMLProviderList"]}
    assert listed[arn]["ValidUntil"] == got["ValidUntil"]


@pytest.mark.parametrize(
    ("operation", "key", "field"),
    [
        ("list_user_tags", "Tags", "Key"),
        ("list_role_tags", "Tags", "Key"),
        ("list_policy_tags", "Tags", "Key"),
        ("list_open_id_connect_provider_tags", "Tags", "Key"),
        ("list_saml_provider_tags", "Tags", "Key"),
    ],
)
def test_tag_listings_page_with_boto3_paginators(server: Server, operation: str, key: str, field: str) -> None:
    iam = server.iam()
    if operation == "list_user_tags":
        name = unique("u")
        iam.create_user(UserName=name, Tags=tags(5))
        params = {"UserName": name}
    elif operation == "list_role_tags":
        name = unique("r")
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, Tags=tags(5))
        params = {"RoleName": name}
    elif operation == "list_policy_tags":
        policy = iam.create_policy(PolicyName=unique("p"), PolicyDocument=ALLOW, Tags=tags(5))["Policy"]
        params = {"PolicyArn": policy["Arn"]}
    elif operation == "list_open_id_connect_provider_tags":
        url = f"https://{unique('issuer').lower()}.example.test"
        arn = iam.create_open_id_connect_provider(Url=url, ClientIDList=["c"], Tags=tags(5))["OpenIDConnectProviderArn"]
        params = {"OpenIDConnectProviderArn": arn}
    else:
        metadata = SAMLIdentityProvider().metadata()
        created = iam.create_saml_provider(Name=unique("idp"), SAMLMetadataDocument=metadata, Tags=tags(5))
        params = {"SAMLProviderArn": created["SAMLProviderArn"]}

    pages = list(iam.get_paginator(operation).paginate(**params, PaginationConfig={"PageSize": 2}))
    assert [len(page[key]) for page in pages] == [2, 2, 1]
    assert [page["IsTruncated"] for page in pages] == [True, True, False]
    assert [item[field] for page in pages for item in page[key]] == [f"k{index}" for index in range(1, 6)]
    whole = getattr(iam, operation)(**params)
    assert whole["IsTruncated"] is False
    assert "Marker" not in whole


def test_access_keys_and_virtual_mfa_devices_page(server: Server) -> None:
    iam = server.iam()
    name = unique("u")
    iam.create_user(UserName=name)
    created = sorted(iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"] for _ in range(2))
    pages = list(iam.get_paginator("list_access_keys").paginate(UserName=name, PaginationConfig={"PageSize": 1}))
    assert [len(page["AccessKeyMetadata"]) for page in pages] == [1, 1]
    assert sorted(item["AccessKeyId"] for page in pages for item in page["AccessKeyMetadata"]) == created


def test_a_marker_latchkey_did_not_issue_is_invalid(server: Server) -> None:
    iam = server.iam()
    for _ in range(2):
        iam.create_user(UserName=unique("m"))
    marker = iam.list_users(MaxItems=1)["Marker"]
    forged = base64.b64encode(b"zzz").decode()
    for bad in [forged, "garbage"]:
        error = client_error(iam.list_users, Marker=bad)
        assert error_code(error) == ("ValidationError", 400)
        assert error.response["Error"]["Message"] == "Invalid Marker."
    error = client_error(iam.list_roles, Marker=marker)
    assert error_code(error) == ("ValidationError", 400)


def test_semantics_and_messages(server: Server) -> None:
    iam = server.iam()
    user = unique("u")
    group = unique("g")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.remove_user_from_group(GroupName=group, UserName=user)  # not a member: 200

    missing = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{unique('nobody').lower()}.example.test"
    error = client_error(iam.delete_open_id_connect_provider, OpenIDConnectProviderArn=missing)
    assert error_code(error) == ("NoSuchEntity", 404)
    assert error.response["Error"]["Message"] == f"OpenId connect Provider {missing} cannot be found."

    error = client_error(iam.tag_user, UserName=user, Tags=tags(51))
    assert error_code(error) == ("ValidationError", 400)
    assert error.response["Error"]["Message"] == (
        "1 validation error detected: Value at 'tags' failed to satisfy constraint: "
        "Member must have length less than or equal to 50"
    )
    iam.tag_user(UserName=user, Tags=tags(50))
    error = client_error(iam.tag_user, UserName=user, Tags=[{"Key": "one-more", "Value": "v"}])
    assert error_code(error) == ("LimitExceeded", 409)
    assert error.response["Error"]["Message"] == "The number of tags has reached the maximum limit."

    error = client_error(iam.attach_user_policy, UserName=user, PolicyArn="not-an-arn-of-any-kind")
    assert error_code(error) == ("ValidationError", 400)

    device = unique("phone")
    iam.create_virtual_mfa_device(VirtualMFADeviceName=device)
    error = client_error(iam.create_virtual_mfa_device, VirtualMFADeviceName=device)
    assert error_code(error) == ("EntityAlreadyExists", 409)
    assert error.response["Error"]["Message"] == "MFA device already exists."

    error = client_error(
        iam.create_open_id_connect_provider,
        Url=f"https://{unique('six').lower()}.example.test",
        ClientIDList=["c"],
        ThumbprintList=[str(digit) * 40 for digit in range(1, 7)],
    )
    assert error_code(error) == ("InvalidInput", 400)
    assert error.response["Error"]["Message"] == "Thumbprint list must contain fewer than 5 entries."
