public import LatchkeyDomain
import PostgresNIO

extension PostgresStore {
    static let roleColumns = """
        account_id, role_name, role_id, path, assume_role_policy, description, max_session_duration,
        permissions_boundary_arn, tags, create_date
        """

    /// Inserts a role; `.alreadyExists` if the name (case-insensitively) or the role ID is taken, `.notFound` if the
    /// account does not exist.
    public func insertRole(_ role: IAMRole) async throws {
        let tags = try PolicyColumns.tagsJSON(role.tags)
        let description = "role \(role.roleName) in account \(role.accountId)"
        try await write(
            "insertRole",
            constraint: { violation in
                switch violation.kind {
                case .unique: StoreError(.alreadyExists, "\(description) already exists")
                case .foreignKey: StoreError(.notFound, "account \(role.accountId) does not exist")
                default: nil
                }
            }
        ) { connection in
            try await self.requireAccount(connection, role.accountId)
            try await connection.query(
                """
                INSERT INTO roles (account_id, role_name, name_key, role_id, path, assume_role_policy, description,
                    max_session_duration, permissions_boundary_arn, tags, create_date)
                VALUES (\(role.accountId), \(role.roleName), \(PolicyColumns.nameKey(role.roleName)), \(role.roleId),
                    \(role.path), \(role.assumeRolePolicyDocument), \(role.description),
                    \(Int64(role.maxSessionDuration)), \(role.permissionsBoundaryArn), \(tags),
                    \(PolicyColumns.millis(role.createDate)))
                """,
                logger: self.logger
            )
        }
    }

    /// Case-insensitive lookup by name; the role comes back with the case it was created with.
    public func role(accountId: String, roleName: String) async throws -> IAMRole? {
        let nameKey = PolicyColumns.nameKey(roleName)
        return try await readStatement { connection in
            try await self.fetchOne(
                connection,
                """
                SELECT \(unescaped: Self.roleColumns) FROM roles WHERE account_id = \(accountId) AND name_key = \(nameKey)
                """
            ).map(Self.decodeRole)
        }
    }

    /// Roles whose path starts with `pathPrefix` (compared case-sensitively, no wildcards), ordered by name
    /// case-insensitively (byte order of the folded name).
    public func roles(accountId: String, pathPrefix: String) async throws -> [IAMRole] {
        try await readStatement { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT \(unescaped: Self.roleColumns) FROM roles
                WHERE account_id = \(accountId) AND starts_with(path, \(pathPrefix))
                ORDER BY name_key COLLATE "C"
                """
            ).map(Self.decodeRole)
        }
    }

    /// Reads the role, applies `change` and writes its description, max session duration, trust policy and tags,
    /// all in one `SERIALIZABLE` transaction (re-run on a serialization failure), so no concurrent change is lost.
    /// An error thrown by `change` rolls back and is rethrown unchanged; `.notFound` if missing.
    @discardableResult
    public func modifyRole(
        accountId: String, roleName: String, _ change: @escaping @Sendable (inout IAMRole) throws -> Void
    ) async throws -> IAMRole {
        let nameKey = PolicyColumns.nameKey(roleName)
        return try await write("modifyRole") { connection in
            guard
                let row = try await self.fetchOne(
                    connection,
                    """
                    SELECT \(unescaped: Self.roleColumns) FROM roles
                    WHERE account_id = \(accountId) AND name_key = \(nameKey)
                    """
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
            try await connection.query(
                """
                UPDATE roles SET description = \(stored.description),
                    max_session_duration = \(Int64(stored.maxSessionDuration)),
                    assume_role_policy = \(stored.assumeRolePolicyDocument),
                    tags = \(try PolicyColumns.tagsJSON(stored.tags))
                WHERE account_id = \(accountId) AND name_key = \(nameKey)
                """,
                logger: self.logger
            )
            return stored
        }
    }

    /// Deletes the role; `.notFound` if missing; `.conflict` with detail "policies" while it has inline or attached
    /// policies.
    public func deleteRole(accountId: String, roleName: String) async throws {
        try await write(
            "deleteRole",
            constraint: { $0.kind == .foreignKey ? StoreError(.conflict, "policies") : nil }
        ) { connection in
            let owner = PolicyOwner.role(roleName)
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: owner)
            if try await self.ownerHasPolicies(connection, accountId: accountId, owner: owner) {
                throw StoreError(.conflict, "policies")
            }
            try await connection.query(
                "DELETE FROM roles WHERE account_id = \(accountId) AND name_key = \(PolicyColumns.nameKey(roleName))",
                logger: self.logger
            )
        }
    }

    static func decodeRole(_ row: PostgresRow) throws -> IAMRole {
        let (accountId, roleName, roleId, path, trust, description, maxSession, boundary, tags, created) =
            try row.decode((String, String, String, String, String, String?, Int64, String?, String, Int64).self)
        return IAMRole(
            accountId: accountId,
            roleName: roleName,
            roleId: roleId,
            path: path,
            assumeRolePolicyDocument: trust,
            description: description,
            maxSessionDuration: Int(truncatingIfNeeded: maxSession),
            permissionsBoundaryArn: boundary,
            tags: try PolicyColumns.tags(json: tags, table: "roles"),
            createDate: PolicyColumns.date(millis: created)
        )
    }
}
