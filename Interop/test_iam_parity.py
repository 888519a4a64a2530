"""IAM answers as AWS gives them (issue 9, section 3), as boto3 reads them: shapes, paging, codes and messages."""

from __future__ import annotations

import base64
import datetime
import xml.etree.ElementTree as ET

import pytest
from federation_support import SAMLIdentityProvider

from latchkey_harness import ACCOUNT_ID, Server, client_error, error_code, local, unique

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


# Every response against the model: botocore's shapes keep the model's member order.


def shape_problems(element: ET.Element, shape, path: str) -> list[str]:
    """Elements that are not members of `shape`, out of the model's order, or missing though required."""
    children = list(element)
    if shape.type_name == "structure":
        names = list(shape.members)
        wire = {shape.members[name].serialization.get("name", name): name for name in names}
        problems: list[str] = []
        last = -1
        seen: set[str] = set()
        for child in children:
            name = wire.get(local(child.tag))
            if name is None:
                problems.append(f"{path}: {local(child.tag)} is not a member of {shape.name}")
                continue
            index = names.index(name)
            if index <= last:
                problems.append(f"{path}: {name} is out of the model's order in {shape.name}")
            last = index
            seen.add(name)
            problems += shape_problems(child, shape.members[name], f"{path}.{name}")
        problems += [f"{path}: required {name} is missing" for name in shape.required_members if name not in seen]
        return problems
    if shape.type_name == "list":
        member = shape.member.serialization.get("name", "member")
        problems = [f"{path}: list item {local(child.tag)}" for child in children if local(child.tag) != member]
        for index, child in enumerate(children):
            problems += shape_problems(child, shape.member, f"{path}[{index}]")
        return problems
    return [f"{path}: a {shape.type_name} has child elements"] if children else []


def response_problems(operation_model, body: bytes) -> list[str]:
    root = ET.fromstring(body)
    name = operation_model.name
    problems = [] if local(root.tag) == f"{name}Response" else [f"{name}: root {local(root.tag)}"]
    children = [local(child.tag) for child in root]
    output = operation_model.output_shape
    if output is None:
        return problems + ([] if children == ["ResponseMetadata"] else [f"{name}: children {children}"])
    wrapper = operation_model.output_shape.serialization.get("resultWrapper", f"{name}Result")
    if children != [wrapper, "ResponseMetadata"]:
        return [*problems, f"{name}: children {children}"]
    return problems + shape_problems(root[0], output, name)


def test_every_iam_response_follows_the_model(server: Server) -> None:
    iam = server.iam()
    checked: dict[str, list[str]] = {}

    def check(http_response, model, **_) -> None:
        if http_response.status_code == 200:
            checked.setdefault(model.name, []).extend(response_problems(model, http_response.content))

    iam.meta.events.register("after-call.iam.*", check)

    user, role, group, policy_name = unique("u"), unique("r"), unique("g"), unique("p")
    iam.create_user(UserName=user, Path="/eng/")
    iam.create_user(UserName=unique("tagged"), Tags=tags(2))
    iam.get_user(UserName=user)
    iam.list_users(MaxItems=1)
    iam.tag_user(UserName=user, Tags=tags(3))
    iam.list_user_tags(UserName=user, MaxItems=2)
    iam.untag_user(UserName=user, TagKeys=["k3"])
    iam.get_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    iam.list_access_keys(UserName=user)
    iam.update_access_key(UserName=user, AccessKeyId=key, Status="Inactive")
    iam.get_access_key_last_used(AccessKeyId=key)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("phone"), Tags=tags(1))["VirtualMFADevice"]
    iam.list_virtual_mfa_devices()
    iam.list_mfa_devices(UserName=user)

    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST, Description="d", Tags=tags(1))
    iam.get_role(RoleName=role)
    iam.list_roles(MaxItems=1)
    iam.update_role(RoleName=role, MaxSessionDuration=7200)
    iam.update_role_description(RoleName=role, Description="e")
    iam.update_assume_role_policy(RoleName=role, PolicyDocument=TRUST)
    iam.tag_role(RoleName=role, Tags=tags(2))
    iam.list_role_tags(RoleName=role)
    iam.put_role_policy(RoleName=role, PolicyName="inline", PolicyDocument=ALLOW)
    iam.get_role_policy(RoleName=role, PolicyName="inline")
    iam.list_role_policies(RoleName=role)

    arn = iam.create_policy(PolicyName=policy_name, PolicyDocument=ALLOW, Description="d", Tags=tags(1))["Policy"][
        "Arn"
    ]
    iam.create_policy(PolicyName=unique("plain"), PolicyDocument=ALLOW)
    iam.get_policy(PolicyArn=arn)
    iam.list_policies(Scope="Local", MaxItems=1)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=ALLOW, SetAsDefault=True)
    iam.get_policy_version(PolicyArn=arn, VersionId="v1")
    iam.list_policy_versions(PolicyArn=arn)
    iam.list_policy_tags(PolicyArn=arn)
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    iam.list_attached_role_policies(RoleName=role)
    iam.put_role_permissions_boundary(RoleName=role, PermissionsBoundary=arn)
    iam.get_role(RoleName=role)
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.list_attached_user_policies(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="inline", PolicyDocument=ALLOW)
    iam.get_user_policy(UserName=user, PolicyName="inline")
    iam.list_user_policies(UserName=user)
    iam.put_user_permissions_boundary(UserName=user, PermissionsBoundary=arn)
    iam.get_user(UserName=user)

    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.get_group(GroupName=group)
    iam.list_groups(MaxItems=1)
    iam.list_groups_for_user(UserName=user)
    iam.put_group_policy(GroupName=group, PolicyName="inline", PolicyDocument=ALLOW)
    iam.get_group_policy(GroupName=group, PolicyName="inline")
    iam.list_group_policies(GroupName=group)
    iam.attach_group_policy(GroupName=group, PolicyArn=arn)
    iam.list_attached_group_policies(GroupName=group)

    oidc = iam.create_open_id_connect_provider(
        Url=f"https://{unique('issuer').lower()}.example.test", ClientIDList=["c"], ThumbprintList=["a" * 40]
    )["OpenIDConnectProviderArn"]
    iam.create_open_id_connect_provider(Url=f"https://{unique('tagged').lower()}.example.test", Tags=tags(1))
    iam.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc)
    iam.list_open_id_connect_providers()
    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=oidc, Tags=tags(1))
    iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=oidc)
    saml = iam.create_saml_provider(Name=unique("idp"), SAMLMetadataDocument=SAMLIdentityProvider().metadata())[
        "SAMLProviderArn"
    ]
    iam.get_saml_provider(SAMLProviderArn=saml)
    iam.update_saml_provider(SAMLProviderArn=saml, SAMLMetadataDocument=SAMLIdentityProvider().metadata())
    iam.list_saml_providers()
    iam.tag_saml_provider(SAMLProviderArn=saml, Tags=tags(1))
    iam.list_saml_provider_tags(SAMLProviderArn=saml)

    # Tear down in the order IAM requires: every delete answers the empty shape.
    iam.delete_saml_provider(SAMLProviderArn=saml)
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=oidc)
    iam.detach_group_policy(GroupName=group, PolicyArn=arn)
    iam.delete_group_policy(GroupName=group, PolicyName="inline")
    iam.remove_user_from_group(GroupName=group, UserName=user)
    iam.delete_group(GroupName=group)
    iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])

    assert len(checked) >= 67, sorted(checked)
    problems = [problem for found in checked.values() for problem in found]
    assert problems == []

    # The root's GetUser is AWS's one departure from the model: no Path and no UserName, as IAM answers it.
    checked.clear()
    root = iam.get_user()["User"]
    assert root["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert checked == {
        "GetUser": ["GetUser.User: required Path is missing", "GetUser.User: required UserName is missing"]
    }
