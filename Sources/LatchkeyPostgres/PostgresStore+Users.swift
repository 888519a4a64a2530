public import LatchkeyDomain
import PostgresNIO

extension PostgresStore {
    private static let userColumns: String =
        "account_id, user_name, user_id, path, create_date, tags, permissions_boundary_arn"

    /// Inserts a user; `.alreadyExists` if the name (case-insensitively) or the user ID is taken in the account,
    /// `.notFound` if the account does not exist.
    public func insertUser(_ user: IAMUser) async throws {
        let tags = try Self.encodeTags(user.tags)
        let description = "user \(user.userName) in account \(user.accountId)"
        try await write(
            "insertUser",
            constraint: { violation in
                switch violation.kind {
                case .unique: StoreError(.alreadyExists, "\(description) already exists")
                case .foreignKey: StoreError(.notFound, "account \(user.accountId) does not exist")
                default: nil
                }
            }
        ) { connection in
            try await self.requireAccount(connection, user.accountId)
            try await self.execute(
                connection,
                """
                INSERT INTO users (account_id, user_name, name_key, user_id, path, create_date, tags,
                    permissions_boundary_arn)
                VALUES (\(user.accountId), \(user.userName), \(StoredValueCoding.nameKey(user.userName)),
                    \(user.userId), \(user.path), \(StoredValueCoding.millis(user.createDate)), \(tags),
                    \(user.permissionsBoundaryArn))
                """
            )
        }
    }

    /// Case-insensitive lookup by name; the user comes back with the case it was created with.
    public func user(accountId: String, userName: String) async throws -> IAMUser? {
        let nameKey = StoredValueCoding.nameKey(userName)
        return try await readStatement { connection in
            try await self.fetchOne(
                connection,
                """
                SELECT \(unescaped: Self.userColumns) FROM users
                WHERE account_id = \(accountId) AND name_key = \(nameKey)
                """
            ).map(Self.decodeUser)
        }
    }

    /// Users whose path starts with `pathPrefix` (compared case-sensitively, no wildcards), ordered by name
    /// case-insensitively (byte order of the folded name).
    public func users(accountId: String, pathPrefix: String) async throws -> [IAMUser] {
        try await readStatement { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT \(unescaped: Self.userColumns) FROM users
                WHERE account_id = \(accountId) AND starts_with(path, \(pathPrefix))
                ORDER BY name_key
                """
            ).map(Self.decodeUser)
        }
    }

    /// Reads the user, applies `change` and writes its tags, all in one serializable transaction (re-run on a
    /// conflict), so no concurrent change is lost. An error thrown by `change` rolls back and is rethrown
    /// unchanged; `.notFound` if missing.
    @discardableResult
    public func modifyUser(
        accountId: String, userName: String, _ change: @escaping @Sendable (inout IAMUser) throws -> Void
    ) async throws -> IAMUser {
        let nameKey = StoredValueCoding.nameKey(userName)
        return try await write("modifyUser") { connection in
            guard
                let row = try await self.fetchOne(
                    connection,
                    """
                    SELECT \(unescaped: Self.userColumns) FROM users
                    WHERE account_id = \(accountId) AND name_key = \(nameKey)
                    """
                )
            else {
                throw StoreError(.notFound, "user \(userName) in account \(accountId) does not exist")
            }
            let current = try Self.decodeUser(row)
            var changed = current
            try Self.apply(change, to: &changed)
            var stored = current
            stored.tags = changed.tags
            try await self.execute(
                connection,
                """
                UPDATE users SET tags = \(try Self.encodeTags(stored.tags))
                WHERE account_id = \(accountId) AND name_key = \(nameKey)
                """
            )
            return stored
        }
    }

    /// Renames the user and/or changes its path (nil keeps the current value); `.notFound` if missing,
    /// `.alreadyExists` if the new name (case-insensitively) belongs to another user.
    ///
    /// The primary key `(account_id, name_key)` changes; every child row references it `ON UPDATE CASCADE`, so
    /// they follow in the same statement. A case-only rename keeps the key and only changes `user_name`.
    public func renameUser(accountId: String, userName: String, newUserName: String?, newPath: String?) async throws
        -> IAMUser
    {
        let target = newUserName ?? userName
        let oldKey = StoredValueCoding.nameKey(userName)
        return try await write(
            "renameUser",
            constraint: { violation in
                violation.kind == .unique
                    ? StoreError(.alreadyExists, "user \(target) in account \(accountId) already exists") : nil
            }
        ) { connection in
            guard
                let current = try await self.fetchOne(
                    connection,
                    "SELECT user_name FROM users WHERE account_id = \(accountId) AND name_key = \(oldKey)"
                )?.decode(String.self)
            else {
                throw StoreError(.notFound, "user \(userName) in account \(accountId) does not exist")
            }
            let newName = newUserName ?? current
            let newKey = StoredValueCoding.nameKey(newName)
            if newKey != oldKey,
                try await self.userExists(connection, accountId: accountId, nameKey: newKey)
            {
                throw StoreError(.alreadyExists, "user \(newName) in account \(accountId) already exists")
            }
            guard
                let row = try await self.fetchOne(
                    connection,
                    """
                    UPDATE users SET user_name = \(newName), name_key = \(newKey), path = COALESCE(\(newPath), path)
                    WHERE account_id = \(accountId) AND name_key = \(oldKey)
                    RETURNING \(unescaped: Self.userColumns)
                    """
                )
            else {
                throw StoreError(.unavailable, "user \(newName) in account \(accountId) vanished while renamed")
            }
            return try Self.decodeUser(row)
        }
    }

    /// Deletes the user; `.notFound` if missing; `.conflict` with detail "access keys", "MFA devices", "attached
    /// policies", "policies" or "groups" while the user still has them.
    public func deleteUser(accountId: String, userName: String) async throws {
        let nameKey = StoredValueCoding.nameKey(userName)
        try await write(
            "deleteUser",
            constraint: { $0.kind == .foreignKey ? StoreError(.conflict, "access keys") : nil }
        ) { connection in
            guard try await self.userExists(connection, accountId: accountId, nameKey: nameKey) else {
                throw StoreError(.notFound, "user \(userName) in account \(accountId) does not exist")
            }
            let dependents: [(String, String)] = [
                ("access_keys", "access keys"),
                ("mfa_devices", "MFA devices"),
                ("user_attached_policies", "attached policies"),
                ("user_inline_policies", "policies"),
                ("group_members", "groups"),
            ]
            for (table, detail) in dependents {
                let column = table.hasPrefix("user_") ? "owner_name_key" : "user_name_key"
                let found = try await self.fetchBool(
                    connection,
                    """
                    SELECT EXISTS (SELECT 1 FROM \(unescaped: table)
                        WHERE account_id = \(accountId) AND \(unescaped: column) = \(nameKey))
                    """
                )
                if found { throw StoreError(.conflict, detail) }
            }
            try await self.execute(
                connection, "DELETE FROM users WHERE account_id = \(accountId) AND name_key = \(nameKey)")
        }
    }

    func userExists(_ connection: PostgresConnection, accountId: String, nameKey: String) async throws -> Bool {
        try await fetchBool(
            connection,
            "SELECT EXISTS (SELECT 1 FROM users WHERE account_id = \(accountId) AND name_key = \(nameKey))"
        )
    }

    static func decodeUser(_ row: PostgresRow) throws -> IAMUser {
        let (accountId, userName, userId, path, created, tags, boundary) = try row.decode(
            (String, String, String, String, Int64, String, String?).self)
        return IAMUser(
            accountId: accountId,
            userName: userName,
            userId: userId,
            path: path,
            createDate: StoredValueCoding.date(millis: created),
            tags: try StoredValueCoding.tags(json: tags, table: "users"),
            permissionsBoundaryArn: boundary
        )
    }
}
