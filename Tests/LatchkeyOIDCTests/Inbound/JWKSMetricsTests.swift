import Foundation
import LatchkeyOIDC
import LatchkeyOIDCHTTP
import Prometheus
import Testing

/// The identity-provider metrics against a real HTTPS issuer on loopback, recorded in a real Prometheus registry
/// (swift-prometheus's factory, passed explicitly as the server passes its own): fetches by document and outcome,
/// their latency, and the JWKS cache's hits and misses.
@Suite struct JWKSMetricsTests {
    /// The value of one sample line `name{labels} value` of the registry's exposition (labels as emitted), or 0.
    static func sample(_ registry: PrometheusCollectorRegistry, _ series: String) -> Double {
        for line in registry.emitToString().split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1)) ?? -1
        }
        return 0
    }

    /// Runs `body` with a fetcher recording into `factory`, shut down afterwards whatever happens.
    static func withFetcher(
        _ configuration: JWKSFetcherConfiguration, metrics factory: PrometheusMetricsFactory,
        _ body: (JWKSFetcher) async throws -> Void
    ) async throws {
        let fetcher = JWKSFetcher(configuration: configuration, metrics: factory)
        do {
            try await body(fetcher)
            try await fetcher.shutdown()
        } catch {
            try? await fetcher.shutdown()
            throw error
        }
    }

    @Test("a cold cache fetches discovery and JWKS once (ok, timed); the next token is a cache hit")
    func fetchedThenCached() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        let keys = try await TestKeys.make()
        let certificates = try TestCertificates.caIssued()
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks()) { issuer in
            let configuration = try JWKSFetcherTests.configuration(trusting: certificates)
            try await Self.withFetcher(configuration, metrics: factory) { fetcher in
                let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: fetcher, metrics: factory))
                let provider = try #require(RegisteredOIDCProvider(url: issuer.issuerURL, clientIDs: ["client-1"]))
                for _ in 0..<2 {
                    let now = Date()
                    let token = try keys.token("ES256", payload: TestKeys.claims(issuer: issuer.issuerURL, now: now))
                    _ = try await verifier.verify(token: token, provider: provider, now: now)
                }
            }
            #expect(issuer.discoveryRequests == 1)
            #expect(issuer.jwksRequests == 1)
        }
        let fetches = "latchkey_idp_fetches_total"
        #expect(Self.sample(registry, #"\#(fetches){document="discovery",outcome="ok"}"#) == 1)
        #expect(Self.sample(registry, #"\#(fetches){document="jwks",outcome="ok"}"#) == 1)
        #expect(Self.sample(registry, #"\#(fetches){document="discovery",outcome="error"}"#) == 0)
        let durations = "latchkey_idp_fetch_duration_seconds_count"
        #expect(Self.sample(registry, #"\#(durations){document="discovery"}"#) == 1)
        #expect(Self.sample(registry, #"\#(durations){document="jwks"}"#) == 1)
        #expect(Self.sample(registry, #"latchkey_cache_misses_total{cache="jwks"}"#) == 1)
        #expect(Self.sample(registry, #"latchkey_cache_hits_total{cache="jwks"}"#) == 1)
    }

    @Test("an issuer that is not trusted: the discovery fetch counts as an error, and the JWKS is never fetched")
    func failedFetchCounted() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        let keys = try await TestKeys.make()
        let certificates = try TestCertificates.caIssued()
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks()) { issuer in
            try await Self.withFetcher(JWKSFetcherTests.generous(), metrics: factory) { fetcher in
                let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: fetcher, metrics: factory))
                let provider = try #require(RegisteredOIDCProvider(url: issuer.issuerURL, clientIDs: ["client-1"]))
                let now = Date()
                let token = try keys.token("ES256", payload: TestKeys.claims(issuer: issuer.issuerURL, now: now))
                await #expect(throws: WebIdentityError.self) {
                    try await verifier.verify(token: token, provider: provider, now: now)
                }
            }
        }
        let fetches = "latchkey_idp_fetches_total"
        #expect(Self.sample(registry, #"\#(fetches){document="discovery",outcome="error"}"#) == 1)
        #expect(Self.sample(registry, #"\#(fetches){document="discovery",outcome="ok"}"#) == 0)
        #expect(Self.sample(registry, #"\#(fetches){document="jwks",outcome="ok"}"#) == 0)
        #expect(Self.sample(registry, #"latchkey_idp_fetch_duration_seconds_count{document="discovery"}"#) == 1)
        #expect(Self.sample(registry, #"latchkey_cache_misses_total{cache="jwks"}"#) == 1)
    }
}
