import AsyncHTTPClient
public import CoreMetrics
public import LatchkeyOIDC
import NIOCore
import NIOHTTP1
public import NIOSSL

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Limits and trust for fetching OIDC discovery documents and key sets.
public struct JWKSFetcherConfiguration: Sendable {
    /// The timeout of one HTTP request (connect, then each read).
    public var requestTimeout: Duration
    /// The deadline for one whole fetch (discovery document and JWKS, bodies included).
    public var totalDeadline: Duration
    /// The largest response body accepted.
    public var maximumResponseBytes: Int
    /// Extra trusted CA certificates (`idpTrustedCAFile`), added to the system roots.
    public var additionalTrustRoots: [NIOSSLCertificate]
    /// The clock that measures ``totalDeadline``. The server uses `ContinuousClock`; tests inject a clock they
    /// move by hand, so that whether the deadline trips never depends on how fast the machine is.
    public var deadlineClock: any Clock<Duration>

    /// Creates a configuration; the defaults are 5 s per request, 10 s per fetch, 256 KiB per body.
    public init(
        requestTimeout: Duration = .seconds(5),
        totalDeadline: Duration = .seconds(10),
        maximumResponseBytes: Int = 256 * 1024,
        additionalTrustRoots: [NIOSSLCertificate] = [],
        deadlineClock: any Clock<Duration> = ContinuousClock()
    ) {
        self.requestTimeout = requestTimeout
        self.totalDeadline = totalDeadline
        self.maximumResponseBytes = maximumResponseBytes
        self.additionalTrustRoots = additionalTrustRoots
        self.deadlineClock = deadlineClock
    }

    /// Loads the PEM certificates of `idpTrustedCAFile`; throws when the file cannot be read or parsed.
    public static func loadTrustedCAFile(_ path: String) throws -> [NIOSSLCertificate] {
        try NIOSSLCertificate.fromPEMFile(path)
    }
}

/// The AsyncHTTPClient-based ``JWKSFetching``.
///
/// - TLS: system roots plus ``JWKSFetcherConfiguration/additionalTrustRoots``, full hostname verification.
///   When that chain does not verify and the provider lists thumbprints, the request is repeated over
///   ``ThumbprintHTTPSClient`` (a small NIO client; AsyncHTTPClient has no verification callback), which
///   accepts the server only if the SHA-1 of the last certificate it presents is in the ThumbprintList.
/// - No redirects, no HTTP/2, no connection retry; status 200, a JSON media type and a capped body.
/// - Every failure is ``WebIdentityError/Code/communication`` with AWS's message; the cause is a log detail.
public final class JWKSFetcher: JWKSFetching {
    private let client: HTTPClient
    private let configuration: JWKSFetcherConfiguration
    /// Counted fetches and their latency, per document; nil without a metrics factory.
    private let discoveryMetrics: FetchMetrics?
    private let keySetMetrics: FetchMetrics?

    /// Creates a fetcher with its own `HTTPClient`; call ``shutdown()`` when done.
    /// - Parameter metrics: where each fetch is counted (`latchkey_idp_fetches_total`, by document and outcome) and
    ///   timed (`latchkey_idp_fetch_duration_seconds`, by document); nil counts nothing.
    public init(configuration: JWKSFetcherConfiguration = .init(), metrics: (any MetricsFactory)? = nil) {
        discoveryMetrics = metrics.map { FetchMetrics(document: "discovery", factory: $0) }
        keySetMetrics = metrics.map { FetchMetrics(document: "jwks", factory: $0) }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.additionalTrustRoots =
            configuration.additionalTrustRoots.isEmpty
            ? [] : [.certificates(configuration.additionalTrustRoots)]
        let timeout = TimeAmount(configuration.requestTimeout)
        var http = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: timeout, read: timeout),
            decompression: .disabled
        )
        http.httpVersion = .http1Only
        http.connectionPool.retryConnectionEstablishment = false
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: http)
        self.configuration = configuration
    }

    /// Shuts the underlying `HTTPClient` down.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Fetches the discovery document, checks its `issuer`, then fetches its `jwks_uri`.
    public func fetchKeySetDocument(for provider: RegisteredOIDCProvider) async throws(WebIdentityError) -> [UInt8] {
        try await Self.withDeadline(configuration.totalDeadline, clock: configuration.deadlineClock) {
            let discovery = try await FetchMetrics.measure(self.discoveryMetrics) {
                try await self.get(HTTPSTarget(discoveryOf: provider.identity), provider: provider)
            }
            let jwksTarget = try DiscoveryDocument.jwksTarget(discovery, provider: provider.identity)
            return try await FetchMetrics.measure(self.keySetMetrics) {
                try await self.get(jwksTarget, provider: provider)
            }
        }
    }

    private func get(_ target: HTTPSTarget, provider: RegisteredOIDCProvider) async throws -> [UInt8] {
        do {
            return try await ahcGet(target)
        } catch let error where !provider.thumbprints.isEmpty && Self.isTLSFailure(error) {
            let response = try await ThumbprintHTTPSClient.get(
                target, thumbprints: provider.thumbprints, timeout: configuration.requestTimeout,
                maximumBodyBytes: configuration.maximumResponseBytes
            )
            return try response.validatedBody()
        }
    }

    private func ahcGet(_ target: HTTPSTarget) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: target.url)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await client.execute(request, timeout: TimeAmount(configuration.requestTimeout))
        guard response.status == .ok else {
            throw WebIdentityError.communication("\(target) answered \(response.status.code)")
        }
        let fetched = FetchedResponse(
            status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"), body: []
        )
        try fetched.validateHead()
        var buffer: ByteBuffer
        do {
            buffer = try await response.body.collect(upTo: configuration.maximumResponseBytes)
        } catch {
            throw WebIdentityError.communication("\(target): body too large or unreadable: \(error)")
        }
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    static func isTLSFailure(_ error: any Error) -> Bool {
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError { return true }
        return String(reflecting: error).contains("SSL")
    }

    /// The log detail of a fetch the overall deadline ended (AsyncHTTPClient's own per-request timeout says
    /// `deadlineExceeded`, so this wording is distinct).
    static let overallDeadlinePassed = "the fetch's overall deadline passed"

    /// Runs `body` with a deadline measured by `clock`; when the deadline passes first, `body` is cancelled (both
    /// transports close their connection on cancellation). Any non-``WebIdentityError`` failure becomes a
    /// communication error.
    static func withDeadline<T: Sendable>(
        _ deadline: Duration, clock: any Clock<Duration> = ContinuousClock(),
        _ body: @escaping @Sendable () async throws -> T
    ) async throws(WebIdentityError) -> T {
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await clock.sleep(for: deadline)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else {
                    throw WebIdentityError.communication("\(Self.overallDeadlinePassed) (\(deadline))")
                }
                return value
            }
        } catch let error as WebIdentityError {
            throw error
        } catch {
            throw .communication("\(error)")
        }
    }
}

/// One identity-provider document's fetch counters (outcome `ok` or `error`) and latency histogram.
struct FetchMetrics: Sendable {
    let succeeded: Counter
    let failed: Counter
    let duration: CoreMetrics.Timer

    init(document: String, factory: any MetricsFactory) {
        let fetches = "latchkey_idp_fetches_total"
        succeeded = Counter(label: fetches, dimensions: [("document", document), ("outcome", "ok")], factory: factory)
        failed = Counter(label: fetches, dimensions: [("document", document), ("outcome", "error")], factory: factory)
        duration = CoreMetrics.Timer(
            label: "latchkey_idp_fetch_duration_seconds", dimensions: [("document", document)], factory: factory)
    }

    /// Runs `body` (one document's GET), counting its outcome and timing it when `metrics` is set.
    static func measure(
        _ metrics: FetchMetrics?, _ body: () async throws -> [UInt8]
    ) async throws -> [UInt8] {
        guard let metrics else { return try await body() }
        let started = ContinuousClock.now
        do {
            let bytes = try await body()
            metrics.record(since: started, failed: false)
            return bytes
        } catch {
            metrics.record(since: started, failed: true)
            throw error
        }
    }

    private func record(since started: ContinuousClock.Instant, failed: Bool) {
        let elapsed = (ContinuousClock.now - started).components
        duration.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
        (failed ? self.failed : succeeded).increment()
    }
}

/// A fetched HTTP response head and body, checked the same way on both transports.
struct FetchedResponse: Sendable {
    let status: Int
    let contentType: String?
    let body: [UInt8]

    func validateHead() throws(WebIdentityError) {
        guard status == 200 else { throw .communication("status \(status)") }
        guard let contentType else { throw .communication("no Content-Type") }
        let mediaType =
            contentType.split(separator: ";", maxSplits: 1).first.map {
                String($0).filter { $0 != " " && $0 != "\t" }.lowercased()
            } ?? ""
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            throw .communication("Content-Type \(mediaType) is not JSON")
        }
    }

    func validatedBody() throws(WebIdentityError) -> [UInt8] {
        try validateHead()
        return body
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
