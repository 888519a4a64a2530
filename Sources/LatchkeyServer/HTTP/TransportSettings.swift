/// HTTPS served directly and the reverse proxies whose forwarding headers are believed.
public struct TransportSettings: Sendable, Equatable {
    public init() {}
}
