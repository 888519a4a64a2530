extension ChangeFeed {
    /// Subscribes the node's caches of store data: on every change seen or announced, the authorizer's roles,
    /// providers and policies, the resolver's long-term keys and the outbound issuer's account states are dropped.
    /// The node's other subscribers (session revocations, session-token keys) register themselves.
    public func subscribeCaches(
        resolver: CredentialResolver, authorizer: Authorizer, outbound: OutboundIssuerService?
    ) {
        subscribe {
            authorizer.invalidate()
            resolver.invalidateAll()
            outbound?.invalidate()
        }
    }
}
