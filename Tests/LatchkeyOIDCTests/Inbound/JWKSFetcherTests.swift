import Foundation
import LatchkeyOIDC
import LatchkeyOIDCHTTP
import NIOSSL
import Testing

/// Against a real HTTPS issuer on loopback with certificates made at test time.
///
/// No outcome here depends on how fast the machine is: the per-request timeouts are a minute (only the test that is
/// about them shortens them, and there any way of failing is the expected one), and the overall deadline is measured
/// by a ``ManualClock`` that moves only when a test advances it.
@Suite struct JWKSFetcherTests {
    /// What the fetcher logs when its overall deadline ended a fetch (AsyncHTTPClient's per-request timeout is
    /// `deadlineExceeded`, which must not be mistaken for it).
    static let overallDeadline = "the fetch's overall deadline passed"

    /// Generous per-request timeouts and an overall deadline on a clock only the test moves.
    static func generous(clock: ManualClock = ManualClock()) -> JWKSFetcherConfiguration {
        JWKSFetcherConfiguration(
            requestTimeout: .seconds(60), totalDeadline: .seconds(10), maximumResponseBytes: 64 * 1024,
            deadlineClock: clock
        )
    }

    static func withFetcher<T>(
        _ configuration: JWKSFetcherConfiguration = generous(), _ body: (JWKSFetcher) async throws -> T
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

    static func configuration(
        trusting certificates: TestCertificates, _ base: JWKSFetcherConfiguration = generous()
    ) throws -> JWKSFetcherConfiguration {
        var configuration = base
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

    @Test(
        "a chain that does not verify is accepted when its top certificate's thumbprint is registered",
        arguments: [true, false])
    func registeredThumbprintIsTrusted(selfSigned: Bool) async throws {
        let keys = try await TestKeys.make()
        let certificates = selfSigned ? try TestCertificates.selfSigned() : try TestCertificates.caIssued()
        let thumbprint = try TestCertificates.thumbprint(certificates.caCertificate).uppercased()
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks()) { issuer in
            try await Self.withFetcher { fetcher in
                let identity = try await Self.verify(
                    issuer: issuer, fetcher: fetcher, keys: keys, thumbprints: [thumbprint])
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

    @Test(
        "a broken identity provider yields IDPCommunicationError from its own check, not from a deadline",
        arguments: [
            TestIssuer.Behaviour.hugeBody, .redirectLoop, .wrongContentType, .wrongDiscoveryIssuer, .plainHTTPJWKSURI,
        ])
    func brokenIssuerIsRefused(behaviour: TestIssuer.Behaviour) async throws {
        let keys = try await TestKeys.make()
        let certificates = try TestCertificates.caIssued()
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks(), behaviour: behaviour) { issuer in
            try await Self.withFetcher(try Self.configuration(trusting: certificates)) { fetcher in
                let error = await #expect(throws: WebIdentityError.self) {
                    try await Self.verify(issuer: issuer, fetcher: fetcher, keys: keys)
                }
                #expect(error?.code == .communication)
                #expect(
                    error?.logDetail?.contains(Self.overallDeadline) == false, "\(String(describing: error?.logDetail))"
                )
            }
            #expect(issuer.jwksRequests == 0)
        }
    }

    @Test(
        "the thumbprint transport refuses huge bodies, redirects and non-JSON by its own checks",
        arguments: [
            TestIssuer.Behaviour.hugeBody, .redirectLoop, .wrongContentType,
        ])
    func thumbprintTransportChecksResponses(behaviour: TestIssuer.Behaviour) async throws {
        let keys = try await TestKeys.make()
        let certificates = try TestCertificates.selfSigned()
        let thumbprint = try TestCertificates.thumbprint(certificates.caCertificate)
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks(), behaviour: behaviour) { issuer in
            try await Self.withFetcher { fetcher in
                let error = await #expect(throws: WebIdentityError.self) {
                    try await Self.verify(issuer: issuer, fetcher: fetcher, keys: keys, thumbprints: [thumbprint])
                }
                #expect(error?.code == .communication)
                #expect(
                    error?.logDetail?.contains(Self.overallDeadline) == false, "\(String(describing: error?.logDetail))"
                )
            }
            #expect(issuer.jwksRequests == 0)
        }
    }

    /// Waits (polling, up to a minute) until the issuer has received the discovery request and the fetch sleeps on
    /// the deadline clock; the minute is a hang guard, not a speed bound.
    static func waitUntilInFlight(_ issuer: TestIssuer, clock: ManualClock) async throws {
        for _ in 0..<6000 {
            if issuer.discoveryRequests > 0 && clock.sleeperCount > 0 { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the fetch never reached the issuer")
    }

    @Test(
        "an issuer that never answers or drips its body is cut off by the overall deadline, on both transports",
        arguments: [TestIssuer.Behaviour.neverAnswer, .slowDrip], [false, true])
    func overallDeadlineCutsOffAStalledIssuer(behaviour: TestIssuer.Behaviour, viaThumbprint: Bool) async throws {
        let keys = try await TestKeys.make()
        let certificates = viaThumbprint ? try TestCertificates.selfSigned() : try TestCertificates.caIssued()
        let thumbprints = viaThumbprint ? [try TestCertificates.thumbprint(certificates.caCertificate)] : []
        let clock = ManualClock()
        let configuration =
            viaThumbprint
            ? Self.generous(clock: clock) : try Self.configuration(trusting: certificates, Self.generous(clock: clock))
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks(), behaviour: behaviour) { issuer in
            try await Self.withFetcher(configuration) { fetcher in
                async let outcome: WebIdentityError? = {
                    do {
                        _ = try await Self.verify(
                            issuer: issuer, fetcher: fetcher, keys: keys, thumbprints: thumbprints)
                        return nil
                    } catch let error as WebIdentityError {
                        return error
                    }
                }()
                try await Self.waitUntilInFlight(issuer, clock: clock)
                // The request is in flight and neither it nor its one-minute timeout can finish on its own: only the
                // deadline can end it, and it must.
                clock.advance(by: configuration.totalDeadline)
                let error = try await outcome
                #expect(error?.code == .communication)
                #expect(
                    error?.logDetail?.contains(Self.overallDeadline) == true, "\(String(describing: error?.logDetail))")
            }
            #expect(issuer.jwksRequests == 0)
        }
    }

    @Test(
        "the per-request timeout cuts off an issuer that never answers, with the overall deadline never reached",
        arguments: [false, true])
    func requestTimeoutCutsOffASilentIssuer(viaThumbprint: Bool) async throws {
        let keys = try await TestKeys.make()
        let certificates = viaThumbprint ? try TestCertificates.selfSigned() : try TestCertificates.caIssued()
        let thumbprints = viaThumbprint ? [try TestCertificates.thumbprint(certificates.caCertificate)] : []
        // The deadline clock never moves, so only the request timeout can end the fetch; however slow the machine,
        // it ends with IDPCommunicationError (the timeout trips while connecting, handshaking or waiting).
        var configuration =
            viaThumbprint
            ? Self.generous() : try Self.configuration(trusting: certificates)
        configuration.requestTimeout = .milliseconds(300)
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks(), behaviour: .neverAnswer) {
            issuer in
            try await Self.withFetcher(configuration) { fetcher in
                let error = await #expect(throws: WebIdentityError.self) {
                    try await Self.verify(issuer: issuer, fetcher: fetcher, keys: keys, thumbprints: thumbprints)
                }
                #expect(error?.code == .communication)
                #expect(
                    error?.logDetail?.contains(Self.overallDeadline) == false, "\(String(describing: error?.logDetail))"
                )
            }
            #expect(issuer.jwksRequests == 0)
        }
    }

    @Test("50 concurrent verifications with a cold cache make one discovery and one JWKS request")
    func coldCacheIsSingleFlight() async throws {
        let keys = try await TestKeys.make()
        let certificates = try TestCertificates.caIssued()
        try await TestIssuer.with(certificates: certificates, jwks: try keys.jwks()) { issuer in
            try await Self.withFetcher(try Self.configuration(trusting: certificates)) { fetcher in
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
