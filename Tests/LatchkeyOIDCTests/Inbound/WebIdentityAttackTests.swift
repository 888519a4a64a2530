import Foundation
import LatchkeyOIDC
import Testing

/// Each hostile token is a rule: it must be refused with the named error, and never verify.
@Suite struct WebIdentityAttackTests {
    static let issuer = "https://idp.example.com"
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    enum Attack: String, CaseIterable, Sendable {
        case algNone, hs256WithRSAPublicKey, hs256WithRSAPublicKeyPEM, unknownKid, kidPathTraversal, kidSQLInjection
        case expired, notYetValid, issuedInTheFuture, wrongIssuer, issuerWithHTTPScheme, wrongAudience
        case missingAudience, azpNotRegistered, signatureStripped, signatureOfAnotherToken, headerAlgDiffersFromJWKAlg
        case rsaAlgOnECKey, missingKidWithSeveralKeys, oversizedToken, nonJSONHeader, nonJSONPayload, twoParts
        case payloadTampered, missingExp, missingSub, embeddedJWKHeader, expAsString

        var expected: WebIdentityError.Code {
            switch self {
            case .expired: .expired
            default: .invalidToken
            }
        }
    }

    static func token(for attack: Attack, keys: TestKeys) throws -> String {
        let now = Self.now
        let good = TestKeys.claims(issuer: issuer, now: now)
        let t = Int(now.timeIntervalSince1970)
        switch attack {
        case .algNone:
            return try TestKeys.json(["alg": "none", "typ": "JWT"]) + "." + TestKeys.json(good) + "."
        case .hs256WithRSAPublicKey:
            return try TestKeys.hmacToken(
                header: ["alg": "HS256", "kid": "rs256"], payload: good, secret: keys.rsaPublicKeyDER)
        case .hs256WithRSAPublicKeyPEM:
            return try TestKeys.hmacToken(
                header: ["alg": "HS256", "kid": "rs256"], payload: good, secret: Array(keys.rsaPublicKeyPEM.utf8)
            )
        case .unknownKid:
            return try keys.token("RS256", payload: good, header: ["kid": "rotated-away"])
        case .kidPathTraversal:
            return try keys.token("RS256", payload: good, header: ["kid": "../../../../etc/passwd"])
        case .kidSQLInjection:
            return try keys.token("RS256", payload: good, header: ["kid": "' OR '1'='1"])
        case .expired:
            return try keys.token("RS256", payload: TestKeys.claims(issuer: issuer, now: now, extra: ["exp": t - 301]))
        case .notYetValid:
            return try keys.token("RS256", payload: TestKeys.claims(issuer: issuer, now: now, extra: ["nbf": t + 301]))
        case .issuedInTheFuture:
            return try keys.token("RS256", payload: TestKeys.claims(issuer: issuer, now: now, extra: ["iat": t + 301]))
        case .wrongIssuer:
            return try keys.token("RS256", payload: TestKeys.claims(issuer: "https://evil.example.com", now: now))
        case .issuerWithHTTPScheme:
            return try keys.token("RS256", payload: TestKeys.claims(issuer: "http://idp.example.com", now: now))
        case .wrongAudience:
            return try keys.token("RS256", payload: TestKeys.claims(issuer: issuer, audience: "someone-else", now: now))
        case .missingAudience:
            var claims = good
            claims["aud"] = nil
            return try keys.token("RS256", payload: claims)
        case .azpNotRegistered:
            return try keys.token(
                "RS256", payload: TestKeys.claims(issuer: issuer, now: now, extra: ["azp": "other-app"]))
        case .signatureStripped:
            let token = try keys.token("RS256", payload: good)
            let dot = try #require(token.lastIndex(of: "."))
            return String(token[...dot])
        case .signatureOfAnotherToken:
            let victim = try keys.token("RS256", payload: good)
            let other = try keys.token(
                "RS256", payload: TestKeys.claims(issuer: issuer, now: now, extra: ["sub": "admin-000"]))
            let dot = try #require(victim.lastIndex(of: "."))
            let otherDot = try #require(other.lastIndex(of: "."))
            return String(other[..<otherDot]) + String(victim[dot...])
        case .headerAlgDiffersFromJWKAlg:
            // Signed with PS256 but naming the kid whose JWK declares RS256.
            return try keys.token("PS256", payload: good, header: ["kid": "rs256"])
        case .rsaAlgOnECKey:
            return try keys.token("RS256", payload: good, header: ["kid": "es256"])
        case .missingKidWithSeveralKeys:
            return try keys.token("RS256", payload: good, omitKid: true)
        case .oversizedToken:
            let padding = String(repeating: "a", count: 20_001)
            return try keys.token("RS256", payload: TestKeys.claims(issuer: issuer, now: now, extra: ["pad": padding]))
        case .nonJSONHeader:
            return TestKeys.b64url(Data("not json".utf8)) + "." + (try TestKeys.json(good)) + ".c2ln"
        case .nonJSONPayload:
            return try TestKeys.json(["alg": "RS256", "kid": "rs256"]) + "." + TestKeys.b64url(Data("[1,2]".utf8))
                + ".c2ln"
        case .twoParts:
            return try TestKeys.json(["alg": "RS256"]) + "." + TestKeys.json(good)
        case .payloadTampered:
            let token = try keys.token("ES256", payload: good)
            let parts = token.split(separator: ".")
            let forged = try TestKeys.json(TestKeys.claims(issuer: issuer, now: now, extra: ["sub": "root-000"]))
            return "\(parts[0]).\(forged).\(parts[2])"
        case .missingExp:
            var claims = good
            claims["exp"] = nil
            return try keys.token("RS256", payload: claims)
        case .missingSub:
            var claims = good
            claims["sub"] = nil
            return try keys.token("RS256", payload: claims)
        case .embeddedJWKHeader:
            return try keys.token("RS256", payload: good, header: ["jwk": ["kty": "RSA", "n": "AQAB", "e": "AQAB"]])
        case .expAsString:
            return try keys.token(
                "RS256", payload: TestKeys.claims(issuer: issuer, now: now, extra: ["exp": "\(t + 600)"]))
        }
    }

    @Test("a hostile token is refused with the named error", arguments: Attack.allCases)
    func hostileTokenIsRefused(attack: Attack) async throws {
        let keys = try await TestKeys.make()
        let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: StaticJWKSFetcher(try keys.jwks())))
        let provider = try #require(RegisteredOIDCProvider(url: Self.issuer, clientIDs: ["client-1"]))
        let token = try Self.token(for: attack, keys: keys)
        let error = await #expect(throws: WebIdentityError.self) {
            try await verifier.verify(token: token, provider: provider, now: Self.now)
        }
        #expect(error?.code == attack.expected, "\(attack): \(String(describing: error))")
        #expect(error?.message.contains(token) == false)
    }

    @Test("a wrong issuer gets AWS's no-provider message and a wrong audience AWS's audience message")
    func awsMessages() async throws {
        let keys = try await TestKeys.make()
        let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: StaticJWKSFetcher(try keys.jwks())))
        let provider = try #require(RegisteredOIDCProvider(url: Self.issuer, clientIDs: ["client-1"]))
        let wrongIssuer = try Self.token(for: .wrongIssuer, keys: keys)
        let issuerError = await #expect(throws: WebIdentityError.self) {
            try await verifier.verify(token: wrongIssuer, provider: provider, now: Self.now)
        }
        #expect(issuerError?.message == "No OpenIDConnect provider found in your account for https://evil.example.com")
        let wrongAudience = try Self.token(for: .wrongAudience, keys: keys)
        let audienceError = await #expect(throws: WebIdentityError.self) {
            try await verifier.verify(token: wrongAudience, provider: provider, now: Self.now)
        }
        #expect(audienceError?.message == "Incorrect token audience")
    }

    @Test("an unknown kid causes exactly one refetch, then the token is refused; the refetch is rate limited")
    func unknownKidRefetchesOnceThenIsRateLimited() async throws {
        let keys = try await TestKeys.make()
        let fetcher = StaticJWKSFetcher(try keys.jwks())
        let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: fetcher))
        let provider = try #require(RegisteredOIDCProvider(url: Self.issuer, clientIDs: ["client-1"]))
        let good = try keys.token("RS256", payload: TestKeys.claims(issuer: Self.issuer, now: Self.now))
        _ = try await verifier.verify(token: good, provider: provider, now: Self.now)
        #expect(fetcher.fetches == 1)
        let later = Self.now.addingTimeInterval(60)
        for index in 0..<10 {
            let token = try keys.token(
                "RS256", payload: TestKeys.claims(issuer: Self.issuer, now: later), header: ["kid": "random-\(index)"]
            )
            await #expect(throws: WebIdentityError.invalidToken("")) {
                try await verifier.verify(token: token, provider: provider, now: later)
            }
        }
        #expect(fetcher.fetches == 2)
    }

    @Test("a key rotated in at the issuer is picked up through the unknown-kid refresh")
    func rotatedKeyIsPickedUp() async throws {
        let keys = try await TestKeys.make()
        let fetcher = StaticJWKSFetcher(try keys.jwks(["RS256"]))
        let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: fetcher))
        let provider = try #require(RegisteredOIDCProvider(url: Self.issuer, clientIDs: ["client-1"]))
        let old = try keys.token("RS256", payload: TestKeys.claims(issuer: Self.issuer, now: Self.now))
        _ = try await verifier.verify(token: old, provider: provider, now: Self.now)
        fetcher.set(try keys.jwks(["RS256", "ES256"]))
        let later = Self.now.addingTimeInterval(31)
        let new = try keys.token("ES256", payload: TestKeys.claims(issuer: Self.issuer, now: later))
        _ = try await verifier.verify(token: new, provider: provider, now: later)
        #expect(fetcher.fetches == 2)
    }

    @Test("HMAC, OKP and private keys in a JWKS are never used")
    func unusableKeysAreDropped() async throws {
        let keys = try await TestKeys.make()
        let hmacJWKS = #"{"keys":[{"kty":"oct","k":"c2VjcmV0","kid":"h","alg":"HS256"}]}"#
        let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: StaticJWKSFetcher(hmacJWKS)))
        let provider = try #require(RegisteredOIDCProvider(url: Self.issuer, clientIDs: ["client-1"]))
        let token = try TestKeys.hmacToken(
            header: ["alg": "HS256", "kid": "h"], payload: TestKeys.claims(issuer: Self.issuer, now: Self.now),
            secret: Array("secret".utf8)
        )
        await #expect(throws: WebIdentityError.invalidToken("")) {
            try await verifier.verify(token: token, provider: provider, now: Self.now)
        }
        let rsToken = try keys.token("RS256", payload: TestKeys.claims(issuer: Self.issuer, now: Self.now))
        let error = await #expect(throws: WebIdentityError.self) {
            try await verifier.verify(token: rsToken, provider: provider, now: Self.now)
        }
        #expect(error?.code == .communication)
    }
}
