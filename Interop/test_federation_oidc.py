"""OIDC federation with boto3: IAM OpenID Connect providers and AssumeRoleWithWebIdentity against a real HTTPS
issuer on loopback (CA, certificates, keys and tokens made at test time)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from federation_support import (
    CertificateAuthority,
    OIDCIssuer,
    hs256_token,
    none_token,
    rsa_signing_key,
    start_federation_server,
    with_payload,
)
from latchkey_harness import ACCOUNT_ID, Keys, Server, client_error, error_code, stop_cleanly, unique

ACTION = "sts:AssumeRoleWithWebIdentity"


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    return CertificateAuthority(tmp_path_factory.mktemp("oidc-ca"))


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory, ca: CertificateAuthority) -> Iterator[Server]:
    """A Latchkey server that trusts the test CA for identity-provider fetches."""
    running = start_federation_server(tmp_path_factory.mktemp("oidc-server"), ca)
    try:
        yield running
    finally:
        stop_cleanly(running)


@pytest.fixture
def issuer(ca: CertificateAuthority) -> Iterator[OIDCIssuer]:
    """A fresh HTTPS issuer per test, so no test sees keys another test's issuer published."""
    running = OIDCIssuer(ca)
    try:
        yield running
    finally:
        running.stop()


def forget(fed: Server, issuer: OIDCIssuer) -> None:
    """Deletes the provider for `issuer`'s URL, if any. Issuers listen on ports the OS hands out, so an earlier
    test's provider may name the same URL: tests start from none, whatever ports they got."""
    try:
        fed.iam().delete_open_id_connect_provider(
            OpenIDConnectProviderArn=f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{issuer.identity}")
    except ClientError as error:
        if error.response["Error"]["Code"] != "NoSuchEntity":
            raise


def register(fed: Server, issuer: OIDCIssuer, **extra) -> str:
    """Registers `issuer` as a provider (replacing one an earlier test left for the same URL)."""
    forget(fed, issuer)
    return fed.iam().create_open_id_connect_provider(Url=issuer.url, **extra)["OpenIDConnectProviderArn"]


@pytest.fixture
def provider_arn(fed: Server, issuer: OIDCIssuer) -> Iterator[str]:
    """The issuer registered without thumbprints: only `idpTrustedCAFile` can make its certificate trusted."""
    yield register(fed, issuer, ClientIDList=["client-1"])
    forget(fed, issuer)


def trust(provider_arn: str, condition: dict | None, actions: list[str] | None = None) -> str:
    statement = {"Effect": "Allow", "Principal": {"Federated": provider_arn}, "Action": actions or [ACTION]}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def claims_condition(issuer: OIDCIssuer, sub: str = "repo:x") -> dict:
    return {"StringEquals": {f"{issuer.identity}:aud": "client-1", f"{issuer.identity}:sub": sub}}


def federated_role(server: Server, provider_arn: str, condition: dict | None, actions: list[str] | None = None) -> dict:
    return server.iam().create_role(
        RoleName=unique("oidc-role"), AssumeRolePolicyDocument=trust(provider_arn, condition, actions)
    )["Role"]


def assume(server: Server, role: dict, token: str, session: str = "web-session", **extra) -> dict:
    return server.unsigned("sts").assume_role_with_web_identity(
        RoleArn=role["Arn"], RoleSessionName=session, WebIdentityToken=token, **extra
    )


def refusal(server: Server, role: dict, token: str) -> tuple[tuple[str, int], str]:
    error = client_error(assume, server, role, token)
    return error_code(error), error.response["Error"]["Message"]


# IAM OpenID Connect providers


def test_provider_administration_round_trip(fed: Server, issuer: OIDCIssuer, ca: CertificateAuthority) -> None:
    forget(fed, issuer)
    iam = fed.iam()
    created = iam.create_open_id_connect_provider(
        Url=issuer.url, ClientIDList=["client-1"], ThumbprintList=[ca.thumbprint], Tags=[{"Key": "env", "Value": "t"}]
    )
    arn = created["OpenIDConnectProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{issuer.identity}"
    assert created["Tags"] == [{"Key": "env", "Value": "t"}]

    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["Url"] == issuer.identity
    assert got["ClientIDList"] == ["client-1"]
    assert got["ThumbprintList"] == [ca.thumbprint]
    assert got["Tags"] == [{"Key": "env", "Value": "t"}]
    assert "CreateDate" in got
    assert arn in [entry["Arn"] for entry in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]

    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="client-2")
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="client-2")  # idempotent
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == ["client-1", "client-2"]
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="client-1")
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"] == ["client-2"]

    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=["a" * 40, "b" * 40])
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ThumbprintList"] == ["a" * 40, "b" * 40]

    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{"Key": "team", "Value": "blue"}])
    tags = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"]
    assert sorted((tag["Key"], tag["Value"]) for tag in tags) == [("env", "t"), ("team", "blue")]
    iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["env"])
    assert iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"] == [
        {"Key": "team", "Value": "blue"}
    ]

    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    gone = client_error(iam.get_open_id_connect_provider, OpenIDConnectProviderArn=arn)
    assert error_code(gone) == ("NoSuchEntity", 404)
    listed = [entry["Arn"] for entry in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    assert arn not in listed


def test_the_same_issuer_cannot_be_registered_twice(fed: Server, issuer: OIDCIssuer, provider_arn: str) -> None:
    again = client_error(fed.iam().create_open_id_connect_provider, Url=issuer.url, ClientIDList=["client-9"])
    assert error_code(again) == ("EntityAlreadyExists", 409)


def test_a_provider_url_must_be_https(fed: Server) -> None:
    iam = fed.iam()
    refused = client_error(iam.create_open_id_connect_provider, Url="http://127.0.0.1:1/realm", ClientIDList=["c"])
    assert error_code(refused) == ("ValidationError", 400)
    assert refused.response["Error"]["Message"] == "Invalid Open ID Connect Provider URL"


# AssumeRoleWithWebIdentity


@pytest.mark.parametrize("key_index", [0, 1], ids=["RS256", "ES256"])
def test_a_signed_id_token_assumes_the_role_without_aws_credentials(
    fed: Server, issuer: OIDCIssuer, provider_arn: str, key_index: int
) -> None:
    role = federated_role(fed, provider_arn, claims_condition(issuer))
    result = assume(fed, role, issuer.token(issuer.keys[key_index]), session="ci-run")

    session_arn = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role['RoleName']}/ci-run"
    assert result["AssumedRoleUser"]["Arn"] == session_arn
    assert result["AssumedRoleUser"]["AssumedRoleId"] == f"{role['RoleId']}:ci-run"
    assert result["SubjectFromWebIdentityToken"] == "repo:x"
    assert result["Audience"] == "client-1"
    # The API reference says the `iss` claim; AWS is also seen answering the provider ARN.
    assert result["Provider"] in (issuer.url, provider_arn)
    assert result["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert "PackedPolicySize" not in result

    identity = fed.sts(Keys.from_response(result["Credentials"])).get_caller_identity()
    assert identity["Arn"] == session_arn
    assert identity["Account"] == ACCOUNT_ID
    assert identity["UserId"] == f"{role['RoleId']}:ci-run"


def test_the_issuer_documents_are_fetched_over_https(fed: Server, issuer: OIDCIssuer, provider_arn: str) -> None:
    role = federated_role(fed, provider_arn, claims_condition(issuer))
    assume(fed, role, issuer.token())
    assert issuer.path + "/.well-known/openid-configuration" in issuer.requests
    assert issuer.path + "/jwks" in issuer.requests


def test_the_session_lasts_the_requested_duration(fed: Server, issuer: OIDCIssuer, provider_arn: str) -> None:
    role = federated_role(fed, provider_arn, claims_condition(issuer))
    before = time.time()
    result = assume(fed, role, issuer.token(), DurationSeconds=900)
    lifetime = result["Credentials"]["Expiration"].timestamp() - before
    assert 890 <= lifetime <= 910


def test_tokens_with_unknown_key_ids_do_not_make_latchkey_hammer_the_issuer(
    fed: Server, issuer: OIDCIssuer, provider_arn: str
) -> None:
    """An unknown `kid` may cause one JWKS refresh per issuer per interval (30 s), however many tokens name one."""
    role = federated_role(fed, provider_arn, claims_condition(issuer))
    assert assume(fed, role, issuer.token())["Credentials"]
    fetches = issuer.requests.count(issuer.path + "/jwks")
    # Each node keeps its own JWKS cache: through a cluster (LATCHKEY_INTEROP_TARGET=multinode), each may refresh once.
    nodes = len(getattr(fed, "nodes", [fed]))
    for kid in [f"random-{i}" for i in range(1, 3 * nodes + 1)]:
        code, _ = refusal(fed, role, issuer.token(rsa_signing_key(kid)))
        assert code == ("InvalidIdentityToken", 400)
    assert issuer.requests.count(issuer.path + "/jwks") <= fetches + nodes


def test_a_subject_the_trust_policy_does_not_name_is_denied(fed: Server, issuer: OIDCIssuer, provider_arn: str) -> None:
    role = federated_role(fed, provider_arn, claims_condition(issuer))
    code, _ = refusal(fed, role, issuer.token(sub="repo:other"))
    assert code == ("AccessDenied", 403)


def test_a_role_trusting_another_provider_is_denied(fed: Server, issuer: OIDCIssuer, provider_arn: str) -> None:
    other = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/127.0.0.1:1/elsewhere"
    role = federated_role(fed, other, None)
    code, _ = refusal(fed, role, issuer.token())
    assert code == ("AccessDenied", 403)


def test_an_audience_not_in_the_client_id_list_is_an_invalid_token(
    fed: Server, issuer: OIDCIssuer, provider_arn: str
) -> None:
    role = federated_role(fed, provider_arn, claims_condition(issuer))
    code, _ = refusal(fed, role, issuer.token(aud="client-unknown"))
    assert code == ("InvalidIdentityToken", 400)


def test_an_expired_token_is_refused_as_expired(fed: Server, issuer: OIDCIssuer, provider_arn: str) -> None:
    role = federated_role(fed, provider_arn, claims_condition(issuer))
    now = int(time.time())
    code, message = refusal(fed, role, issuer.token(iat=now - 7200, exp=now - 3600))
    assert code == ("ExpiredTokenException", 400)
    assert message.startswith("Token expired: current date/time ")


def test_a_token_from_an_unregistered_issuer_names_the_issuer(fed: Server, issuer: OIDCIssuer) -> None:
    forget(fed, issuer)
    role = federated_role(fed, f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{issuer.identity}", None)
    code, message = refusal(fed, role, issuer.token())
    assert code == ("InvalidIdentityToken", 400)
    assert message == f"No OpenIDConnect provider found in your account for {issuer.url}"


def test_changes_to_the_provider_apply_to_the_next_token(fed: Server, issuer: OIDCIssuer, provider_arn: str) -> None:
    role = federated_role(fed, provider_arn, None)
    assert assume(fed, role, issuer.token())["Credentials"]
    iam = fed.iam()
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn, ClientID="client-2")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn, ClientID="client-1")
    assert refusal(fed, role, issuer.token())[0] == ("InvalidIdentityToken", 400)
    assert assume(fed, role, issuer.token(aud="client-2"))["Audience"] == "client-2"

    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)
    code, message = refusal(fed, role, issuer.token(aud="client-2"))
    assert code == ("InvalidIdentityToken", 400)
    assert message == f"No OpenIDConnect provider found in your account for {issuer.url}"


def test_the_authorized_party_is_the_audience_when_present(fed: Server, issuer: OIDCIssuer, provider_arn: str) -> None:
    condition = {
        "StringEquals": {f"{issuer.identity}:aud": "client-1"},
        "ForAnyValue:StringEquals": {f"{issuer.identity}:oaud": "https://api.example.test"},
    }
    role = federated_role(fed, provider_arn, condition)
    result = assume(fed, role, issuer.token(aud=["https://api.example.test"], azp="client-1"))
    assert result["Audience"] == "client-1"
    refused = issuer.token(aud=["client-1"], azp="client-unknown")
    assert refusal(fed, role, refused)[0] == ("InvalidIdentityToken", 400)


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda issuer: none_token(issuer.claims()), id="alg-none"),
        pytest.param(
            lambda issuer: hs256_token(issuer.claims(), issuer.keys[0].public_pem(), issuer.keys[0].kid),
            id="hs256-with-public-key",
        ),
        pytest.param(lambda issuer: with_payload(issuer.token(), issuer.claims(sub="repo:x ")), id="tampered"),
        pytest.param(lambda issuer: issuer.token(rsa_signing_key("rsa-unknown")), id="unknown-kid"),
        pytest.param(lambda issuer: issuer.token(rsa_signing_key("rsa-1")), id="known-kid-other-key"),
        pytest.param(lambda issuer: "not-a-jwt", id="not-a-jwt"),
    ],
)
def test_a_forged_token_is_an_invalid_identity_token(fed: Server, issuer: OIDCIssuer, provider_arn: str, forge) -> None:
    role = federated_role(fed, provider_arn, None)
    code, _ = refusal(fed, role, forge(issuer))
    assert code == ("InvalidIdentityToken", 400)


def test_an_unreachable_issuer_is_a_communication_error(fed: Server, issuer: OIDCIssuer, provider_arn: str) -> None:
    role = federated_role(fed, provider_arn, claims_condition(issuer))
    token = issuer.token()
    issuer.stop()
    code, _ = refusal(fed, role, token)
    assert code == ("IDPCommunicationError", 400)


@pytest.mark.parametrize("thumbprints", [[], ["0" * 40]], ids=["no-thumbprint", "other-thumbprint"])
def test_an_issuer_not_signed_by_a_trusted_ca_is_a_communication_error(
    fed: Server, tmp_path: Path, thumbprints: list[str]
) -> None:
    untrusted = OIDCIssuer(CertificateAuthority(tmp_path))
    try:
        arn = register(fed, untrusted, ClientIDList=["client-1"], ThumbprintList=thumbprints)
        role = federated_role(fed, arn, claims_condition(untrusted))
        code, _ = refusal(fed, role, untrusted.token())
    finally:
        untrusted.stop()
    assert code == ("IDPCommunicationError", 400)
    assert untrusted.requests == []


def test_an_untrusted_issuer_is_accepted_by_the_thumbprint_of_its_top_certificate(
    fed: Server, tmp_path: Path
) -> None:
    """AWS's rule: the SHA-1 of the last certificate the server presents (here the CA after the leaf)."""
    other_ca = CertificateAuthority(tmp_path)
    untrusted = OIDCIssuer(other_ca)
    try:
        arn = register(fed, untrusted, ClientIDList=["client-1"], ThumbprintList=[other_ca.thumbprint])
        role = federated_role(fed, arn, claims_condition(untrusted))
        result = assume(fed, role, untrusted.token())
    finally:
        untrusted.stop()
    assert result["SubjectFromWebIdentityToken"] == "repo:x"


# Session tags from the https://aws.amazon.com/tags claim

TAGS_CLAIM = {"https://aws.amazon.com/tags": {"principal_tags": {"team": ["blue"]}, "transitive_tag_keys": ["team"]}}


def test_session_tags_from_the_token_reach_the_trust_policy(fed: Server, issuer: OIDCIssuer, provider_arn: str) -> None:
    condition = {"StringEquals": {"aws:RequestTag/team": "blue", f"{issuer.identity}:aud": "client-1"}}
    role = federated_role(fed, provider_arn, condition, [ACTION, "sts:TagSession"])
    result = assume(fed, role, issuer.token(**TAGS_CLAIM))
    assert result["PackedPolicySize"] > 0

    other = issuer.token(**{"https://aws.amazon.com/tags": {"principal_tags": {"team": ["red"]}}})
    code, _ = refusal(fed, role, other)
    assert code == ("AccessDenied", 403)


def test_session_tags_need_tag_session_in_the_trust_policy(fed: Server, issuer: OIDCIssuer, provider_arn: str) -> None:
    role = federated_role(fed, provider_arn, claims_condition(issuer))
    code, _ = refusal(fed, role, issuer.token(**TAGS_CLAIM))
    assert code == ("AccessDenied", 403)
    assert assume(fed, role, issuer.token())["Credentials"]


# The AWS CLI


def test_the_cli_assumes_a_role_with_a_web_identity(fed: Server, issuer: OIDCIssuer, provider_arn: str) -> None:
    role = federated_role(fed, provider_arn, claims_condition(issuer))
    done = fed.cli(
        "sts", "assume-role-with-web-identity", "--role-arn", role["Arn"], "--role-session-name", "cli",
        "--web-identity-token", issuer.token(),
    ).json()
    assert done["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role['RoleName']}/cli"
    assert done["SubjectFromWebIdentityToken"] == "repo:x"
