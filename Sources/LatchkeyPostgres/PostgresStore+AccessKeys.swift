public import LatchkeyDomain
import NIOCore
import PostgresNIO

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension PostgresStore {
    /// Key columns with the owner's name in its stored case (joined back from `users`).
    static let keySelect: String = """
        SELECT k.access_key_id, k.account_id, k.user_name_key, u.user_name, k.status, k.create_date,
            k.sealed_secret
        FROM access_keys k
        LEFT JOIN users u ON u.account_id = k.account_id AND u.name_key = k.user_name_key
        """

    /// Inserts a key; `.alreadyExists` if the ID exists; `.notFound` if its user or account is missing;
    /// `.limitExceeded` if the owner already has `maxKeysPerOwner` keys (counted in the same transaction).
    public func insertAccessKey(_ key: AccessKeyRecord, maxKeysPerOwner: Int?) async throws {
        let keyId = key.accessKeyId
        try await write(
            "insertAccessKey",
            constraint: { violation in
                switch violation.kind {
                case .unique: StoreError(.alreadyExists, "access key \(keyId) already exists")
                case .foreignKey: StoreError(.notFound, "the owner of access key \(keyId) does not exist")
                default: nil
                }
            }
        ) { connection in
            try await self.requireAccount(connection, key.accountId)
            let ownerKey = key.userName.map(StoredValueCoding.nameKey)
            if let userName = key.userName, let ownerKey,
                try await !self.userExists(connection, accountId: key.accountId, nameKey: ownerKey)
            {
                throw StoreError(.notFound, "user \(userName) in account \(key.accountId) does not exist")
            }
            if let maxKeysPerOwner {
                let count =
                    try await self.fetchOne(
                        connection,
                        """
                        SELECT COUNT(*) FROM access_keys
                        WHERE account_id = \(key.accountId) AND user_name_key IS NOT DISTINCT FROM \(ownerKey)
                        """
                    )?.decode(Int64.self) ?? 0
                guard count < maxKeysPerOwner else {
                    throw StoreError(.limitExceeded, "the owner of access key \(keyId) already has \(count) keys")
                }
            }
            try await self.insertKeyRow(connection, key)
        }
    }

    /// Inserts or replaces a root key declared by the bootstrap file.
    ///
    /// `.conflict` if the ID belongs to another account or to a user, or if `key.userName` is not nil;
    /// `.notFound` if the account is missing. Putting the same key twice leaves one identical row.
    public func putRootAccessKey(_ key: AccessKeyRecord) async throws {
        let keyId = key.accessKeyId
        try await write(
            "putRootAccessKey",
            constraint: { violation in
                violation.kind == .foreignKey
                    ? StoreError(.notFound, "account \(key.accountId) does not exist") : nil
            }
        ) { connection in
            guard key.userName == nil else {
                throw StoreError(.conflict, "access key \(keyId) is a user's key, not a root key")
            }
            try await self.requireAccount(connection, key.accountId)
            let owner = try await self.fetchOne(
                connection, "SELECT account_id, user_name_key FROM access_keys WHERE access_key_id = \(keyId)")
            guard let owner else {
                try await self.insertKeyRow(connection, key)
                return
            }
            let (accountId, userNameKey) = try owner.decode((String, String?).self)
            guard accountId == key.accountId, userNameKey == nil else {
                throw StoreError(.conflict, "access key \(keyId) belongs to another account or to a user")
            }
            try await self.execute(
                connection,
                """
                UPDATE access_keys SET status = \(key.status.rawValue),
                    create_date = \(StoredValueCoding.millis(key.createDate)),
                    sealed_secret = \(Self.bytea(key.sealedSecret))
                WHERE access_key_id = \(keyId)
                """
            )
        }
    }

    /// The key with this ID, if any: the lookup behind every request signed with a long-term key (cached above
    /// this store by the credential resolver); one statement, one round trip.
    public func accessKey(id: String) async throws -> AccessKeyRecord? {
        try await readStatement { connection in
            try await self.fetchOne(connection, "\(unescaped: Self.keySelect) WHERE k.access_key_id = \(id)")
                .map(Self.decodeKey)
        }
    }

    /// The keys of a user (name compared case-insensitively), or of the account's root when `userName` is nil,
    /// ordered by creation date (then key ID).
    public func accessKeys(accountId: String, userName: String?) async throws -> [AccessKeyRecord] {
        let nameKey = userName.map(StoredValueCoding.nameKey)
        return try await readStatement { connection in
            try await self.fetchAll(
                connection,
                """
                \(unescaped: Self.keySelect)
                WHERE k.account_id = \(accountId) AND k.user_name_key IS NOT DISTINCT FROM \(nameKey)
                ORDER BY k.create_date, k.access_key_id
                """
            ).map(Self.decodeKey)
        }
    }

    /// Sets the key's status; `.notFound` if missing.
    public func updateAccessKeyStatus(id: String, status: AccessKeyStatus) async throws {
        try await write("updateAccessKeyStatus") { connection in
            let changed = try await self.fetchAll(
                connection,
                "UPDATE access_keys SET status = \(status.rawValue) WHERE access_key_id = \(id) RETURNING 1")
            guard !changed.isEmpty else { throw StoreError(.notFound, "access key \(id) does not exist") }
        }
    }

    /// Deletes the key; `.notFound` if missing.
    public func deleteAccessKey(id: String) async throws {
        try await write("deleteAccessKey") { connection in
            let deleted = try await self.fetchAll(
                connection, "DELETE FROM access_keys WHERE access_key_id = \(id) RETURNING 1")
            guard !deleted.isEmpty else { throw StoreError(.notFound, "access key \(id) does not exist") }
        }
    }

    /// The last use recorded for the key; nil if it was never used or is missing.
    public func accessKeyLastUse(id: String) async throws -> AccessKeyUse? {
        try await readStatement { connection in
            guard
                let row = try await self.fetchOne(
                    connection,
                    """
                    SELECT last_used_date, last_used_service, last_used_region FROM access_keys
                    WHERE access_key_id = \(id)
                    """
                )
            else { return nil }
            let (date, service, region) = try row.decode((Int64?, String?, String?).self)
            guard let date else { return nil }
            guard let service, let region else {
                throw StoreError(.corrupt, "access_keys.last_used_service or last_used_region of \(id) is NULL")
            }
            return AccessKeyUse(
                accessKeyId: id, date: StoredValueCoding.date(millis: date), serviceName: service, region: region)
        }
    }

    /// Records each use unless the stored one is as late or later; keys that no longer exist are skipped. One
    /// statement for the whole batch (rows in key-ID order, so concurrent batches lock rows in one order).
    public func recordAccessKeyUses(_ uses: [AccessKeyUse]) async throws {
        guard !uses.isEmpty else { return }
        // The latest use of each key: one row per key in the UPDATE ... FROM.
        var latest: [String: AccessKeyUse] = [:]
        for use in uses where latest[use.accessKeyId].map({ $0.date < use.date }) ?? true {
            latest[use.accessKeyId] = use
        }
        let ordered = latest.values.sorted { $0.accessKeyId.utf8.lexicographicallyPrecedes($1.accessKeyId.utf8) }
        let ids = ordered.map(\.accessKeyId)
        let dates = ordered.map { StoredValueCoding.millis($0.date) }
        let services = ordered.map(\.serviceName)
        let regions = ordered.map(\.region)
        try await write("recordAccessKeyUses") { connection in
            try await self.execute(
                connection,
                """
                UPDATE access_keys AS k SET last_used_date = u.date, last_used_service = u.service,
                    last_used_region = u.region
                FROM unnest(\(ids)::text[], \(dates)::bigint[], \(services)::text[], \(regions)::text[])
                    AS u(id, date, service, region)
                WHERE k.access_key_id = u.id AND (k.last_used_date IS NULL OR k.last_used_date < u.date)
                """
            )
        }
    }

    private func insertKeyRow(_ connection: PostgresConnection, _ key: AccessKeyRecord) async throws {
        try await execute(
            connection,
            """
            INSERT INTO access_keys (access_key_id, account_id, user_name_key, status, create_date, sealed_secret)
            VALUES (\(key.accessKeyId), \(key.accountId), \(key.userName.map(StoredValueCoding.nameKey)),
                \(key.status.rawValue), \(StoredValueCoding.millis(key.createDate)), \(Self.bytea(key.sealedSecret)))
            """
        )
    }

    static func decodeKey(_ row: PostgresRow) throws -> AccessKeyRecord {
        let (accessKeyId, accountId, userNameKey, userName, statusText, created, sealed) = try row.decode(
            (String, String, String?, String?, String, Int64, ByteBuffer).self)
        if userNameKey != nil, userName == nil {
            throw StoreError(.corrupt, "access key \(accessKeyId) references a missing user")
        }
        guard let status = AccessKeyStatus(rawValue: statusText) else {
            throw StoreError(.corrupt, "access_keys.status of \(accessKeyId) is not Active or Inactive")
        }
        return AccessKeyRecord(
            accessKeyId: accessKeyId,
            accountId: accountId,
            userName: userNameKey == nil ? nil : userName,
            status: status,
            createDate: StoredValueCoding.date(millis: created),
            sealedSecret: Self.bytes(sealed)
        )
    }
}
