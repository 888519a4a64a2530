"""SAML federation with boto3: IAM SAML providers and AssumeRoleWithSAML with SAML responses signed at test time
(signxml: enveloped RSA-SHA256 signature with exclusive c14n over the Assertion)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import pytest

from lxml import etree

from federation_support import (
    AWS_SAML_ENDPOINT,
    PERSISTENT,
    SAML,
    SAMLIdentityProvider,
    encode_saml,
    name_qualifier,
)
from latchkey_harness import ACCOUNT_ID, Keys, Server, client_error, error_code, unique

ACTION = "sts:AssumeRoleWithSAML"


@pytest.fixture(scope="module")
def idp() -> SAMLIdentityProvider:
    return SAMLIdentityProvider()


@pytest.fixture
def provider(server: Server, idp: SAMLIdentityProvider) -> Iterator[tuple[str, str]]:
    """(ARN, name) of a SAML provider holding the module IdP's metadata."""
    name = unique("idp")
    arn = server.iam().create_saml_provider(Name=name, SAMLMetadataDocument=idp.metadata())["SAMLProviderArn"]
    yield arn, name
    try:
        server.iam().delete_saml_provider(SAMLProviderArn=arn)
    except Exception:  # noqa: BLE001 (the test may have deleted it)
        pass


def saml_role(server: Server, provider_arn: str, condition: dict | None = None) -> dict:
    statement = {"Effect": "Allow", "Principal": {"Federated": provider_arn}, "Action": ACTION}
    statement["Condition"] = condition or {"StringEquals": {"SAML:aud": AWS_SAML_ENDPOINT}}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    return server.iam().create_role(RoleName=unique("saml-role"), AssumeRolePolicyDocument=policy)["Role"]


def assume(server: Server, role: dict, provider_arn: str, document: bytes | str, **extra) -> dict:
    assertion = document if isinstance(document, str) else encode_saml(document)
    return server.unsigned("sts").assume_role_with_saml(
        RoleArn=role["Arn"], PrincipalArn=provider_arn, SAMLAssertion=assertion, **extra
    )


def refusal(server: Server, role: dict, provider_arn: str, document: bytes | str) -> tuple[str, int]:
    return error_code(client_error(assume, server, role, provider_arn, document))


# IAM SAML providers


def test_provider_administration_round_trip(server: Server, idp: SAMLIdentityProvider) -> None:
    iam = server.iam()
    metadata = idp.metadata()
    assert len(metadata) > 1000
    name = unique("idp")
    created = iam.create_saml_provider(Name=name, SAMLMetadataDocument=metadata, Tags=[{"Key": "env", "Value": "t"}])
    arn = created["SAMLProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/{name}"

    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == metadata
    assert got["Tags"] == [{"Key": "env", "Value": "t"}]
    assert "CreateDate" in got
    listed = {entry["Arn"]: entry for entry in iam.list_saml_providers()["SAMLProviderList"]}
    assert arn in listed

    replacement = SAMLIdentityProvider(entity_id=idp.entity_id).metadata()
    assert iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=replacement)["SAMLProviderArn"] == arn
    assert iam.get_saml_provider(SAMLProviderArn=arn)["SAMLMetadataDocument"] == replacement

    iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "team", "Value": "blue"}])
    tags = iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"]
    assert sorted((tag["Key"], tag["Value"]) for tag in tags) == [("env", "t"), ("team", "blue")]
    iam.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["env"])
    assert iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"] == [{"Key": "team", "Value": "blue"}]

    iam.delete_saml_provider(SAMLProviderArn=arn)
    assert error_code(client_error(iam.get_saml_provider, SAMLProviderArn=arn)) == ("NoSuchEntity", 404)
    assert arn not in [entry["Arn"] for entry in iam.list_saml_providers()["SAMLProviderList"]]


def test_metadata_without_a_signing_certificate_is_invalid_input(server: Server) -> None:
    metadata = (
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.test/x">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"'
        ' Location="https://idp.example.test/sso"/></md:IDPSSODescriptor>'
        f"<!-- {'padding ' * 150} --></md:EntityDescriptor>"
    )
    refused = client_error(server.iam().create_saml_provider, Name=unique("idp"), SAMLMetadataDocument=metadata)
    assert error_code(refused) == ("InvalidInput", 400)


# AssumeRoleWithSAML


def test_a_signed_assertion_assumes_the_role_without_aws_credentials(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]
) -> None:
    arn, name = provider
    role = saml_role(server, arn)
    document = idp.response(role_arn=role["Arn"], provider_arn=arn, session_name="alice-session")
    result = assume(server, role, arn, document)

    session_arn = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role['RoleName']}/alice-session"
    assert result["AssumedRoleUser"]["Arn"] == session_arn
    assert result["AssumedRoleUser"]["AssumedRoleId"] == f"{role['RoleId']}:alice-session"
    assert result["Subject"] == "alice@example.test"
    assert result["SubjectType"] == "persistent"
    assert result["Issuer"] == idp.entity_id
    assert result["Audience"] == AWS_SAML_ENDPOINT
    assert result["NameQualifier"] == name_qualifier(idp.entity_id, ACCOUNT_ID, name)
    assert result["Credentials"]["AccessKeyId"].startswith("ASIA")

    identity = server.sts(Keys.from_response(result["Credentials"])).get_caller_identity()
    assert identity["Arn"] == session_arn
    assert identity["UserId"] == f"{role['RoleId']}:alice-session"


def test_saml_condition_keys_reach_the_trust_policy(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]
) -> None:
    arn, name = provider
    condition = {
        "StringEquals": {
            "SAML:sub": "bob@example.test",
            "SAML:sub_type": "persistent",
            "SAML:iss": idp.entity_id,
            "SAML:namequalifier": name_qualifier(idp.entity_id, ACCOUNT_ID, name),
        }
    }
    role = saml_role(server, arn, condition)
    bob = idp.response(role_arn=role["Arn"], provider_arn=arn, subject="bob@example.test")
    assert assume(server, role, arn, bob)["Subject"] == "bob@example.test"
    alice = idp.response(role_arn=role["Arn"], provider_arn=arn, subject="alice@example.test")
    assert refusal(server, role, arn, alice) == ("AccessDenied", 403)


def test_the_session_is_no_longer_than_duration_seconds(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]
) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    before = time.time()
    result = assume(server, role, arn, idp.response(role_arn=role["Arn"], provider_arn=arn), DurationSeconds=900)
    assert 890 <= result["Credentials"]["Expiration"].timestamp() - before <= 910


def test_the_session_duration_attribute_shortens_the_session(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]
) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    attributes = {"https://aws.amazon.com/SAML/Attributes/SessionDuration": ["1000"]}
    before = time.time()
    result = assume(server, role, arn, idp.response(role_arn=role["Arn"], provider_arn=arn, attributes=attributes))
    assert 990 <= result["Credentials"]["Expiration"].timestamp() - before <= 1010


def test_principal_tag_attributes_need_tag_session(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]
) -> None:
    arn, _ = provider
    attributes = {"https://aws.amazon.com/SAML/Attributes/PrincipalTag:team": ["blue"]}
    untagged = saml_role(server, arn)
    document = idp.response(role_arn=untagged["Arn"], provider_arn=arn, attributes=attributes)
    assert refusal(server, untagged, arn, document) == ("AccessDenied", 403)

    statement = {
        "Effect": "Allow", "Principal": {"Federated": arn}, "Action": [ACTION, "sts:TagSession"],
        "Condition": {"StringEquals": {"aws:RequestTag/team": "blue"}},
    }
    tagged = server.iam().create_role(
        RoleName=unique("saml-role"),
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )["Role"]
    document = idp.response(role_arn=tagged["Arn"], provider_arn=arn, attributes=attributes)
    assert assume(server, tagged, arn, document)["PackedPolicySize"] > 0


@pytest.mark.parametrize("assertion_signed", [False, True], ids=["response-only", "response-and-assertion"])
def test_a_signed_response_is_accepted(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str], assertion_signed: bool
) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    document = idp.response(role_arn=role["Arn"], provider_arn=arn, signed=assertion_signed, response_signed=True)
    assert assume(server, role, arn, document)["Issuer"] == idp.entity_id
    tampered = document.replace(b">alice@example.test<", b">admin@example.test<")
    assert refusal(server, role, arn, tampered) == ("InvalidIdentityToken", 400)


def test_an_unsigned_assertion_is_refused(server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    document = idp.response(role_arn=role["Arn"], provider_arn=arn, signed=False)
    assert refusal(server, role, arn, document) == ("InvalidIdentityToken", 400)


def test_a_tampered_assertion_is_refused(server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    document = idp.response(role_arn=role["Arn"], provider_arn=arn, subject="alice@example.test")
    tampered = document.replace(b">alice@example.test<", b">admin@example.test<")
    assert tampered != document
    assert refusal(server, role, arn, tampered) == ("InvalidIdentityToken", 400)


def test_a_second_unsigned_assertion_is_refused(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]
) -> None:
    """Signature wrapping: the signed assertion stays valid, an unsigned one naming another subject is added."""
    arn, _ = provider
    role = saml_role(server, arn)
    signed = etree.fromstring(idp.response(role_arn=role["Arn"], provider_arn=arn, subject="alice@example.test"))
    evil = etree.fromstring(
        idp.response(role_arn=role["Arn"], provider_arn=arn, subject="admin@example.test", signed=False)
    ).find(f"{{{SAML}}}Assertion")
    signed.insert(2, evil)
    assert refusal(server, role, arn, etree.tostring(signed)) == ("InvalidIdentityToken", 400)


def test_an_assertion_signed_by_another_key_is_refused(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]
) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    impostor = SAMLIdentityProvider(entity_id=idp.entity_id)
    document = impostor.response(role_arn=role["Arn"], provider_arn=arn)
    assert refusal(server, role, arn, document) == ("InvalidIdentityToken", 400)
    # Even when the impostor's KeyInfo carries the real certificate, only the provider's metadata key counts.
    lying = idp.response(
        role_arn=role["Arn"], provider_arn=arn, signing_key=impostor.key, signing_certificate=idp.certificate
    )
    assert refusal(server, role, arn, lying) == ("InvalidIdentityToken", 400)


@pytest.mark.parametrize(
    "addressing",
    [
        pytest.param({"audience": "https://elsewhere.example.test/saml"}, id="audience"),
        pytest.param({"recipient": "https://elsewhere.example.test/saml"}, id="recipient-and-destination"),
    ],
)
def test_an_assertion_addressed_elsewhere_is_refused(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str], addressing: dict
) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    document = idp.response(role_arn=role["Arn"], provider_arn=arn, **addressing)
    assert refusal(server, role, arn, document) == ("InvalidIdentityToken", 400)


def test_an_expired_assertion_is_refused_as_expired(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]
) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    document = idp.response(role_arn=role["Arn"], provider_arn=arn, issued=time.time() - 3600, lifetime=7200)
    assert refusal(server, role, arn, document) == ("ExpiredTokenException", 400)


def test_an_assertion_past_its_not_on_or_after_is_refused_without_skew(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]
) -> None:
    # An IdP that gives its responses one minute of validity gets exactly that window (AWS: "Response has expired").
    arn, _ = provider
    role = saml_role(server, arn)
    document = idp.response(role_arn=role["Arn"], provider_arn=arn, issued=time.time() - 120, lifetime=60)
    error = client_error(assume, server, role, arn, document)
    assert error_code(error) == ("ExpiredTokenException", 400)
    assert error.response["Error"]["Message"] == "Response has expired"


def test_a_response_issued_more_than_five_minutes_ago_is_refused(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]
) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    document = idp.response(role_arn=role["Arn"], provider_arn=arn, issued=time.time() - 420, lifetime=3600)
    error = client_error(assume, server, role, arn, document)
    assert error_code(error) == ("ExpiredTokenException", 400)
    assert error.response["Error"]["Message"] == "Token must be redeemed within 5 minutes of issuance"


def test_a_replayed_assertion_is_refused(server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    document = idp.response(role_arn=role["Arn"], provider_arn=arn)
    assert assume(server, role, arn, document)["Credentials"]
    assert refusal(server, role, arn, document) == ("InvalidIdentityToken", 400)


def test_a_role_missing_from_the_role_attribute_is_denied(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]
) -> None:
    arn, _ = provider
    listed = saml_role(server, arn)
    asked = saml_role(server, arn)
    document = idp.response(role_arn=listed["Arn"], provider_arn=arn)
    assert refusal(server, asked, arn, document) == ("AccessDenied", 403)


def test_the_role_attribute_may_list_the_provider_first(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]
) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    document = idp.response(role_arn=role["Arn"], provider_arn=arn, roles=[f"{arn},{role['Arn']}"])
    assert assume(server, role, arn, document)["AssumedRoleUser"]["Arn"].endswith(f"/{role['RoleName']}/saml-session")


def test_an_unknown_provider_is_refused(server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    missing = f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/{unique('missing')}"
    document = idp.response(role_arn=role["Arn"], provider_arn=missing)
    assert refusal(server, role, missing, document) == ("InvalidIdentityToken", 400)


def test_a_response_that_is_not_base64_xml_is_refused(
    server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]
) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    code, _ = refusal(server, role, arn, base64.b64encode(b"<notsaml/>").decode())
    assert code == "InvalidIdentityToken"


def test_the_cli_assumes_a_role_with_saml(server: Server, idp: SAMLIdentityProvider, provider: tuple[str, str]) -> None:
    arn, _ = provider
    role = saml_role(server, arn)
    document = encode_saml(idp.response(role_arn=role["Arn"], provider_arn=arn, session_name="cli-session"))
    done = server.cli(
        "sts", "assume-role-with-saml", "--role-arn", role["Arn"], "--principal-arn", arn, "--saml-assertion", document
    ).json()
    assert done["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role['RoleName']}/cli-session"
    assert done["SubjectType"] == PERSISTENT.rsplit(":", 1)[1]
