import Foundation
import LatchkeyOIDC
import Testing

@Suite struct WebIdentityTokenVerifierTests {
    static let issuer = "https://idp.example.com:8443/realm"
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    static func provider(clientIDs: [String] = ["client-1"]) throws -> RegisteredOIDCProvider {
        try #require(RegisteredOIDCProvider(url: issuer, clientIDs: clientIDs))
    }

    @Test(
        "a token signed with each accepted algorithm verifies",
        arguments: [
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
        ])
    func eachAlgorithmVerifies(algorithm: String) async throws {
        let keys = try await TestKeys.make()
        let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: StaticJWKSFetcher(try keys.jwks())))
        let token = try keys.token(algorithm, payload: TestKeys.claims(issuer: Self.issuer, now: Self.now))
        let identity = try await verifier.verify(token: token, provider: try Self.provider(), now: Self.now)
        #expect(identity.subject == "subject-123456")
        #expect(identity.audience == "client-1")
        #expect(identity.provider.identity == "idp.example.com:8443/realm")
    }

    @Test("a JWK without alg verifies every algorithm of its key type, and an only key needs no kid")
    func keyWithoutAlgAndWithoutKid() async throws {
        let keys = try await TestKeys.make()
        let jwks = try keys.jwks(["RS256"]) { jwk in
            jwk["alg"] = nil
            jwk["kid"] = nil
        }
        let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: StaticJWKSFetcher(jwks)))
        for algorithm in ["RS256", "PS512"] {
            let token = try keys.token(
                algorithm, payload: TestKeys.claims(issuer: Self.issuer, now: Self.now), omitKid: true)
            _ = try await verifier.verify(token: token, provider: try Self.provider(), now: Self.now)
        }
    }

    @Test("azp is the audience when present and aud becomes oaud; condition keys carry the port")
    func azpIsTheAudience() async throws {
        let keys = try await TestKeys.make()
        let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: StaticJWKSFetcher(try keys.jwks())))
        let claims = TestKeys.claims(
            issuer: Self.issuer, audience: ["server-app", "other"], now: Self.now,
            extra: ["azp": "client-1", "amr": ["pwd", "mfa"], "groups": ["admins"]]
        )
        let identity = try await verifier.verify(
            token: try keys.token("ES256", payload: claims), provider: try Self.provider(), now: Self.now
        )
        #expect(identity.audience == "client-1")
        #expect(identity.originalAudiences == ["server-app", "other"])
        let arn = "arn:aws:iam::123456789012:oidc-provider/idp.example.com:8443/realm"
        let conditionKeys = identity.conditionKeys(providerARN: arn)
        #expect(conditionKeys["idp.example.com:8443/realm:aud"] == ["client-1"])
        #expect(conditionKeys["idp.example.com:8443/realm:oaud"] == ["server-app", "other"])
        #expect(conditionKeys["idp.example.com:8443/realm:sub"] == ["subject-123456"])
        #expect(conditionKeys["idp.example.com:8443/realm:amr"] == ["pwd", "mfa"])
        #expect(conditionKeys["aws:FederatedProvider"] == [arn])
        #expect(identity.claims["groups"] == .array([.string("admins")]))
    }

    @Test("an aud array matching one client ID is accepted and that value is the audience")
    func audArrayIntersectsClientIDs() async throws {
        let keys = try await TestKeys.make()
        let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: StaticJWKSFetcher(try keys.jwks())))
        let claims = TestKeys.claims(issuer: Self.issuer, audience: ["nope", "client-2"], now: Self.now)
        let identity = try await verifier.verify(
            token: try keys.token("RS256", payload: claims),
            provider: try Self.provider(clientIDs: ["client-1", "client-2"]),
            now: Self.now
        )
        #expect(identity.audience == "client-2")
        #expect(identity.originalAudiences.isEmpty)
    }

    @Test("session tags come from the https://aws.amazon.com/tags claim")
    func sessionTagsAreParsed() async throws {
        let keys = try await TestKeys.make()
        let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: StaticJWKSFetcher(try keys.jwks())))
        let tags: [String: Any] = [
            "principal_tags": ["Project": ["Latchkey"], "CostCenter": ["42"]], "transitive_tag_keys": ["Project"],
        ]
        let claims = TestKeys.claims(issuer: Self.issuer, now: Self.now, extra: ["https://aws.amazon.com/tags": tags])
        let identity = try await verifier.verify(
            token: try keys.token("PS256", payload: claims), provider: try Self.provider(), now: Self.now
        )
        let sessionTags = try #require(identity.sessionTags)
        #expect(sessionTags.tags.map(\.key) == ["CostCenter", "Project"])
        #expect(sessionTags.tags.map(\.value) == ["42", "Latchkey"])
        #expect(sessionTags.transitiveTagKeys == ["Project"])
    }

    @Test(
        "malformed or out-of-bounds session tags are refused",
        arguments: [
            (#"{"principal_tags":{"A":"not-an-array"}}"#, WebIdentityError.Code.invalidToken),
            (#"{"principal_tags":{"A":["x","y"]}}"#, .invalidToken),
            (#"{"principal_tags":["A"]}"#, .invalidToken),
            (#"{"principal_tags":{"A":["x"]},"transitive_tag_keys":["B"]}"#, .rejectedClaim),
            (#"{"principal_tags":{"\#(String(repeating: "k", count: 129))":["x"]}}"#, .rejectedClaim),
        ])
    func badSessionTagsAreRefused(tagsJSON: String, code: WebIdentityError.Code) async throws {
        let tags = try #require(JSONSerialization.jsonObject(with: Data(tagsJSON.utf8)) as? [String: Any])
        let keys = try await TestKeys.make()
        let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: StaticJWKSFetcher(try keys.jwks())))
        let claims = TestKeys.claims(issuer: Self.issuer, now: Self.now, extra: ["https://aws.amazon.com/tags": tags])
        let token = try keys.token("RS256", payload: claims)
        let error = await #expect(throws: WebIdentityError.self) {
            try await verifier.verify(token: token, provider: try Self.provider(), now: Self.now)
        }
        #expect(error?.code == code)
    }

    @Test("the issuer of an unverified token can be read to look the provider up")
    func unverifiedIssuerIsReadable() async throws {
        let keys = try await TestKeys.make()
        let token = try keys.token("ES384", payload: TestKeys.claims(issuer: Self.issuer, now: Self.now))
        #expect(try WebIdentityTokenVerifier.parse(token).issuer == Self.issuer)
    }
}
