"""IAM users, access keys and virtual MFA devices through boto3 and the AWS CLI."""

from __future__ import annotations

import time
from pathlib import Path

from latchkey_harness import (
    ACCOUNT_ID,
    TOTP_STEP,
    Keys,
    Server,
    User,
    client_error,
    current_counter,
    error_code,
    seed_secret,
    totp,
    unique,
)


def user_arn(name: str, path: str = "/eng/") -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:user{path}{name}"


def wait_for_step(counter: int) -> None:
    """Sleeps until TOTP step `counter` has begun (never more than one step)."""
    start = counter * TOTP_STEP
    if time.time() < start:
        time.sleep(start - time.time() + 0.2)


def wrong_code(secret: bytes, counter: int) -> str:
    """A six-digit code that matches no step near `counter`."""
    near = {totp(secret, step) for step in range(counter - 3, counter + 4)}
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if code not in near)


def test_user_lifecycle_with_boto3(server: Server) -> None:
    iam = server.iam()
    name = unique("alice")
    created = iam.create_user(UserName=name, Path="/eng/")["User"]
    assert created["UserName"] == name
    assert created["Path"] == "/eng/"
    assert created["Arn"] == user_arn(name)
    assert created["UserId"].startswith("AIDA")

    assert error_code(client_error(iam.create_user, UserName=name)) == ("EntityAlreadyExists", 409)
    fetched = iam.get_user(UserName=name)["User"]
    assert (fetched["Arn"], fetched["UserId"]) == (created["Arn"], created["UserId"])
    assert name in [listed["UserName"] for listed in iam.list_users()["Users"]]

    iam.tag_user(UserName=name, Tags=[{"Key": "team", "Value": "core"}])
    assert iam.get_user(UserName=name)["User"].get("Tags") == [{"Key": "team", "Value": "core"}]

    key = iam.create_access_key(UserName=name)["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA")
    assert key["Status"] == "Active"
    keys = Keys.from_response(key)
    identity = server.sts(keys).get_caller_identity()
    assert identity["Arn"] == user_arn(name)
    assert identity["UserId"] == created["UserId"]
    assert identity["Account"] == ACCOUNT_ID

    listed = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in listed] == [(keys.access_key_id, "Active")]
    assert error_code(client_error(iam.delete_user, UserName=name)) == ("DeleteConflict", 409)

    iam.update_access_key(UserName=name, AccessKeyId=keys.access_key_id, Status="Inactive")
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"][0]["Status"] == "Inactive"
    refused = client_error(server.sts(keys).get_caller_identity)
    assert error_code(refused) == ("InvalidClientTokenId", 403)

    iam.delete_access_key(UserName=name, AccessKeyId=keys.access_key_id)
    assert iam.list_access_keys(UserName=name)["AccessKeyMetadata"] == []
    iam.delete_user(UserName=name)
    assert error_code(client_error(iam.get_user, UserName=name)) == ("NoSuchEntity", 404)
    assert name not in [listed["UserName"] for listed in iam.list_users()["Users"]]


def test_user_lifecycle_with_cli(server: Server) -> None:
    name = unique("bob")
    created = server.cli("iam", "create-user", "--user-name", name, "--path", "/eng/").json()["User"]
    assert created["Arn"] == user_arn(name)
    assert created["UserId"].startswith("AIDA")
    assert server.cli("iam", "get-user", "--user-name", name).json()["User"]["UserId"] == created["UserId"]
    assert name in [u["UserName"] for u in server.cli("iam", "list-users").json()["Users"]]
    tagged = server.cli("iam", "tag-user", "--user-name", name, "--tags", "Key=team,Value=core")
    assert tagged.returncode == 0, tagged.stderr

    key = server.cli("iam", "create-access-key", "--user-name", name).json()["AccessKey"]
    keys = Keys.from_response(key)
    identity = server.cli("sts", "get-caller-identity", keys=keys).json()
    assert identity == {"UserId": created["UserId"], "Account": ACCOUNT_ID, "Arn": user_arn(name)}

    refused = server.cli("iam", "delete-user", "--user-name", name)
    assert refused.error_code() == "DeleteConflict", refused.stderr
    server.cli(
        "iam", "update-access-key", "--user-name", name, "--access-key-id", keys.access_key_id, "--status", "Inactive"
    ).json()
    inactive = server.cli("sts", "get-caller-identity", keys=keys)
    assert inactive.error_code() == "InvalidClientTokenId", inactive.stderr
    server.cli("iam", "delete-access-key", "--user-name", name, "--access-key-id", keys.access_key_id).json()
    server.cli("iam", "delete-user", "--user-name", name).json()
    assert server.cli("iam", "get-user", "--user-name", name).error_code() == "NoSuchEntity"


def test_virtual_mfa_device_guards_session_tokens(server: Server, user: User) -> None:
    iam = server.iam()
    name = unique("mfa")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
    serial = device["SerialNumber"]
    assert serial == f"arn:aws:iam::{ACCOUNT_ID}:mfa/{name}"
    secret = seed_secret(device["Base32StringSeed"])
    assert len(secret) >= 10

    counter = current_counter()
    bad = client_error(
        iam.enable_mfa_device,
        UserName=user.name,
        SerialNumber=serial,
        AuthenticationCode1=wrong_code(secret, counter),
        AuthenticationCode2=totp(secret, counter),
    )
    assert error_code(bad) == ("InvalidAuthenticationCode", 403)
    iam.enable_mfa_device(
        UserName=user.name,
        SerialNumber=serial,
        AuthenticationCode1=totp(secret, counter - 1),
        AuthenticationCode2=totp(secret, counter),
    )
    devices = iam.list_mfa_devices(UserName=user.name)["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in devices] == [(user.name, serial)]

    sts = server.sts(user.keys)
    wrong = client_error(sts.get_session_token, SerialNumber=serial, TokenCode=wrong_code(secret, counter + 1))
    assert error_code(wrong) == ("AccessDenied", 403)

    wait_for_step(counter + 1)
    code = totp(secret, counter + 1)
    temporary = Keys.from_response(sts.get_session_token(SerialNumber=serial, TokenCode=code)["Credentials"])
    assert temporary.access_key_id.startswith("ASIA")
    assert server.sts(temporary).get_caller_identity()["Arn"] == user.arn
    replayed = client_error(sts.get_session_token, SerialNumber=serial, TokenCode=code)
    assert error_code(replayed) == ("AccessDenied", 403)

    in_use = client_error(iam.delete_virtual_mfa_device, SerialNumber=serial)
    assert error_code(in_use) == ("DeleteConflict", 409)
    iam.deactivate_mfa_device(UserName=user.name, SerialNumber=serial)
    assert iam.list_mfa_devices(UserName=user.name)["MFADevices"] == []
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    gone = client_error(iam.delete_virtual_mfa_device, SerialNumber=serial)
    assert error_code(gone) == ("NoSuchEntity", 404)


def test_virtual_mfa_device_with_cli(server: Server, user: User, tmp_path: Path) -> None:
    name = unique("mfa")
    seed_file = tmp_path / "seed.txt"
    created = server.cli(
        "iam",
        "create-virtual-mfa-device",
        "--virtual-mfa-device-name",
        name,
        "--outfile",
        str(seed_file),
        "--bootstrap-method",
        "Base32StringSeed",
    ).json()
    serial = created["VirtualMFADevice"]["SerialNumber"]
    secret = seed_secret(seed_file.read_bytes())

    counter = current_counter()
    server.cli(
        "iam",
        "enable-mfa-device",
        "--user-name",
        user.name,
        "--serial-number",
        serial,
        "--authentication-code1",
        totp(secret, counter - 1),
        "--authentication-code2",
        totp(secret, counter),
    ).json()
    listed = server.cli("iam", "list-mfa-devices", "--user-name", user.name).json()["MFADevices"]
    assert [d["SerialNumber"] for d in listed] == [serial]

    wait_for_step(counter + 1)
    code = totp(secret, counter + 1)
    session = server.cli(
        "sts", "get-session-token", "--serial-number", serial, "--token-code", code, keys=user.keys
    ).json()
    assert session["Credentials"]["AccessKeyId"].startswith("ASIA")
    replayed = server.cli("sts", "get-session-token", "--serial-number", serial, "--token-code", code, keys=user.keys)
    assert replayed.error_code() == "AccessDenied", replayed.stderr

    server.cli("iam", "deactivate-mfa-device", "--user-name", user.name, "--serial-number", serial).json()
    server.cli("iam", "delete-virtual-mfa-device", "--serial-number", serial).json()
    assert server.cli("iam", "list-mfa-devices", "--user-name", user.name).json()["MFADevices"] == []
