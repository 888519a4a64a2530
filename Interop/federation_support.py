"""Federation helpers for the interop suite: a test CA, an HTTPS OIDC issuer on loopback, JWTs, signed SAML
responses, a TLS-terminating proxy, and a Latchkey server that trusts the test CA.

Everything is made at test time: no certificate, key or token is checked in.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import hashlib
import hmac
import ipaddress
import json
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from lxml import etree
from signxml import XMLSigner

from latchkey_harness import Server, bootstrap_config
from multinode_harness import multinode_target, start_cluster

# Certificates


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def private_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def self_signed(key, common_name: str, days: int = 1) -> x509.Certificate:
    """A self-signed certificate (the SAML IdP's signing certificate)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = _utcnow()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )


class CertificateAuthority:
    """A CA made at test time, and leaf certificates for 127.0.0.1 signed by it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.key = rsa_key()
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Latchkey interop CA {uuid.uuid4().hex[:8]}")])
        now = _utcnow()
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True, content_commitment=False, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                    encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        self.pem_path = directory / "ca.pem"
        self.pem_path.write_bytes(pem(self.certificate))

    @property
    def thumbprint(self) -> str:
        """SHA-1 of the CA certificate (what IAM's ThumbprintList holds), 40 lower-case hex digits."""
        return self.certificate.fingerprint(hashes.SHA1()).hex()

    def server_context(self) -> ssl.SSLContext:
        """A TLS server context with a fresh leaf for 127.0.0.1 and localhost, chained to this CA."""
        key = rsa_key()
        now = _utcnow()
        leaf = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
                ),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )
        name = uuid.uuid4().hex[:8]
        chain = self.directory / f"leaf-{name}.pem"
        chain.write_bytes(pem(leaf) + pem(self.certificate))
        key_path = self.directory / f"leaf-{name}.key"
        key_path.write_bytes(private_pem(key))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(chain, key_path)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.pem_path))


# A Latchkey server that trusts the test CA


def start_federation_server(directory: Path, ca: CertificateAuthority, extra_config: str = "") -> Server:
    """`latchkey serve` with the bootstrap accounts plus `idpTrustedCAFile: <ca.pem>` (and `extra_config` lines); a
    three-node cluster behind a round-robin proxy when the suite targets one (LATCHKEY_INTEROP_TARGET=multinode)."""
    directory.mkdir(parents=True, exist_ok=True)
    config = bootstrap_config(directory)
    config.write_text(config.read_text() + f"idpTrustedCAFile: {json.dumps(str(ca.pem_path))}\n" + extra_config)
    if multinode_target():
        return start_cluster(directory / "cluster", config)
    return Server(directory / "data", config, directory / "server.log").start()


# JWTs


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_json(value: dict) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SigningKey:
    kid: str
    algorithm: str
    key: object

    def public_jwk(self) -> dict:
        public = self.key.public_key()
        converter = RSAAlgorithm if self.algorithm.startswith("RS") else ECAlgorithm
        jwk = converter.to_jwk(public, as_dict=True)
        return {**jwk, "kid": self.kid, "use": "sig", "alg": self.algorithm}

    def public_pem(self) -> bytes:
        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def rsa_signing_key(kid: str = "rsa-1") -> SigningKey:
    return SigningKey(kid, "RS256", rsa_key())


def ec_signing_key(kid: str = "ec-1") -> SigningKey:
    return SigningKey(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))


def none_token(claims: dict) -> str:
    """An unsecured JWT (`alg: none`) with an empty signature."""
    return f"{b64url_json({'alg': 'none', 'typ': 'JWT'})}.{b64url_json(claims)}."


def hs256_token(claims: dict, secret: bytes, kid: str) -> str:
    """HS256 with `secret` as the HMAC key (the key-confusion attack uses the issuer's public key PEM)."""
    signing_input = f"{b64url_json({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{b64url_json(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def with_payload(token: str, claims: dict) -> str:
    """`token` with its payload replaced by `claims` and its header and signature kept (a tampered token)."""
    header, _, signature = token.split(".")
    return f"{header}.{b64url_json(claims)}.{signature}"


def unverified_claims(token: str) -> dict:
    return json.loads(b64url_decode(token.split(".")[1]))


# The HTTPS OIDC issuer


@dataclass
class OIDCIssuer:
    """An OpenID Connect issuer `https://127.0.0.1:PORT/realm` on loopback: discovery document and JWKS with an
    RSA (`rsa-1`) and an EC (`ec-1`) key. `requests` records the paths fetched."""

    ca: CertificateAuthority
    path: str = "/realm"
    keys: list[SigningKey] = field(default_factory=lambda: [rsa_signing_key(), ec_signing_key()])
    requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                issuer.requests.append(self.path)
                if self.path == issuer.path + "/.well-known/openid-configuration":
                    body = issuer.configuration()
                elif self.path == issuer.path + "/jwks":
                    body = {"keys": [key.public_jwk() for key in issuer.keys]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.socket = self.ca.server_context().wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The issuer, the `iss` claim and the provider's Url."""
        return f"https://127.0.0.1:{self.port}{self.path}"

    @property
    def identity(self) -> str:
        """The URL without its scheme: the provider ARN's resource and the condition-key prefix."""
        return f"127.0.0.1:{self.port}{self.path}"

    def configuration(self) -> dict:
        return {
            "issuer": self.url,
            "jwks_uri": self.url + "/jwks",
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        }

    def claims(self, **overrides) -> dict:
        now = int(time.time())
        claims = {"iss": self.url, "sub": "repo:x", "aud": "client-1", "iat": now, "exp": now + 600}
        claims.update(overrides)
        return {key: value for key, value in claims.items() if value is not None}

    def token(self, key: SigningKey | None = None, **overrides) -> str:
        """A token signed with `key` (default the RSA key); `overrides` replace claims (None removes one)."""
        key = key or self.keys[0]
        return jwt.encode(self.claims(**overrides), key.key, algorithm=key.algorithm, headers={"kid": key.kid})

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


# SAML

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
AWS_SAML_ENDPOINT = "https://signin.aws.amazon.com/saml"
ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"


def saml_time(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def name_qualifier(issuer: str, account: str, provider_name: str) -> str:
    """AWS's NameQualifier: base64(SHA1(issuer + account + "/" + provider name))."""
    return base64.b64encode(hashlib.sha1((issuer + account + "/" + provider_name).encode()).digest()).decode()


class SAMLIdentityProvider:
    """An IdP with an RSA signing key and a self-signed certificate; makes metadata and signed Responses."""

    def __init__(self, entity_id: str | None = None) -> None:
        self.entity_id = entity_id or f"https://idp-{uuid.uuid4().hex[:8]}.example.test/saml"
        self.key = rsa_key()
        self.certificate = self_signed(self.key, "Latchkey interop SAML IdP")

    @property
    def certificate_base64(self) -> str:
        return base64.b64encode(self.certificate.public_bytes(serialization.Encoding.DER)).decode()

    def metadata(self) -> str:
        """IdP metadata with the signing certificate (well over IAM's 1,000-character minimum)."""
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID="{self.entity_id}">\n'
            f'  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="{SAMLP}">\n'
            '    <md:KeyDescriptor use="signing">\n'
            f"      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>{self.certificate_base64}"
            "</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n"
            "    </md:KeyDescriptor>\n"
            f"    <md:NameIDFormat>{PERSISTENT}</md:NameIDFormat>\n"
            '    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"'
            f' Location="{self.entity_id}/sso"/>\n'
            "  </md:IDPSSODescriptor>\n"
            "</md:EntityDescriptor>\n"
        )

    def assertion_element(
        self, *, roles: list[str], session_name: str | None, subject: str, audience: str, recipient: str,
        issued: float, lifetime: int, attributes: dict[str, list[str]] | None = None,
    ) -> etree._Element:
        nsmap = {"saml": SAML}
        assertion_id = "_" + uuid.uuid4().hex
        assertion = etree.Element(
            f"{{{SAML}}}Assertion", nsmap=nsmap, ID=assertion_id, Version="2.0", IssueInstant=saml_time(issued)
        )
        etree.SubElement(assertion, f"{{{SAML}}}Issuer").text = self.entity_id
        placeholder = etree.SubElement(assertion, f"{{{DS}}}Signature", nsmap={"ds": DS})
        placeholder.set("Id", "placeholder")
        subject_element = etree.SubElement(assertion, f"{{{SAML}}}Subject")
        name_id = etree.SubElement(subject_element, f"{{{SAML}}}NameID", Format=PERSISTENT)
        name_id.text = subject
        confirmation = etree.SubElement(
            subject_element, f"{{{SAML}}}SubjectConfirmation", Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"
        )
        etree.SubElement(
            confirmation, f"{{{SAML}}}SubjectConfirmationData",
            NotOnOrAfter=saml_time(issued + lifetime), Recipient=recipient,
        )
        conditions = etree.SubElement(
            assertion, f"{{{SAML}}}Conditions",
            NotBefore=saml_time(issued - 5), NotOnOrAfter=saml_time(issued + lifetime),
        )
        restriction = etree.SubElement(conditions, f"{{{SAML}}}AudienceRestriction")
        etree.SubElement(restriction, f"{{{SAML}}}Audience").text = audience
        authn = etree.SubElement(
            assertion, f"{{{SAML}}}AuthnStatement", AuthnInstant=saml_time(issued), SessionIndex=assertion_id
        )
        context = etree.SubElement(authn, f"{{{SAML}}}AuthnContext")
        etree.SubElement(context, f"{{{SAML}}}AuthnContextClassRef").text = (
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        )
        values = {ROLE_ATTRIBUTE: roles, **(attributes or {})}
        if session_name is not None:
            values[SESSION_NAME_ATTRIBUTE] = [session_name]
        statement = etree.SubElement(assertion, f"{{{SAML}}}AttributeStatement")
        for name, items in values.items():
            attribute = etree.SubElement(statement, f"{{{SAML}}}Attribute", Name=name)
            for item in items:
                etree.SubElement(attribute, f"{{{SAML}}}AttributeValue").text = item
        return assertion

    def sign(self, element: etree._Element, key=None, certificate: x509.Certificate | None = None) -> etree._Element:
        """Enveloped RSA-SHA256 signature with exclusive c14n over `element` (reference `#ID`), placed at its
        `ds:Signature Id="placeholder"` child."""
        signer = XMLSigner(signature_algorithm="rsa-sha256", digest_algorithm="sha256", c14n_algorithm=EXC_C14N)
        return signer.sign(
            element,
            key=key or self.key,
            cert=[certificate or self.certificate],
            reference_uri="#" + element.get("ID"),
            id_attribute="ID",
        )

    def response(
        self, *, role_arn: str, provider_arn: str, session_name: str | None = "saml-session",
        subject: str = "alice@example.test", audience: str = AWS_SAML_ENDPOINT, recipient: str = AWS_SAML_ENDPOINT,
        issued: float | None = None, lifetime: int = 300, signed: bool = True, signing_key=None,
        signing_certificate: x509.Certificate | None = None, roles: list[str] | None = None,
        attributes: dict[str, list[str]] | None = None, response_signed: bool = False,
    ) -> bytes:
        """A serialized samlp:Response holding one Assertion (signed unless `signed=False`); with
        `response_signed` the Response itself is signed too, over the whole document."""
        issued = time.time() if issued is None else issued
        assertion = self.assertion_element(
            roles=roles if roles is not None else [f"{role_arn},{provider_arn}"], session_name=session_name,
            subject=subject, audience=audience, recipient=recipient, issued=issued, lifetime=lifetime,
            attributes=attributes,
        )
        if signed:
            assertion = self.sign(assertion, signing_key, signing_certificate)
        else:
            for placeholder in assertion.findall(f"{{{DS}}}Signature"):
                assertion.remove(placeholder)
        response = etree.Element(
            f"{{{SAMLP}}}Response", nsmap={"samlp": SAMLP, "saml": SAML}, ID="_" + uuid.uuid4().hex, Version="2.0",
            IssueInstant=saml_time(issued), Destination=recipient,
        )
        etree.SubElement(response, f"{{{SAML}}}Issuer").text = self.entity_id
        if response_signed:
            etree.SubElement(response, f"{{{DS}}}Signature", nsmap={"ds": DS}).set("Id", "placeholder")
        status = etree.SubElement(response, f"{{{SAMLP}}}Status")
        etree.SubElement(status, f"{{{SAMLP}}}StatusCode", Value="urn:oasis:names:tc:SAML:2.0:status:Success")
        response.append(assertion)
        if response_signed:
            response = self.sign(response, signing_key, signing_certificate)
        return etree.tostring(response, xml_declaration=True, encoding="UTF-8")


def encode_saml(document: bytes) -> str:
    return base64.b64encode(document).decode("ascii")


# A TLS-terminating proxy


class TLSProxy:
    """Terminates TLS (certificate from the test CA) on 127.0.0.1:PORT and pipes bytes to a plain TCP backend.

    The port is known before the backend exists: set `backend_port` once the backend listens."""

    def __init__(self, ca: CertificateAuthority) -> None:
        self.backend_port: int | None = None
        self.tasks: set[asyncio.Task] = set()
        self.loop = asyncio.new_event_loop()
        context = ca.server_context()
        ready = threading.Event()
        self.port = 0

        async def serve() -> None:
            self.server = await asyncio.start_server(self._connection, "127.0.0.1", 0, ssl=context)
            self.port = self.server.sockets[0].getsockname()[1]
            ready.set()

        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(serve(), self.loop).result(timeout=10)
        ready.wait(10)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        if self.backend_port is None:
            writer.close()
            return
        try:
            backend_reader, backend_writer = await asyncio.open_connection("127.0.0.1", self.backend_port)
        except OSError:
            writer.close()
            return

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (OSError, ssl.SSLError, ConnectionError):
                pass
            finally:
                try:
                    sink.close()
                except (OSError, RuntimeError):
                    pass

        await asyncio.gather(pipe(reader, backend_writer), pipe(backend_reader, writer))

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            for task in list(self.tasks):
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
