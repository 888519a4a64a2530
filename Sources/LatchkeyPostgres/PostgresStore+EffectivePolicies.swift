public import LatchkeyDomain
import PostgresNIO

extension PostgresStore {
    /// Every identity-based policy of the principal and its boundary, read in one snapshot.
    ///
    /// One statement, so one round trip (this is the read behind every authorization the services do not find in
    /// their cache): the principal, its inline and attached policies with the default version's document, for a
    /// user its groups' inline and attached policies, and the boundary's default version, as one `UNION ALL`
    /// ordered the way the SQLite store reads them. The boundary is joined by the last segment of its ARN (the
    /// policy name, folded by PostgreSQL's `lower`), and the row found is checked here against the ARN parsed as
    /// the other stores parse it; only when that check cannot confirm it (no such policy, or a name PostgreSQL folds
    /// otherwise than Swift, such as U+0130, or any non-ASCII name in a database whose default `LC_CTYPE` is `C`)
    /// does a second, exact lookup run, in a snapshot with the rest. A boundary ARN in another account, or
    /// naming no stored policy, is reported as missing (``EffectivePolicies/isPermissionsBoundaryMissing``) so the
    /// caller can fail closed.
    public func effectivePolicies(accountId: String, principal: PolicyPrincipal) async throws -> EffectivePolicies {
        let query: String
        switch principal {
        case .user: query = Self.userEffectivePoliciesSQL
        case .role: query = Self.roleEffectivePoliciesSQL
        }
        let nameKey = PolicyColumns.nameKey(principal.owner.name)
        let rows = try await readStatement { connection in
            try await self.fetchAll(connection, PostgresQuery(unsafeSQL: query, binds: Self.binds(accountId, nameKey)))
        }
        switch try Self.assembleEffectivePolicies(rows, accountId: accountId, principal: principal) {
        case .complete(let policies):
            return policies
        case .needsExactBoundary(let parts):
            return try await read { connection in
                let rows = try await self.fetchAll(
                    connection, PostgresQuery(unsafeSQL: query, binds: Self.binds(accountId, nameKey)))
                let boundary = try await self.fetchOne(
                    connection,
                    """
                    SELECT p.account_id, p.path, p.policy_name, v.document FROM managed_policies p
                    JOIN policy_versions v ON v.account_id = p.account_id AND v.policy_name_key = p.name_key
                        AND v.version = p.default_version
                    WHERE p.account_id = \(parts.accountId) AND p.name_key = \(parts.nameKey)
                        AND p.path = \(parts.path)
                    """
                )
                let exact = try boundary.map { row in
                    let (account, path, name, document) = try row.decode((String, String, String, String).self)
                    return EffectivePolicy(
                        identifier: ManagedPolicy.arn(accountId: account, path: path, policyName: name),
                        document: document
                    )
                }
                switch try Self.assembleEffectivePolicies(
                    rows, accountId: accountId, principal: principal, exactBoundary: .some(exact))
                {
                case .complete(let policies): return policies
                case .needsExactBoundary: throw StoreError(.unavailable, "effectivePolicies: boundary unresolved")
                }
            }
        }
    }

    /// Binds `$1` (account) and `$2` (folded principal name).
    private static func binds(_ accountId: String, _ nameKey: String) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 2)
        binds.append(accountId)
        binds.append(nameKey)
        return binds
    }

    /// What one run of the statement gave.
    private enum EffectiveOutcome {
        case complete(EffectivePolicies)
        /// The boundary row could not be confirmed: look the ARN's parts up exactly.
        case needsExactBoundary(ManagedPolicyARN)
    }

    /// Builds the answer from the statement's rows (already in order). `exactBoundary`, when given, is the result of
    /// the exact boundary lookup and replaces the statement's boundary row.
    private static func assembleEffectivePolicies(
        _ rows: [PostgresRow], accountId: String, principal: PolicyPrincipal,
        exactBoundary: EffectivePolicy?? = nil
    ) throws -> EffectiveOutcome {
        var ownerName: String?
        var boundaryArn: String?
        var policies: [EffectivePolicy] = []
        var seenArns: Set<String> = []
        var boundaryRow: (account: String, path: String, name: String, document: String)?
        let incomplete = StoreError(.corrupt, "effectivePolicies: a policy row is incomplete")
        for row in rows {
            let (part, _, sub, _, a, b, c, d) =
                try row.decode((Int32, String, Int32, String, String?, String?, String?, String?).self)
            switch (part, sub) {
            case (0, _):
                ownerName = a
                boundaryArn = b
            case (1, _):
                guard let name = a, let document = b else { throw incomplete }
                let owner = Self.policyOwner(principal.owner, named: ownerName ?? principal.owner.name)
                policies.append(
                    EffectivePolicy(
                        identifier: EffectivePolicy.inlineIdentifier(owner: owner, policyName: name),
                        document: document))
            case (3, 0):
                guard let groupName = a, let name = b, let document = c else { throw incomplete }
                policies.append(
                    EffectivePolicy(
                        identifier: EffectivePolicy.inlineIdentifier(owner: .group(groupName), policyName: name),
                        document: document))
            case (2, _), (3, _):
                guard let account = a, let path = b, let name = c, let document = d else { throw incomplete }
                let arn = ManagedPolicy.arn(accountId: account, path: path, policyName: name)
                if seenArns.insert(arn).inserted {
                    policies.append(EffectivePolicy(identifier: arn, document: document))
                }
            case (4, _):
                if let account = a, let path = b, let name = c, let document = d {
                    boundaryRow = (account, path, name, document)
                }
            default:
                throw StoreError(.corrupt, "effectivePolicies: unexpected part \(part)")
            }
        }
        guard ownerName != nil else {
            let table = PolicyOwnerTable.of(principal.owner)
            throw StoreError(.notFound, "\(table.kind) \(principal.owner.name) in account \(accountId) does not exist")
        }
        var boundary: EffectivePolicy?
        if let boundaryArn, let parts = ManagedPolicyARN(boundaryArn), parts.accountId == accountId {
            if let exactBoundary {
                boundary = exactBoundary
            } else if let found = boundaryRow, found.account == parts.accountId, found.path == parts.path,
                PolicyColumns.nameKey(found.name) == parts.nameKey
            {
                boundary = EffectivePolicy(
                    identifier: ManagedPolicy.arn(accountId: found.account, path: found.path, policyName: found.name),
                    document: found.document)
            } else {
                return .needsExactBoundary(parts)
            }
        }
        return .complete(
            EffectivePolicies(
                identityPolicies: policies, permissionsBoundaryArn: boundaryArn, permissionsBoundary: boundary))
    }

    static let userEffectivePoliciesSQL = effectivePoliciesQuery(.user(""))
    static let roleEffectivePoliciesSQL = effectivePoliciesQuery(.role(""))

    /// The statement behind ``effectivePolicies(accountId:principal:)`` for one owner kind; `$1` account, `$2`
    /// folded principal name. Columns: part (0 principal, 1 inline, 2 attached, 3 a group's inline or attached,
    /// 4 boundary), group key, sub-order (a group's inline policies before its attached ones), policy key, then
    /// four values whose meaning depends on the part.
    static func effectivePoliciesQuery(_ owner: PolicyOwner) -> String {
        let table = PolicyOwnerTable.of(owner)
        let defaultVersion = """
            JOIN policy_versions v ON v.account_id = p.account_id AND v.policy_name_key = p.name_key
                AND v.version = p.default_version
            """
        var branches = [
            """
            SELECT 0 AS part, ''::text AS group_key, 0 AS sub, ''::text AS policy_key, name AS a, boundary AS b,
                NULL::text AS c, NULL::text AS d
            FROM principal
            """,
            """
            SELECT 1, '', 0, i.name_key, i.policy_name, i.document, NULL, NULL FROM \(table.inlineTable) i
            WHERE i.account_id = $1 AND i.owner_name_key = $2
            """,
            """
            SELECT 2, '', 0, p.name_key, p.account_id, p.path, p.policy_name, v.document
            FROM \(table.attachedTable) x
            JOIN managed_policies p ON p.account_id = x.account_id AND p.name_key = x.policy_name_key
            \(defaultVersion)
            WHERE x.account_id = $1 AND x.owner_name_key = $2
            """,
        ]
        if case .user = owner {
            branches += [
                """
                SELECT 3, g.name_key, 0, i.name_key, g.group_name, i.policy_name, i.document, NULL
                FROM group_members m
                JOIN iam_groups g ON g.account_id = m.account_id AND g.name_key = m.group_name_key
                JOIN group_inline_policies i ON i.account_id = m.account_id AND i.owner_name_key = m.group_name_key
                WHERE m.account_id = $1 AND m.user_name_key = $2
                """,
                """
                SELECT 3, m.group_name_key, 1, p.name_key, p.account_id, p.path, p.policy_name, v.document
                FROM group_members m
                JOIN group_attached_policies x ON x.account_id = m.account_id AND x.owner_name_key = m.group_name_key
                JOIN managed_policies p ON p.account_id = x.account_id AND p.name_key = x.policy_name_key
                \(defaultVersion)
                WHERE m.account_id = $1 AND m.user_name_key = $2
                """,
            ]
        }
        branches.append(
            """
            SELECT 4, '', 0, '', p.account_id, p.path, p.policy_name, v.document
            FROM principal b
            JOIN managed_policies p ON p.account_id = $1
                AND p.name_key = lower(regexp_replace(b.boundary, '^.*/', '') COLLATE "default")
            \(defaultVersion)
            """
        )
        return """
            WITH principal AS (
                SELECT \(table.nameColumn) AS name, permissions_boundary_arn AS boundary FROM \(table.ownerTable)
                WHERE account_id = $1 AND name_key = $2
            )
            SELECT * FROM (
            \(branches.joined(separator: "\nUNION ALL\n"))
            ) r
            ORDER BY part, group_key COLLATE "C", sub, policy_key COLLATE "C"
            """
    }
}
