/// Persistence of identity providers (OIDC and SAML) and of each account's outbound web identity issuer.
///
/// The conventions are `IdentityStore`'s: every method is one atomic unit; errors are `StoreError`
/// (`.notFound` when the account or the entity is missing, `.alreadyExists` when the identity or name is taken);
/// any other error means the store is unavailable. OIDC providers are keyed by their identity (exactly, it is
/// already lowercased where case does not matter), SAML providers by name case-insensitively. Lists are ordered
/// by identity or name.
///
/// The rule of `IdentityStore` ("No lost updates") holds here too: every read-modify-write of an entity happens in
/// one write transaction (or is a targeted update of the changed columns/rows); every quota is checked inside the
/// transaction that inserts. The `modify...` methods follow the contract written there.
public protocol FederationStore: Sendable {
    // MARK: OIDC providers
    /// Inserts a provider; `.alreadyExists` if the identity is taken, `.notFound` if the account is missing,
    /// `.limitExceeded` if the account already has `maxPerAccount` providers (counted in the same transaction).
    func insertOIDCProvider(_ provider: OIDCProvider, maxPerAccount: Int?) async throws
    func oidcProvider(accountId: String, identity: String) async throws -> OIDCProvider?
    func oidcProviders(accountId: String) async throws -> [OIDCProvider]
    /// Atomically changes the provider (see `IdentityStore`, "No lost updates"): `change` gets the provider as
    /// stored, and its client IDs, thumbprints and tags are written in the same transaction. Returns the provider
    /// as stored. `.notFound` if missing.
    @discardableResult
    func modifyOIDCProvider(
        accountId: String, identity: String, _ change: @escaping @Sendable (inout OIDCProvider) throws -> Void
    ) async throws -> OIDCProvider
    func deleteOIDCProvider(accountId: String, identity: String) async throws

    // MARK: SAML providers
    /// Inserts a provider; `.alreadyExists` if the name (case-insensitively) is taken, `.notFound` if the account
    /// is missing, `.limitExceeded` if the account already has `maxPerAccount` providers (counted in the same
    /// transaction).
    func insertSAMLProvider(_ provider: SAMLProvider, maxPerAccount: Int?) async throws
    func samlProvider(accountId: String, name: String) async throws -> SAMLProvider?
    func samlProviders(accountId: String) async throws -> [SAMLProvider]
    /// Atomically changes the provider (see `IdentityStore`, "No lost updates"): `change` gets the provider as
    /// stored (looked up by name case-insensitively), and its metadata (document, certificates, entity ID,
    /// valid-until) and tags are written in the same transaction. Returns the provider as stored. `.notFound` if
    /// missing.
    @discardableResult
    func modifySAMLProvider(
        accountId: String, name: String, _ change: @escaping @Sendable (inout SAMLProvider) throws -> Void
    ) async throws -> SAMLProvider
    func deleteSAMLProvider(accountId: String, name: String) async throws

    // MARK: Outbound web identity federation
    /// The account's outbound state; nil when it was never enabled.
    func outboundFederation(accountId: String) async throws -> OutboundFederation?
    /// Atomically changes the account's outbound state (see `IdentityStore`, "No lost updates"): `change` gets the
    /// state as stored (disabled and without keys when it was never enabled) and the result (whether it is
    /// enabled, and its keys, which replace the stored ones) is written in the same transaction. Returns the state
    /// as stored. `.notFound` if the account is missing.
    @discardableResult
    func modifyOutboundFederation(
        accountId: String, _ change: @escaping @Sendable (inout OutboundFederation) throws -> Void
    ) async throws -> OutboundFederation
}

extension FederationStore {
    /// Inserts an OIDC provider with no per-account quota.
    public func insertOIDCProvider(_ provider: OIDCProvider) async throws {
        try await insertOIDCProvider(provider, maxPerAccount: nil)
    }

    /// Inserts a SAML provider with no per-account quota.
    public func insertSAMLProvider(_ provider: SAMLProvider) async throws {
        try await insertSAMLProvider(provider, maxPerAccount: nil)
    }
}
