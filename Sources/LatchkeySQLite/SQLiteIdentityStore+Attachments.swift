import GRDB
public import LatchkeyDomain

extension SQLiteIdentityStore {
    /// Attaches the policy (again: no change); `.notFound` if the owner or policy is missing or the policy is in
    /// another account; `.limitExceeded` at `maxAttachedPolicies`.
    public func attachPolicy(accountId: String, owner: PolicyOwner, policyArn: String, maxAttachedPolicies: Int?)
        async throws
    {
        let table = OwnerTable.of(owner)
        let ownerKey = Stored.nameKey(owner.name)
        try await write("attachPolicy") { db in
            try Self.requireOwner(db, accountId: accountId, owner: owner)
            let (parts, _) = try Self.requirePolicy(db, policyArn)
            guard parts.accountId == accountId else {
                throw StoreError(.notFound, "policy \(policyArn) does not exist")
            }
            let arguments: StatementArguments = [accountId, ownerKey, parts.nameKey]
            let isAttached = try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM \(table.attachedTable)
                        WHERE account_id = ? AND owner_name_key = ? AND policy_name_key = ?)
                    """,
                arguments: arguments
            )
            if isAttached == true { return }
            if let maxAttachedPolicies {
                let count =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM \(table.attachedTable) WHERE account_id = ? AND owner_name_key = ?",
                        arguments: [accountId, ownerKey]
                    ) ?? 0
                guard count < maxAttachedPolicies else {
                    throw StoreError(
                        .limitExceeded, "\(table.kind) \(owner.name) already has \(count) attached policies"
                    )
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO \(table.attachedTable) (account_id, owner_name_key, policy_name_key)
                    VALUES (?, ?, ?)
                    """,
                arguments: arguments
            )
        }
    }

    /// `.notFound` if the owner or the policy is missing or the policy is not attached to the owner.
    public func detachPolicy(accountId: String, owner: PolicyOwner, policyArn: String) async throws {
        let table = OwnerTable.of(owner)
        try await write("detachPolicy") { db in
            try Self.requireOwner(db, accountId: accountId, owner: owner)
            let (parts, _) = try Self.requirePolicy(db, policyArn)
            try db.execute(
                sql: """
                    DELETE FROM \(table.attachedTable)
                    WHERE account_id = ? AND owner_name_key = ? AND policy_name_key = ?
                    """,
                arguments: [accountId, Stored.nameKey(owner.name), parts.nameKey]
            )
            guard parts.accountId == accountId, db.changesCount > 0 else {
                throw StoreError(
                    .notFound, "attachment of policy \(policyArn) to \(table.kind) \(owner.name) does not exist"
                )
            }
        }
    }

    /// The owner's attached policies, ordered by policy name; `.notFound` if the owner is missing.
    public func attachedPolicies(accountId: String, owner: PolicyOwner) async throws -> [AttachedPolicy] {
        let table = OwnerTable.of(owner)
        return try await read { db in
            try Self.requireOwner(db, accountId: accountId, owner: owner)
            return try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT p.account_id, p.path, p.policy_name FROM \(table.attachedTable) a
                        JOIN managed_policies p ON p.account_id = a.account_id AND p.name_key = a.policy_name_key
                        WHERE a.account_id = ? AND a.owner_name_key = ?
                        ORDER BY p.name_key
                        """
                ),
                arguments: [accountId, Stored.nameKey(owner.name)]
            ).map { row in
                let columns = StoredRow(row: row, table: "managed_policies")
                let name = try columns.string(2)
                return AttachedPolicy(
                    policyName: name,
                    policyArn: ManagedPolicy.arn(
                        accountId: try columns.string(0), path: try columns.string(1), policyName: name
                    )
                )
            }
        }
    }

    /// Sets (the policy's canonical ARN) or clears the principal's boundary; `.notFound` if the principal or the
    /// policy is missing (or the policy is in another account).
    public func setPermissionsBoundary(accountId: String, principal: PolicyPrincipal, policyArn: String?)
        async throws
    {
        let table = OwnerTable.of(principal.owner)
        try await write("setPermissionsBoundary") { db in
            try Self.requireOwner(db, accountId: accountId, owner: principal.owner)
            var canonical: String?
            if let policyArn {
                let (parts, policy) = try Self.requirePolicy(db, policyArn)
                guard parts.accountId == accountId else {
                    throw StoreError(.notFound, "policy \(policyArn) does not exist")
                }
                canonical = policy.arn
            }
            try db.execute(
                sql: """
                    UPDATE \(table.ownerTable) SET permissions_boundary_arn = ?
                    WHERE account_id = ? AND name_key = ?
                    """,
                arguments: [canonical, accountId, Stored.nameKey(principal.owner.name)]
            )
        }
    }
}
