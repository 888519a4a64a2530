import GRDB
import LatchkeyDomain

extension SQLiteIdentityStore {
    /// Schema v2: roles, customer managed policies and their versions, groups and members, inline policies and
    /// managed-policy attachments.
    ///
    /// - Names follow v1: the name as created plus a lowercased `name_key` carrying the per-account (per-owner for
    ///   inline policies) uniqueness. Child rows reference their parents by `(account_id, name_key)`.
    /// - Inline policies and attachments have one table per owner kind (`user_`, `role_`, `group_`) so that every
    ///   row has a real foreign key to its owner. A parent with children cannot be deleted (`ON DELETE NO ACTION`,
    ///   immediate): `deleteRole`/`deleteGroup` check first to name the dependent kind; for users the foreign key is
    ///   what refuses v1's `deleteUser` (its mapping turns the violation into `.conflict`). NO ACTION rather than
    ///   RESTRICT because SQLite reports a RESTRICT violation as `SQLITE_CONSTRAINT_TRIGGER`, which no mapping
    ///   claims, and a NO ACTION one as `SQLITE_CONSTRAINT_FOREIGNKEY`. `ON UPDATE CASCADE` lets a group rename
    ///   carry its rows along.
    /// - Attachments reference `managed_policies` the same way: an attached policy cannot vanish.
    ///   Attachment and boundary usage counts are not stored but counted when a policy is read, so they can never
    ///   drift from the rows they count (boundaries are set by v1's user writes too).
    /// - Versions are numbered (`v3` is 3) in `policy_versions`; `managed_policies.default_version` names the one
    ///   in force and `next_version` keeps numbers from being reused. Deleting a policy cascades to its versions.
    /// - `iam_groups`, because `GROUPS` is an SQL keyword.
    static func createPolicyTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE roles (
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
                    role_name TEXT NOT NULL,
                    name_key TEXT NOT NULL,
                    role_id TEXT NOT NULL UNIQUE,
                    path TEXT NOT NULL,
                    assume_role_policy TEXT NOT NULL,
                    description TEXT,
                    max_session_duration INTEGER NOT NULL,
                    permissions_boundary_arn TEXT,
                    tags TEXT NOT NULL DEFAULT '[]',
                    create_date INTEGER NOT NULL,
                    PRIMARY KEY (account_id, name_key)
                ) WITHOUT ROWID;
                CREATE INDEX roles_by_path ON roles(account_id, path);

                CREATE TABLE iam_groups (
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
                    group_name TEXT NOT NULL,
                    name_key TEXT NOT NULL,
                    group_id TEXT NOT NULL UNIQUE,
                    path TEXT NOT NULL,
                    create_date INTEGER NOT NULL,
                    PRIMARY KEY (account_id, name_key)
                ) WITHOUT ROWID;
                CREATE INDEX iam_groups_by_path ON iam_groups(account_id, path);

                CREATE TABLE group_members (
                    account_id TEXT NOT NULL,
                    group_name_key TEXT NOT NULL,
                    user_name_key TEXT NOT NULL,
                    PRIMARY KEY (account_id, group_name_key, user_name_key),
                    FOREIGN KEY (account_id, group_name_key) REFERENCES iam_groups(account_id, name_key)
                        ON DELETE NO ACTION ON UPDATE CASCADE,
                    FOREIGN KEY (account_id, user_name_key) REFERENCES users(account_id, name_key)
                        ON DELETE NO ACTION ON UPDATE CASCADE
                ) WITHOUT ROWID;
                CREATE INDEX group_members_by_user ON group_members(account_id, user_name_key);

                CREATE TABLE managed_policies (
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
                    policy_name TEXT NOT NULL,
                    name_key TEXT NOT NULL,
                    policy_id TEXT NOT NULL UNIQUE,
                    path TEXT NOT NULL,
                    description TEXT,
                    is_attachable INTEGER NOT NULL DEFAULT 1,
                    default_version INTEGER NOT NULL,
                    next_version INTEGER NOT NULL,
                    create_date INTEGER NOT NULL,
                    update_date INTEGER NOT NULL,
                    tags TEXT NOT NULL DEFAULT '[]',
                    PRIMARY KEY (account_id, name_key)
                ) WITHOUT ROWID;
                CREATE INDEX managed_policies_by_path ON managed_policies(account_id, path);

                CREATE TABLE policy_versions (
                    account_id TEXT NOT NULL,
                    policy_name_key TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    document TEXT NOT NULL,
                    create_date INTEGER NOT NULL,
                    PRIMARY KEY (account_id, policy_name_key, version),
                    FOREIGN KEY (account_id, policy_name_key) REFERENCES managed_policies(account_id, name_key)
                        ON DELETE CASCADE ON UPDATE CASCADE
                ) WITHOUT ROWID;
                """
        )
        for owner in OwnerTable.all {
            try db.execute(
                sql: """
                    CREATE TABLE \(owner.inlineTable) (
                        account_id TEXT NOT NULL,
                        owner_name_key TEXT NOT NULL,
                        policy_name TEXT NOT NULL,
                        name_key TEXT NOT NULL,
                        document TEXT NOT NULL,
                        PRIMARY KEY (account_id, owner_name_key, name_key),
                        FOREIGN KEY (account_id, owner_name_key) REFERENCES \(owner.ownerTable)(account_id, name_key)
                            ON DELETE NO ACTION ON UPDATE CASCADE
                    ) WITHOUT ROWID;

                    CREATE TABLE \(owner.attachedTable) (
                        account_id TEXT NOT NULL,
                        owner_name_key TEXT NOT NULL,
                        policy_name_key TEXT NOT NULL,
                        PRIMARY KEY (account_id, owner_name_key, policy_name_key),
                        FOREIGN KEY (account_id, owner_name_key) REFERENCES \(owner.ownerTable)(account_id, name_key)
                            ON DELETE NO ACTION ON UPDATE CASCADE,
                        FOREIGN KEY (account_id, policy_name_key) REFERENCES managed_policies(account_id, name_key)
                            ON DELETE NO ACTION ON UPDATE CASCADE
                    ) WITHOUT ROWID;
                    CREATE INDEX \(owner.attachedTable)_by_policy
                        ON \(owner.attachedTable)(account_id, policy_name_key);
                    """
            )
        }
    }
}

/// The tables that hold one owner kind's rows. Table names come only from this fixed list, never from input.
struct OwnerTable: Sendable {
    /// The owner's own table (`users`, `roles`, `iam_groups`).
    let ownerTable: String
    /// The owner's name column in `ownerTable`.
    let nameColumn: String
    let inlineTable: String
    let attachedTable: String
    /// `user`, `role` or `group`, for details.
    let kind: String

    static let user = OwnerTable(
        ownerTable: "users", nameColumn: "user_name", inlineTable: "user_inline_policies",
        attachedTable: "user_attached_policies", kind: "user"
    )
    static let role = OwnerTable(
        ownerTable: "roles", nameColumn: "role_name", inlineTable: "role_inline_policies",
        attachedTable: "role_attached_policies", kind: "role"
    )
    static let group = OwnerTable(
        ownerTable: "iam_groups", nameColumn: "group_name", inlineTable: "group_inline_policies",
        attachedTable: "group_attached_policies", kind: "group"
    )
    static let all = [user, role, group]

    static func of(_ owner: PolicyOwner) -> OwnerTable {
        switch owner {
        case .user: user
        case .role: role
        case .group: group
        }
    }
}

extension SQLiteIdentityStore {
    /// Throws `.notFound` ("KIND NAME in account A does not exist") unless the owner exists; returns its name in
    /// its stored case.
    @discardableResult
    static func requireOwner(_ db: Database, accountId: String, owner: PolicyOwner) throws -> String {
        let table = OwnerTable.of(owner)
        let name = try String.fetchOne(
            db.cachedStatement(
                sql: "SELECT \(table.nameColumn) FROM \(table.ownerTable) WHERE account_id = ? AND name_key = ?"
            ),
            arguments: [accountId, Stored.nameKey(owner.name)]
        )
        guard let name else {
            throw StoreError(.notFound, "\(table.kind) \(owner.name) in account \(accountId) does not exist")
        }
        return name
    }

    /// Creates a file at `path` migrated only up to `migration` (inclusive), then runs `sql` on it: lets tests
    /// build a file as an older release left it, to check that opening it upgrades it in place.
    static func createFileForTesting(path: String, upTo migration: String, sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try migrator.migrate(queue, upTo: migration)
        try queue.write { db in try db.execute(sql: sql) }
        try queue.close()
    }

    /// SQLite's plans for the statements behind `effectivePolicies` for a user, one detail line per step.
    func effectivePoliciesPlan() async throws -> [String] {
        try await read { db in
            var details: [String] = []
            for sql in Self.effectivePolicyStatements(OwnerTable.user) + Self.groupPolicyStatements {
                let rows = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)", arguments: ["1", "a"])
                details += rows.compactMap { row in row["detail"] as String? }
            }
            return details
        }
    }
}
