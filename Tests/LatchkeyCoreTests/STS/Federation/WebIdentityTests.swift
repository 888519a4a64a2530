import Crypto
import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyOIDC
import LatchkeyTestSupport
import Testing

/// The rules of `AssumeRoleWithWebIdentity` (`WebIdentity.swift`), without HTTP: the real token verifier, over an
/// issuer whose key set is handed in (no discovery or HTTPS fetch; those are the server's and the interop suite's).
@Suite struct WebIdentityTests {
    typealias K = RoleTestKit

    /// An OpenID Connect issuer with one ES256 key, signing the tokens the tests present.
    struct Issuer: JWKSFetching {
        static let url = "https://idp.example.com"
        static let identity = "idp.example.com"
        let key = P256.Signing.PrivateKey()

        func fetchKeySetDocument(for provider: RegisteredOIDCProvider) async throws(WebIdentityError) -> [UInt8] {
            let point = Array(key.publicKey.x963Representation)
            let jwk: [String: String] = [
                "kty": "EC", "crv": "P-256", "kid": "k1", "use": "sig", "alg": "ES256",
                "x": Self.base64URL(point[1...32]), "y": Self.base64URL(point[33...64]),
            ]
            return Array((try? JSONSerialization.data(withJSONObject: ["keys": [jwk]])) ?? Data())
        }

        static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
            Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }

        /// A compact JWS of `claims`, signed with this issuer's key (or `signer`'s).
        func token(_ claims: [String: Any], signer: P256.Signing.PrivateKey? = nil) throws -> String {
            let header = try JSONSerialization.data(withJSONObject: ["alg": "ES256", "kid": "k1", "typ": "JWT"])
            let payload = try JSONSerialization.data(withJSONObject: claims)
            let input = Self.base64URL(header) + "." + Self.base64URL(payload)
            let signature = try (signer ?? key).signature(for: Data(input.utf8)).rawRepresentation
            return input + "." + Self.base64URL(signature)
        }
    }

    /// The fixture's STS with a verifier for `issuer`, the issuer registered in the account with client ID `app`,
    /// and a role `web` trusting it for the subject `user-1`.
    static func setUp(_ f: ServiceFixture, issuer: Issuer) async throws -> SecurityTokenService {
        try await f.store.insertOIDCProvider(
            OIDCProvider(
                accountId: f.accountId, identity: Issuer.identity, url: Issuer.url, clientIDs: ["app"], thumbprints: [],
                createDate: f.clock.now))
        let trust = #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"\#(providerArn(f))"},\#
            "Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"idp.example.com:sub":"user-1"}}}]}
            """#
        try await K.createRole(f, "web", trust: trust)
        var sts = f.sts
        sts.webIdentity = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: issuer))
        return sts
    }

    static func providerArn(_ f: ServiceFixture) -> String {
        "arn:aws:iam::\(f.accountId):oidc-provider/\(Issuer.identity)"
    }

    static func claims(_ f: ServiceFixture, _ changes: [String: Any] = [:]) -> [String: Any] {
        let now = Int(f.clock.now.timeIntervalSince1970)
        var claims: [String: Any] = ["iss": Issuer.url, "sub": "user-1", "aud": "app", "iat": now, "exp": now + 600]
        for (key, value) in changes { claims[key] = value }
        return claims
    }

    static func assume(
        _ sts: SecurityTokenService, _ f: ServiceFixture, token: String, role: String = "web",
        _ configure: (inout AssumeRoleWithWebIdentityInput) -> Void = { _ in }
    ) async throws -> AssumeRoleWithWebIdentityOutput {
        var input = AssumeRoleWithWebIdentityInput(
            roleArn: K.roleArn(f, role), roleSessionName: "s1", webIdentityToken: token)
        configure(&input)
        return try await sts.assumeRoleWithWebIdentity(input, metadata: RequestMetadata(), now: f.clock.now)
    }

    @Test("a token of a registered issuer, for its client ID, that the trust policy admits gets a session of the role")
    func grant() async throws {
        let f = try await ServiceFixture.make()
        let issuer = Issuer()
        let sts = try await Self.setUp(f, issuer: issuer)
        let output = try await Self.assume(sts, f, token: try issuer.token(Self.claims(f)))
        let role = try #require(try await f.store.role(accountId: f.accountId, roleName: "web"))
        #expect(output.subjectFromWebIdentityToken == "user-1")
        #expect(output.audience == "app")
        #expect(output.provider == Issuer.url)
        #expect(
            output.assumedRoleUser
                == AssumedRoleUser(
                    assumedRoleId: "\(role.roleId):s1", arn: "arn:aws:sts::\(f.accountId):assumed-role/web/s1"))
        #expect(output.credentials?.expiration == TestClock.start.addingTimeInterval(3600))
        #expect(output.packedPolicySize == nil)
        #expect(output.sourceIdentity == nil)
        let session = try await STSTestKit.caller(f, output.credentials)
        #expect(session.sessionClaims?.sourcePrincipalArn == Self.providerArn(f))

        let limited = try await Self.assume(sts, f, token: try issuer.token(Self.claims(f))) {
            $0.policy = K.allow("s3:GetObject")
            $0.durationSeconds = 900
        }
        #expect(limited.packedPolicySize == 4)
        #expect(limited.credentials?.expiration == TestClock.start.addingTimeInterval(900))
    }

    @Test("a server without a token verifier answers InvalidAction")
    func notEnabled() async throws {
        let f = try await ServiceFixture.make()
        let input = AssumeRoleWithWebIdentityInput(
            roleArn: K.roleArn(f, "r"), roleSessionName: "s1", webIdentityToken: "a.b.c")
        await K.expectError(.invalidAction, "AssumeRoleWithWebIdentity is not enabled on this server.") {
            try await f.sts.assumeRoleWithWebIdentity(input, metadata: RequestMetadata(), now: f.clock.now)
        }
    }

    @Test("ProviderId (OAuth 2.0 access tokens) is refused; a RoleArn that is not a role ARN is a ValidationError")
    func requestRefusals() async throws {
        let f = try await ServiceFixture.make()
        let issuer = Issuer()
        let sts = try await Self.setUp(f, issuer: issuer)
        let token = try issuer.token(Self.claims(f))
        await K.expectError(
            .invalidParameterValue,
            "ProviderId www.amazon.com is not supported: Latchkey verifies OpenID Connect ID tokens only, not OAuth 2.0 access tokens."
        ) {
            try await Self.assume(sts, f, token: token) { $0.providerId = "www.amazon.com" }
        }
        await K.expectError(.validationError, "Request ARN is invalid") {
            try await Self.assume(sts, f, token: token) { $0.roleArn = K.userArn(f, "alice") }
        }
    }

    @Test("an unregistered issuer, another audience, another signing key and an expired token are refused")
    func tokenRefusals() async throws {
        let f = try await ServiceFixture.make()
        let issuer = Issuer()
        let sts = try await Self.setUp(f, issuer: issuer)
        await K.expectError(
            .invalidIdentityToken, "No OpenIDConnect provider found in your account for https://other.example.com"
        ) {
            try await Self.assume(sts, f, token: try issuer.token(Self.claims(f, ["iss": "https://other.example.com"])))
        }
        await K.expectError(.invalidIdentityToken, "Incorrect token audience") {
            try await Self.assume(sts, f, token: try issuer.token(Self.claims(f, ["aud": "someone-else"])))
        }
        await K.expectError(.invalidIdentityToken) {
            try await Self.assume(sts, f, token: try issuer.token(Self.claims(f), signer: P256.Signing.PrivateKey()))
        }
        let expired = Int(f.clock.now.timeIntervalSince1970) - 3600
        let error = await K.expectError(.expiredTokenException) {
            try await Self.assume(sts, f, token: try issuer.token(Self.claims(f, ["exp": expired])))
        }
        #expect(error?.message.hasPrefix("Token expired: current date/time") == true)
    }

    @Test("the trust policy decides: another subject, or a role that does not exist, is AccessDenied")
    func trustRefusals() async throws {
        let f = try await ServiceFixture.make()
        let issuer = Issuer()
        let sts = try await Self.setUp(f, issuer: issuer)
        await K.expectError(.accessDenied, "Not authorized to perform sts:AssumeRoleWithWebIdentity") {
            try await Self.assume(sts, f, token: try issuer.token(Self.claims(f, ["sub": "user-2"])))
        }
        await K.expectError(.accessDenied, "Not authorized to perform sts:AssumeRoleWithWebIdentity") {
            try await Self.assume(sts, f, token: try issuer.token(Self.claims(f)), role: "ghost")
        }
        await K.expectError(
            .validationError, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        ) {
            try await Self.assume(sts, f, token: try issuer.token(Self.claims(f))) { $0.durationSeconds = 7200 }
        }
    }
}
