public import LatchkeyDomain
import PostgresNIO

extension PostgresStore {
    /// Creates or replaces the owner's inline policy (matched by name case-insensitively; the new name's case is
    /// kept); `.limitExceeded` if the owner's documents would together exceed `maxTotalSize` non-white-space
    /// characters (counted in the same transaction).
    public func putInlinePolicy(_ policy: InlinePolicy, maxTotalSize: Int?) async throws {
        let table = PolicyOwnerTable.of(policy.owner)
        let ownerKey = PolicyColumns.nameKey(policy.owner.name)
        let nameKey = PolicyColumns.nameKey(policy.policyName)
        try await write("putInlinePolicy") { connection in
            try await self.requirePolicyOwner(connection, accountId: policy.accountId, owner: policy.owner)
            if let maxTotalSize {
                let others = try await self.fetchAll(
                    connection,
                    """
                    SELECT document FROM \(unescaped: table.inlineTable)
                    WHERE account_id = \(policy.accountId) AND owner_name_key = \(ownerKey) AND name_key <> \(nameKey)
                    """
                ).map { row in try row.decode(String.self) }
                let total = (others + [policy.document]).reduce(0) { $0 + Self.policySize($1) }
                guard total <= maxTotalSize else {
                    throw StoreError(
                        .limitExceeded,
                        "the inline policies of \(table.kind) \(policy.owner.name) would total \(total) characters"
                    )
                }
            }
            try await connection.query(
                """
                INSERT INTO \(unescaped: table.inlineTable) (account_id, owner_name_key, policy_name, name_key, document)
                VALUES (\(policy.accountId), \(ownerKey), \(policy.policyName), \(nameKey), \(policy.document))
                ON CONFLICT (account_id, owner_name_key, name_key)
                DO UPDATE SET policy_name = EXCLUDED.policy_name, document = EXCLUDED.document
                """,
                logger: self.logger
            )
        }
    }

    /// The owner's inline policy with this name (case-insensitively), or nil; `.notFound` if the owner is missing.
    public func inlinePolicy(accountId: String, owner: PolicyOwner, policyName: String) async throws -> InlinePolicy? {
        let table = PolicyOwnerTable.of(owner)
        return try await read { connection in
            let ownerName = try await self.requirePolicyOwner(connection, accountId: accountId, owner: owner)
            let row = try await self.fetchOne(
                connection,
                """
                SELECT policy_name, document FROM \(unescaped: table.inlineTable)
                WHERE account_id = \(accountId) AND owner_name_key = \(PolicyColumns.nameKey(owner.name))
                    AND name_key = \(PolicyColumns.nameKey(policyName))
                """
            )
            guard let row else { return nil }
            let (name, document) = try row.decode((String, String).self)
            return InlinePolicy(
                accountId: accountId, owner: Self.policyOwner(owner, named: ownerName), policyName: name,
                document: document
            )
        }
    }

    /// The names of the owner's inline policies, ordered case-insensitively; `.notFound` if the owner is missing.
    public func inlinePolicyNames(accountId: String, owner: PolicyOwner) async throws -> [String] {
        let table = PolicyOwnerTable.of(owner)
        return try await read { connection in
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: owner)
            return try await self.fetchAll(
                connection,
                """
                SELECT policy_name FROM \(unescaped: table.inlineTable)
                WHERE account_id = \(accountId) AND owner_name_key = \(PolicyColumns.nameKey(owner.name))
                ORDER BY name_key COLLATE "C"
                """
            ).map { row in try row.decode(String.self) }
        }
    }

    /// `.notFound` if the owner or the policy is missing.
    public func deleteInlinePolicy(accountId: String, owner: PolicyOwner, policyName: String) async throws {
        let table = PolicyOwnerTable.of(owner)
        try await write("deleteInlinePolicy") { connection in
            try await self.requirePolicyOwner(connection, accountId: accountId, owner: owner)
            let deleted = try await self.fetchAll(
                connection,
                """
                DELETE FROM \(unescaped: table.inlineTable)
                WHERE account_id = \(accountId) AND owner_name_key = \(PolicyColumns.nameKey(owner.name))
                    AND name_key = \(PolicyColumns.nameKey(policyName))
                RETURNING 1
                """
            )
            guard !deleted.isEmpty else {
                throw StoreError(
                    .notFound, "inline policy \(policyName) of \(table.kind) \(owner.name) does not exist"
                )
            }
        }
    }

    /// A policy's size as IAM counts it against quotas: its characters, white space not counted.
    static func policySize(_ document: String) -> Int {
        document.unicodeScalars.reduce(0) { $0 + ($1.properties.isWhitespace ? 0 : 1) }
    }
}
