import GRDB
public import LatchkeyDomain

extension SQLiteIdentityStore {
    private static let groupColumns = "g.account_id, g.group_name, g.group_id, g.path, g.create_date"

    /// Inserts a group; `.alreadyExists` if the name (case-insensitively) or the group ID is taken, `.notFound` if
    /// the account does not exist.
    public func insertGroup(_ group: IAMGroup) async throws {
        let description = "group \(group.groupName) in account \(group.accountId)"
        try await write(
            "insertGroup",
            constraint: { violation in
                switch violation {
                case .unique: StoreError(.alreadyExists, "\(description) already exists")
                case .foreignKey: StoreError(.notFound, "account \(group.accountId) does not exist")
                case .other: nil
                }
            }
        ) { db in
            try Self.requireAccount(db, group.accountId)
            try db.execute(
                sql: """
                    INSERT INTO iam_groups (account_id, group_name, name_key, group_id, path, create_date)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    group.accountId, group.groupName, Stored.nameKey(group.groupName), group.groupId, group.path,
                    Stored.millis(group.createDate),
                ]
            )
        }
    }

    /// Case-insensitive lookup by name.
    public func group(accountId: String, groupName: String) async throws -> IAMGroup? {
        let nameKey = Stored.nameKey(groupName)
        return try await read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT \(Self.groupColumns) FROM iam_groups g WHERE g.account_id = ? AND g.name_key = ?"
                ),
                arguments: [accountId, nameKey]
            ).map(Self.decodeGroup)
        }
    }

    /// Groups whose path starts with `pathPrefix` (case-sensitively), ordered by name case-insensitively.
    public func groups(accountId: String, pathPrefix: String) async throws -> [IAMGroup] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.groupColumns) FROM iam_groups g
                        WHERE g.account_id = ?1 AND substr(g.path, 1, length(?2)) = ?2
                        ORDER BY g.name_key
                        """
                ),
                arguments: [accountId, pathPrefix]
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
                violation == .unique
                    ? StoreError(.alreadyExists, "group \(newName) in account \(accountId) already exists") : nil
            }
        ) { db in
            let current = try Self.requireOwner(db, accountId: accountId, owner: .group(groupName))
            try db.execute(
                sql: """
                    UPDATE iam_groups SET group_name = ?, name_key = ?, path = COALESCE(?, path)
                    WHERE account_id = ? AND name_key = ?
                    """,
                arguments: [
                    newGroupName ?? current, Stored.nameKey(newGroupName ?? current), newPath, accountId,
                    Stored.nameKey(groupName),
                ]
            )
        }
    }

    /// Deletes the group; `.conflict` "users" while it has members, "policies" while it has policies.
    public func deleteGroup(accountId: String, groupName: String) async throws {
        try await write(
            "deleteGroup",
            constraint: { $0 == .foreignKey ? StoreError(.conflict, "users") : nil }
        ) { db in
            try Self.requireOwner(db, accountId: accountId, owner: .group(groupName))
            let arguments: StatementArguments = [accountId, Stored.nameKey(groupName)]
            let hasMembers = try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM group_members WHERE account_id = ? AND group_name_key = ?)",
                arguments: arguments
            )
            if hasMembers == true { throw StoreError(.conflict, "users") }
            if try Self.hasPolicies(db, accountId: accountId, owner: .group(groupName)) {
                throw StoreError(.conflict, "policies")
            }
            try db.execute(sql: "DELETE FROM iam_groups WHERE account_id = ? AND name_key = ?", arguments: arguments)
        }
    }

    /// Adds the user to the group (again: no change); `.limitExceeded` at `maxGroupsPerUser` groups.
    public func addUserToGroup(accountId: String, groupName: String, userName: String, maxGroupsPerUser: Int?)
        async throws
    {
        let groupKey = Stored.nameKey(groupName)
        let userKey = Stored.nameKey(userName)
        try await write("addUserToGroup") { db in
            try Self.requireOwner(db, accountId: accountId, owner: .group(groupName))
            try Self.requireOwner(db, accountId: accountId, owner: .user(userName))
            let arguments: StatementArguments = [accountId, groupKey, userKey]
            let isMember = try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM group_members
                        WHERE account_id = ? AND group_name_key = ? AND user_name_key = ?)
                    """,
                arguments: arguments
            )
            if isMember == true { return }
            if let maxGroupsPerUser {
                let count =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM group_members WHERE account_id = ? AND user_name_key = ?",
                        arguments: [accountId, userKey]
                    ) ?? 0
                guard count < maxGroupsPerUser else {
                    throw StoreError(.limitExceeded, "user \(userName) is already in \(count) groups")
                }
            }
            try db.execute(
                sql: "INSERT INTO group_members (account_id, group_name_key, user_name_key) VALUES (?, ?, ?)",
                arguments: arguments
            )
        }
    }

    /// Removes the user from the group; `.notFound` if either is missing or the user is not a member.
    public func removeUserFromGroup(accountId: String, groupName: String, userName: String) async throws {
        try await write("removeUserFromGroup") { db in
            try Self.requireOwner(db, accountId: accountId, owner: .group(groupName))
            try Self.requireOwner(db, accountId: accountId, owner: .user(userName))
            try db.execute(
                sql: "DELETE FROM group_members WHERE account_id = ? AND group_name_key = ? AND user_name_key = ?",
                arguments: [accountId, Stored.nameKey(groupName), Stored.nameKey(userName)]
            )
            guard db.changesCount > 0 else {
                throw StoreError(.notFound, "membership of user \(userName) in group \(groupName) does not exist")
            }
        }
    }

    /// The user's groups, ordered by name; `.notFound` if the user is missing.
    public func groupsForUser(accountId: String, userName: String) async throws -> [IAMGroup] {
        try await read { db in
            try Self.requireOwner(db, accountId: accountId, owner: .user(userName))
            return try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.groupColumns) FROM group_members m
                        JOIN iam_groups g ON g.account_id = m.account_id AND g.name_key = m.group_name_key
                        WHERE m.account_id = ? AND m.user_name_key = ?
                        ORDER BY g.name_key
                        """
                ),
                arguments: [accountId, Stored.nameKey(userName)]
            ).map(Self.decodeGroup)
        }
    }

    /// The group's members, ordered by name; `.notFound` if the group is missing.
    public func usersInGroup(accountId: String, groupName: String) async throws -> [IAMUser] {
        try await read { db in
            try Self.requireOwner(db, accountId: accountId, owner: .group(groupName))
            return try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT u.account_id, u.user_name, u.user_id, u.path, u.create_date, u.tags,
                            u.permissions_boundary_arn
                        FROM group_members m
                        JOIN users u ON u.account_id = m.account_id AND u.name_key = m.user_name_key
                        WHERE m.account_id = ? AND m.group_name_key = ?
                        ORDER BY u.name_key
                        """
                ),
                arguments: [accountId, Stored.nameKey(groupName)]
            ).map(Self.decodeUser)
        }
    }

    static func decodeGroup(_ row: Row) throws -> IAMGroup {
        let columns = StoredRow(row: row, table: "iam_groups")
        return IAMGroup(
            accountId: try columns.string(0),
            groupName: try columns.string(1),
            groupId: try columns.string(2),
            path: try columns.string(3),
            createDate: try columns.date(4)
        )
    }
}
