import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the peer address, for `aws:SourceIp`.
struct LatchkeyRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client's IP address as text, if the connection has one.
    let sourceIp: String?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.sourceIp = source.channel.remoteAddress?.ipAddress
    }
}
