"""`latchkey creds`: the CLI built on the Swift client, used as a shell helper and as an AWS CLI credential_process."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from latchkey_harness import Server, User, binary_path, cli_command, unique


def trusting_role(server: Server, user: User, **conditions) -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": user.arn}, "Action": "sts:AssumeRole"}
    if conditions:
        statement["Condition"] = conditions
    trust = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    return server.iam().create_role(RoleName=unique("creds"), AssumeRolePolicyDocument=trust)["Role"]["Arn"]


def creds(server: Server, user: User, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=user.keys.access_key_id, AWS_SECRET_ACCESS_KEY=user.keys.secret_access_key,
        AWS_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_ENDPOINT_URL_STS=server.endpoint,
    )
    env.update(extra_env or {})
    return subprocess.run(
        [str(binary_path()), "creds", *args], env=env, capture_output=True, text=True, timeout=60, check=False)


def test_assume_role_prints_export_lines_that_work(server: Server, user: User) -> None:
    role = trusting_role(server, user)
    result = creds(server, user, "assume-role", "--role-arn", role, "--role-session-name", "shell")
    assert result.returncode == 0, result.stderr
    exported = dict(
        line.removeprefix("export ").split("=", 1) for line in result.stdout.splitlines() if line.startswith("export "))
    assert set(exported) == {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"}
    keys = {name: value.strip("'") for name, value in exported.items()}
    assert keys["AWS_ACCESS_KEY_ID"].startswith("ASIA")
    sts = server.client("sts", type(user.keys)(
        keys["AWS_ACCESS_KEY_ID"], keys["AWS_SECRET_ACCESS_KEY"], keys["AWS_SESSION_TOKEN"]))
    assert sts.get_caller_identity()["Arn"].endswith(f":assumed-role/{role.split('/')[-1]}/shell")


def test_the_aws_cli_uses_latchkey_creds_as_its_credential_process(server: Server, user: User, tmp_path: Path) -> None:
    role = trusting_role(server, user)
    # The user's own keys live in the credentials file of the source profile; the CLI profile runs latchkey.
    credentials = tmp_path / "credentials"
    credentials.write_text(
        f"[source]\naws_access_key_id = {user.keys.access_key_id}\n"
        f"aws_secret_access_key = {user.keys.secret_access_key}\n")
    config = tmp_path / "config"
    config.write_text(
        "[profile ci]\n"
        f"credential_process = {binary_path()} creds assume-role --profile source --role-arn {role} "
        f"--role-session-name from-process --endpoint-url {server.endpoint} --format credential-process\n"
        "region = us-east-1\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(config), AWS_SHARED_CREDENTIALS_FILE=str(credentials), AWS_PROFILE="ci")
    result = subprocess.run(
        [*cli_command(), "sts", "get-caller-identity", "--endpoint-url", server.endpoint, "--output", "json"],
        env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Arn"].endswith(f":assumed-role/{role.split('/')[-1]}/from-process")


def test_external_id_is_sent_and_a_wrong_one_is_refused(server: Server, user: User) -> None:
    role = trusting_role(server, user, StringEquals={"sts:ExternalId": "tenant-42"})
    good = creds(server, user, "assume-role", "--role-arn", role, "--external-id", "tenant-42", "--format", "json")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["AccessKeyId"].startswith("ASIA")
    bad = creds(server, user, "assume-role", "--role-arn", role, "--external-id", "tenant-7")
    assert bad.returncode != 0
    assert "AccessDenied" in bad.stderr
    assert bad.stdout == ""


def test_get_session_token_and_caller_identity(server: Server, user: User) -> None:
    session = creds(server, user, "get-session-token", "--duration-seconds", "900", "--format", "credential-process")
    assert session.returncode == 0, session.stderr
    document = json.loads(session.stdout)
    assert document["Version"] == 1
    assert document["AccessKeyId"].startswith("ASIA")
    identity = creds(server, user, "get-caller-identity")
    assert identity.returncode == 0, identity.stderr
    assert json.loads(identity.stdout)["Arn"] == user.arn


def test_validation_errors_come_from_the_client_before_any_request(server: Server, user: User) -> None:
    result = creds(server, user, "assume-role", "--role-arn", "short", "--role-session-name", "x")
    assert result.returncode != 0
    assert "validation error" in result.stderr.lower()
