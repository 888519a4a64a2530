"""`latchkey migrate-store --from sqlite:PATH --to postgres://...`: a single-node server on SQLite is filled through
boto3 and stopped, its store is copied into a fresh PostgreSQL database, and a server on that database with the same
master key serves everything: users, keys (still signing, statuses and last use kept), groups, policies with their
version IDs, roles, MFA devices, identity providers, the outbound issuer's key, and sessions issued before the move.
Bad arguments and a non-empty target are refused with a clear message and exit status 1."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from federation_support import SAMLIdentityProvider
from multinode_harness import TestDatabase, database_server_url, new_master_key

from latchkey_harness import (
    ACCOUNT_ID,
    ROOT_KEYS,
    Keys,
    Server,
    binary_path,
    bootstrap_config,
    current_counter,
    seed_secret,
    stop_cleanly,
    totp,
)

pytestmark = [
    pytest.mark.single_node,
    pytest.mark.skipif(database_server_url() is None, reason="LATCHKEY_TEST_DATABASE_URL is not set"),
]


@pytest.fixture
def database() -> Iterator[TestDatabase]:
    created = TestDatabase(database_server_url() or "", prefix="latchkey_migrate")
    try:
        yield created
    finally:
        created.drop()


def migrate_store(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LATCHKEY_")}
    return subprocess.run(
        [str(binary_path()), "migrate-store", *args], capture_output=True, text=True, env=env, timeout=120
    )


def counts(output: str) -> dict[str, int]:
    """The `KIND  COUNT` lines the command printed."""
    found = {}
    for line in output.splitlines():
        label, _, number = line.rpartition("  ")
        if number.strip().isdigit():
            found[label.strip()] = int(number)
    return found


def policy(*actions: str) -> str:
    statement = {"Effect": "Allow", "Action": list(actions), "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_a_sqlite_store_moves_to_postgresql(database: TestDatabase, tmp_path: Path) -> None:
    key = new_master_key()
    data = tmp_path / "data"
    sqlite = Server(data, bootstrap_config(tmp_path), tmp_path / "sqlite.log", env={"LATCHKEY_MASTER_KEY": key}).start()
    try:
        iam = sqlite.iam()
        user = iam.create_user(UserName="alice", Path="/eng/", Tags=[{"Key": "team", "Value": "blue"}])["User"]
        alice = Keys.from_response(iam.create_access_key(UserName="alice")["AccessKey"])
        spare = Keys.from_response(iam.create_access_key(UserName="alice")["AccessKey"])
        iam.update_access_key(UserName="alice", AccessKeyId=spare.access_key_id, Status="Inactive")

        # A managed policy whose versions are v2 (default) and v4: v1 and v3 were deleted, the next one is v5.
        arn = iam.create_policy(PolicyName="Deploy", PolicyDocument=policy("s3:GetObject"))["Policy"]["Arn"]
        for actions in (["s3:*"], ["ec2:*"], ["sts:AssumeRole", "iam:GetUser"]):
            iam.create_policy_version(PolicyArn=arn, PolicyDocument=policy(*actions))
        iam.set_default_policy_version(PolicyArn=arn, VersionId="v2")
        iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
        iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
        boundary = iam.create_policy(PolicyName="Boundary", PolicyDocument=policy("*"))["Policy"]["Arn"]
        iam.put_user_permissions_boundary(UserName="alice", PermissionsBoundary=boundary)

        iam.create_group(GroupName="builders")
        iam.add_user_to_group(GroupName="builders", UserName="alice")
        iam.put_group_policy(GroupName="builders", PolicyName="tokens", PolicyDocument=policy("sts:*", "iam:*"))
        iam.put_user_policy(UserName="alice", PolicyName="own", PolicyDocument=policy("iam:GetUser"))
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": user["Arn"]}, "Action": "sts:AssumeRole"}],
        }
        role = iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=json.dumps(trust), MaxSessionDuration=7200)
        iam.attach_role_policy(RoleName="deployer", PolicyArn=arn)

        device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]
        secret = seed_secret(device["Base32StringSeed"])
        counter = current_counter()
        iam.enable_mfa_device(
            UserName="alice",
            SerialNumber=device["SerialNumber"],
            AuthenticationCode1=totp(secret, counter - 1),
            AuthenticationCode2=totp(secret, counter),
        )
        oidc = iam.create_open_id_connect_provider(Url="https://idp.example.test/tenant", ClientIDList=["app"])
        saml = iam.create_saml_provider(Name="corp", SAMLMetadataDocument=SAMLIdentityProvider().metadata())
        iam.enable_outbound_web_identity_federation()
        token_before = sqlite.sts(alice).get_web_identity_token(
            Audience=["sts.amazonaws.com"], SigningAlgorithm="RS256"
        )["WebIdentityToken"]

        # Sessions issued before the move, and a key last used before it.
        assert sqlite.sts(alice).get_caller_identity()["Arn"] == user["Arn"]
        session = Keys.from_response(
            sqlite.sts(alice).assume_role(RoleArn=role["Role"]["Arn"], RoleSessionName="before")["Credentials"]
        )
        assert ":assumed-role/deployer/before" in sqlite.sts(session).get_caller_identity()["Arn"]

        # While the server runs, its store is refused.
        busy = migrate_store("--from", f"sqlite:{data}", "--to", database.url)
        assert busy.returncode == 1
        assert "already in use by another latchkey server" in busy.stderr
    finally:
        stop_cleanly(sqlite)

    # A bad source, a bad URL: refused, nothing written.
    missing = migrate_store("--from", f"sqlite:{tmp_path}/nowhere.sqlite", "--to", database.url)
    assert missing.returncode == 1
    assert "no file at" in missing.stderr
    bad_url = migrate_store("--from", f"sqlite:{data}", "--to", "mysql://root@127.0.0.1/latchkey")
    assert bad_url.returncode == 1
    assert "--to" in bad_url.stderr
    assert database.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").strip() == "0"

    moved = migrate_store("--from", f"sqlite:{data}", "--to", database.url)
    assert moved.returncode == 0, moved.stderr
    copied = counts(moved.stdout)
    assert copied["accounts"] == 2
    assert copied["users"] == 1
    assert copied["access keys"] == 4  # alice's two and the two bootstrap root keys
    assert copied["managed policies"] == 2
    assert copied["policy versions"] == 3
    assert copied["MFA devices"] == 1
    assert copied["OIDC providers"] == 1
    assert copied["SAML providers"] == 1
    assert copied["outbound issuers"] == 1
    assert "verified" in moved.stdout

    # Into a store that is no longer empty: refused.
    again = migrate_store("--from", f"sqlite:{data}", "--to", database.url)
    assert again.returncode == 1
    assert "not empty" in again.stderr

    # A server on PostgreSQL with the same master key, no bootstrap file: everything is there.
    postgres = Server(
        tmp_path / "pg-data",
        None,
        tmp_path / "postgres.log",
        args=["--database-url", database.url],
        env={"LATCHKEY_MASTER_KEY": key},
    ).start()
    try:
        iam = postgres.iam()
        # The old keys sign: the root's and alice's; the inactive one is still refused.
        assert postgres.sts(ROOT_KEYS).get_caller_identity()["Account"] == ACCOUNT_ID
        assert postgres.sts(alice).get_caller_identity()["Arn"] == user["Arn"]
        keys = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]}
        assert keys == {alice.access_key_id: "Active", spare.access_key_id: "Inactive"}
        last_used = iam.get_access_key_last_used(AccessKeyId=alice.access_key_id)["AccessKeyLastUsed"]
        assert last_used["ServiceName"] == "sts"
        # The session issued before the move still works, on another process and store.
        assert ":assumed-role/deployer/before" in postgres.sts(session).get_caller_identity()["Arn"]

        got = iam.get_user(UserName="ALICE")["User"]
        assert (got["UserName"], got["Path"], got["UserId"]) == ("alice", "/eng/", user["UserId"])
        assert got["Tags"] == [{"Key": "team", "Value": "blue"}]
        assert got["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
        assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == ["builders"]
        assert iam.list_user_policies(UserName="alice")["PolicyNames"] == ["own"]
        assert iam.list_group_policies(GroupName="builders")["PolicyNames"] == ["tokens"]
        versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
        assert sorted((v["VersionId"], v["IsDefaultVersion"]) for v in versions) == [("v2", True), ("v4", False)]
        assert (
            iam.create_policy_version(PolicyArn=arn, PolicyDocument=policy("s3:List*"))["PolicyVersion"]["VersionId"]
            == "v5"
        )
        got_role = iam.get_role(RoleName="deployer")["Role"]
        assert (got_role["RoleId"], got_role["MaxSessionDuration"]) == (role["Role"]["RoleId"], 7200)
        attached = iam.list_attached_role_policies(RoleName="deployer")["AttachedPolicies"]
        assert [p["PolicyArn"] for p in attached] == [arn]
        assert postgres.sts(alice).assume_role(RoleArn=got_role["Arn"], RoleSessionName="after")["Credentials"]
        devices = iam.list_mfa_devices(UserName="alice")["MFADevices"]
        assert [d["SerialNumber"] for d in devices] == [device["SerialNumber"]]
        providers = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        assert [p["Arn"] for p in providers] == [oidc["OpenIDConnectProviderArn"]]
        assert [p["Arn"] for p in iam.list_saml_providers()["SAMLProviderList"]] == [saml["SAMLProviderArn"]]

        # The MFA seed is still sealed under the same key: a fresh code from the same secret is accepted.
        code = totp(secret, max(current_counter(), counter + 1))
        mfa_session = postgres.sts(alice).get_session_token(SerialNumber=device["SerialNumber"], TokenCode=code)
        assert mfa_session["Credentials"]["AccessKeyId"].startswith("ASIA")
        # The outbound signing key came across sealed: tokens are signed with the same key ID.
        token_after = postgres.sts(alice).get_web_identity_token(
            Audience=["sts.amazonaws.com"], SigningAlgorithm="RS256"
        )["WebIdentityToken"]
        assert jwt.get_unverified_header(token_after)["kid"] == jwt.get_unverified_header(token_before)["kid"]
    finally:
        stop_cleanly(postgres)


def test_a_file_that_is_not_a_latchkey_store_is_refused(database: TestDatabase, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    refused = migrate_store("--from", f"sqlite:{text}", "--to", database.url)
    assert refused.returncode == 1
    assert refused.stderr.startswith("latchkey migrate-store: --from: ")
    assert "not a readable SQLite database" in refused.stderr
    empty = migrate_store("--from", f"sqlite:{tmp_path}", "--to", database.url)
    assert empty.returncode == 1
    assert f"no file at {tmp_path}/latchkey.sqlite" in empty.stderr
    assert not (tmp_path / "latchkey.sqlite").exists()
