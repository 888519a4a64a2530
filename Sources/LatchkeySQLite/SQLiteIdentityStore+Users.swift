import GRDB
public import LatchkeyDomain

extension SQLiteIdentityStore {
    private static let userColumns =
        "account_id, user_name, user_id, path, create_date, tags, permissions_boundary_arn"

    /// Inserts a user; `.alreadyExists` if the name (case-insensitively) or the user ID is taken in the account,
    /// `.notFound` if the account does not exist.
    public func insertUser(_ user: IAMUser) async throws {
        let tags = try Self.encodeTags(user.tags)
        let description = "user \(user.userName) in account \(user.accountId)"
        try await write(
            "insertUser",
            constraint: { violation in
                switch violation {
                case .unique: StoreError(.alreadyExists, "\(description) already exists")
                case .foreignKey: StoreError(.notFound, "account \(user.accountId) does not exist")
                case .other: nil
                }
            }
        ) { db in
            try Self.requireAccount(db, user.accountId)
            try db.execute(
                sql: """
                    INSERT INTO users (account_id, user_name, name_key, user_id, path, create_date, tags,
                        permissions_boundary_arn)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    user.accountId, user.userName, Stored.nameKey(user.userName), user.userId, user.path,
                    Stored.millis(user.createDate), tags, user.permissionsBoundaryArn,
                ]
            )
        }
    }

    /// Case-insensitive lookup by name; the user comes back with the case it was created with.
    public func user(accountId: String, userName: String) async throws -> IAMUser? {
        let nameKey = Stored.nameKey(userName)
        return try await read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT \(Self.userColumns) FROM users WHERE account_id = ? AND name_key = ?"
                ),
                arguments: [accountId, nameKey]
            ).map(Self.decodeUser)
        }
    }

    /// Users whose path starts with `pathPrefix` (compared case-sensitively, no wildcards), ordered by name
    /// case-insensitively.
    public func users(accountId: String, pathPrefix: String) async throws -> [IAMUser] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.userColumns) FROM users
                        WHERE account_id = ?1 AND substr(path, 1, length(?2)) = ?2
                        ORDER BY name_key
                        """
                ),
                arguments: [accountId, pathPrefix]
            ).map(Self.decodeUser)
        }
    }

    /// Reads the user, applies `change` and writes its tags, all in one `BEGIN IMMEDIATE` transaction, so no
    /// concurrent change is lost. An error thrown by `change` rolls back and is rethrown unchanged; `.notFound` if
    /// missing.
    @discardableResult
    public func modifyUser(
        accountId: String, userName: String, _ change: @escaping @Sendable (inout IAMUser) throws -> Void
    ) async throws -> IAMUser {
        let nameKey = Stored.nameKey(userName)
        return try await write("modifyUser") { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT \(Self.userColumns) FROM users WHERE account_id = ? AND name_key = ?"),
                    arguments: [accountId, nameKey]
                )
            else {
                throw StoreError(.notFound, "user \(userName) in account \(accountId) does not exist")
            }
            let current = try Self.decodeUser(row)
            var changed = current
            try Self.apply(change, to: &changed)
            var stored = current
            stored.tags = changed.tags
            try db.execute(
                sql: "UPDATE users SET tags = ? WHERE account_id = ? AND name_key = ?",
                arguments: [try Self.encodeTags(stored.tags), accountId, nameKey]
            )
            return stored
        }
    }

    /// Renames the user and/or changes its path (nil keeps the current value); `.notFound` if missing,
    /// `.alreadyExists` if the new name (case-insensitively) belongs to another user.
    ///
    /// The primary key `(account_id, name_key)` changes; every child row (access keys, MFA devices, group
    /// memberships, inline and attached policies) references it `ON UPDATE CASCADE`, so they follow in the same
    /// statement. A case-only rename keeps the key and only changes `user_name`.
    public func renameUser(accountId: String, userName: String, newUserName: String?, newPath: String?) async throws
        -> IAMUser
    {
        let target = newUserName ?? userName
        return try await write(
            "renameUser",
            constraint: { violation in
                violation == .unique
                    ? StoreError(.alreadyExists, "user \(target) in account \(accountId) already exists") : nil
            }
        ) { db in
            let current = try Self.requireOwner(db, accountId: accountId, owner: .user(userName))
            let newName = newUserName ?? current
            if Stored.nameKey(newName) != Stored.nameKey(current),
                try Self.userExists(db, accountId: accountId, nameKey: Stored.nameKey(newName))
            {
                throw StoreError(.alreadyExists, "user \(newName) in account \(accountId) already exists")
            }
            try db.execute(
                sql: """
                    UPDATE users SET user_name = ?, name_key = ?, path = COALESCE(?, path)
                    WHERE account_id = ? AND name_key = ?
                    """,
                arguments: [newName, Stored.nameKey(newName), newPath, accountId, Stored.nameKey(userName)]
            )
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(Self.userColumns) FROM users WHERE account_id = ? AND name_key = ?",
                    arguments: [accountId, Stored.nameKey(newName)])
            else {
                throw StoreError(.unavailable, "user \(newName) in account \(accountId) vanished while renamed")
            }
            return try Self.decodeUser(row)
        }
    }

    /// Deletes the user; `.notFound` if missing; `.conflict` with detail "access keys" or "MFA devices" while the
    /// user still has access keys or an enabled MFA device.
    public func deleteUser(accountId: String, userName: String) async throws {
        let nameKey = Stored.nameKey(userName)
        try await write(
            "deleteUser",
            constraint: { $0 == .foreignKey ? StoreError(.conflict, "access keys") : nil }
        ) { db in
            guard try Self.userExists(db, accountId: accountId, nameKey: nameKey) else {
                throw StoreError(.notFound, "user \(userName) in account \(accountId) does not exist")
            }
            let arguments: StatementArguments = [accountId, nameKey]
            let hasKeys = try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM access_keys WHERE account_id = ? AND user_name_key = ?)",
                arguments: arguments
            )
            if hasKeys == true { throw StoreError(.conflict, "access keys") }
            let hasDevices = try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM mfa_devices WHERE account_id = ? AND user_name_key = ?)",
                arguments: arguments
            )
            if hasDevices == true { throw StoreError(.conflict, "MFA devices") }
            let table = OwnerTable.of(.user(userName))
            let hasAttached = try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM \(table.attachedTable) WHERE account_id = ? AND owner_name_key = ?)",
                arguments: arguments
            )
            if hasAttached == true { throw StoreError(.conflict, "attached policies") }
            if try Self.hasPolicies(db, accountId: accountId, owner: .user(userName)) {
                throw StoreError(.conflict, "policies")
            }
            let inGroups = try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM group_members WHERE account_id = ? AND user_name_key = ?)",
                arguments: arguments
            )
            if inGroups == true { throw StoreError(.conflict, "groups") }
            try db.execute(sql: "DELETE FROM users WHERE account_id = ? AND name_key = ?", arguments: arguments)
        }
    }

    static func userExists(_ db: Database, accountId: String, nameKey: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM users WHERE account_id = ? AND name_key = ?)"),
            arguments: [accountId, nameKey]
        ) == true
    }

    static func decodeUser(_ row: Row) throws -> IAMUser {
        let columns = StoredRow(row: row, table: "users")
        return IAMUser(
            accountId: try columns.string(0),
            userName: try columns.string(1),
            userId: try columns.string(2),
            path: try columns.string(3),
            createDate: try columns.date(4),
            tags: try columns.tags(5),
            permissionsBoundaryArn: try columns.optionalString(6)
        )
    }

    /// Tags as stored JSON; a tag list that cannot be encoded is a caller bug reported as `.unavailable`.
    static func encodeTags(_ tags: [ResourceTag]) throws -> String {
        do {
            return try Stored.tagsJSON(tags)
        } catch {
            throw StoreError(.unavailable, "cannot encode tags: \(error)")
        }
    }
}
