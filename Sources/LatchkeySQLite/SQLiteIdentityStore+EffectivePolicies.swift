import GRDB
public import LatchkeyDomain

extension SQLiteIdentityStore {
    /// Every identity-based policy of the principal and its boundary, read in one snapshot.
    ///
    /// At most six statements, each an index search (see `effectivePoliciesPlan`): the principal, its inline and
    /// attached policies (with the default version's document joined in), for a user its groups' inline and
    /// attached policies, and the boundary. A boundary ARN in another account, or naming no stored policy, is
    /// reported as missing (``EffectivePolicies/isPermissionsBoundaryMissing``) so the caller can fail closed.
    public func effectivePolicies(accountId: String, principal: PolicyPrincipal) async throws -> EffectivePolicies {
        let table = OwnerTable.of(principal.owner)
        let arguments: StatementArguments = [accountId, Stored.nameKey(principal.owner.name)]
        return try await read { db in
            let statements = Self.effectivePolicyStatements(table)
            guard let ownerRow = try Row.fetchOne(db.cachedStatement(sql: statements[0]), arguments: arguments) else {
                throw StoreError(
                    .notFound, "\(table.kind) \(principal.owner.name) in account \(accountId) does not exist"
                )
            }
            let ownerColumns = StoredRow(row: ownerRow, table: "principals")
            let owner = Self.owner(principal.owner, named: try ownerColumns.string(0))
            let boundaryArn = try ownerColumns.optionalString(1)

            var collector = PolicyCollector()
            for row in try Row.fetchAll(db.cachedStatement(sql: statements[1]), arguments: arguments) {
                try collector.addInline(row, owner: owner, nameColumn: 0)
            }
            for row in try Row.fetchAll(db.cachedStatement(sql: statements[2]), arguments: arguments) {
                try collector.addManaged(row, firstColumn: 0)
            }
            if case .user = principal {
                try Self.collectGroupPolicies(db, arguments: arguments, into: &collector)
            }
            let boundary = try boundaryArn.flatMap { arn in try Self.boundaryPolicy(db, arn: arn, accountId: accountId)
            }
            return EffectivePolicies(
                identityPolicies: collector.policies, permissionsBoundaryArn: boundaryArn,
                permissionsBoundary: boundary
            )
        }
    }

    /// The principal row (name, boundary), its inline policies and its attached policies with their documents;
    /// arguments `?1` account, `?2` folded principal name.
    static func effectivePolicyStatements(_ table: OwnerTable) -> [String] {
        [
            """
            SELECT \(table.nameColumn), permissions_boundary_arn FROM \(table.ownerTable)
            WHERE account_id = ?1 AND name_key = ?2
            """,
            """
            SELECT policy_name, document FROM \(table.inlineTable)
            WHERE account_id = ?1 AND owner_name_key = ?2 ORDER BY name_key
            """,
            """
            SELECT p.account_id, p.path, p.policy_name, v.document FROM \(table.attachedTable) a
            JOIN managed_policies p ON p.account_id = a.account_id AND p.name_key = a.policy_name_key
            JOIN policy_versions v
                ON v.account_id = p.account_id AND v.policy_name_key = p.name_key AND v.version = p.default_version
            WHERE a.account_id = ?1 AND a.owner_name_key = ?2 ORDER BY p.name_key
            """,
        ]
    }

    /// A user's groups' inline policies and attached policies, each ordered by group then policy name; arguments
    /// `?1` account, `?2` folded user name.
    static let groupPolicyStatements = [
        """
        SELECT g.name_key, g.group_name, i.policy_name, i.document FROM group_members m
        JOIN iam_groups g ON g.account_id = m.account_id AND g.name_key = m.group_name_key
        JOIN group_inline_policies i ON i.account_id = m.account_id AND i.owner_name_key = m.group_name_key
        WHERE m.account_id = ?1 AND m.user_name_key = ?2 ORDER BY g.name_key, i.name_key
        """,
        """
        SELECT m.group_name_key, p.account_id, p.path, p.policy_name, v.document FROM group_members m
        JOIN group_attached_policies a ON a.account_id = m.account_id AND a.owner_name_key = m.group_name_key
        JOIN managed_policies p ON p.account_id = a.account_id AND p.name_key = a.policy_name_key
        JOIN policy_versions v
            ON v.account_id = p.account_id AND v.policy_name_key = p.name_key AND v.version = p.default_version
        WHERE m.account_id = ?1 AND m.user_name_key = ?2 ORDER BY m.group_name_key, p.name_key
        """,
    ]

    /// Adds each group's inline policies then its attached policies, group by group in name order.
    private static func collectGroupPolicies(
        _ db: Database, arguments: StatementArguments, into collector: inout PolicyCollector
    ) throws {
        var inline: [String: [Row]] = [:]
        var attached: [String: [Row]] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: groupPolicyStatements[0]), arguments: arguments) {
            inline[try StoredRow(row: row, table: "iam_groups").string(0), default: []].append(row)
        }
        for row in try Row.fetchAll(db.cachedStatement(sql: groupPolicyStatements[1]), arguments: arguments) {
            attached[try StoredRow(row: row, table: "group_members").string(0), default: []].append(row)
        }
        // Folded names sort as SQLite sorts them (byte order), so every group's rows keep their query order.
        for group in Set(inline.keys).union(attached.keys).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            for row in inline[group] ?? [] {
                let groupName = try StoredRow(row: row, table: "iam_groups").string(1)
                try collector.addInline(row, owner: .group(groupName), nameColumn: 2)
            }
            for row in attached[group] ?? [] {
                try collector.addManaged(row, firstColumn: 1)
            }
        }
    }

    /// The boundary's default version, if the ARN names a stored policy of the account.
    private static func boundaryPolicy(_ db: Database, arn: String, accountId: String) throws -> EffectivePolicy? {
        guard let parts = PolicyARN(arn), parts.accountId == accountId else { return nil }
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT p.account_id, p.path, p.policy_name, v.document FROM managed_policies p
                    JOIN policy_versions v
                        ON v.account_id = p.account_id AND v.policy_name_key = p.name_key
                        AND v.version = p.default_version
                    WHERE p.account_id = ? AND p.name_key = ? AND p.path = ?
                    """
            ),
            arguments: [parts.accountId, parts.nameKey, parts.path]
        )
        return try row.map { try PolicyCollector.managed($0, firstColumn: 0) }
    }
}

/// Accumulates effective policies in order, keeping the first occurrence of each managed policy.
private struct PolicyCollector {
    var policies: [EffectivePolicy] = []
    private var seenArns: Set<String> = []

    /// An inline policy row: the policy name at `nameColumn`, the document right after it.
    mutating func addInline(_ row: Row, owner: PolicyOwner, nameColumn: Int) throws {
        let columns = StoredRow(row: row, table: "inline_policies")
        let policyName = try columns.string(nameColumn)
        policies.append(
            EffectivePolicy(
                identifier: EffectivePolicy.inlineIdentifier(owner: owner, policyName: policyName),
                document: try columns.string(nameColumn + 1)
            )
        )
    }

    /// A managed policy row: account, path, name and document from `firstColumn` on.
    mutating func addManaged(_ row: Row, firstColumn: Int) throws {
        let policy = try Self.managed(row, firstColumn: firstColumn)
        if seenArns.insert(policy.identifier).inserted { policies.append(policy) }
    }

    static func managed(_ row: Row, firstColumn: Int) throws -> EffectivePolicy {
        let columns = StoredRow(row: row, table: "managed_policies")
        return EffectivePolicy(
            identifier: ManagedPolicy.arn(
                accountId: try columns.string(firstColumn), path: try columns.string(firstColumn + 1),
                policyName: try columns.string(firstColumn + 2)
            ),
            document: try columns.string(firstColumn + 3)
        )
    }
}
