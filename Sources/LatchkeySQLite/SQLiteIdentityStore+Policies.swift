import GRDB
public import LatchkeyDomain

/// The parts of a customer managed policy ARN (the domain's parser).
typealias PolicyARN = ManagedPolicyARN

extension ManagedPolicyARN {
    var nameKey: String { Stored.nameKey(policyName) }
}

extension SQLiteIdentityStore {
    static let policyColumns = """
        account_id, policy_name, policy_id, path, description, is_attachable, default_version, create_date,
        update_date, tags, name_key
        """

    /// Inserts a policy with `document` as its default version `v1`.
    public func insertManagedPolicy(_ policy: ManagedPolicy, document: String) async throws {
        let tags = try Self.encodeTags(policy.tags)
        let description = "policy \(policy.arn)"
        let created = Stored.millis(policy.createDate)
        try await write(
            "insertManagedPolicy",
            constraint: { violation in
                switch violation {
                case .unique: StoreError(.alreadyExists, "\(description) already exists")
                case .foreignKey: StoreError(.notFound, "account \(policy.accountId) does not exist")
                case .other: nil
                }
            }
        ) { db in
            try Self.requireAccount(db, policy.accountId)
            let nameKey = Stored.nameKey(policy.policyName)
            try db.execute(
                sql: """
                    INSERT INTO managed_policies (account_id, policy_name, name_key, policy_id, path, description,
                        is_attachable, default_version, next_version, create_date, update_date, tags)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 1, 2, ?, ?, ?)
                    """,
                arguments: [
                    policy.accountId, policy.policyName, nameKey, policy.policyId, policy.path, policy.description,
                    policy.isAttachable, created, created, tags,
                ]
            )
            try db.execute(
                sql: """
                    INSERT INTO policy_versions (account_id, policy_name_key, version, document, create_date)
                    VALUES (?, ?, 1, ?, ?)
                    """,
                arguments: [policy.accountId, nameKey, document, created]
            )
        }
    }

    /// The policy with this ARN, with its counts, if any.
    public func managedPolicy(arn: String) async throws -> ManagedPolicy? {
        guard let parts = PolicyARN(arn) else { return nil }
        return try await read { db in
            guard let row = try Self.policyRow(db, parts) else { return nil }
            var policy = try Self.decodePolicy(row)
            policy.attachmentCount = try Self.attachmentCount(db, parts)
            policy.permissionsBoundaryUsageCount = try Self.boundaryUsageCount(db, policy)
            return policy
        }
    }

    /// The account's policies under `pathPrefix` (case-sensitive), ordered by name; optionally only attached ones.
    public func managedPolicies(accountId: String, pathPrefix: String, onlyAttached: Bool) async throws
        -> [ManagedPolicy]
    {
        try await read { db in
            let attachments = try Self.countsByKey(db, sql: Self.attachmentCountsSQL, accountId: accountId)
            let boundaries = try Self.countsByKey(db, sql: Self.boundaryCountsSQL, accountId: accountId)
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.policyColumns) FROM managed_policies
                        WHERE account_id = ?1 AND substr(path, 1, length(?2)) = ?2
                        ORDER BY name_key
                        """
                ),
                arguments: [accountId, pathPrefix]
            )
            var policies: [ManagedPolicy] = []
            for row in rows {
                var policy = try Self.decodePolicy(row)
                policy.attachmentCount = attachments[try StoredRow(row: row, table: "managed_policies").string(10)] ?? 0
                policy.permissionsBoundaryUsageCount = boundaries[policy.arn] ?? 0
                if onlyAttached && policy.attachmentCount == 0 { continue }
                policies.append(policy)
            }
            return policies
        }
    }

    /// Reads the policy's tags, applies `change` and writes them back, in one `BEGIN IMMEDIATE` transaction. An
    /// error thrown by `change` rolls back and is rethrown unchanged; `.notFound` if the policy is missing.
    @discardableResult
    public func modifyManagedPolicyTags(
        policyArn: String, _ change: @escaping @Sendable (inout [ResourceTag]) throws -> Void
    ) async throws -> [ResourceTag] {
        try await write("modifyManagedPolicyTags") { db in
            let (parts, policy) = try Self.requirePolicy(db, policyArn)
            var tags = policy.tags
            try Self.apply(change, to: &tags)
            try db.execute(
                sql: "UPDATE managed_policies SET tags = ? WHERE account_id = ? AND name_key = ?",
                arguments: [try Self.encodeTags(tags), parts.accountId, parts.nameKey]
            )
            return tags
        }
    }

    /// Deletes the policy and its default version; `.conflict` "attachments", "permissions boundaries" or
    /// "versions" while anything still depends on it.
    public func deleteManagedPolicy(arn: String) async throws {
        try await write(
            "deleteManagedPolicy",
            constraint: { $0 == .foreignKey ? StoreError(.conflict, "attachments") : nil }
        ) { db in
            let (parts, policy) = try Self.requirePolicy(db, arn)
            if try Self.attachmentCount(db, parts) > 0 { throw StoreError(.conflict, "attachments") }
            if try Self.boundaryUsageCount(db, policy) > 0 { throw StoreError(.conflict, "permissions boundaries") }
            let versions =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM policy_versions WHERE account_id = ? AND policy_name_key = ?",
                    arguments: [parts.accountId, parts.nameKey]
                ) ?? 0
            if versions > 1 { throw StoreError(.conflict, "versions") }
            try db.execute(
                sql: "DELETE FROM managed_policies WHERE account_id = ? AND name_key = ?",
                arguments: [parts.accountId, parts.nameKey]
            )
        }
    }

    // MARK: Helpers

    /// The policy row named by the ARN (account and path exact, name case-insensitive), if any.
    static func policyRow(_ db: Database, _ parts: PolicyARN) throws -> Row? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT \(policyColumns) FROM managed_policies WHERE account_id = ? AND name_key = ? AND path = ?"
            ),
            arguments: [parts.accountId, parts.nameKey, parts.path]
        )
    }

    /// The ARN's parts and the policy (counts zero) if it names a stored policy; `.notFound` ("policy ARN does not
    /// exist") otherwise.
    @discardableResult
    static func requirePolicy(_ db: Database, _ arn: String) throws -> (PolicyARN, ManagedPolicy) {
        guard let parts = PolicyARN(arn), let row = try policyRow(db, parts) else {
            throw StoreError(.notFound, "policy \(arn) does not exist")
        }
        return (parts, try decodePolicy(row))
    }

    /// How many users, groups and roles the policy is attached to.
    static func attachmentCount(_ db: Database, _ parts: PolicyARN) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: attachmentCountSQL), arguments: [parts.accountId, parts.nameKey]
        ) ?? 0
    }

    /// How many users and roles use the policy (by its canonical ARN) as their boundary.
    static func boundaryUsageCount(_ db: Database, _ policy: ManagedPolicy) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: boundaryCountSQL), arguments: [policy.accountId, policy.arn]) ?? 0
    }

    /// Attachments of one policy (?1 account, ?2 policy name key) across the three owner kinds.
    static let attachmentCountSQL =
        "SELECT "
        + OwnerTable.all.map {
            "(SELECT COUNT(*) FROM \($0.attachedTable) WHERE account_id = ?1 AND policy_name_key = ?2)"
        }.joined(separator: " + ")

    /// Users and roles using one policy (?1 account, ?2 canonical ARN) as their boundary.
    static let boundaryCountSQL = """
        SELECT (SELECT COUNT(*) FROM users WHERE account_id = ?1 AND permissions_boundary_arn = ?2)
            + (SELECT COUNT(*) FROM roles WHERE account_id = ?1 AND permissions_boundary_arn = ?2)
        """

    /// Attachment counts of every attached policy of the account, by policy name key.
    static let attachmentCountsSQL =
        "SELECT policy_name_key, COUNT(*) FROM ("
        + OwnerTable.all.map { "SELECT policy_name_key FROM \($0.attachedTable) WHERE account_id = ?1" }
        .joined(separator: " UNION ALL ")
        + ") GROUP BY policy_name_key"

    /// Boundary usage counts of the account, by boundary ARN.
    static let boundaryCountsSQL = """
        SELECT arn, COUNT(*) FROM (
            SELECT permissions_boundary_arn AS arn FROM users
                WHERE account_id = ?1 AND permissions_boundary_arn IS NOT NULL
            UNION ALL
            SELECT permissions_boundary_arn AS arn FROM roles
                WHERE account_id = ?1 AND permissions_boundary_arn IS NOT NULL
        ) GROUP BY arn
        """

    static func countsByKey(_ db: Database, sql: String, accountId: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: sql), arguments: [accountId]) {
            let columns = StoredRow(row: row, table: "counts")
            counts[try columns.string(0)] = try columns.int(1)
        }
        return counts
    }

    /// A policy from `policyColumns`, counts zero.
    static func decodePolicy(_ row: Row) throws -> ManagedPolicy {
        let columns = StoredRow(row: row, table: "managed_policies")
        return ManagedPolicy(
            accountId: try columns.string(0),
            policyName: try columns.string(1),
            policyId: try columns.string(2),
            path: try columns.string(3),
            defaultVersionId: "v\(try columns.int64(6))",
            isAttachable: try columns.bool(5),
            description: try columns.optionalString(4),
            createDate: try columns.date(7),
            updateDate: try columns.date(8),
            tags: try columns.tags(9)
        )
    }
}
