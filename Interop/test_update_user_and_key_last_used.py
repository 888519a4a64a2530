"""UpdateUser and GetAccessKeyLastUsed through boto3 against the real server."""

from __future__ import annotations

import datetime
from pathlib import Path

from latchkey_harness import (
    ACCOUNT_ID,
    Keys,
    Server,
    StartServer,
    User,
    client_error,
    create_user_with_key,
    error_code,
    stop_cleanly,
    unique,
)


def user_arn(name: str, path: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:user{path}{name}"


def test_update_user_renames_and_moves_keeping_key_group_and_policies(server: Server, user: User) -> None:
    iam = server.iam()
    group = unique("group")
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=user.name)
    iam.put_user_policy(
        UserName=user.name,
        PolicyName="read-users",
        PolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}'
        ),
    )
    new_name = unique("renamed")
    iam.update_user(UserName=user.name, NewUserName=new_name, NewPath="/ops/")

    renamed = iam.get_user(UserName=new_name)["User"]
    assert renamed["Arn"] == user_arn(new_name, "/ops/")
    assert renamed["UserId"] == user.user_id
    assert error_code(client_error(iam.get_user, UserName=user.name)) == ("NoSuchEntity", 404)
    missing = client_error(iam.update_user, UserName=user.name, NewUserName=unique("x"))
    assert missing.response["Error"]["Message"] == f"The user with name {user.name} cannot be found."

    identity = server.sts(user.keys).get_caller_identity()
    assert identity["Arn"] == user_arn(new_name, "/ops/")
    assert identity["UserId"] == user.user_id
    # The inline policy followed the user: it may read itself under the new name.
    assert server.iam(user.keys).get_user()["User"]["UserName"] == new_name
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=new_name)["Groups"]] == [group]
    assert iam.list_user_policies(UserName=new_name)["PolicyNames"] == ["read-users"]
    keys = iam.list_access_keys(UserName=new_name)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [user.keys.access_key_id]

    other = create_user_with_key(server)
    taken = client_error(iam.update_user, UserName=other.name, NewUserName=new_name.upper())
    assert error_code(taken) == ("EntityAlreadyExists", 409)
    assert taken.response["Error"]["Message"] == f"User with name {new_name.upper()} already exists."


def test_update_user_needs_permission_on_source_and_target(server: Server) -> None:
    iam = server.iam()
    admin = create_user_with_key(server)
    target = create_user_with_key(server)
    new_name = unique("target")
    iam.put_user_policy(
        UserName=admin.name,
        PolicyName="rename-source-only",
        PolicyDocument=(
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:UpdateUser",'
            f'"Resource":"{target.arn}"}}]}}'
        ),
    )
    denied = client_error(server.iam(admin.keys).update_user, UserName=target.name, NewUserName=new_name)
    assert error_code(denied) == ("AccessDenied", 403)
    assert f"on resource: {user_arn(new_name, '/eng/')}" in denied.response["Error"]["Message"]
    assert iam.get_user(UserName=target.name)["User"]["Arn"] == target.arn


def test_access_key_last_used_reports_service_and_region(server: Server, user: User) -> None:
    iam = server.iam()
    never = iam.get_access_key_last_used(AccessKeyId=user.keys.access_key_id)
    assert never["UserName"] == user.name
    assert never["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}

    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    server.client("sts", user.keys, region="eu-west-3").get_caller_identity()
    used = iam.get_access_key_last_used(AccessKeyId=user.keys.access_key_id)["AccessKeyLastUsed"]
    assert used["ServiceName"] == "sts"
    assert used["Region"] == "eu-west-3"
    assert used["LastUsedDate"] >= before

    # A bad signature is not a use.
    forged = Keys(user.keys.access_key_id, "not-the-secret")
    assert error_code(client_error(server.client("iam", forged, region="ap-south-1").list_users)) == (
        "SignatureDoesNotMatch",
        403,
    )
    unchanged = iam.get_access_key_last_used(AccessKeyId=user.keys.access_key_id)["AccessKeyLastUsed"]
    assert unchanged["Region"] == "eu-west-3"

    client_error(server.client("iam", user.keys, region="us-west-2").list_roles)  # denied, but authenticated
    used = iam.get_access_key_last_used(AccessKeyId=user.keys.access_key_id)["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("iam", "us-west-2")


def test_access_key_last_used_survives_a_restart(start_server: StartServer, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = start_server(data_dir)
    user = create_user_with_key(first)
    first.client("sts", user.keys, region="ca-central-1").get_caller_identity()
    stop_cleanly(first)  # the graceful shutdown writes the uses still in memory

    second = start_server(data_dir)
    used = second.iam().get_access_key_last_used(AccessKeyId=user.keys.access_key_id)["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("sts", "ca-central-1")
    assert "LastUsedDate" in used
