public import Foundation
import LatchkeyBase
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeyOIDC

extension IAMService {
    /// At most this many client IDs on one provider (IAM's quota).
    static let maxClientIDs = 100
    /// At most this many thumbprints on one provider.
    static let maxThumbprints = 5
    /// At most this many OIDC providers in one account.
    static let maxOIDCProviders = 100

    /// `CreateOpenIDConnectProvider`: `https://HOST[:PORT][/PATH]`, no query or fragment; the ARN keeps the port
    /// (`oidc-provider/HOST:PORT/PATH`). Thumbprints are optional (the issuer's TLS chain is verified first), at most 5,
    /// each 40 hex digits.
    public func createOpenIDConnectProvider(_ input: CreateOpenIDConnectProviderInput, caller: Caller, now: Date)
        async throws(STSError) -> CreateOpenIDConnectProviderOutput
    {
        let identity = try Self.oidcIdentity(input.url)
        let tags = (input.tags ?? []).map(ResourceTag.init)
        let provider = OIDCProvider(
            accountId: caller.accountId, identity: identity, url: "https://\(identity)",
            clientIDs: Self.unique(input.clientIDList ?? []),
            thumbprints: try Self.checkThumbprints(input.thumbprintList ?? []), tags: tags, createDate: now.wholeSeconds
        )
        try await authorize(caller, CreateOpenIDConnectProviderInput.operation, resource: provider.arn)
        try Self.checkTagKeysUnique(tags)
        guard provider.clientIDs.count <= Self.maxClientIDs else {
            throw STSError(
                .limitExceeded, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: \(Self.maxClientIDs)")
        }
        // The quota is counted in the transaction that inserts, so concurrent creations cannot overshoot it.
        try await storeCall({ try await store.insertOIDCProvider(provider, maxPerAccount: Self.maxOIDCProviders) }) {
            error in
            switch error.code {
            case .alreadyExists: STSError(.entityAlreadyExists, "Provider with url \(provider.url) already exists.")
            case .limitExceeded:
                STSError(
                    .limitExceeded, "Cannot exceed quota for OpenIdConnectProvidersPerAccount: \(Self.maxOIDCProviders)"
                )
            default: nil
            }
        }
        return CreateOpenIDConnectProviderOutput(
            openIDConnectProviderArn: provider.arn, tags: tags.isEmpty ? nil : tags.map(IAM.Tag.init))
    }

    /// `GetOpenIDConnectProvider`: the URL without its scheme, as IAM answers.
    public func getOpenIDConnectProvider(_ input: GetOpenIDConnectProviderInput, caller: Caller) async throws(STSError)
        -> GetOpenIDConnectProviderOutput
    {
        let arn = input.openIDConnectProviderArn
        try await authorize(caller, GetOpenIDConnectProviderInput.operation, resource: arn)
        return GetOpenIDConnectProviderOutput(try await requireOIDCProvider(caller.accountId, arn))
    }

    /// `ListOpenIDConnectProviders`: every provider of the account, ordered by identity.
    public func listOpenIDConnectProviders(_ input: ListOpenIDConnectProvidersInput, caller: Caller)
        async throws(STSError) -> ListOpenIDConnectProvidersOutput
    {
        try await authorize(caller, ListOpenIDConnectProvidersInput.operation, resource: "*")
        let providers = try await storeCall({ try await store.oidcProviders(accountId: caller.accountId) })
        return ListOpenIDConnectProvidersOutput(
            openIDConnectProviderList: providers.map { IAM.OpenIDConnectProviderListEntry(arn: $0.arn) })
    }

    /// `DeleteOpenIDConnectProvider`: a provider that does not exist is `NoSuchEntity` 404, as IAM answers (its
    /// documentation calls the operation idempotent; the answers recorded from AWS in 2026 are not).
    public func deleteOpenIDConnectProvider(_ input: DeleteOpenIDConnectProviderInput, caller: Caller)
        async throws(STSError) -> DeleteOpenIDConnectProviderOutput
    {
        let arn = input.openIDConnectProviderArn
        try await authorize(caller, DeleteOpenIDConnectProviderInput.operation, resource: arn)
        guard let identity = Self.oidcIdentity(arn: arn, account: caller.accountId) else {
            throw Self.noSuchOIDCProviderToDelete(arn)
        }
        let accountId = caller.accountId
        try await storeCall({ try await store.deleteOIDCProvider(accountId: accountId, identity: identity) }) { error in
            error.code == .notFound ? Self.noSuchOIDCProviderToDelete(arn) : nil
        }
        return DeleteOpenIDConnectProviderOutput()
    }

    /// `AddClientIDToOpenIDConnectProvider`: adding a client ID that is already there changes nothing; at most 100.
    public func addClientIDToOpenIDConnectProvider(_ input: AddClientIDToOpenIDConnectProviderInput, caller: Caller)
        async throws(STSError) -> AddClientIDToOpenIDConnectProviderOutput
    {
        let (arn, clientID) = (input.openIDConnectProviderArn, input.clientID)
        try await authorize(caller, AddClientIDToOpenIDConnectProviderInput.operation, resource: arn)
        try await modifyOIDCProvider(caller.accountId, arn) { provider in
            // Checked against the client IDs actually stored, inside the store's transaction.
            guard !provider.clientIDs.contains(clientID) else { return }
            guard provider.clientIDs.count < Self.maxClientIDs else {
                throw STSError(
                    .limitExceeded, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: \(Self.maxClientIDs)")
            }
            provider.clientIDs.append(clientID)
        }
        return AddClientIDToOpenIDConnectProviderOutput()
    }

    /// `RemoveClientIDFromOpenIDConnectProvider`: removing a client ID that is not there changes nothing.
    public func removeClientIDFromOpenIDConnectProvider(
        _ input: RemoveClientIDFromOpenIDConnectProviderInput, caller: Caller
    ) async throws(STSError) -> RemoveClientIDFromOpenIDConnectProviderOutput {
        let (arn, clientID) = (input.openIDConnectProviderArn, input.clientID)
        try await authorize(caller, RemoveClientIDFromOpenIDConnectProviderInput.operation, resource: arn)
        try await modifyOIDCProvider(caller.accountId, arn) { provider in
            provider.clientIDs.removeAll { $0 == clientID }
        }
        return RemoveClientIDFromOpenIDConnectProviderOutput()
    }

    /// `UpdateOpenIDConnectProviderThumbprint`: replaces the whole list.
    public func updateOpenIDConnectProviderThumbprint(
        _ input: UpdateOpenIDConnectProviderThumbprintInput, caller: Caller
    ) async throws(STSError) -> UpdateOpenIDConnectProviderThumbprintOutput {
        let (arn, thumbprints) = (input.openIDConnectProviderArn, input.thumbprintList)
        try await authorize(caller, UpdateOpenIDConnectProviderThumbprintInput.operation, resource: arn)
        try await modifyOIDCProvider(caller.accountId, arn) { provider in
            // Checked after the provider is found, as before (a missing provider is NoSuchEntity whatever the list).
            provider.thumbprints = try Self.checkThumbprints(thumbprints)
        }
        return UpdateOpenIDConnectProviderThumbprintOutput()
    }

    // MARK: Helpers

    static func noSuchOIDCProviderToDelete(_ arn: String) -> STSError {
        STSError(.noSuchEntity, "OpenId connect Provider \(arn) cannot be found.")
    }

    static func noSuchOIDCProvider(_ arn: String) -> STSError {
        STSError(.noSuchEntity, "OpenIDConnect Provider not found for arn \(arn)")
    }

    func requireOIDCProvider(_ accountId: String, _ arn: String) async throws(STSError) -> OIDCProvider {
        guard let identity = Self.oidcIdentity(arn: arn, account: accountId),
            let provider = try await storeCall({
                try await store.oidcProvider(accountId: accountId, identity: identity)
            })
        else { throw Self.noSuchOIDCProvider(arn) }
        return provider
    }

    /// Changes the provider atomically (read, `change`, write in one store transaction, so concurrent updates are
    /// not lost); an `STSError` thrown by `change` comes back as it is, a missing provider is `NoSuchEntity`.
    func modifyOIDCProvider(
        _ accountId: String, _ arn: String, _ change: @escaping @Sendable (inout OIDCProvider) throws -> Void
    ) async throws(STSError) {
        guard let identity = Self.oidcIdentity(arn: arn, account: accountId) else { throw Self.noSuchOIDCProvider(arn) }
        _ = try await storeCall({ try await store.modifyOIDCProvider(accountId: accountId, identity: identity, change) }
        ) {
            error in error.code == .notFound ? Self.noSuchOIDCProvider(arn) : nil
        }
    }

    /// The identity in `arn:aws:iam::ACCOUNT:oidc-provider/IDENTITY` of this account, or nil.
    static func oidcIdentity(arn: String, account: String) -> String? {
        let prefix = "arn:aws:iam::\(account):oidc-provider/"
        guard arn.hasPrefix(prefix), arn.count > prefix.count else { return nil }
        return String(arn.dropFirst(prefix.count))
    }

    /// The provider identity of an issuer URL (`https://HOST[:PORT][/PATH]`, without user information, query or
    /// fragment), or `ValidationError` "Invalid Open ID Connect Provider URL", as IAM answers.
    static func oidcIdentity(_ url: String) throws(STSError) -> String {
        guard let identity = OIDCProviderIdentity(url: url)?.identity else {
            throw STSError(.validationError, "Invalid Open ID Connect Provider URL")
        }
        return identity
    }

    /// Thumbprints: at most 5, each 40 hexadecimal digits; stored lowercased, without duplicates.
    static func checkThumbprints(_ thumbprints: [String]) throws(STSError) -> [String] {
        let normalized = unique(thumbprints.map { $0.lowercased() })
        guard normalized.count <= maxThumbprints else {
            // IAM's wording, although five entries are accepted.
            throw STSError(.invalidInput, "Thumbprint list must contain fewer than \(maxThumbprints) entries.")
        }
        for thumbprint in normalized where !Hex.isLowercaseHex(thumbprint, count: 40) {
            throw STSError(.invalidInput, "Thumbprint \(thumbprint) is not 40 hexadecimal digits.")
        }
        return normalized
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
