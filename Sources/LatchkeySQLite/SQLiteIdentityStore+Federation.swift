import GRDB
public import LatchkeyDomain

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension SQLiteIdentityStore: FederationStore {}

extension SQLiteIdentityStore {
    private static let oidcColumns = "account_id, identity, url, client_ids, thumbprints, tags, create_date"
    private static let samlColumns =
        "account_id, name, uuid, metadata, certificates, entity_id, valid_until, tags, create_date"

    // MARK: OIDC providers

    /// Inserts the provider; with `maxPerAccount`, the account's providers are counted in the same transaction
    /// (`.limitExceeded` when full), so concurrent creations cannot overshoot the quota.
    public func insertOIDCProvider(_ provider: OIDCProvider, maxPerAccount: Int?) async throws {
        let values = try Self.oidcValues(provider)
        let accountId = provider.accountId
        let description = "OIDC provider \(provider.identity) in account \(accountId)"
        try await write(
            "insertOIDCProvider",
            constraint: { violation in
                switch violation {
                case .unique: StoreError(.alreadyExists, "\(description) already exists")
                case .foreignKey: StoreError(.notFound, "account \(accountId) does not exist")
                case .other: nil
                }
            }
        ) { db in
            try Self.requireAccount(db, accountId)
            if let maxPerAccount {
                let count =
                    try Int.fetchOne(
                        db.cachedStatement(sql: "SELECT COUNT(*) FROM oidc_providers WHERE account_id = ?"),
                        arguments: [accountId]) ?? 0
                guard count < maxPerAccount else {
                    throw StoreError(.limitExceeded, "account \(accountId) already has \(count) OIDC providers")
                }
            }
            try db.execute(
                sql: "INSERT INTO oidc_providers (\(Self.oidcColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)", arguments: values)
        }
    }

    public func oidcProvider(accountId: String, identity: String) async throws -> OIDCProvider? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT \(Self.oidcColumns) FROM oidc_providers WHERE account_id = ? AND identity = ?"),
                arguments: [accountId, identity]
            ).map(Self.decodeOIDCProvider)
        }
    }

    public func oidcProviders(accountId: String) async throws -> [OIDCProvider] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT \(Self.oidcColumns) FROM oidc_providers WHERE account_id = ? ORDER BY identity"),
                arguments: [accountId]
            ).map(Self.decodeOIDCProvider)
        }
    }

    /// Reads the provider, applies `change` and writes its client IDs, thumbprints and tags, in one
    /// `BEGIN IMMEDIATE` transaction. An error thrown by `change` rolls back and is rethrown unchanged;
    /// `.notFound` if missing.
    @discardableResult
    public func modifyOIDCProvider(
        accountId: String, identity: String, _ change: @escaping @Sendable (inout OIDCProvider) throws -> Void
    ) async throws -> OIDCProvider {
        try await write("modifyOIDCProvider") { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT \(Self.oidcColumns) FROM oidc_providers WHERE account_id = ? AND identity = ?"),
                    arguments: [accountId, identity])
            else {
                throw StoreError(.notFound, "OIDC provider \(identity) in account \(accountId) does not exist")
            }
            let current = try Self.decodeOIDCProvider(row)
            var changed = current
            try Self.apply(change, to: &changed)
            var stored = current
            stored.clientIDs = changed.clientIDs
            stored.thumbprints = changed.thumbprints
            stored.tags = changed.tags
            try db.execute(
                sql: """
                    UPDATE oidc_providers SET client_ids = ?, thumbprints = ?, tags = ?
                    WHERE account_id = ? AND identity = ?
                    """,
                arguments: [
                    try Self.jsonStrings(stored.clientIDs), try Self.jsonStrings(stored.thumbprints),
                    try Self.encodeTags(stored.tags), accountId, identity,
                ])
            return stored
        }
    }

    public func deleteOIDCProvider(accountId: String, identity: String) async throws {
        try await write("deleteOIDCProvider") { db in
            try db.execute(
                sql: "DELETE FROM oidc_providers WHERE account_id = ? AND identity = ?",
                arguments: [accountId, identity])
            guard db.changesCount > 0 else {
                throw StoreError(.notFound, "OIDC provider \(identity) in account \(accountId) does not exist")
            }
        }
    }

    // MARK: SAML providers

    /// Inserts the provider; with `maxPerAccount`, the account's providers are counted in the same transaction
    /// (`.limitExceeded` when full), so concurrent creations cannot overshoot the quota.
    public func insertSAMLProvider(_ provider: SAMLProvider, maxPerAccount: Int?) async throws {
        let values = try Self.samlValues(provider)
        let accountId = provider.accountId
        let description = "SAML provider \(provider.name) in account \(accountId)"
        try await write(
            "insertSAMLProvider",
            constraint: { violation in
                switch violation {
                case .unique: StoreError(.alreadyExists, "\(description) already exists")
                case .foreignKey: StoreError(.notFound, "account \(accountId) does not exist")
                case .other: nil
                }
            }
        ) { db in
            try Self.requireAccount(db, accountId)
            if let maxPerAccount {
                let count =
                    try Int.fetchOne(
                        db.cachedStatement(sql: "SELECT COUNT(*) FROM saml_providers WHERE account_id = ?"),
                        arguments: [accountId]) ?? 0
                guard count < maxPerAccount else {
                    throw StoreError(.limitExceeded, "account \(accountId) already has \(count) SAML providers")
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO saml_providers (\(Self.samlColumns), name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: values + [Stored.nameKey(provider.name)])
        }
    }

    public func samlProvider(accountId: String, name: String) async throws -> SAMLProvider? {
        let nameKey = Stored.nameKey(name)
        return try await read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT \(Self.samlColumns) FROM saml_providers WHERE account_id = ? AND name_key = ?"),
                arguments: [accountId, nameKey]
            ).map(Self.decodeSAMLProvider)
        }
    }

    public func samlProviders(accountId: String) async throws -> [SAMLProvider] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT \(Self.samlColumns) FROM saml_providers WHERE account_id = ? ORDER BY name_key"),
                arguments: [accountId]
            ).map(Self.decodeSAMLProvider)
        }
    }

    /// Reads the provider (by name, case-insensitively), applies `change` and writes its metadata, certificates,
    /// entity ID, valid-until and tags, in one `BEGIN IMMEDIATE` transaction. An error thrown by `change` rolls back
    /// and is rethrown unchanged; `.notFound` if missing.
    @discardableResult
    public func modifySAMLProvider(
        accountId: String, name: String, _ change: @escaping @Sendable (inout SAMLProvider) throws -> Void
    ) async throws -> SAMLProvider {
        let nameKey = Stored.nameKey(name)
        return try await write("modifySAMLProvider") { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT \(Self.samlColumns) FROM saml_providers WHERE account_id = ? AND name_key = ?"),
                    arguments: [accountId, nameKey])
            else {
                throw StoreError(.notFound, "SAML provider \(name) in account \(accountId) does not exist")
            }
            let current = try Self.decodeSAMLProvider(row)
            var changed = current
            try Self.apply(change, to: &changed)
            var stored = current
            stored.metadataDocument = changed.metadataDocument
            stored.signingCertificates = changed.signingCertificates
            stored.entityId = changed.entityId
            stored.validUntil = changed.validUntil
            stored.tags = changed.tags
            try db.execute(
                sql: """
                    UPDATE saml_providers SET metadata = ?, certificates = ?, entity_id = ?, valid_until = ?, tags = ?
                    WHERE account_id = ? AND name_key = ?
                    """,
                arguments: [
                    stored.metadataDocument,
                    try Self.jsonStrings(stored.signingCertificates.map { Data($0).base64EncodedString() }),
                    stored.entityId, stored.validUntil.map(Stored.millis), try Self.encodeTags(stored.tags), accountId,
                    nameKey,
                ])
            return stored
        }
    }

    public func deleteSAMLProvider(accountId: String, name: String) async throws {
        try await write("deleteSAMLProvider") { db in
            try db.execute(
                sql: "DELETE FROM saml_providers WHERE account_id = ? AND name_key = ?",
                arguments: [accountId, Stored.nameKey(name)])
            guard db.changesCount > 0 else {
                throw StoreError(.notFound, "SAML provider \(name) in account \(accountId) does not exist")
            }
        }
    }

    // MARK: Outbound federation

    public func outboundFederation(accountId: String) async throws -> OutboundFederation? {
        try await read { db in try Self.loadOutboundFederation(db, accountId: accountId) }
    }

    /// Reads the state (disabled, without keys, when never enabled), applies `change` and writes whether it is
    /// enabled and its keys, in one `BEGIN IMMEDIATE` transaction. An error thrown by `change` rolls back and is
    /// rethrown unchanged; `.notFound` if the account is missing.
    @discardableResult
    public func modifyOutboundFederation(
        accountId: String, _ change: @escaping @Sendable (inout OutboundFederation) throws -> Void
    ) async throws -> OutboundFederation {
        try await write(
            "modifyOutboundFederation",
            constraint: { $0 == .foreignKey ? StoreError(.notFound, "account \(accountId) does not exist") : nil }
        ) { db in
            try Self.requireAccount(db, accountId)
            let current =
                try Self.loadOutboundFederation(db, accountId: accountId)
                ?? OutboundFederation(accountId: accountId, enabled: false, keys: [])
            var changed = current
            try Self.apply(change, to: &changed)
            changed.accountId = accountId
            try Self.storeOutboundFederation(db, changed)
            return changed
        }
    }

    private static func loadOutboundFederation(_ db: Database, accountId: String) throws -> OutboundFederation? {
        guard
            let enabled = try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT enabled FROM outbound_federation WHERE account_id = ?"),
                arguments: [accountId])
        else { return nil }
        let keys = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT key_id, algorithm, sealed_private_key, created_at, retired_at FROM outbound_keys
                    WHERE account_id = ? ORDER BY created_at, key_id
                    """),
            arguments: [accountId]
        ).map { row in
            let columns = StoredRow(row: row, table: "outbound_keys")
            return OutboundSigningKeyRecord(
                keyId: try columns.string(0), algorithm: try columns.string(1),
                sealedPrivateKey: try columns.bytes(2), createdAt: try columns.date(3),
                retiredAt: try columns.optionalDate(4))
        }
        return OutboundFederation(accountId: accountId, enabled: enabled, keys: keys)
    }

    /// Saves the state and replaces the account's keys with `state.keys` (the account must exist).
    private static func storeOutboundFederation(_ db: Database, _ state: OutboundFederation) throws {
        let accountId = state.accountId
        try db.execute(
            sql: """
                INSERT INTO outbound_federation (account_id, enabled) VALUES (?, ?)
                ON CONFLICT (account_id) DO UPDATE SET enabled = excluded.enabled
                """,
            arguments: [accountId, state.enabled])
        try db.execute(sql: "DELETE FROM outbound_keys WHERE account_id = ?", arguments: [accountId])
        for key in state.keys {
            try db.execute(
                sql: """
                    INSERT INTO outbound_keys (account_id, key_id, algorithm, sealed_private_key, created_at, retired_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    accountId, key.keyId, key.algorithm, Data(key.sealedPrivateKey), Stored.millis(key.createdAt),
                    key.retiredAt.map(Stored.millis),
                ])
        }
    }

    // MARK: Encoding

    private static func oidcValues(_ provider: OIDCProvider) throws -> StatementArguments {
        [
            provider.accountId, provider.identity, provider.url, try jsonStrings(provider.clientIDs),
            try jsonStrings(provider.thumbprints), try encodeTags(provider.tags), Stored.millis(provider.createDate),
        ]
    }

    private static func samlValues(_ provider: SAMLProvider) throws -> StatementArguments {
        [
            provider.accountId, provider.name, provider.uuid, provider.metadataDocument,
            try jsonStrings(provider.signingCertificates.map { Data($0).base64EncodedString() }), provider.entityId,
            provider.validUntil.map(Stored.millis), try encodeTags(provider.tags), Stored.millis(provider.createDate),
        ]
    }

    static func jsonStrings(_ values: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
    }

    static func strings(json: String, table: StaticString, column: String) throws -> [String] {
        guard let values = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) else {
            throw StoreError(.corrupt, "\(table).\(column) is not a JSON string list")
        }
        return values
    }

    static func decodeOIDCProvider(_ row: Row) throws -> OIDCProvider {
        let columns = StoredRow(row: row, table: "oidc_providers")
        return OIDCProvider(
            accountId: try columns.string(0), identity: try columns.string(1), url: try columns.string(2),
            clientIDs: try strings(json: try columns.string(3), table: "oidc_providers", column: "client_ids"),
            thumbprints: try strings(json: try columns.string(4), table: "oidc_providers", column: "thumbprints"),
            tags: try columns.tags(5), createDate: try columns.date(6))
    }

    static func decodeSAMLProvider(_ row: Row) throws -> SAMLProvider {
        let columns = StoredRow(row: row, table: "saml_providers")
        let encoded = try strings(json: try columns.string(4), table: "saml_providers", column: "certificates")
        let certificates = try encoded.map { text -> [UInt8] in
            guard let data = Data(base64Encoded: text) else {
                throw StoreError(.corrupt, "saml_providers.certificates holds a value that is not base64")
            }
            return [UInt8](data)
        }
        return SAMLProvider(
            accountId: try columns.string(0), name: try columns.string(1), uuid: try columns.string(2),
            metadataDocument: try columns.string(3), signingCertificates: certificates, entityId: try columns.string(5),
            validUntil: try columns.optionalDate(6), tags: try columns.tags(7), createDate: try columns.date(8))
    }
}
