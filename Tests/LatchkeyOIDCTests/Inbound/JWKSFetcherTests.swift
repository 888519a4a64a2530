import Foundation
import LatchkeyOIDC
import NIOSSL
import Testing

/// Against a real HTTPS issuer on loopback with certificates made at test time.
@Suite struct JWKSFetcherTests {
    static let fast = JWKSFetcherConfiguration(
        requestTimeout: .milliseconds(800), totalDeadline: .milliseconds(1500), maximumResponseBytes: 64 * 1024
    )

    static func withFetcher<T>(
        _ configuration: JWKSFetcherConfiguration = fast, _ body: (JWKSFetcher) async throws -> T
    ) async throws -> T {
        let fetcher = JWKSFetcher(configuration: configuration)
        do {
            let result = try await body(fetcher)
            try await fetcher.shutdown()
            return result
        } catch {
            try? await fetcher.shutdown()
            throw error
        }
    }

    static func configuration(trusting certificates: TestCertificates) throws -> JWKSFetcherConfiguration {
        var configuration = fast
        let path = try certificates.writeCAFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        configuration.additionalTrustRoots = try JWKSFetcherConfiguration.loadTrustedCAFile(path)
        return configuration
    }

    static func verify(
        issuer: TestIssuer, fetcher: JWKSFetcher, keys: TestKeys, thumbprints: [String] = []
    ) async throws -> VerifiedWebIdentity {
        let provider = try #require(
            RegisteredOIDCProvider(url: issuer.issuerURL, clientIDs: ["client-1"], thumbprints: thumbprints)
        )
        let now = Date()
        let token = try keys.token("ES256", payload: TestKeys.claims(issuer: issuer.issuerURL, now: now))
        return try await WebIdentityTokenVerifier(cache: JWKSCache(fetcher: fetcher))
            .verify(token: token, provider: provider, now: now)
    }

    @Test("an issuer whose CA is in idpTrustedCAFile is trusted, over https://127.0.0.1:PORT")
    func caFileTrustWorks() async throws {
        let keys = try await TestKeys.make()
        let certificates = try TestCertificates.caIssued()
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks()) { issuer in
            try await Self.withFetcher(try Self.configuration(trusting: certificates)) { fetcher in
                let identity = try await Self.verify(issuer: issuer, fetcher: fetcher, keys: keys)
                #expect(identity.provider.identity == "127.0.0.1:\(issuer.port)")
            }
            #expect(issuer.discoveryRequests == 1)
            #expect(issuer.jwksRequests == 1)
        }
    }

    @Test("without the CA file or a thumbprint the issuer is not trusted: IDPCommunicationError")
    func untrustedIssuerIsACommunicationError() async throws {
        let keys = try await TestKeys.make()
        let certificates = try TestCertificates.caIssued()
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks()) { issuer in
            try await Self.withFetcher { fetcher in
                let error = await #expect(throws: WebIdentityError.self) {
                    try await Self.verify(issuer: issuer, fetcher: fetcher, keys: keys)
                }
                #expect(error?.code == .communication)
                #expect(error?.message == WebIdentityError.communicationMessage)
            }
            #expect(issuer.jwksRequests == 0)
        }
    }

    @Test("a chain that does not verify is accepted when its top certificate's thumbprint is registered",
          arguments: [true, false])
    func registeredThumbprintIsTrusted(selfSigned: Bool) async throws {
        let keys = try await TestKeys.make()
        let certificates = selfSigned ? try TestCertificates.selfSigned() : try TestCertificates.caIssued()
        let thumbprint = try TestCertificates.thumbprint(certificates.caCertificate).uppercased()
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks()) { issuer in
            try await Self.withFetcher { fetcher in
                let identity = try await Self.verify(issuer: issuer, fetcher: fetcher, keys: keys, thumbprints: [thumbprint])
                #expect(identity.subject == "subject-123456")
            }
            #expect(issuer.jwksRequests == 1)
        }
    }

    @Test("a chain that does not verify is refused when its thumbprint is not registered")
    func unregisteredThumbprintIsRefused() async throws {
        let keys = try await TestKeys.make()
        let certificates = try TestCertificates.selfSigned()
        let leafOnly = try TestCertificates.thumbprint(certificates.serverChain[0])
        let other = String(leafOnly.reversed())
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks()) { issuer in
            try await Self.withFetcher { fetcher in
                let error = await #expect(throws: WebIdentityError.self) {
                    try await Self.verify(issuer: issuer, fetcher: fetcher, keys: keys, thumbprints: [other])
                }
                #expect(error?.code == .communication)
            }
            #expect(issuer.jwksRequests == 0)
        }
    }

    @Test("a hostile or broken identity provider costs bounded time and yields IDPCommunicationError", arguments: [
        TestIssuer.Behaviour.neverAnswer, .hugeBody, .redirectLoop, .wrongContentType, .slowDrip,
        .wrongDiscoveryIssuer, .plainHTTPJWKSURI,
    ])
    func hostileIssuerIsBounded(behaviour: TestIssuer.Behaviour) async throws {
        let keys = try await TestKeys.make()
        let certificates = try TestCertificates.caIssued()
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks(), behaviour: behaviour) { issuer in
            try await Self.withFetcher(try Self.configuration(trusting: certificates)) { fetcher in
                let clock = ContinuousClock()
                let start = clock.now
                let error = await #expect(throws: WebIdentityError.self) {
                    try await Self.verify(issuer: issuer, fetcher: fetcher, keys: keys)
                }
                #expect(error?.code == .communication)
                // The deadline is 1.5 s; the bound leaves room for a loaded CI machine running every suite at once,
                // and is still far below what an unbounded fetch costs (never answering; a 50 s slow drip).
                #expect(clock.now - start < .seconds(20))
            }
            #expect(issuer.jwksRequests == 0)
        }
    }

    @Test("the thumbprint transport is bounded in time and size too", arguments: [
        TestIssuer.Behaviour.neverAnswer, .hugeBody, .slowDrip, .redirectLoop, .wrongContentType,
    ])
    func thumbprintTransportIsBounded(behaviour: TestIssuer.Behaviour) async throws {
        let keys = try await TestKeys.make()
        let certificates = try TestCertificates.selfSigned()
        let thumbprint = try TestCertificates.thumbprint(certificates.caCertificate)
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks(), behaviour: behaviour) { issuer in
            try await Self.withFetcher { fetcher in
                let clock = ContinuousClock()
                let start = clock.now
                let error = await #expect(throws: WebIdentityError.self) {
                    try await Self.verify(issuer: issuer, fetcher: fetcher, keys: keys, thumbprints: [thumbprint])
                }
                #expect(error?.code == .communication)
                // The deadline is 1.5 s; the bound leaves room for a loaded CI machine running every suite at once,
                // and is still far below what an unbounded fetch costs (never answering; a 50 s slow drip).
                #expect(clock.now - start < .seconds(20))
            }
            #expect(issuer.jwksRequests == 0)
        }
    }

    @Test("50 concurrent verifications with a cold cache make one discovery and one JWKS request")
    func coldCacheIsSingleFlight() async throws {
        let keys = try await TestKeys.make()
        let certificates = try TestCertificates.caIssued()
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks()) { issuer in
            var configuration = try Self.configuration(trusting: certificates)
            configuration.totalDeadline = .seconds(10)
            configuration.requestTimeout = .seconds(5)
            try await Self.withFetcher(configuration) { fetcher in
                let provider = try #require(RegisteredOIDCProvider(url: issuer.issuerURL, clientIDs: ["client-1"]))
                let verifier = WebIdentityTokenVerifier(cache: JWKSCache(fetcher: fetcher))
                let now = Date()
                let token = try keys.token("RS256", payload: TestKeys.claims(issuer: issuer.issuerURL, now: now))
                let subjects = try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<50 {
                        group.addTask { try await verifier.verify(token: token, provider: provider, now: now).subject }
                    }
                    var subjects: [String] = []
                    for try await subject in group { subjects.append(subject) }
                    return subjects
                }
                #expect(subjects.count == 50)
            }
            #expect(issuer.discoveryRequests == 1)
            #expect(issuer.jwksRequests == 1)
        }
    }
}
