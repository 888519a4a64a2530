public import LatchkeyDomain
import PostgresNIO

extension PostgresStore: PolicyStore {}

extension PostgresStore {
    /// The columns a policy is decoded from (`decodePolicy`), counts zero.
    static let policyColumns = """
        account_id, policy_name, policy_id, path, description, is_attachable, default_version, create_date,
        update_date, tags
        """

    /// The same columns qualified by `p`, plus the attachment count and the boundary usage count of each policy,
    /// counted in the same statement so they can never drift from the rows they count.
    static let policyColumnsWithCounts = """
        p.account_id, p.policy_name, p.policy_id, p.path, p.description, p.is_attachable, p.default_version,
        p.create_date, p.update_date, p.tags,
        (SELECT COUNT(*) FROM user_attached_policies a
            WHERE a.account_id = p.account_id AND a.policy_name_key = p.name_key)
        + (SELECT COUNT(*) FROM role_attached_policies a
            WHERE a.account_id = p.account_id AND a.policy_name_key = p.name_key)
        + (SELECT COUNT(*) FROM group_attached_policies a
            WHERE a.account_id = p.account_id AND a.policy_name_key = p.name_key) AS attachments,
        (SELECT COUNT(*) FROM users u WHERE u.account_id = p.account_id
            AND u.permissions_boundary_arn = 'arn:aws:iam::' || p.account_id || ':policy' || p.path || p.policy_name)
        + (SELECT COUNT(*) FROM roles r WHERE r.account_id = p.account_id
            AND r.permissions_boundary_arn = 'arn:aws:iam::' || p.account_id || ':policy' || p.path || p.policy_name)
            AS boundaries
        """

    /// Inserts a policy with `document` as its default version `v1`.
    public func insertManagedPolicy(_ policy: ManagedPolicy, document: String) async throws {
        let tags = try PolicyColumns.tagsJSON(policy.tags)
        let description = "policy \(policy.arn)"
        let created = PolicyColumns.millis(policy.createDate)
        let nameKey = PolicyColumns.nameKey(policy.policyName)
        try await write(
            "insertManagedPolicy",
            constraint: { violation in
                switch violation.kind {
                case .unique: StoreError(.alreadyExists, "\(description) already exists")
                case .foreignKey: StoreError(.notFound, "account \(policy.accountId) does not exist")
                default: nil
                }
            }
        ) { connection in
            try await self.requireAccount(connection, policy.accountId)
            try await connection.query(
                """
                INSERT INTO managed_policies (account_id, policy_name, name_key, policy_id, path, description,
                    is_attachable, default_version, next_version, create_date, update_date, tags)
                VALUES (\(policy.accountId), \(policy.policyName), \(nameKey), \(policy.policyId), \(policy.path),
                    \(policy.description), \(policy.isAttachable), 1, 2, \(created), \(created), \(tags))
                """,
                logger: self.logger
            )
            try await connection.query(
                """
                INSERT INTO policy_versions (account_id, policy_name_key, version, document, create_date)
                VALUES (\(policy.accountId), \(nameKey), 1, \(document), \(created))
                """,
                logger: self.logger
            )
        }
    }

    /// The policy with this ARN, with its counts, if any (one statement).
    public func managedPolicy(arn: String) async throws -> ManagedPolicy? {
        guard let parts = ManagedPolicyARN(arn) else { return nil }
        return try await readStatement { connection in
            try await self.fetchOne(
                connection,
                """
                SELECT \(unescaped: Self.policyColumnsWithCounts) FROM managed_policies p
                WHERE p.account_id = \(parts.accountId) AND p.name_key = \(parts.nameKey) AND p.path = \(parts.path)
                """
            ).map(Self.decodePolicyWithCounts)
        }
    }

    /// The account's policies under `pathPrefix` (case-sensitive), ordered by name; optionally only attached ones.
    public func managedPolicies(accountId: String, pathPrefix: String, onlyAttached: Bool) async throws
        -> [ManagedPolicy]
    {
        try await readStatement { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT \(unescaped: Self.policyColumnsWithCounts) FROM managed_policies p
                WHERE p.account_id = \(accountId) AND starts_with(p.path, \(pathPrefix))
                ORDER BY p.name_key COLLATE "C"
                """
            ).map(Self.decodePolicyWithCounts).filter { !onlyAttached || $0.attachmentCount > 0 }
        }
    }

    /// Reads the policy's tags, applies `change` and writes them back, in one `SERIALIZABLE` transaction. An error
    /// thrown by `change` rolls back and is rethrown unchanged; `.notFound` if the policy is missing.
    @discardableResult
    public func modifyManagedPolicyTags(
        policyArn: String, _ change: @escaping @Sendable (inout [ResourceTag]) throws -> Void
    ) async throws -> [ResourceTag] {
        try await write("modifyManagedPolicyTags") { connection in
            let (parts, policy) = try await self.requirePolicy(connection, policyArn)
            var tags = policy.tags
            try Self.apply(change, to: &tags)
            try await connection.query(
                """
                UPDATE managed_policies SET tags = \(try PolicyColumns.tagsJSON(tags))
                WHERE account_id = \(parts.accountId) AND name_key = \(parts.nameKey)
                """,
                logger: self.logger
            )
            return tags
        }
    }

    /// Deletes the policy and its default version; `.conflict` "attachments", "permissions boundaries" or
    /// "versions" while anything still depends on it.
    public func deleteManagedPolicy(arn: String) async throws {
        try await write(
            "deleteManagedPolicy",
            constraint: { $0.kind == .foreignKey ? StoreError(.conflict, "attachments") : nil }
        ) { connection in
            guard
                let parts = ManagedPolicyARN(arn),
                let row = try await self.fetchOne(
                    connection,
                    """
                    SELECT \(unescaped: Self.policyColumnsWithCounts),
                        (SELECT COUNT(*) FROM policy_versions v
                            WHERE v.account_id = p.account_id AND v.policy_name_key = p.name_key)
                    FROM managed_policies p
                    WHERE p.account_id = \(parts.accountId) AND p.name_key = \(parts.nameKey)
                        AND p.path = \(parts.path)
                    """
                )
            else {
                throw StoreError(.notFound, "policy \(arn) does not exist")
            }
            let policy = try Self.decodePolicyWithCounts(row)
            if policy.attachmentCount > 0 { throw StoreError(.conflict, "attachments") }
            if policy.permissionsBoundaryUsageCount > 0 { throw StoreError(.conflict, "permissions boundaries") }
            if try Self.integer(row, column: 12, table: "policy_versions") > 1 {
                throw StoreError(.conflict, "versions")
            }
            try await connection.query(
                """
                DELETE FROM managed_policies WHERE account_id = \(parts.accountId) AND name_key = \(parts.nameKey)
                """,
                logger: self.logger
            )
        }
    }

    // MARK: Helpers

    /// The ARN's parts and the policy (counts zero) if it names a stored policy (account and path exact, name
    /// case-insensitive); `.notFound` ("policy ARN does not exist") otherwise.
    @discardableResult
    func requirePolicy(_ connection: PostgresConnection, _ arn: String) async throws
        -> (ManagedPolicyARN, ManagedPolicy)
    {
        guard
            let parts = ManagedPolicyARN(arn),
            let row = try await fetchOne(
                connection,
                """
                SELECT \(unescaped: Self.policyColumns) FROM managed_policies
                WHERE account_id = \(parts.accountId) AND name_key = \(parts.nameKey) AND path = \(parts.path)
                """
            )
        else {
            throw StoreError(.notFound, "policy \(arn) does not exist")
        }
        return (parts, try Self.decodePolicy(row))
    }

    /// A policy from `policyColumns`, counts zero.
    static func decodePolicy(_ row: PostgresRow) throws -> ManagedPolicy {
        let (accountId, name, policyId, path, description, isAttachable, defaultVersion, created, updated, tags) =
            try row.decode((String, String, String, String, String?, Bool, Int64, Int64, Int64, String).self)
        return ManagedPolicy(
            accountId: accountId,
            policyName: name,
            policyId: policyId,
            path: path,
            defaultVersionId: "v\(defaultVersion)",
            isAttachable: isAttachable,
            description: description,
            createDate: PolicyColumns.date(millis: created),
            updateDate: PolicyColumns.date(millis: updated),
            tags: try PolicyColumns.tags(json: tags, table: "managed_policies")
        )
    }

    /// A policy from `policyColumnsWithCounts`.
    static func decodePolicyWithCounts(_ row: PostgresRow) throws -> ManagedPolicy {
        var policy = try decodePolicy(row)
        policy.attachmentCount = Int(truncatingIfNeeded: try integer(row, column: 10, table: "managed_policies"))
        policy.permissionsBoundaryUsageCount = Int(
            truncatingIfNeeded: try integer(row, column: 11, table: "managed_policies"))
        return policy
    }
}
