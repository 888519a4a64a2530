import Foundation
import LatchkeyOIDC
import Testing

@Suite struct JWKSCacheTests {
    static let issuer = "https://idp.example.com"
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    @Test("keys are reused within their time to live and fetched again after it")
    func keysExpireAfterTheirTimeToLive() async throws {
        let keys = try await TestKeys.make()
        let fetcher = StaticJWKSFetcher(try keys.jwks())
        let verifier = WebIdentityTokenVerifier(
            cache: JWKSCache(fetcher: fetcher, policy: .init(timeToLive: .seconds(600))))
        let provider = try #require(RegisteredOIDCProvider(url: Self.issuer, clientIDs: ["client-1"]))
        for offset in [0.0, 100, 599] {
            let at = Self.now.addingTimeInterval(offset)
            let token = try keys.token("ES512", payload: TestKeys.claims(issuer: Self.issuer, now: at))
            _ = try await verifier.verify(token: token, provider: provider, now: at)
        }
        #expect(fetcher.fetches == 1)
        let later = Self.now.addingTimeInterval(601)
        let token = try keys.token("ES512", payload: TestKeys.claims(issuer: Self.issuer, now: later))
        _ = try await verifier.verify(token: token, provider: provider, now: later)
        #expect(fetcher.fetches == 2)
    }

    @Test("a failed fetch is remembered for the refresh interval instead of hitting the issuer again")
    func failedFetchIsNotRetriedAtOnce() async throws {
        let keys = try await TestKeys.make()
        let fetcher = StaticJWKSFetcher(nil)
        let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: fetcher))
        let provider = try #require(RegisteredOIDCProvider(url: Self.issuer, clientIDs: ["client-1"]))
        let token = try keys.token("RS384", payload: TestKeys.claims(issuer: Self.issuer, now: Self.now))
        for _ in 0..<5 {
            await #expect(throws: WebIdentityError.communication("")) {
                try await verifier.verify(token: token, provider: provider, now: Self.now)
            }
        }
        #expect(fetcher.fetches == 1)
        fetcher.set(try keys.jwks())
        let later = Self.now.addingTimeInterval(31)
        let fresh = try keys.token("RS384", payload: TestKeys.claims(issuer: Self.issuer, now: later))
        _ = try await verifier.verify(token: fresh, provider: provider, now: later)
        #expect(fetcher.fetches == 2)
    }

    @Test("50 concurrent unknown-kid tokens after a warm-up cause a single refresh")
    func concurrentUnknownKidsRefreshOnce() async throws {
        let keys = try await TestKeys.make()
        let fetcher = StaticJWKSFetcher(try keys.jwks(["RS256"]))
        let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: fetcher))
        let provider = try #require(RegisteredOIDCProvider(url: Self.issuer, clientIDs: ["client-1"]))
        let warm = try keys.token("RS256", payload: TestKeys.claims(issuer: Self.issuer, now: Self.now))
        _ = try await verifier.verify(token: warm, provider: provider, now: Self.now)
        let later = Self.now.addingTimeInterval(60)
        let token = try keys.token(
            "RS256", payload: TestKeys.claims(issuer: Self.issuer, now: later), header: ["kid": "nope"])
        let failures = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 {
                group.addTask { (try? await verifier.verify(token: token, provider: provider, now: later)) == nil }
            }
            var failures = 0
            for await failed in group where failed { failures += 1 }
            return failures
        }
        #expect(failures == 50)
        #expect(fetcher.fetches == 2)
    }
}
