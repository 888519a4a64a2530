import HTTPTypes
import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus where the request comes from, for `aws:SourceIp` and
/// `aws:SecureTransport`.
struct LatchkeyRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client's IP address as text, if known: the connection's peer, or the client a trusted proxy forwarded for
    /// (set by ``resolveClient(_:headers:)``).
    private(set) var sourceIp: String?
    /// Whether the request came over TLS: served directly, or to a trusted proxy that says so.
    private(set) var secureTransport = false
    /// The connection's peer address.
    let peerIp: String?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerIp = source.channel.remoteAddress?.ipAddress
        self.sourceIp = peerIp
    }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    /// Sets ``sourceIp`` and ``secureTransport`` from the server's TLS and trusted proxies (once per request).
    mutating func resolveClient(_ resolver: ClientAddressResolver, headers: HTTPFields) {
        guard resolver.isActive else { return }
        let forwardedFor = resolver.trustedProxies.isEmpty ? [] : headers[values: Self.forwardedFor]
        let forwardedProto = resolver.trustedProxies.isEmpty ? [] : headers[values: Self.forwardedProto]
        (sourceIp, secureTransport) = resolver.resolve(
            peer: peerIp, forwardedFor: forwardedFor, forwardedProto: forwardedProto)
    }
}
