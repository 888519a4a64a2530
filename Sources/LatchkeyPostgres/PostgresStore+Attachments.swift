public import LatchkeyDomain
import PostgresNIO

extension PostgresStore {
    /// Attaches the policy (again: no change); `.notFound` if the owner or policy is missing or the policy is in
    /// another account; `.limitExceeded` at `maxAttachedPolicies` (counted in the inserting transaction).
    public func attachPolicy(accountId: String, owner: PolicyOwner, policyArn: String, maxAttachedPolicies: Int?)
        async throws
    {
        let table = PolicyOwnerTable.of(owner)
        let ownerKey = PolicyColumns.nameKey(owner.name)
        try await write("attachPolicy") { connection in
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: owner)
            let (parts, _) = try await self.requirePolicy(connection, policyArn)
            guard parts.accountId == accountId else {
                throw StoreError(.notFound, "policy \(policyArn) does not exist")
            }
            let counts = try await self.fetchOne(
                connection,
                """
                SELECT EXISTS (SELECT 1 FROM \(unescaped: table.attachedTable)
                        WHERE account_id = \(accountId) AND owner_name_key = \(ownerKey)
                            AND policy_name_key = \(parts.nameKey)),
                    (SELECT COUNT(*) FROM \(unescaped: table.attachedTable)
                        WHERE account_id = \(accountId) AND owner_name_key = \(ownerKey))
                """
            )
            let (isAttached, count) = try counts?.decode((Bool, Int64).self) ?? (false, Int64(0))
            if isAttached { return }
            if let maxAttachedPolicies, count >= Int64(maxAttachedPolicies) {
                throw StoreError(.limitExceeded, "\(table.kind) \(owner.name) already has \(count) attached policies")
            }
            try await connection.query(
                """
                INSERT INTO \(unescaped: table.attachedTable) (account_id, owner_name_key, policy_name_key)
                VALUES (\(accountId), \(ownerKey), \(parts.nameKey))
                """,
                logger: self.logger
            )
        }
    }

    /// `.notFound` if the owner or the policy is missing or the policy is not attached to the owner.
    public func detachPolicy(accountId: String, owner: PolicyOwner, policyArn: String) async throws {
        let table = PolicyOwnerTable.of(owner)
        try await write("detachPolicy") { connection in
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: owner)
            let (parts, _) = try await self.requirePolicy(connection, policyArn)
            guard parts.accountId == accountId else {
                throw StoreError(
                    .notFound, "attachment of policy \(policyArn) to \(table.kind) \(owner.name) does not exist"
                )
            }
            let deleted = try await self.fetchAll(
                connection,
                """
                DELETE FROM \(unescaped: table.attachedTable)
                WHERE account_id = \(accountId) AND owner_name_key = \(PolicyColumns.nameKey(owner.name))
                    AND policy_name_key = \(parts.nameKey)
                RETURNING 1
                """
            )
            guard !deleted.isEmpty else {
                throw StoreError(
                    .notFound, "attachment of policy \(policyArn) to \(table.kind) \(owner.name) does not exist"
                )
            }
        }
    }

    /// The owner's attached policies, ordered by policy name; `.notFound` if the owner is missing.
    public func attachedPolicies(accountId: String, owner: PolicyOwner) async throws -> [AttachedPolicy] {
        let table = PolicyOwnerTable.of(owner)
        return try await read { connection in
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: owner)
            return try await self.fetchAll(
                connection,
                """
                SELECT p.account_id, p.path, p.policy_name FROM \(unescaped: table.attachedTable) a
                JOIN managed_policies p ON p.account_id = a.account_id AND p.name_key = a.policy_name_key
                WHERE a.account_id = \(accountId) AND a.owner_name_key = \(PolicyColumns.nameKey(owner.name))
                ORDER BY p.name_key COLLATE "C"
                """
            ).map { row in
                let (policyAccount, path, name) = try row.decode((String, String, String).self)
                return AttachedPolicy(
                    policyName: name,
                    policyArn: ManagedPolicy.arn(accountId: policyAccount, path: path, policyName: name)
                )
            }
        }
    }

    /// Sets (the policy's canonical ARN) or clears the principal's boundary; `.notFound` if the principal or the
    /// policy is missing (or the policy is in another account).
    public func setPermissionsBoundary(accountId: String, principal: PolicyPrincipal, policyArn: String?)
        async throws
    {
        let table = PolicyOwnerTable.of(principal.owner)
        try await write("setPermissionsBoundary") { connection in
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: principal.owner)
            var canonical: String?
            if let policyArn {
                let (parts, policy) = try await self.requirePolicy(connection, policyArn)
                guard parts.accountId == accountId else {
                    throw StoreError(.notFound, "policy \(policyArn) does not exist")
                }
                canonical = policy.arn
            }
            try await connection.query(
                """
                UPDATE \(unescaped: table.ownerTable) SET permissions_boundary_arn = \(canonical)
                WHERE account_id = \(accountId) AND name_key = \(PolicyColumns.nameKey(principal.owner.name))
                """,
                logger: self.logger
            )
        }
    }
}
