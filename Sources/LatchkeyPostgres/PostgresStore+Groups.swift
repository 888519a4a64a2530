public import LatchkeyDomain
import PostgresNIO

extension PostgresStore {
    private static let groupColumns = "g.account_id, g.group_name, g.group_id, g.path, g.create_date"

    /// Inserts a group; `.alreadyExists` if the name (case-insensitively) or the group ID is taken, `.notFound` if
    /// the account does not exist.
    public func insertGroup(_ group: IAMGroup) async throws {
        let description = "group \(group.groupName) in account \(group.accountId)"
        try await write(
            "insertGroup",
            constraint: { violation in
                switch violation.kind {
                case .unique: StoreError(.alreadyExists, "\(description) already exists")
                case .foreignKey: StoreError(.notFound, "account \(group.accountId) does not exist")
                default: nil
                }
            }
        ) { connection in
            try await self.requireAccount(connection, group.accountId)
            try await connection.query(
                """
                INSERT INTO iam_groups (account_id, group_name, name_key, group_id, path, create_date)
                VALUES (\(group.accountId), \(group.groupName), \(PolicyColumns.nameKey(group.groupName)),
                    \(group.groupId), \(group.path), \(PolicyColumns.millis(group.createDate)))
                """,
                logger: self.logger
            )
        }
    }

    /// Case-insensitive lookup by name.
    public func group(accountId: String, groupName: String) async throws -> IAMGroup? {
        let nameKey = PolicyColumns.nameKey(groupName)
        return try await readStatement { connection in
            try await self.fetchOne(
                connection,
                """
                SELECT \(unescaped: Self.groupColumns) FROM iam_groups g
                WHERE g.account_id = \(accountId) AND g.name_key = \(nameKey)
                """
            ).map(Self.decodeGroup)
        }
    }

    /// Groups whose path starts with `pathPrefix` (case-sensitively), ordered by name case-insensitively.
    public func groups(accountId: String, pathPrefix: String) async throws -> [IAMGroup] {
        try await readStatement { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT \(unescaped: Self.groupColumns) FROM iam_groups g
                WHERE g.account_id = \(accountId) AND starts_with(g.path, \(pathPrefix))
                ORDER BY g.name_key COLLATE "C"
                """
            ).map(Self.decodeGroup)
        }
    }

    /// Renames and/or moves the group; its members, inline policies and attachments follow (`ON UPDATE CASCADE`).
    public func updateGroup(accountId: String, groupName: String, newGroupName: String?, newPath: String?)
        async throws
    {
        let newName = newGroupName ?? groupName
        try await write(
            "updateGroup",
            constraint: { violation in
                violation.kind == .unique
                    ? StoreError(.alreadyExists, "group \(newName) in account \(accountId) already exists") : nil
            }
        ) { connection in
            let current = try await self.requirePolicyOwner(connection, accountId: accountId, owner: .group(groupName))
            let name = newGroupName ?? current
            try await connection.query(
                """
                UPDATE iam_groups SET group_name = \(name), name_key = \(PolicyColumns.nameKey(name)),
                    path = COALESCE(\(newPath), path)
                WHERE account_id = \(accountId) AND name_key = \(PolicyColumns.nameKey(groupName))
                """,
                logger: self.logger
            )
        }
    }

    /// Deletes the group; `.conflict` "users" while it has members, "policies" while it has policies.
    public func deleteGroup(accountId: String, groupName: String) async throws {
        let nameKey = PolicyColumns.nameKey(groupName)
        try await write(
            "deleteGroup",
            constraint: { $0.kind == .foreignKey ? StoreError(.conflict, "users") : nil }
        ) { connection in
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: .group(groupName))
            let hasMembers = try await self.fetchOne(
                connection,
                "SELECT 1 FROM group_members WHERE account_id = \(accountId) AND group_name_key = \(nameKey) LIMIT 1"
            )
            if hasMembers != nil { throw StoreError(.conflict, "users") }
            if try await self.ownerHasPolicies(connection, accountId: accountId, owner: .group(groupName)) {
                throw StoreError(.conflict, "policies")
            }
            try await connection.query(
                "DELETE FROM iam_groups WHERE account_id = \(accountId) AND name_key = \(nameKey)",
                logger: self.logger
            )
        }
    }

    /// Adds the user to the group (again: no change); `.limitExceeded` at `maxGroupsPerUser` groups, counted in
    /// the inserting transaction.
    public func addUserToGroup(accountId: String, groupName: String, userName: String, maxGroupsPerUser: Int?)
        async throws
    {
        let groupKey = PolicyColumns.nameKey(groupName)
        let userKey = PolicyColumns.nameKey(userName)
        try await write("addUserToGroup") { connection in
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: .group(groupName))
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: .user(userName))
            let counts = try await self.fetchOne(
                connection,
                """
                SELECT EXISTS (SELECT 1 FROM group_members
                        WHERE account_id = \(accountId) AND group_name_key = \(groupKey)
                            AND user_name_key = \(userKey)),
                    (SELECT COUNT(*) FROM group_members WHERE account_id = \(accountId) AND user_name_key = \(userKey))
                """
            )
            let (isMember, count) = try counts?.decode((Bool, Int64).self) ?? (false, Int64(0))
            if isMember { return }
            if let maxGroupsPerUser, count >= Int64(maxGroupsPerUser) {
                throw StoreError(.limitExceeded, "user \(userName) is already in \(count) groups")
            }
            try await connection.query(
                """
                INSERT INTO group_members (account_id, group_name_key, user_name_key)
                VALUES (\(accountId), \(groupKey), \(userKey))
                """,
                logger: self.logger
            )
        }
    }

    /// Removes the user from the group; `.notFound` if either is missing or the user is not a member.
    public func removeUserFromGroup(accountId: String, groupName: String, userName: String) async throws {
        try await write("removeUserFromGroup") { connection in
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: .group(groupName))
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: .user(userName))
            let removed = try await self.fetchAll(
                connection,
                """
                DELETE FROM group_members
                WHERE account_id = \(accountId) AND group_name_key = \(PolicyColumns.nameKey(groupName))
                    AND user_name_key = \(PolicyColumns.nameKey(userName))
                RETURNING 1
                """
            )
            guard !removed.isEmpty else {
                throw StoreError(.notFound, "membership of user \(userName) in group \(groupName) does not exist")
            }
        }
    }

    /// The user's groups, ordered by name; `.notFound` if the user is missing.
    public func groupsForUser(accountId: String, userName: String) async throws -> [IAMGroup] {
        try await read { connection in
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: .user(userName))
            return try await self.fetchAll(
                connection,
                """
                SELECT \(unescaped: Self.groupColumns) FROM group_members m
                JOIN iam_groups g ON g.account_id = m.account_id AND g.name_key = m.group_name_key
                WHERE m.account_id = \(accountId) AND m.user_name_key = \(PolicyColumns.nameKey(userName))
                ORDER BY g.name_key COLLATE "C"
                """
            ).map(Self.decodeGroup)
        }
    }

    /// The group's members, ordered by name; `.notFound` if the group is missing.
    public func usersInGroup(accountId: String, groupName: String) async throws -> [IAMUser] {
        try await read { connection in
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: .group(groupName))
            return try await self.fetchAll(
                connection,
                """
                SELECT u.account_id, u.user_name, u.user_id, u.path, u.create_date, u.tags, u.permissions_boundary_arn
                FROM group_members m
                JOIN users u ON u.account_id = m.account_id AND u.name_key = m.user_name_key
                WHERE m.account_id = \(accountId) AND m.group_name_key = \(PolicyColumns.nameKey(groupName))
                ORDER BY u.name_key COLLATE "C"
                """
            ).map(Self.decodeUser)
        }
    }

    static func decodeGroup(_ row: PostgresRow) throws -> IAMGroup {
        let (accountId, name, groupId, path, created) = try row.decode((String, String, String, String, Int64).self)
        return IAMGroup(
            accountId: accountId, groupName: name, groupId: groupId, path: path,
            createDate: PolicyColumns.date(millis: created)
        )
    }
}
