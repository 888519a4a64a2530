import Foundation

/// What the transport knows about a request that policies may test: the `aws:` request keys that are not about
/// the principal.
public struct RequestMetadata: Sendable {
    public var sourceIp: String?
    public var userAgent: String?
    public var secureTransport: Bool
    public var requestedRegion: String?

    public init(
        sourceIp: String? = nil, userAgent: String? = nil, secureTransport: Bool = false, requestedRegion: String? = nil
    ) {
        self.sourceIp = sourceIp
        self.userAgent = userAgent
        self.secureTransport = secureTransport
        self.requestedRegion = requestedRegion
    }
}
