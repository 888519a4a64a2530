/// Persistence of identity providers (OIDC and SAML) and of each account's outbound web identity issuer.
///
/// The conventions are `IdentityStore`'s: every method is one atomic unit; errors are `StoreError`
/// (`.notFound` when the account or the entity is missing, `.alreadyExists` when the identity or name is taken);
/// any other error means the store is unavailable. OIDC providers are keyed by their identity (exactly, it is
/// already lowercased where case does not matter), SAML providers by name case-insensitively. Lists are ordered
/// by identity or name.
public protocol FederationStore: Sendable {
    // MARK: OIDC providers
    func insertOIDCProvider(_ provider: OIDCProvider) async throws
    func oidcProvider(accountId: String, identity: String) async throws -> OIDCProvider?
    func oidcProviders(accountId: String) async throws -> [OIDCProvider]
    /// Replaces the client IDs, thumbprints and tags of the provider with this identity; `.notFound` if missing.
    func updateOIDCProvider(_ provider: OIDCProvider) async throws
    func deleteOIDCProvider(accountId: String, identity: String) async throws

    // MARK: SAML providers
    func insertSAMLProvider(_ provider: SAMLProvider) async throws
    func samlProvider(accountId: String, name: String) async throws -> SAMLProvider?
    func samlProviders(accountId: String) async throws -> [SAMLProvider]
    /// Replaces the metadata (document, certificates, entity ID, valid-until) and tags; `.notFound` if missing.
    func updateSAMLProvider(_ provider: SAMLProvider) async throws
    func deleteSAMLProvider(accountId: String, name: String) async throws

    // MARK: Outbound web identity federation
    /// The account's outbound state; nil when it was never enabled.
    func outboundFederation(accountId: String) async throws -> OutboundFederation?
    /// Saves the state and replaces the account's keys with `state.keys`; `.notFound` if the account is missing.
    func saveOutboundFederation(_ state: OutboundFederation) async throws
}
