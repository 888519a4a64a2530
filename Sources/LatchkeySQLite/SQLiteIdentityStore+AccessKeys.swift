import GRDB
public import LatchkeyDomain

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension SQLiteIdentityStore {
    /// Key columns with the owner's name in its stored case (joined back from `users`).
    static let keySelect = """
        SELECT k.access_key_id, k.account_id, k.user_name_key, u.user_name, k.status, k.create_date,
            k.sealed_secret
        FROM access_keys k
        LEFT JOIN users u ON u.account_id = k.account_id AND u.name_key = k.user_name_key
        """

    static let accessKeyLookupSQL = "\(keySelect) WHERE k.access_key_id = ?"

    /// Inserts a key; `.alreadyExists` if the ID exists; `.notFound` if its user or account is missing;
    /// `.limitExceeded` if the owner already has `maxKeysPerOwner` keys (counted in the same transaction).
    public func insertAccessKey(_ key: AccessKeyRecord, maxKeysPerOwner: Int?) async throws {
        let keyId = key.accessKeyId
        try await write(
            "insertAccessKey",
            constraint: { violation in
                switch violation {
                case .unique: StoreError(.alreadyExists, "access key \(keyId) already exists")
                case .foreignKey: StoreError(.notFound, "the owner of access key \(keyId) does not exist")
                case .other: nil
                }
            }
        ) { db in
            try Self.requireAccount(db, key.accountId)
            if let userName = key.userName,
                try !Self.userExists(db, accountId: key.accountId, nameKey: Stored.nameKey(userName))
            {
                throw StoreError(.notFound, "user \(userName) in account \(key.accountId) does not exist")
            }
            if let maxKeysPerOwner {
                let count =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM access_keys WHERE account_id = ? AND user_name_key IS ?",
                        arguments: [key.accountId, key.userName.map(Stored.nameKey)]
                    ) ?? 0
                guard count < maxKeysPerOwner else {
                    throw StoreError(.limitExceeded, "the owner of access key \(keyId) already has \(count) keys")
                }
            }
            try Self.insertKeyRow(db, key)
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
                violation == .foreignKey ? StoreError(.notFound, "account \(key.accountId) does not exist") : nil
            }
        ) { db in
            guard key.userName == nil else {
                throw StoreError(.conflict, "access key \(keyId) is a user's key, not a root key")
            }
            try Self.requireAccount(db, key.accountId)
            let owner = try Row.fetchOne(
                db,
                sql: "SELECT account_id, user_name_key FROM access_keys WHERE access_key_id = ?",
                arguments: [keyId]
            )
            guard let owner else {
                try Self.insertKeyRow(db, key)
                return
            }
            let columns = StoredRow(row: owner, table: "access_keys")
            guard try columns.string(0) == key.accountId, try columns.optionalString(1) == nil else {
                throw StoreError(.conflict, "access key \(keyId) belongs to another account or to a user")
            }
            try db.execute(
                sql: "UPDATE access_keys SET status = ?, create_date = ?, sealed_secret = ? WHERE access_key_id = ?",
                arguments: [key.status.rawValue, Stored.millis(key.createDate), Data(key.sealedSecret), keyId]
            )
        }
    }

    /// The key with this ID, if any: the lookup behind every request signed with a long-term key (cached above
    /// this store by the credential resolver). It runs on GRDB's reader pool through the async API: a blocking
    /// read on a Swift concurrency thread can starve the pool (every cooperative thread waiting for a reader whose
    /// release needs one of them), which deadlocked the server under concurrent requests.
    public func accessKey(id: String) async throws -> AccessKeyRecord? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: Self.accessKeyLookupSQL), arguments: [id]).map(Self.decodeKey)
        }
    }

    /// The keys of a user (name compared case-insensitively), or of the account's root when `userName` is nil,
    /// ordered by creation date (then key ID).
    public func accessKeys(accountId: String, userName: String?) async throws -> [AccessKeyRecord] {
        let nameKey = userName.map(Stored.nameKey)
        return try await read { db in
            let rows =
                if let nameKey {
                    try Row.fetchAll(
                        db.cachedStatement(
                            sql: """
                                \(Self.keySelect) WHERE k.account_id = ? AND k.user_name_key = ?
                                ORDER BY k.create_date, k.access_key_id
                                """
                        ),
                        arguments: [accountId, nameKey]
                    )
                } else {
                    try Row.fetchAll(
                        db.cachedStatement(
                            sql: """
                                \(Self.keySelect) WHERE k.account_id = ? AND k.user_name_key IS NULL
                                ORDER BY k.create_date, k.access_key_id
                                """
                        ),
                        arguments: [accountId]
                    )
                }
            return try rows.map(Self.decodeKey)
        }
    }

    /// Sets the key's status; `.notFound` if missing.
    public func updateAccessKeyStatus(id: String, status: AccessKeyStatus) async throws {
        try await write("updateAccessKeyStatus") { db in
            try db.execute(
                sql: "UPDATE access_keys SET status = ? WHERE access_key_id = ?",
                arguments: [status.rawValue, id]
            )
            guard db.changesCount > 0 else { throw StoreError(.notFound, "access key \(id) does not exist") }
        }
    }

    /// Deletes the key; `.notFound` if missing.
    public func deleteAccessKey(id: String) async throws {
        try await write("deleteAccessKey") { db in
            try db.execute(sql: "DELETE FROM access_keys WHERE access_key_id = ?", arguments: [id])
            guard db.changesCount > 0 else { throw StoreError(.notFound, "access key \(id) does not exist") }
        }
    }

    /// The last use recorded for the key; nil if it was never used or is missing.
    public func accessKeyLastUse(id: String) async throws -> AccessKeyUse? {
        try await read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT last_used_date, last_used_service, last_used_region FROM access_keys
                            WHERE access_key_id = ?
                            """
                    ),
                    arguments: [id]
                )
            else { return nil }
            let columns = StoredRow(row: row, table: "access_keys")
            guard let date = try columns.optionalDate(0) else { return nil }
            return AccessKeyUse(
                accessKeyId: id, date: date, serviceName: try columns.string(1), region: try columns.string(2))
        }
    }

    /// Records each use unless the stored one is as late or later; keys that no longer exist are skipped.
    public func recordAccessKeyUses(_ uses: [AccessKeyUse]) async throws {
        guard !uses.isEmpty else { return }
        try await write("recordAccessKeyUses") { db in
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE access_keys SET last_used_date = ?1, last_used_service = ?2, last_used_region = ?3
                    WHERE access_key_id = ?4 AND (last_used_date IS NULL OR last_used_date < ?1)
                    """
            )
            for use in uses {
                try statement.execute(arguments: [
                    Stored.millis(use.date), use.serviceName, use.region, use.accessKeyId,
                ])
            }
        }
    }

    private static func insertKeyRow(_ db: Database, _ key: AccessKeyRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO access_keys (access_key_id, account_id, user_name_key, status, create_date, sealed_secret)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                key.accessKeyId, key.accountId, key.userName.map(Stored.nameKey), key.status.rawValue,
                Stored.millis(key.createDate), Data(key.sealedSecret),
            ]
        )
    }

    static func decodeKey(_ row: Row) throws -> AccessKeyRecord {
        let columns = StoredRow(row: row, table: "access_keys")
        let accessKeyId = try columns.string(0)
        var userName: String?
        if try columns.optionalString(2) != nil {
            guard let name = try columns.optionalString(3) else {
                throw StoreError(.corrupt, "access key \(accessKeyId) references a missing user")
            }
            userName = name
        }
        guard let status = AccessKeyStatus(rawValue: try columns.string(4)) else {
            throw StoreError(.corrupt, "access_keys.status of \(accessKeyId) is not Active or Inactive")
        }
        return AccessKeyRecord(
            accessKeyId: accessKeyId,
            accountId: try columns.string(1),
            userName: userName,
            status: status,
            createDate: try columns.date(5),
            sealedSecret: try columns.bytes(6)
        )
    }
}
