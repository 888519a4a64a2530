"""The declarative seed (docs/seed.md): `latchkey serve --config` applies what the file declares at start, boto3 reads
it back, a second start changes nothing; `latchkey seed --endpoint-url` applies a file to a running server through
the IAM API with the credentials of the environment."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import uuid
from pathlib import Path

import pytest

from latchkey_harness import (
    ACCOUNT_ID,
    OTHER_ACCOUNT_ID,
    REGION,
    ROOT_ACCESS_KEY_ID,
    ROOT_KEYS,
    ROOT_SECRET_ACCESS_KEY,
    Keys,
    Server,
    binary_path,
    stop_cleanly,
)

ROOT_BLOCK = (
    "accounts:\n"
    f'  - id: "{ACCOUNT_ID}"\n'
    "    rootAccessKeys:\n"
    f"      - {{accessKeyId: {ROOT_ACCESS_KEY_ID}, secretAccessKey: {ROOT_SECRET_ACCESS_KEY}}}\n"
)


GITHUB = "token.actions.githubusercontent.com"


def seed_yaml(secrets: Path, suffix: str = "", users: str = "") -> str:
    """A seed for account 111122223333: a policy, a group, a user with a generated key, a role, an OIDC provider
    (and `users`, more entries of the users list)."""
    return ROOT_BLOCK + (
        f"    secretsFile: {secrets}\n"
        "    policies:\n"
        f"      - name: deploy{suffix}\n"
        "        path: /ci/\n"
        "        document:\n"
        '          Version: "2012-10-17"\n'
        "          Statement:\n"
        '            - {Effect: Allow, Action: "s3:PutObject", Resource: "arn:aws:s3:::artifacts/*"}\n'
        "    groups:\n"
        f"      - name: deployers{suffix}\n"
        f"        managedPolicies: [deploy{suffix}]\n"
        "    users:\n"
        f"      - name: ci{suffix}\n"
        "        path: /ci/\n"
        f"        groups: [deployers{suffix}]\n"
        "        generateAccessKeys: 1\n"
        "        tags: {team: platform}\n"
        f"{users}"
        "    oidcProviders:\n"
        "      - url: https://token.actions.githubusercontent.com\n"
        "        clientIds: [sts.amazonaws.com]\n"
        "    roles:\n"
        f"      - name: github-deploy{suffix}\n"
        "        maxSessionDuration: 3600\n"
        "        tags: {purpose: ci}\n"
        f"        managedPolicies: [deploy{suffix}]\n"
        "        trustPolicy:\n"
        '          Version: "2012-10-17"\n'
        "          Statement:\n"
        "            - Effect: Allow\n"
        f'              Principal: {{Federated: "arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{GITHUB}"}}\n'
        '              Action: "sts:AssumeRoleWithWebIdentity"\n'
        "              Condition:\n"
        '                StringEquals: {"token.actions.githubusercontent.com:aud": sts.amazonaws.com}\n'
        '                StringLike: {"token.actions.githubusercontent.com:sub": "repo:org/repo:*"}\n'
    )


def generated_keys(secrets: Path) -> list[dict]:
    entries = json.loads(secrets.read_text())["generatedAccessKeys"]
    for entry in entries:  # the secrets scan looks for them in every audit file
        Keys(entry["accessKeyId"], entry["secretAccessKey"])
    return entries


def snapshot(server: Server, suffix: str = "") -> dict:
    """What the seed made, as boto3 reads it: IDs, versions, attachments, memberships, keys."""
    iam = server.iam()
    policy_arn = f"arn:aws:iam::{ACCOUNT_ID}:policy/ci/deploy{suffix}"
    role = iam.get_role(RoleName=f"github-deploy{suffix}")["Role"]
    user = iam.get_user(UserName=f"ci{suffix}")["User"]
    return {
        "policy": iam.get_policy(PolicyArn=policy_arn)["Policy"]["PolicyId"],
        "versions": [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=policy_arn)["Versions"]],
        "role": (role["RoleId"], role["MaxSessionDuration"], {t["Key"]: t["Value"] for t in role.get("Tags", [])}),
        "trust": role["AssumeRolePolicyDocument"],
        "role_policies": [
            p["PolicyArn"]
            for p in iam.list_attached_role_policies(RoleName=f"github-deploy{suffix}")["AttachedPolicies"]
        ],
        "user": (user["UserId"], user["Path"], {t["Key"]: t["Value"] for t in user.get("Tags", [])}),
        "groups": [g["GroupName"] for g in iam.list_groups_for_user(UserName=f"ci{suffix}")["Groups"]],
        "keys": sorted(k["AccessKeyId"] for k in iam.list_access_keys(UserName=f"ci{suffix}")["AccessKeyMetadata"]),
        "oidc": iam.get_open_id_connect_provider(
            OpenIDConnectProviderArn=f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com"
        )["ClientIDList"],
    }


@pytest.mark.single_node
def test_serve_applies_the_seed_once_and_a_restart_changes_nothing(tmp_path: Path) -> None:
    secrets = tmp_path / "seed-secrets.json"
    config = tmp_path / "latchkey.yaml"
    config.write_text(seed_yaml(secrets))
    data = tmp_path / "data"

    first = Server(data, config, tmp_path / "first.log").start()
    try:
        before = snapshot(first)
    finally:
        stop_cleanly(first)
    assert before["versions"] == ["v1"]
    assert before["role"][1:] == (3600, {"purpose": "ci"})
    assert "repo:org/repo:*" in json.dumps(before["trust"])
    assert before["role_policies"] == [f"arn:aws:iam::{ACCOUNT_ID}:policy/ci/deploy"]
    assert before["user"][1:] == ("/ci/", {"team": "platform"})
    assert before["groups"] == ["deployers"]
    assert before["oidc"] == ["sts.amazonaws.com"]

    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    entries = generated_keys(secrets)
    assert [(e["userName"], e["account"]) for e in entries] == [("ci", ACCOUNT_ID)]
    assert before["keys"] == [entries[0]["accessKeyId"]]
    secret = entries[0]["secretAccessKey"]
    # Never printed: not on standard output, not in the log.
    assert secret not in "\n".join(first.lines)
    assert secret not in (tmp_path / "first.log").read_text()

    written = secrets.read_bytes()
    second = Server(data, config, tmp_path / "second.log").start()
    try:
        after = snapshot(second)
        # The generated key signs (its secret read from the file).
        caller = second.sts(Keys(entries[0]["accessKeyId"], secret)).get_caller_identity()
        assert caller["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/ci/ci"
    finally:
        stop_cleanly(second)
    assert after == before, "the second start changed what the seed made"
    assert secrets.read_bytes() == written, "the secrets file was written again"
    assert "everything declared is up to date" in (tmp_path / "second.log").read_text()


@pytest.mark.single_node
def test_an_invalid_policy_stops_the_start_with_its_line_and_nothing_is_applied(tmp_path: Path) -> None:
    config = tmp_path / "latchkey.yaml"
    config.write_text(
        ROOT_BLOCK + "    users:\n"
        "      - name: early\n"
        "    policies:\n"
        "      - name: bad\n"
        '        document: {Version: "2012-10-17", Statement: [{Effect: Maybe, Action: "s3:*", Resource: "*"}]}\n'
    )
    data = tmp_path / "data"
    done = subprocess.run(
        [str(binary_path()), "serve", "--config", str(config), "--data-dir", str(data), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("LATCHKEY_")},
    )
    assert done.returncode == 1, done
    # IAM's own message for this document (CreatePolicy answers MalformedPolicyDocument with it).
    assert "latchkey: the configuration file's seed: line 9: Syntax errors in policy." in done.stderr, done.stderr

    plain = tmp_path / "plain.yaml"
    plain.write_text(ROOT_BLOCK)
    server = Server(data, plain, tmp_path / "plain.log").start()
    try:
        assert [u["UserName"] for u in server.iam().list_users()["Users"]] == []
    finally:
        stop_cleanly(server)


def run_seed(endpoint: str, config: Path, cwd: Path, keys: Keys = ROOT_KEYS) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LATCHKEY_"))}
    env.update(
        AWS_ACCESS_KEY_ID=keys.access_key_id,
        AWS_SECRET_ACCESS_KEY=keys.secret_access_key,
        AWS_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    return subprocess.run(
        [str(binary_path()), "seed", "--config", str(config), "--endpoint-url", endpoint],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )


def test_latchkey_seed_applies_a_file_to_a_running_server(server: Server, tmp_path: Path) -> None:
    suffix = "-" + uuid.uuid4().hex[:8]
    secrets = tmp_path / "secrets.json"
    config = tmp_path / "seed.yaml"
    given = Keys("AKIASEED" + uuid.uuid4().hex[:12].upper(), "given/" + uuid.uuid4().hex + "0123")
    given_user = (
        f"      - name: given{suffix}\n"
        f"        accessKeys: [{{accessKeyId: {given.access_key_id}, secretAccessKey: {given.secret_access_key}}}]\n"
    )
    config.write_text(
        seed_yaml(secrets, suffix, users=given_user)
        + f"      - name: extra{suffix}\n"
        + "        trustPolicy: {Statement: [{Effect: Allow, Principal: {AWS: '*'}, Action: 'sts:AssumeRole'}]}\n"
        + f'  - id: "{OTHER_ACCOUNT_ID}"\n'
        + "    users:\n"
        + "      - name: elsewhere\n"
    )
    done = run_seed(server.endpoint, config, tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"created role github-deploy{suffix}" in lines
    assert f"created user ci{suffix}" in lines
    assert f"created policy arn:aws:iam::{ACCOUNT_ID}:policy/ci/deploy{suffix}" in lines
    assert f"skipped account {OTHER_ACCOUNT_ID}: the credentials are account {ACCOUNT_ID}'s" in lines

    entries = generated_keys(secrets)
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert [e["userName"] for e in entries] == [f"ci{suffix}"]
    assert entries[0]["secretAccessKey"] not in done.stdout + done.stderr
    made = snapshot(server, suffix)
    assert made["keys"] == [entries[0]["accessKeyId"]]
    assert made["groups"] == [f"deployers{suffix}"]
    assert made["role_policies"] == [f"arn:aws:iam::{ACCOUNT_ID}:policy/ci/deploy{suffix}"]
    assert server.iam().get_role(RoleName=f"extra{suffix}")["Role"]["RoleName"] == f"extra{suffix}"
    # The IAM API cannot import a key: the user is made, its given key is not, and the output says so.
    assert f"created user given{suffix}" in lines
    assert any(line.startswith(f"skipped access key {given.access_key_id} of user given{suffix}") for line in lines)
    assert server.iam().list_access_keys(UserName=f"given{suffix}")["AccessKeyMetadata"] == []

    again = run_seed(server.endpoint, config, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "nothing to change: everything declared is up to date" in again.stdout, again.stdout
    assert snapshot(server, suffix) == made
    assert generated_keys(secrets) == entries

    # A changed session duration is brought up to date; the rest stays.
    config.write_text(config.read_text().replace("maxSessionDuration: 3600", "maxSessionDuration: 7200"))
    changed = run_seed(server.endpoint, config, tmp_path)
    assert changed.returncode == 0, changed.stderr
    assert f"updated role github-deploy{suffix}: max session duration" in changed.stdout.splitlines()
    assert server.iam().get_role(RoleName=f"github-deploy{suffix}")["Role"]["MaxSessionDuration"] == 7200


def test_latchkey_seed_refuses_a_bad_file_before_any_call(server: Server, tmp_path: Path) -> None:
    suffix = "-" + uuid.uuid4().hex[:8]
    config = tmp_path / "seed.yaml"
    config.write_text(
        ROOT_BLOCK + "    roles:\n"
        f"      - name: never{suffix}\n"
        "        trustPolicy: {Statement: [{Effect: Allow, Principal: {AWS: '*'}, Action: 'sts:AssumeRole'}]}\n"
        "        managedPolicies: [not-declared]\n"
    )
    done = run_seed(server.endpoint, config, tmp_path)
    assert done.returncode == 1
    assert "line 8: policy not-declared is not declared" in done.stderr, done.stderr
    names = [r["RoleName"] for r in server.iam().list_roles()["Roles"]]
    assert f"never{suffix}" not in names
