"""Revoking sessions before they expire: the AWS way (a role policy denying on aws:TokenIssueTime) and Latchkey's
RevokeSessions extension action (raw SigV4-signed Query requests, as boto3 has no such call) and its CLI,
`latchkey admin revoke-sessions`."""

from __future__ import annotations

import json
import os
import subprocess
import time
from datetime import datetime, timedelta, timezone

from latchkey_harness import (
    ACCOUNT_ID,
    ROOT_KEYS,
    Keys,
    Server,
    User,
    binary_path,
    client_error,
    create_user_with_key,
    error_code,
    send_request,
    signed_request,
    unique,
)

IAM_VERSION = "2010-05-08"


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def role_for(server: Server, user: User, *, may: list[str] | None = None) -> str:
    """A role trusting `user` directly; its sessions may do `may` (default iam:GetRole and sts:AssumeRole)."""
    iam = server.iam()
    name = unique("revoke")
    trust = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": [user.arn, f"arn:aws:iam::{ACCOUNT_ID}:root"]},
            "Action": "sts:AssumeRole",
        }
    )
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    actions = may or ["iam:GetRole", "sts:AssumeRole"]
    iam.put_role_policy(
        RoleName=name, PolicyName="work", PolicyDocument=policy({"Effect": "Allow", "Action": actions, "Resource": "*"})
    )
    return arn


def assume(server: Server, keys: Keys, role_arn: str, name: str = "s1") -> Keys:
    credentials = server.sts(keys).assume_role(RoleArn=role_arn, RoleSessionName=name)["Credentials"]
    return Keys.from_response(credentials)


def caller_code(server: Server, keys: Keys) -> str:
    """OK, or the error code GetCallerIdentity answers with these credentials."""
    try:
        server.sts(keys).get_caller_identity()
        return "OK"
    except Exception as error:  # noqa: BLE001 - botocore's ClientError
        return getattr(error, "response", {}).get("Error", {}).get("Code", repr(error))


def revoke(server: Server, keys: Keys = ROOT_KEYS, **params: str):
    """RevokeSessions signed with `keys` for the service `iam`: (status, fields or error fields)."""
    response = send_request(
        signed_request(
            server.endpoint, {"Action": "RevokeSessions", "Version": IAM_VERSION, **params}, keys=keys, service="iam"
        )
    )
    if response.status == 200:
        return 200, {name: response.xml_field(name) or "" for name in ("RevocationId", "IssuedBefore", "ExpiresAt")}
    return response.status, response.xml_error()


def next_second() -> None:
    """Waits until the wall clock enters the next second: session issue times are whole seconds."""
    time.sleep(1.05 - (time.time() % 1.0))


def admin(server: Server, *args: str, keys: Keys = ROOT_KEYS) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=keys.access_key_id,
        AWS_SECRET_ACCESS_KEY=keys.secret_access_key,
        AWS_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    if keys.session_token:
        env["AWS_SESSION_TOKEN"] = keys.session_token
    return subprocess.run(
        [str(binary_path()), "admin", *args, "--endpoint-url", server.endpoint],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# The AWS way


def test_a_role_policy_denying_on_token_issue_time_cuts_off_older_sessions(server: Server, user: User) -> None:
    role = role_for(server, user)
    name = role.rsplit("/", 1)[-1]
    older = assume(server, user.keys, role)
    assert server.iam(older).get_role(RoleName=name)["Role"]["Arn"] == role
    next_second()
    cutoff = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    # The document the IAM console writes ("Revoke active sessions").
    server.iam().put_role_policy(
        RoleName=name,
        PolicyName="AWSRevokeOlderSessions",
        PolicyDocument=policy(
            {
                "Effect": "Deny",
                "Action": ["*"],
                "Resource": ["*"],
                "Condition": {"DateLessThan": {"aws:TokenIssueTime": cutoff}},
            }
        ),
    )
    next_second()
    newer = assume(server, user.keys, role)
    assert error_code(client_error(server.iam(older).get_role, RoleName=name)) == ("AccessDenied", 403)
    assert server.iam(newer).get_role(RoleName=name)["Role"]["Arn"] == role


# RevokeSessions


def test_a_revoked_session_is_refused_and_a_newer_one_works(server: Server, user: User) -> None:
    role = role_for(server, user)
    revoked, sibling = assume(server, user.keys, role, "aa"), assume(server, user.keys, role, "bb")
    assert caller_code(server, revoked) == "OK"
    status, fields = revoke(server, AccessKeyId=revoked.access_key_id)
    assert status == 200, fields
    assert fields["RevocationId"].startswith("ASRV")
    issued_before = datetime.fromisoformat(fields["IssuedBefore"].replace("Z", "+00:00"))
    expires = datetime.fromisoformat(fields["ExpiresAt"].replace("Z", "+00:00"))
    assert timedelta(hours=36) < expires - issued_before <= timedelta(hours=36, minutes=5, seconds=1)
    assert caller_code(server, revoked) == "InvalidClientTokenId"
    assert caller_code(server, sibling) == "OK"
    # The revoked session cannot mint a chained one.
    assert error_code(client_error(server.sts(revoked).assume_role, RoleArn=role, RoleSessionName="cc")) == (
        "InvalidClientTokenId",
        403,
    )


def test_the_cli_revokes_a_role_and_the_sessions_chained_from_it(server: Server, user: User) -> None:
    role = role_for(server, user)
    target = role_for(server, user)
    session = assume(server, user.keys, role)
    chained = assume(server, session, target, "chained")
    assert caller_code(server, chained) == "OK"
    done = admin(server, "revoke-sessions", "--principal-arn", role)
    assert done.returncode == 0, done.stderr
    assert "RevocationId\tASRV" in done.stdout
    assert "IssuedBefore\t" in done.stdout
    assert "ExpiresAt\t" in done.stdout
    assert caller_code(server, session) == "InvalidClientTokenId"
    assert caller_code(server, chained) == "InvalidClientTokenId"
    next_second()
    assert caller_code(server, assume(server, user.keys, role)) == "OK"


def test_revoking_a_long_term_key_refuses_its_get_session_token_sessions(server: Server) -> None:
    user = create_user_with_key(server)
    other = create_user_with_key(server)
    mine = Keys.from_response(server.sts(user.keys).get_session_token()["Credentials"])
    theirs = Keys.from_response(server.sts(other.keys).get_session_token()["Credentials"])
    status, fields = revoke(server, AccessKeyId=user.keys.access_key_id)
    assert status == 200, fields
    assert caller_code(server, mine) == "InvalidClientTokenId"
    assert caller_code(server, theirs) == "OK"
    # The key itself still signs (UpdateAccessKey is how a key is disabled).
    assert caller_code(server, user.keys) == "OK"


def test_a_user_without_iam_revoke_sessions_is_denied_and_one_with_it_may(server: Server) -> None:
    mallory = create_user_with_key(server)
    role = role_for(server, mallory)
    status, error = revoke(server, mallory.keys, PrincipalArn=role)
    assert (status, error["Code"]) == (403, "AccessDenied"), error
    server.iam().put_user_policy(
        UserName=mallory.name,
        PolicyName="revoke",
        PolicyDocument=policy({"Effect": "Allow", "Action": "iam:RevokeSessions", "Resource": role}),
    )
    status, fields = revoke(server, mallory.keys, PrincipalArn=role)
    assert status == 200, fields
    done = admin(
        server,
        "revoke-sessions",
        "--principal-arn",
        f"arn:aws:iam::{ACCOUNT_ID}:user/eng/{mallory.name}",
        keys=mallory.keys,
    )
    assert done.returncode != 0
    assert "An error occurred (AccessDenied) when calling the RevokeSessions operation" in done.stderr


def test_bad_requests_get_aws_errors(server: Server, user: User) -> None:
    role = role_for(server, user)
    future = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    cases = [
        ({}, 400, "ValidationError"),
        ({"AccessKeyId": user.keys.access_key_id, "PrincipalArn": role}, 400, "ValidationError"),
        ({"PrincipalArn": role, "IssuedBefore": future}, 400, "ValidationError"),
        ({"PrincipalArn": f"arn:aws:iam::{ACCOUNT_ID}:role/{unique('ghost')}"}, 404, "NoSuchEntity"),
        ({"PrincipalArn": "arn:aws:iam::444455556666:role/elsewhere"}, 403, "AccessDenied"),
        ({"PrincipalArn": f"arn:aws:iam::{ACCOUNT_ID}:policy/not-a-principal"}, 400, "InvalidInput"),
        ({"PrincipalArn": role, "IssuedBefore": "yesterday"}, 400, None),
    ]
    for params, status, code in cases:
        got_status, error = revoke(server, **params)
        assert got_status == status, (params, error)
        if code:
            assert error["Code"] == code, (params, error)
    done = admin(server, "revoke-sessions", "--principal-arn", role, "--issued-before", future)
    assert done.returncode != 0
    assert "(ValidationError)" in done.stderr
    neither = admin(server, "revoke-sessions")
    assert neither.returncode != 0
    assert "exactly one of --access-key-id and --principal-arn" in neither.stderr


def test_a_revoked_session_cannot_mint_a_web_identity_token(start_server, tmp_path) -> None:
    # A server of its own: enabling outbound federation changes the account.
    server = start_server(tmp_path / "data")
    server.iam().enable_outbound_web_identity_federation()
    user = create_user_with_key(server)
    role = role_for(server, user, may=["sts:GetWebIdentityToken"])
    session = assume(server, user.keys, role)
    minted = server.sts(session).get_web_identity_token(Audience=["sts.amazonaws.com"], SigningAlgorithm="RS256")
    assert minted["WebIdentityToken"]
    status, fields = revoke(server, PrincipalArn=role)
    assert status == 200, fields
    refused = client_error(
        server.sts(session).get_web_identity_token, Audience=["sts.amazonaws.com"], SigningAlgorithm="RS256"
    )
    assert error_code(refused) == ("InvalidClientTokenId", 403)
