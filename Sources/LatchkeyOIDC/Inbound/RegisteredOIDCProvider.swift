/// An OpenID Connect provider as registered in IAM: its URL, the audiences it may issue for
/// (`ClientIDList`) and the certificate thumbprints trusted when its TLS chain does not verify
/// (`ThumbprintList`).
public struct RegisteredOIDCProvider: Sendable, Hashable {
    /// The provider's identity (`HOST[:PORT][/PATH]`).
    public let identity: OIDCProviderIdentity
    /// The accepted audiences (client IDs).
    public let clientIDs: [String]
    /// Lowercase hex SHA-1 thumbprints (40 characters) of the issuer's top intermediate CA certificate (or of
    /// its only certificate); consulted only when the chain does not verify against the trusted roots.
    public let thumbprints: Set<String>

    /// Creates a provider from its parsed identity; thumbprints are lowercased and any entry that is not
    /// 40 hexadecimal characters is ignored.
    public init(identity: OIDCProviderIdentity, clientIDs: [String], thumbprints: [String] = []) {
        self.identity = identity
        self.clientIDs = clientIDs
        self.thumbprints = Set(
            thumbprints.map { $0.lowercased() }.filter { text in
                text.utf8.count == 40
                    && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
            }
        )
    }

    /// Creates a provider from its registered URL; `nil` when the URL is not `https://HOST[:PORT][/PATH]`.
    public init?(url: String, clientIDs: [String], thumbprints: [String] = []) {
        guard let identity = OIDCProviderIdentity(url: url) else { return nil }
        self.init(identity: identity, clientIDs: clientIDs, thumbprints: thumbprints)
    }
}
