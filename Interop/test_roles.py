"""AssumeRole, GetFederationToken and encoded denials, driven by boto3 and the AWS CLI (issue 3)."""

from __future__ import annotations

import json

from latchkey_harness import (
    OTHER_ACCOUNT_ID,
    OTHER_ROOT_KEYS,
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

ACCOUNT = "111122223333"


def trust(principal: dict, condition: dict | None = None, actions: list[str] | None = None) -> str:
    statement = {"Effect": "Allow", "Principal": principal, "Action": actions or ["sts:AssumeRole"]}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def allow(action: str, resource: str = "*") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})


def create_role(server: Server, trust_policy: str, **extra) -> dict:
    return server.iam().create_role(RoleName=unique("role"), AssumeRolePolicyDocument=trust_policy, **extra)["Role"]


def test_user_named_in_the_trust_policy_assumes_the_role_without_an_identity_policy(server: Server, user: User) -> None:
    role = create_role(server, trust({"AWS": user.arn}))
    result = server.sts(user.keys).assume_role(RoleArn=role["Arn"], RoleSessionName="direct")
    assert result["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role['RoleName']}/direct"
    assert result["AssumedRoleUser"]["AssumedRoleId"] == f"{role['RoleId']}:direct"
    assert result["Credentials"]["AccessKeyId"].startswith("ASIA")
    session = Keys.from_response(result["Credentials"])
    identity = server.sts(session).get_caller_identity()
    assert identity["Arn"] == result["AssumedRoleUser"]["Arn"]
    assert identity["UserId"] == f"{role['RoleId']}:direct"


def test_trust_through_the_account_needs_an_identity_policy(server: Server, user: User) -> None:
    role = create_role(server, trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    denied = client_error(server.sts(user.keys).assume_role, RoleArn=role["Arn"], RoleSessionName="s1")
    assert error_code(denied) == ("AccessDenied", 403)
    message = denied.response["Error"]["Message"]
    assert message.startswith(f"User: {user.arn} is not authorized to perform: sts:AssumeRole on resource: {role['Arn']}")
    assert "Encoded authorization failure message: " in message

    server.iam().put_user_policy(UserName=user.name, PolicyName="assume", PolicyDocument=allow("sts:AssumeRole", role["Arn"]))
    assert server.sts(user.keys).assume_role(RoleArn=role["Arn"], RoleSessionName="s1")["Credentials"]


def test_the_cli_assumes_a_role_with_an_external_id(server: Server, user: User) -> None:
    role = create_role(server, trust({"AWS": user.arn}, {"StringEquals": {"sts:ExternalId": "secret-42"}}))
    refused = server.cli("sts", "assume-role", "--role-arn", role["Arn"], "--role-session-name", "cli", keys=user.keys)
    assert refused.error_code() == "AccessDenied"
    done = server.cli(
        "sts", "assume-role", "--role-arn", role["Arn"], "--role-session-name", "cli", "--external-id", "secret-42",
        keys=user.keys,
    ).json()
    assert done["AssumedRoleUser"]["Arn"].endswith(f"/{role['RoleName']}/cli")


def test_role_chaining_is_capped_at_one_hour(server: Server, user: User) -> None:
    second = create_role(server, trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), MaxSessionDuration=7200)
    first = create_role(server, trust({"AWS": user.arn}))
    server.iam().put_role_policy(RoleName=first["RoleName"], PolicyName="chain", PolicyDocument=allow("sts:AssumeRole"))
    hop = Keys.from_response(server.sts(user.keys).assume_role(RoleArn=first["Arn"], RoleSessionName="hop1")["Credentials"])
    error = client_error(server.sts(hop).assume_role, RoleArn=second["Arn"], RoleSessionName="hop2", DurationSeconds=7200)
    assert error_code(error) == ("ValidationError", 400)
    assert "1 hour session limit for roles assumed by role chaining" in error.response["Error"]["Message"]
    chained = server.sts(hop).assume_role(RoleArn=second["Arn"], RoleSessionName="hop2", DurationSeconds=3600)
    assert chained["AssumedRoleUser"]["Arn"].endswith("/hop2")


def test_root_cannot_assume_roles(server: Server) -> None:
    role = create_role(server, trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    error = client_error(server.sts().assume_role, RoleArn=role["Arn"], RoleSessionName="root")
    assert error_code(error) == ("AccessDenied", 403)
    assert "Roles may not be assumed by root accounts." in error.response["Error"]["Message"]


def test_a_role_that_does_not_exist_is_denied(server: Server, user: User) -> None:
    error = client_error(
        server.sts(user.keys).assume_role, RoleArn=f"arn:aws:iam::{ACCOUNT}:role/nope", RoleSessionName="s1")
    assert error_code(error) == ("AccessDenied", 403)


def test_session_tags_need_tag_session_and_transitive_tags_travel(server: Server, user: User) -> None:
    untagged = create_role(server, trust({"AWS": user.arn}))
    error = client_error(
        server.sts(user.keys).assume_role, RoleArn=untagged["Arn"], RoleSessionName="t1", Tags=[{"Key": "team", "Value": "a"}])
    assert error_code(error) == ("AccessDenied", 403)
    tagged = create_role(server, trust({"AWS": user.arn}, actions=["sts:AssumeRole", "sts:TagSession"]))
    result = server.sts(user.keys).assume_role(
        RoleArn=tagged["Arn"], RoleSessionName="t1", Tags=[{"Key": "team", "Value": "a"}], TransitiveTagKeys=["team"])
    assert result["PackedPolicySize"] >= 1
    bad = client_error(
        server.sts(user.keys).assume_role, RoleArn=tagged["Arn"], RoleSessionName="t1",
        Tags=[{"Key": "team", "Value": "a"}], TransitiveTagKeys=["other"])
    assert error_code(bad)[1] == 400


def test_federation_token_needs_a_policy_and_names_the_federated_user(server: Server, user: User) -> None:
    denied = client_error(server.sts(user.keys).get_federation_token, Name="bob")
    assert error_code(denied) == ("AccessDenied", 403)
    server.iam().put_user_policy(UserName=user.name, PolicyName="fed", PolicyDocument=allow("sts:GetFederationToken"))
    token = server.sts(user.keys).get_federation_token(Name="bob", Policy=allow("s3:GetObject"))
    assert token["FederatedUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:federated-user/bob"
    assert token["FederatedUser"]["FederatedUserId"] == f"{ACCOUNT}:bob"
    federated = Keys.from_response(token["Credentials"])
    assert server.sts(federated).get_caller_identity()["Arn"] == f"arn:aws:sts::{ACCOUNT}:federated-user/bob"
    assert error_code(client_error(server.sts(federated).get_session_token))[1] == 403


def test_a_denial_decodes_to_its_reason(server: Server, user: User) -> None:
    denied = client_error(server.iam(user.keys).list_users)
    message = denied.response["Error"]["Message"]
    assert message.startswith(f"User: {user.arn} is not authorized to perform: iam:ListUsers")
    encoded = message.split("Encoded authorization failure message: ", 1)[1]
    decoded = json.loads(server.sts().decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"])
    assert decoded["allowed"] is False
    assert decoded["context"]["action"] == "iam:ListUsers"
    assert decoded["context"]["principal"]["arn"] == user.arn
    # The user itself may not decode it.
    assert error_code(client_error(server.sts(user.keys).decode_authorization_message, EncodedMessage=encoded))[1] == 403


def test_cross_account_needs_both_the_trust_policy_and_the_identity_policy(server: Server) -> None:
    other_iam = server.iam(OTHER_ROOT_KEYS)
    name = unique("partner")
    created = other_iam.create_user(UserName=name)["User"]
    assert created["Arn"] == f"arn:aws:iam::{OTHER_ACCOUNT_ID}:user/{name}"
    partner = Keys.from_response(other_iam.create_access_key(UserName=name)["AccessKey"])

    # Trusting the other account, but the partner has no identity policy yet.
    role = create_role(server, trust({"AWS": f"arn:aws:iam::{OTHER_ACCOUNT_ID}:root"}))
    denied = client_error(server.sts(partner).assume_role, RoleArn=role["Arn"], RoleSessionName="partner")
    assert error_code(denied) == ("AccessDenied", 403)

    # Even a trust policy naming the partner directly is not enough across accounts.
    direct = create_role(server, trust({"AWS": created["Arn"]}))
    assert error_code(client_error(server.sts(partner).assume_role, RoleArn=direct["Arn"], RoleSessionName="p2"))[1] == 403

    other_iam.put_user_policy(UserName=name, PolicyName="assume", PolicyDocument=allow("sts:AssumeRole", role["Arn"]))
    result = server.sts(partner).assume_role(RoleArn=role["Arn"], RoleSessionName="partner")
    assert result["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role['RoleName']}/partner"
    session = Keys.from_response(result["Credentials"])
    assert server.sts(session).get_caller_identity()["Account"] == ACCOUNT

    # A role in the partner's own account that does not trust it stays closed.
    other_role = other_iam.create_role(RoleName=unique("own"), AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    assert error_code(client_error(server.sts(partner).assume_role, RoleArn=other_role["Role"]["Arn"], RoleSessionName="p3"))[1] == 403


def test_an_mfa_protected_role_needs_a_fresh_code(server: Server, user: User) -> None:
    iam = server.iam()
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("mfa"))["VirtualMFADevice"]
    secret = seed_secret(device["Base32StringSeed"])
    counter = current_counter()
    iam.enable_mfa_device(
        UserName=user.name, SerialNumber=device["SerialNumber"],
        AuthenticationCode1=totp(secret, counter - 1), AuthenticationCode2=totp(secret, counter))
    role = create_role(server, trust({"AWS": user.arn}, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    sts = server.sts(user.keys)

    without = client_error(sts.assume_role, RoleArn=role["Arn"], RoleSessionName="no-mfa")
    assert error_code(without) == ("AccessDenied", 403)

    # The next step's code is within the ±1 step window and later than the codes used to enable the device.
    code = totp(secret, counter + 1)
    with_mfa = sts.assume_role(
        RoleArn=role["Arn"], RoleSessionName="with-mfa", SerialNumber=device["SerialNumber"], TokenCode=code)
    assert with_mfa["AssumedRoleUser"]["Arn"].endswith("/with-mfa")
    replay = client_error(
        sts.assume_role, RoleArn=role["Arn"], RoleSessionName="again", SerialNumber=device["SerialNumber"], TokenCode=code)
    assert error_code(replay) == ("AccessDenied", 403)
