public import LatchkeyDomain
import NIOCore
import PostgresNIO

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension PostgresStore: FederationStore {}

extension PostgresStore {
    private static let oidcColumns = "account_id, identity, url, client_ids, thumbprints, tags, create_date"
    private static let samlColumns =
        "account_id, name, uuid, metadata, certificates, entity_id, valid_until, tags, create_date"

    // MARK: OIDC providers

    /// Inserts the provider; with `maxPerAccount`, the account's providers are counted in the same transaction
    /// (`.limitExceeded` when full), so concurrent creations cannot overshoot the quota.
    public func insertOIDCProvider(_ provider: OIDCProvider, maxPerAccount: Int?) async throws {
        let clientIDs = try PolicyColumns.jsonStrings(provider.clientIDs)
        let thumbprints = try PolicyColumns.jsonStrings(provider.thumbprints)
        let tags = try PolicyColumns.tagsJSON(provider.tags)
        let accountId = provider.accountId
        let description = "OIDC provider \(provider.identity) in account \(accountId)"
        try await write(
            "insertOIDCProvider",
            constraint: { violation in
                switch violation.kind {
                case .unique: StoreError(.alreadyExists, "\(description) already exists")
                case .foreignKey: StoreError(.notFound, "account \(accountId) does not exist")
                default: nil
                }
            }
        ) { connection in
            try await self.requireAccount(connection, accountId)
            if let maxPerAccount {
                let count = try await self.count(
                    connection, "SELECT COUNT(*) FROM oidc_providers WHERE account_id = \(accountId)")
                guard count < Int64(maxPerAccount) else {
                    throw StoreError(.limitExceeded, "account \(accountId) already has \(count) OIDC providers")
                }
            }
            try await connection.query(
                """
                INSERT INTO oidc_providers (\(unescaped: Self.oidcColumns))
                VALUES (\(accountId), \(provider.identity), \(provider.url), \(clientIDs), \(thumbprints), \(tags),
                    \(PolicyColumns.millis(provider.createDate)))
                """,
                logger: self.logger
            )
        }
    }

    public func oidcProvider(accountId: String, identity: String) async throws -> OIDCProvider? {
        try await readStatement { connection in
            try await self.fetchOne(
                connection,
                """
                SELECT \(unescaped: Self.oidcColumns) FROM oidc_providers
                WHERE account_id = \(accountId) AND identity = \(identity)
                """
            ).map(Self.decodeOIDCProvider)
        }
    }

    public func oidcProviders(accountId: String) async throws -> [OIDCProvider] {
        try await readStatement { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT \(unescaped: Self.oidcColumns) FROM oidc_providers WHERE account_id = \(accountId)
                ORDER BY identity COLLATE "C"
                """
            ).map(Self.decodeOIDCProvider)
        }
    }

    /// Reads the provider, applies `change` and writes its client IDs, thumbprints and tags, in one `SERIALIZABLE`
    /// transaction. An error thrown by `change` rolls back and is rethrown unchanged; `.notFound` if missing.
    @discardableResult
    public func modifyOIDCProvider(
        accountId: String, identity: String, _ change: @escaping @Sendable (inout OIDCProvider) throws -> Void
    ) async throws -> OIDCProvider {
        try await write("modifyOIDCProvider") { connection in
            guard
                let row = try await self.fetchOne(
                    connection,
                    """
                    SELECT \(unescaped: Self.oidcColumns) FROM oidc_providers
                    WHERE account_id = \(accountId) AND identity = \(identity)
                    """
                )
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
            try await connection.query(
                """
                UPDATE oidc_providers SET client_ids = \(try PolicyColumns.jsonStrings(stored.clientIDs)),
                    thumbprints = \(try PolicyColumns.jsonStrings(stored.thumbprints)),
                    tags = \(try PolicyColumns.tagsJSON(stored.tags))
                WHERE account_id = \(accountId) AND identity = \(identity)
                """,
                logger: self.logger
            )
            return stored
        }
    }

    public func deleteOIDCProvider(accountId: String, identity: String) async throws {
        try await write("deleteOIDCProvider") { connection in
            let deleted = try await self.fetchAll(
                connection,
                "DELETE FROM oidc_providers WHERE account_id = \(accountId) AND identity = \(identity) RETURNING 1"
            )
            guard !deleted.isEmpty else {
                throw StoreError(.notFound, "OIDC provider \(identity) in account \(accountId) does not exist")
            }
        }
    }

    // MARK: SAML providers

    /// Inserts the provider; with `maxPerAccount`, the account's providers are counted in the same transaction
    /// (`.limitExceeded` when full), so concurrent creations cannot overshoot the quota.
    public func insertSAMLProvider(_ provider: SAMLProvider, maxPerAccount: Int?) async throws {
        let certificates = try Self.certificatesJSON(provider.signingCertificates)
        let tags = try PolicyColumns.tagsJSON(provider.tags)
        let accountId = provider.accountId
        let description = "SAML provider \(provider.name) in account \(accountId)"
        try await write(
            "insertSAMLProvider",
            constraint: { violation in
                switch violation.kind {
                case .unique: StoreError(.alreadyExists, "\(description) already exists")
                case .foreignKey: StoreError(.notFound, "account \(accountId) does not exist")
                default: nil
                }
            }
        ) { connection in
            try await self.requireAccount(connection, accountId)
            if let maxPerAccount {
                let count = try await self.count(
                    connection, "SELECT COUNT(*) FROM saml_providers WHERE account_id = \(accountId)")
                guard count < Int64(maxPerAccount) else {
                    throw StoreError(.limitExceeded, "account \(accountId) already has \(count) SAML providers")
                }
            }
            try await connection.query(
                """
                INSERT INTO saml_providers (\(unescaped: Self.samlColumns), name_key)
                VALUES (\(accountId), \(provider.name), \(provider.uuid), \(provider.metadataDocument),
                    \(certificates), \(provider.entityId), \(provider.validUntil.map(PolicyColumns.millis)), \(tags),
                    \(PolicyColumns.millis(provider.createDate)), \(PolicyColumns.nameKey(provider.name)))
                """,
                logger: self.logger
            )
        }
    }

    public func samlProvider(accountId: String, name: String) async throws -> SAMLProvider? {
        let nameKey = PolicyColumns.nameKey(name)
        return try await readStatement { connection in
            try await self.fetchOne(
                connection,
                """
                SELECT \(unescaped: Self.samlColumns) FROM saml_providers
                WHERE account_id = \(accountId) AND name_key = \(nameKey)
                """
            ).map(Self.decodeSAMLProvider)
        }
    }

    public func samlProviders(accountId: String) async throws -> [SAMLProvider] {
        try await readStatement { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT \(unescaped: Self.samlColumns) FROM saml_providers WHERE account_id = \(accountId)
                ORDER BY name_key COLLATE "C"
                """
            ).map(Self.decodeSAMLProvider)
        }
    }

    /// Reads the provider (by name, case-insensitively), applies `change` and writes its metadata, certificates,
    /// entity ID, valid-until and tags, in one `SERIALIZABLE` transaction. An error thrown by `change` rolls back
    /// and is rethrown unchanged; `.notFound` if missing.
    @discardableResult
    public func modifySAMLProvider(
        accountId: String, name: String, _ change: @escaping @Sendable (inout SAMLProvider) throws -> Void
    ) async throws -> SAMLProvider {
        let nameKey = PolicyColumns.nameKey(name)
        return try await write("modifySAMLProvider") { connection in
            guard
                let row = try await self.fetchOne(
                    connection,
                    """
                    SELECT \(unescaped: Self.samlColumns) FROM saml_providers
                    WHERE account_id = \(accountId) AND name_key = \(nameKey)
                    """
                )
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
            try await connection.query(
                """
                UPDATE saml_providers SET metadata = \(stored.metadataDocument),
                    certificates = \(try Self.certificatesJSON(stored.signingCertificates)),
                    entity_id = \(stored.entityId), valid_until = \(stored.validUntil.map(PolicyColumns.millis)),
                    tags = \(try PolicyColumns.tagsJSON(stored.tags))
                WHERE account_id = \(accountId) AND name_key = \(nameKey)
                """,
                logger: self.logger
            )
            return stored
        }
    }

    public func deleteSAMLProvider(accountId: String, name: String) async throws {
        try await write("deleteSAMLProvider") { connection in
            let deleted = try await self.fetchAll(
                connection,
                """
                DELETE FROM saml_providers WHERE account_id = \(accountId)
                    AND name_key = \(PolicyColumns.nameKey(name))
                RETURNING 1
                """
            )
            guard !deleted.isEmpty else {
                throw StoreError(.notFound, "SAML provider \(name) in account \(accountId) does not exist")
            }
        }
    }

    // MARK: Outbound federation

    public func outboundFederation(accountId: String) async throws -> OutboundFederation? {
        try await read { connection in try await self.loadOutboundFederation(connection, accountId: accountId) }
    }

    /// Reads the state (disabled, without keys, when never enabled), applies `change` and writes whether it is
    /// enabled and its keys, in one `SERIALIZABLE` transaction (so when several nodes rotate the keys at once, one
    /// rotation wins and the others are re-run on what it wrote). An error thrown by `change` rolls back and is
    /// rethrown unchanged; `.notFound` if the account is missing.
    @discardableResult
    public func modifyOutboundFederation(
        accountId: String, _ change: @escaping @Sendable (inout OutboundFederation) throws -> Void
    ) async throws -> OutboundFederation {
        try await write(
            "modifyOutboundFederation",
            constraint: {
                $0.kind == .foreignKey ? StoreError(.notFound, "account \(accountId) does not exist") : nil
            }
        ) { connection in
            try await self.requireAccount(connection, accountId)
            let current =
                try await self.loadOutboundFederation(connection, accountId: accountId)
                ?? OutboundFederation(accountId: accountId, enabled: false, keys: [])
            var changed = current
            try Self.apply(change, to: &changed)
            changed.accountId = accountId
            try await self.storeOutboundFederation(connection, changed)
            return changed
        }
    }

    private func loadOutboundFederation(_ connection: PostgresConnection, accountId: String) async throws
        -> OutboundFederation?
    {
        guard
            let state = try await fetchOne(
                connection, "SELECT enabled FROM outbound_federation WHERE account_id = \(accountId)")
        else { return nil }
        let enabled = try state.decode(Bool.self)
        let keys = try await fetchAll(
            connection,
            """
            SELECT key_id, algorithm, sealed_private_key, created_at, retired_at FROM outbound_keys
            WHERE account_id = \(accountId) ORDER BY created_at, key_id COLLATE "C"
            """
        ).map { row in
            let (keyId, algorithm, sealed, created, retired) =
                try row.decode((String, String, ByteBuffer, Int64, Int64?).self)
            return OutboundSigningKeyRecord(
                keyId: keyId, algorithm: algorithm, sealedPrivateKey: Array(sealed.readableBytesView),
                createdAt: PolicyColumns.date(millis: created), retiredAt: retired.map(PolicyColumns.date(millis:)))
        }
        return OutboundFederation(accountId: accountId, enabled: enabled, keys: keys)
    }

    /// Saves the state and replaces the account's keys with `state.keys` (the account must exist).
    private func storeOutboundFederation(_ connection: PostgresConnection, _ state: OutboundFederation) async throws {
        let accountId = state.accountId
        try await connection.query(
            """
            INSERT INTO outbound_federation (account_id, enabled) VALUES (\(accountId), \(state.enabled))
            ON CONFLICT (account_id) DO UPDATE SET enabled = EXCLUDED.enabled
            """,
            logger: logger
        )
        try await connection.query("DELETE FROM outbound_keys WHERE account_id = \(accountId)", logger: logger)
        for key in state.keys {
            try await connection.query(
                """
                INSERT INTO outbound_keys (account_id, key_id, algorithm, sealed_private_key, created_at, retired_at)
                VALUES (\(accountId), \(key.keyId), \(key.algorithm), \(ByteBuffer(bytes: key.sealedPrivateKey)),
                    \(PolicyColumns.millis(key.createdAt)), \(key.retiredAt.map(PolicyColumns.millis)))
                """,
                logger: logger
            )
        }
    }

    // MARK: Re-sealing

    /// Re-seals every account's outbound signing keys (the only sealed secrets of the policy and federation
    /// tables) with `reseal`, on `connection`, inside the caller's transaction: ``resealSecrets(settings:_:)`` calls
    /// it so that every secret of the store is re-sealed in one transaction. `reseal` gets each key as a
    /// ``SealedSecret`` of kind `.outboundSigningKey` under its context `outbound-key/ACCOUNT/KID` and returns it
    /// sealed under the new key; an error it throws aborts the caller's transaction. Returns how many keys were
    /// re-sealed.
    func resealOutboundKeys(
        _ connection: PostgresConnection, _ reseal: @Sendable (SealedSecret) throws -> [UInt8]
    ) async throws -> Int {
        let keys = try await fetchAll(
            connection,
            """
            SELECT account_id, key_id, sealed_private_key FROM outbound_keys
            ORDER BY account_id COLLATE "C", key_id COLLATE "C"
            """
        ).map { row in try row.decode((String, String, ByteBuffer).self) }
        for (accountId, keyId, sealed) in keys {
            let secret = SealedSecret(
                kind: .outboundSigningKey, context: "outbound-key/\(accountId)/\(keyId)",
                sealed: Array(sealed.readableBytesView))
            let resealed = try reseal(secret)
            try await connection.query(
                """
                UPDATE outbound_keys SET sealed_private_key = \(ByteBuffer(bytes: resealed))
                WHERE account_id = \(accountId) AND key_id = \(keyId)
                """,
                logger: logger
            )
        }
        return keys.count
    }

    // MARK: Encoding

    /// One integer from a `SELECT COUNT(*)` statement.
    private func count(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> Int64 {
        try await fetchOne(connection, query)?.decode(Int64.self) ?? 0
    }

    /// Signing certificates as a JSON array of base64 DER strings.
    private static func certificatesJSON(_ certificates: [[UInt8]]) throws -> String {
        try PolicyColumns.jsonStrings(certificates.map { Data($0).base64EncodedString() })
    }

    static func decodeOIDCProvider(_ row: PostgresRow) throws -> OIDCProvider {
        let (accountId, identity, url, clientIDs, thumbprints, tags, created) =
            try row.decode((String, String, String, String, String, String, Int64).self)
        return OIDCProvider(
            accountId: accountId, identity: identity, url: url,
            clientIDs: try PolicyColumns.strings(json: clientIDs, table: "oidc_providers", column: "client_ids"),
            thumbprints: try PolicyColumns.strings(json: thumbprints, table: "oidc_providers", column: "thumbprints"),
            tags: try PolicyColumns.tags(json: tags, table: "oidc_providers"),
            createDate: PolicyColumns.date(millis: created))
    }

    static func decodeSAMLProvider(_ row: PostgresRow) throws -> SAMLProvider {
        let (accountId, name, uuid, metadata, certificates, entityId, validUntil, tags, created) =
            try row.decode((String, String, String, String, String, String, Int64?, String, Int64).self)
        let encoded = try PolicyColumns.strings(json: certificates, table: "saml_providers", column: "certificates")
        let decoded = try encoded.map { text -> [UInt8] in
            guard let data = Data(base64Encoded: text) else {
                throw StoreError(.corrupt, "saml_providers.certificates holds a value that is not base64")
            }
            return [UInt8](data)
        }
        return SAMLProvider(
            accountId: accountId, name: name, uuid: uuid, metadataDocument: metadata, signingCertificates: decoded,
            entityId: entityId, validUntil: validUntil.map(PolicyColumns.date(millis:)),
            tags: try PolicyColumns.tags(json: tags, table: "saml_providers"),
            createDate: PolicyColumns.date(millis: created))
    }
}
