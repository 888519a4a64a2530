import GRDB
public import LatchkeyDomain

extension SQLiteIdentityStore {
    /// Creates or replaces the owner's inline policy (matched by name case-insensitively; the new name's case is
    /// kept); `.limitExceeded` if the owner's documents would together exceed `maxTotalSize` non-white-space
    /// characters.
    public func putInlinePolicy(_ policy: InlinePolicy, maxTotalSize: Int?) async throws {
        let table = OwnerTable.of(policy.owner)
        let ownerKey = Stored.nameKey(policy.owner.name)
        let nameKey = Stored.nameKey(policy.policyName)
        try await write("putInlinePolicy") { db in
            try Self.requireOwner(db, accountId: policy.accountId, owner: policy.owner)
            if let maxTotalSize {
                let others = try String.fetchAll(
                    db,
                    sql: """
                        SELECT document FROM \(table.inlineTable)
                        WHERE account_id = ? AND owner_name_key = ? AND name_key != ?
                        """,
                    arguments: [policy.accountId, ownerKey, nameKey]
                )
                let total = (others + [policy.document]).reduce(0) { $0 + Self.policySize($1) }
                guard total <= maxTotalSize else {
                    throw StoreError(
                        .limitExceeded,
                        "the inline policies of \(table.kind) \(policy.owner.name) would total \(total) characters"
                    )
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO \(table.inlineTable) (account_id, owner_name_key, policy_name, name_key, document)
                    VALUES (?1, ?2, ?3, ?4, ?5)
                    ON CONFLICT (account_id, owner_name_key, name_key)
                    DO UPDATE SET policy_name = ?3, document = ?5
                    """,
                arguments: [policy.accountId, ownerKey, policy.policyName, nameKey, policy.document]
            )
        }
    }

    /// The owner's inline policy with this name (case-insensitively), or nil; `.notFound` if the owner is missing.
    public func inlinePolicy(accountId: String, owner: PolicyOwner, policyName: String) async throws -> InlinePolicy? {
        let table = OwnerTable.of(owner)
        return try await read { db in
            let ownerName = try Self.requireOwner(db, accountId: accountId, owner: owner)
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT policy_name, document FROM \(table.inlineTable)
                        WHERE account_id = ? AND owner_name_key = ? AND name_key = ?
                        """
                ),
                arguments: [accountId, Stored.nameKey(owner.name), Stored.nameKey(policyName)]
            )
            guard let row else { return nil }
            let columns = StoredRow(row: row, table: "inline_policies")
            return InlinePolicy(
                accountId: accountId, owner: Self.owner(owner, named: ownerName),
                policyName: try columns.string(0), document: try columns.string(1)
            )
        }
    }

    /// The names of the owner's inline policies, ordered case-insensitively; `.notFound` if the owner is missing.
    public func inlinePolicyNames(accountId: String, owner: PolicyOwner) async throws -> [String] {
        let table = OwnerTable.of(owner)
        return try await read { db in
            try Self.requireOwner(db, accountId: accountId, owner: owner)
            return try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT policy_name FROM \(table.inlineTable)
                        WHERE account_id = ? AND owner_name_key = ? ORDER BY name_key
                        """
                ),
                arguments: [accountId, Stored.nameKey(owner.name)]
            ).map { row in try StoredRow(row: row, table: "inline_policies").string(0) }
        }
    }

    /// `.notFound` if the owner or the policy is missing.
    public func deleteInlinePolicy(accountId: String, owner: PolicyOwner, policyName: String) async throws {
        let table = OwnerTable.of(owner)
        try await write("deleteInlinePolicy") { db in
            try Self.requireOwner(db, accountId: accountId, owner: owner)
            try db.execute(
                sql: "DELETE FROM \(table.inlineTable) WHERE account_id = ? AND owner_name_key = ? AND name_key = ?",
                arguments: [accountId, Stored.nameKey(owner.name), Stored.nameKey(policyName)]
            )
            guard db.changesCount > 0 else {
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

    /// The same kind of owner, with the name in its stored case.
    static func owner(_ owner: PolicyOwner, named name: String) -> PolicyOwner {
        switch owner {
        case .user: .user(name)
        case .role: .role(name)
        case .group: .group(name)
        }
    }
}
