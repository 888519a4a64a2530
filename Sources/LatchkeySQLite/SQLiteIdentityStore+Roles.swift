import GRDB
public import LatchkeyDomain

extension SQLiteIdentityStore: PolicyStore {}

extension SQLiteIdentityStore {
    private static let roleColumns = """
        account_id, role_name, role_id, path, assume_role_policy, description, max_session_duration,
        permissions_boundary_arn, tags, create_date
        """

    /// Inserts a role; `.alreadyExists` if the name (case-insensitively) or the role ID is taken, `.notFound` if the
    /// account does not exist.
    public func insertRole(_ role: IAMRole) async throws {
        let tags = try Self.encodeTags(role.tags)
        let description = "role \(role.roleName) in account \(role.accountId)"
        try await write(
            "insertRole",
            constraint: { violation in
                switch violation {
                case .unique: StoreError(.alreadyExists, "\(description) already exists")
                case .foreignKey: StoreError(.notFound, "account \(role.accountId) does not exist")
                case .other: nil
                }
            }
        ) { db in
            try Self.requireAccount(db, role.accountId)
            try db.execute(
                sql: """
                    INSERT INTO roles (account_id, role_name, name_key, role_id, path, assume_role_policy, description,
                        max_session_duration, permissions_boundary_arn, tags, create_date)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    role.accountId, role.roleName, Stored.nameKey(role.roleName), role.roleId, role.path,
                    role.assumeRolePolicyDocument, role.description, role.maxSessionDuration,
                    role.permissionsBoundaryArn, tags, Stored.millis(role.createDate),
                ]
            )
        }
    }

    /// Case-insensitive lookup by name; the role comes back with the case it was created with.
    public func role(accountId: String, roleName: String) async throws -> IAMRole? {
        let nameKey = Stored.nameKey(roleName)
        return try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.roleColumns) FROM roles WHERE account_id = ? AND name_key = ?"),
                arguments: [accountId, nameKey]
            ).map(Self.decodeRole)
        }
    }

    /// Roles whose path starts with `pathPrefix` (compared case-sensitively, no wildcards), ordered by name
    /// case-insensitively.
    public func roles(accountId: String, pathPrefix: String) async throws -> [IAMRole] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.roleColumns) FROM roles
                        WHERE account_id = ?1 AND substr(path, 1, length(?2)) = ?2
                        ORDER BY name_key
                        """
                ),
                arguments: [accountId, pathPrefix]
            ).map(Self.decodeRole)
        }
    }

    /// Reads the role, applies `change` and writes its description, max session duration, trust policy and tags,
    /// all in one `BEGIN IMMEDIATE` transaction (SQLite's single writer), so no concurrent change is lost. An error
    /// thrown by `change` rolls back and is rethrown unchanged; `.notFound` if missing.
    @discardableResult
    public func modifyRole(
        accountId: String, roleName: String, _ change: @escaping @Sendable (inout IAMRole) throws -> Void
    ) async throws -> IAMRole {
        let nameKey = Stored.nameKey(roleName)
        return try await write("modifyRole") { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT \(Self.roleColumns) FROM roles WHERE account_id = ? AND name_key = ?"),
                    arguments: [accountId, nameKey]
                )
            else {
                throw StoreError(.notFound, "role \(roleName) in account \(accountId) does not exist")
            }
            let current = try Self.decodeRole(row)
            var changed = current
            try Self.apply(change, to: &changed)
            var stored = current
            stored.description = changed.description
            stored.maxSessionDuration = changed.maxSessionDuration
            stored.assumeRolePolicyDocument = changed.assumeRolePolicyDocument
            stored.tags = changed.tags
            try db.execute(
                sql: """
                    UPDATE roles SET description = ?, max_session_duration = ?, assume_role_policy = ?, tags = ?
                    WHERE account_id = ? AND name_key = ?
                    """,
                arguments: [
                    stored.description, stored.maxSessionDuration, stored.assumeRolePolicyDocument,
                    try Self.encodeTags(stored.tags), accountId, nameKey,
                ]
            )
            return stored
        }
    }

    /// Deletes the role; `.notFound` if missing; `.conflict` with detail "policies" while it has inline or attached
    /// policies.
    public func deleteRole(accountId: String, roleName: String) async throws {
        try await write(
            "deleteRole",
            constraint: { $0 == .foreignKey ? StoreError(.conflict, "policies") : nil }
        ) { db in
            let owner = PolicyOwner.role(roleName)
            try Self.requireOwner(db, accountId: accountId, owner: owner)
            if try Self.hasPolicies(db, accountId: accountId, owner: owner) {
                throw StoreError(.conflict, "policies")
            }
            try db.execute(
                sql: "DELETE FROM roles WHERE account_id = ? AND name_key = ?",
                arguments: [accountId, Stored.nameKey(roleName)]
            )
        }
    }

    /// Whether the owner has any inline policy or attached managed policy.
    static func hasPolicies(_ db: Database, accountId: String, owner: PolicyOwner) throws -> Bool {
        let table = OwnerTable.of(owner)
        return try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT EXISTS (SELECT 1 FROM \(table.inlineTable) WHERE account_id = ?1 AND owner_name_key = ?2)
                        OR EXISTS (SELECT 1 FROM \(table.attachedTable) WHERE account_id = ?1 AND owner_name_key = ?2)
                    """
            ),
            arguments: [accountId, Stored.nameKey(owner.name)]
        ) == true
    }

    static func decodeRole(_ row: Row) throws -> IAMRole {
        let columns = StoredRow(row: row, table: "roles")
        return IAMRole(
            accountId: try columns.string(0),
            roleName: try columns.string(1),
            roleId: try columns.string(2),
            path: try columns.string(3),
            assumeRolePolicyDocument: try columns.string(4),
            description: try columns.optionalString(5),
            maxSessionDuration: try columns.int(6),
            permissionsBoundaryArn: try columns.optionalString(7),
            tags: try columns.tags(8),
            createDate: try columns.date(9)
        )
    }
}

extension StoredRow {
    /// An integer column that must fit an `Int`.
    func int(_ index: Int) throws -> Int {
        Int(try int64(index))
    }

    /// An integer column holding 0 or 1.
    func bool(_ index: Int) throws -> Bool {
        try int64(index) != 0
    }
}
