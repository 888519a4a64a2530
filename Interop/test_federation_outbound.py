"""Outbound web identity federation with boto3: Latchkey as an OIDC issuer (Enable/Disable/
GetOutboundWebIdentityFederationInfo, GetWebIdentityToken), its discovery document and JWKS verified with PyJWT,
and the round trip where another account trusts Latchkey's issuer through HTTPS (a TLS-terminating proxy with a
certificate from the test CA in front of Latchkey's plain HTTP port, `outboundIssuerBaseURL` pointing at it)."""

from __future__ import annotations

import http.client
import json
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import jwt
import pytest
from botocore.exceptions import ClientError

from federation_support import CertificateAuthority, TLSProxy, start_federation_server, unverified_claims
from latchkey_harness import (
    ACCOUNT_ID,
    OTHER_ACCOUNT_ID,
    OTHER_ROOT_KEYS,
    Keys,
    Server,
    StartServer,
    User,
    client_error,
    create_user_with_key,
    error_code,
    send,
    stop_cleanly,
    unique,
)

AWS_CLAIMS = "https://sts.amazonaws.com/"


@dataclass
class Outbound:
    server: Server
    proxy: TLSProxy
    ca: CertificateAuthority

    @property
    def base_url(self) -> str:
        return self.proxy.url + "/oidc"


@pytest.fixture(scope="module")
def outbound(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outbound]:
    """Latchkey with `outboundIssuerBaseURL: https://127.0.0.1:PROXY/oidc`, trusting the CA of that proxy."""
    directory = tmp_path_factory.mktemp("outbound")
    ca = CertificateAuthority(directory)
    proxy = TLSProxy(ca)
    try:
        running = start_federation_server(directory, ca, f"outboundIssuerBaseURL: {proxy.url}/oidc\n")
    except RuntimeError as error:
        proxy.stop()
        pytest.fail(f"the server refused the outbound configuration: {error}")
    proxy.backend_port = int(running.endpoint.rsplit(":", 1)[1])
    try:
        yield Outbound(running, proxy, ca)
    finally:
        stop_cleanly(running)
        proxy.stop()


def enabled_issuer(server: Server) -> str:
    """Enables outbound federation for the root key's account (if it is not yet) and returns its issuer."""
    iam = server.iam()
    try:
        iam.enable_outbound_web_identity_federation()
    except ClientError as error:
        if error.response["Error"]["Code"] != "FeatureEnabled":
            raise
    info = iam.get_outbound_web_identity_federation_info()
    assert info["JwtVendingEnabled"] is True
    return info["IssuerIdentifier"]


def token_user(server: Server) -> User:
    user = create_user_with_key(server)
    statement = {"Effect": "Allow", "Action": "sts:GetWebIdentityToken", "Resource": "*"}
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    server.iam().put_user_policy(UserName=user.name, PolicyName="tokens", PolicyDocument=json.dumps(policy))
    return user


def fetch_json(url: str, ca: CertificateAuthority | None) -> dict:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        assert ca is not None
        connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=10, context=ca.client_context())
        try:
            connection.request("GET", parts.path)
            answer = connection.getresponse()
            body = answer.read()
            assert answer.status == 200, f"GET {url}: {answer.status} {body[:300]!r}"
            assert answer.getheader("Content-Type", "").startswith("application/json")
        finally:
            connection.close()
    else:
        response = send("GET", url)
        assert response.status == 200, f"GET {url}: {response.status} {response.text[:300]}"
        body = response.body
    return json.loads(body)


def verify(token: str, issuer: str, ca: CertificateAuthority | None, audience: str = "sts.amazonaws.com") -> dict:
    """Verifies `token` as a relying party would: discovery document, then the JWKS it names, then PyJWT."""
    configuration = fetch_json(issuer + "/.well-known/openid-configuration", ca)
    assert configuration["issuer"] == issuer
    assert configuration["jwks_uri"] == issuer + "/.well-known/jwks.json"
    keys = fetch_json(configuration["jwks_uri"], ca)["keys"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] in configuration["id_token_signing_alg_values_supported"]
    matching = [key for key in keys if key.get("kid") == header["kid"]]
    assert len(matching) == 1, f"kid {header['kid']} not published once in {keys}"
    key = jwt.PyJWK(matching[0], algorithm=header["alg"])
    return jwt.decode(
        token, key.key, algorithms=[header["alg"]], audience=audience, issuer=issuer,
        options={"require": ["iss", "sub", "aud", "exp", "iat", "jti"]},
    )


# Enable, Disable, GetOutboundWebIdentityFederationInfo (a server of its own: the account's state changes)


def test_outbound_federation_lifecycle(start_server: StartServer, tmp_path) -> None:
    server = start_server(tmp_path / "data")
    iam = server.iam()
    before = client_error(iam.get_outbound_web_identity_federation_info)
    assert error_code(before) == ("FeatureDisabled", 404)

    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    # Without outboundIssuerBaseURL the issuer lives under the server's own URL.
    assert issuer.startswith(server.endpoint + "/oidc/")
    assert error_code(client_error(iam.enable_outbound_web_identity_federation)) == ("FeatureEnabled", 409)
    info = iam.get_outbound_web_identity_federation_info()
    assert info == {"IssuerIdentifier": issuer, "JwtVendingEnabled": True, "ResponseMetadata": info["ResponseMetadata"]}

    user = token_user(server)
    token = server.sts(user.keys).get_web_identity_token(Audience=["sts.amazonaws.com"], SigningAlgorithm="RS256")
    assert verify(token["WebIdentityToken"], issuer, None)["sub"] == user.arn

    iam.disable_outbound_web_identity_federation()
    refused = client_error(
        server.sts(user.keys).get_web_identity_token, Audience=["sts.amazonaws.com"], SigningAlgorithm="RS256"
    )
    assert error_code(refused) == ("OutboundWebIdentityFederationDisabledException", 403)
    assert error_code(client_error(iam.disable_outbound_web_identity_federation)) == ("FeatureDisabled", 404)


def test_enabling_is_per_account(start_server: StartServer, tmp_path) -> None:
    server = start_server(tmp_path / "data")
    server.iam().enable_outbound_web_identity_federation()
    other = server.client("iam", OTHER_ROOT_KEYS)
    assert error_code(client_error(other.get_outbound_web_identity_federation_info)) == ("FeatureDisabled", 404)


# GetWebIdentityToken


@pytest.mark.parametrize("algorithm", ["RS256", "ES384"])
def test_a_web_identity_token_verifies_with_the_published_keys(outbound: Outbound, algorithm: str) -> None:
    issuer = enabled_issuer(outbound.server)
    assert issuer.startswith(outbound.base_url + "/")
    user = token_user(outbound.server)
    before = int(time.time())
    result = outbound.server.sts(user.keys).get_web_identity_token(
        Audience=["sts.amazonaws.com"], SigningAlgorithm=algorithm
    )
    token = result["WebIdentityToken"]
    assert jwt.get_unverified_header(token)["alg"] == algorithm
    claims = verify(token, issuer, outbound.ca)
    assert claims["sub"] == user.arn
    assert claims["aud"] == "sts.amazonaws.com"
    assert claims["exp"] - claims["iat"] == 300
    assert before - 5 <= claims["iat"] <= time.time() + 5
    assert int(result["Expiration"].timestamp()) == claims["exp"]
    assert claims[AWS_CLAIMS]["aws_account"] == ACCOUNT_ID


def test_duration_audiences_and_request_tags_reach_the_token(outbound: Outbound) -> None:
    issuer = enabled_issuer(outbound.server)
    user = token_user(outbound.server)
    result = outbound.server.sts(user.keys).get_web_identity_token(
        Audience=["https://a.example.test", "https://b.example.test"], SigningAlgorithm="RS256", DurationSeconds=900,
        Tags=[{"Key": "team", "Value": "blue"}],
    )
    claims = verify(result["WebIdentityToken"], issuer, outbound.ca, audience="https://b.example.test")
    assert claims["aud"] == ["https://a.example.test", "https://b.example.test"]
    assert claims["exp"] - claims["iat"] == 900
    assert claims[AWS_CLAIMS]["request_tags"] == {"team": "blue"}


def test_a_duration_over_an_hour_is_a_validation_error(outbound: Outbound) -> None:
    enabled_issuer(outbound.server)
    user = token_user(outbound.server)
    refused = client_error(
        outbound.server.sts(user.keys).get_web_identity_token,
        Audience=["sts.amazonaws.com"], SigningAlgorithm="RS256", DurationSeconds=3601,
    )
    assert error_code(refused) == ("ValidationError", 400)


def test_a_caller_without_permission_is_denied(outbound: Outbound) -> None:
    enabled_issuer(outbound.server)
    user = create_user_with_key(outbound.server)
    refused = client_error(
        outbound.server.sts(user.keys).get_web_identity_token, Audience=["sts.amazonaws.com"], SigningAlgorithm="RS256"
    )
    assert error_code(refused) == ("AccessDenied", 403)


# The round trip: account 444455556666 trusts account 111122223333's issuer


def relying_role(server: Server, issuer: str, subject: str, audience: str = "sts.amazonaws.com") -> tuple[str, dict]:
    """An OIDC provider for `issuer` and a role trusting it in the other account; returns (provider ARN, role)."""
    iam = server.client("iam", OTHER_ROOT_KEYS)
    identity = issuer.removeprefix("https://")
    try:
        arn = iam.create_open_id_connect_provider(Url=issuer, ClientIDList=[audience])["OpenIDConnectProviderArn"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "EntityAlreadyExists":
            raise
        arn = f"arn:aws:iam::{OTHER_ACCOUNT_ID}:oidc-provider/{identity}"
    assert arn == f"arn:aws:iam::{OTHER_ACCOUNT_ID}:oidc-provider/{identity}"
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{identity}:aud": audience, f"{identity}:sub": subject}},
    }
    role = iam.create_role(
        RoleName=unique("outbound-trust"),
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )["Role"]
    return arn, role


def test_another_account_assumes_a_role_with_a_latchkey_token(outbound: Outbound) -> None:
    issuer = enabled_issuer(outbound.server)
    assert issuer.startswith("https://")
    user = token_user(outbound.server)
    _, role = relying_role(outbound.server, issuer, user.arn)
    token = outbound.server.sts(user.keys).get_web_identity_token(
        Audience=["sts.amazonaws.com"], SigningAlgorithm="ES384"
    )["WebIdentityToken"]

    result = outbound.server.unsigned("sts").assume_role_with_web_identity(
        RoleArn=role["Arn"], RoleSessionName="from-111122223333", WebIdentityToken=token
    )
    session_arn = f"arn:aws:sts::{OTHER_ACCOUNT_ID}:assumed-role/{role['RoleName']}/from-111122223333"
    assert result["AssumedRoleUser"]["Arn"] == session_arn
    assert result["SubjectFromWebIdentityToken"] == user.arn
    assert result["Audience"] == "sts.amazonaws.com"
    identity = outbound.server.sts(Keys.from_response(result["Credentials"])).get_caller_identity()
    assert identity["Account"] == OTHER_ACCOUNT_ID
    assert identity["Arn"] == session_arn


def test_a_token_of_another_principal_is_denied_by_the_relying_role(outbound: Outbound) -> None:
    issuer = enabled_issuer(outbound.server)
    trusted = token_user(outbound.server)
    other = token_user(outbound.server)
    _, role = relying_role(outbound.server, issuer, trusted.arn)
    token = outbound.server.sts(other.keys).get_web_identity_token(
        Audience=["sts.amazonaws.com"], SigningAlgorithm="RS256"
    )["WebIdentityToken"]
    assert unverified_claims(token)["sub"] == other.arn
    refused = client_error(
        outbound.server.unsigned("sts").assume_role_with_web_identity,
        RoleArn=role["Arn"], RoleSessionName="intruder", WebIdentityToken=token,
    )
    assert error_code(refused) == ("AccessDenied", 403)


def test_a_token_for_another_audience_is_an_invalid_token_for_the_relying_account(outbound: Outbound) -> None:
    issuer = enabled_issuer(outbound.server)
    user = token_user(outbound.server)
    _, role = relying_role(outbound.server, issuer, user.arn)
    token = outbound.server.sts(user.keys).get_web_identity_token(
        Audience=["https://elsewhere.example.test"], SigningAlgorithm="RS256"
    )["WebIdentityToken"]
    refused = client_error(
        outbound.server.unsigned("sts").assume_role_with_web_identity,
        RoleArn=role["Arn"], RoleSessionName="wrong-aud", WebIdentityToken=token,
    )
    assert error_code(refused) == ("InvalidIdentityToken", 400)
