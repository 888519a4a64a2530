public import LatchkeyDomain

extension InMemoryStore {
    // MARK: OIDC providers

    public func insertOIDCProvider(_ provider: OIDCProvider, maxPerAccount: Int?) async throws {
        try write { state in
            let accountId = provider.accountId
            try state.requireAccount(accountId)
            if let maxPerAccount {
                let count = state.oidcProviders.keys.count { $0.accountId == accountId }
                guard count < maxPerAccount else {
                    throw StoreError(.limitExceeded, "account \(accountId) already has \(count) OIDC providers")
                }
            }
            let key = NameKey(accountId, provider.identity)
            guard state.oidcProviders[key] == nil else {
                throw StoreError(
                    .alreadyExists, "OIDC provider \(provider.identity) in account \(accountId) already exists")
            }
            var stored = provider
            stored.createDate = Names.millis(provider.createDate)
            state.oidcProviders[key] = stored
        }
    }

    public func oidcProvider(accountId: String, identity: String) async throws -> OIDCProvider? {
        try read { state in state.oidcProviders[NameKey(accountId, identity)] }
    }

    public func oidcProviders(accountId: String) async throws -> [OIDCProvider] {
        try read { state in
            state.oidcProviders.filter { $0.key.accountId == accountId }
                .sorted { Names.precedes($0.key.key, $1.key.key) }.map(\.value)
        }
    }

    @discardableResult
    public func modifyOIDCProvider(
        accountId: String, identity: String, _ change: @escaping @Sendable (inout OIDCProvider) throws -> Void
    ) async throws -> OIDCProvider {
        try write { state in
            let key = NameKey(accountId, identity)
            guard let current = state.oidcProviders[key] else {
                throw StoreError(.notFound, "OIDC provider \(identity) in account \(accountId) does not exist")
            }
            var changed = current
            try change(&changed)
            var stored = current
            stored.clientIDs = changed.clientIDs
            stored.thumbprints = changed.thumbprints
            stored.tags = changed.tags
            state.oidcProviders[key] = stored
            return stored
        }
    }

    public func deleteOIDCProvider(accountId: String, identity: String) async throws {
        try write { state in
            guard state.oidcProviders.removeValue(forKey: NameKey(accountId, identity)) != nil else {
                throw StoreError(.notFound, "OIDC provider \(identity) in account \(accountId) does not exist")
            }
        }
    }

    // MARK: SAML providers

    public func insertSAMLProvider(_ provider: SAMLProvider, maxPerAccount: Int?) async throws {
        try write { state in
            let accountId = provider.accountId
            try state.requireAccount(accountId)
            if let maxPerAccount {
                let count = state.samlProviders.keys.count { $0.accountId == accountId }
                guard count < maxPerAccount else {
                    throw StoreError(.limitExceeded, "account \(accountId) already has \(count) SAML providers")
                }
            }
            let key = NameKey(accountId, name: provider.name)
            guard state.samlProviders[key] == nil,
                !state.samlProviders.values.contains(where: { $0.uuid == provider.uuid })
            else {
                throw StoreError(
                    .alreadyExists, "SAML provider \(provider.name) in account \(accountId) already exists")
            }
            var stored = provider
            stored.createDate = Names.millis(provider.createDate)
            stored.validUntil = provider.validUntil.map(Names.millis)
            state.samlProviders[key] = stored
        }
    }

    public func samlProvider(accountId: String, name: String) async throws -> SAMLProvider? {
        try read { state in state.samlProviders[NameKey(accountId, name: name)] }
    }

    public func samlProviders(accountId: String) async throws -> [SAMLProvider] {
        try read { state in
            state.samlProviders.filter { $0.key.accountId == accountId }
                .sorted { Names.precedes($0.key.key, $1.key.key) }.map(\.value)
        }
    }

    @discardableResult
    public func modifySAMLProvider(
        accountId: String, name: String, _ change: @escaping @Sendable (inout SAMLProvider) throws -> Void
    ) async throws -> SAMLProvider {
        try write { state in
            let key = NameKey(accountId, name: name)
            guard let current = state.samlProviders[key] else {
                throw StoreError(.notFound, "SAML provider \(name) in account \(accountId) does not exist")
            }
            var changed = current
            try change(&changed)
            var stored = current
            stored.metadataDocument = changed.metadataDocument
            stored.signingCertificates = changed.signingCertificates
            stored.entityId = changed.entityId
            stored.validUntil = changed.validUntil
            stored.tags = changed.tags
            var kept = stored
            kept.validUntil = stored.validUntil.map(Names.millis)
            state.samlProviders[key] = kept
            // Like SQLite, the value returned is the one written, before it is rounded to the millisecond.
            return stored
        }
    }

    public func deleteSAMLProvider(accountId: String, name: String) async throws {
        try write { state in
            guard state.samlProviders.removeValue(forKey: NameKey(accountId, name: name)) != nil else {
                throw StoreError(.notFound, "SAML provider \(name) in account \(accountId) does not exist")
            }
        }
    }

    // MARK: Outbound federation

    public func outboundFederation(accountId: String) async throws -> OutboundFederation? {
        try read { state in state.outbound[accountId] }
    }

    @discardableResult
    public func modifyOutboundFederation(
        accountId: String, _ change: @escaping @Sendable (inout OutboundFederation) throws -> Void
    ) async throws -> OutboundFederation {
        try write { state in
            try state.requireAccount(accountId)
            let current =
                state.outbound[accountId] ?? OutboundFederation(accountId: accountId, enabled: false, keys: [])
            var changed = current
            try change(&changed)
            changed.accountId = accountId
            var seen: Set<String> = []
            for key in changed.keys where !seen.insert(key.keyId).inserted {
                // SQLite's primary key (account, key ID) refuses the write; no mapping claims it.
                throw StoreError(.unavailable, "modifyOutboundFederation: duplicate key ID \(key.keyId)")
            }
            var stored = changed
            stored.keys = changed.keys.map { key in
                var kept = key
                kept.createdAt = Names.millis(key.createdAt)
                kept.retiredAt = key.retiredAt.map(Names.millis)
                return kept
            }
            .sorted {
                let (lhs, rhs) = (Names.millisValue($0.createdAt), Names.millisValue($1.createdAt))
                return lhs != rhs ? lhs < rhs : Names.precedes($0.keyId, $1.keyId)
            }
            state.outbound[accountId] = stored
            // Like SQLite, the value returned is the one written; reads return the keys by creation date.
            return changed
        }
    }
}
