import LatchkeyDomain
import PostgresNIO

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Migration `v2-policies-and-federation`: roles, customer managed policies and their versions, groups and members,
/// inline policies, managed-policy attachments, OIDC and SAML providers and the outbound web identity issuer.
///
/// The tables mirror the SQLite store's (`v2-roles-policies-groups` and `v3-federation` there), with the same
/// table and column names, so copying one store into the other stays a plain row-by-row copy:
/// - Names: the name as created plus a lowercased `name_key` carrying the per-account (per-owner for inline
///   policies) uniqueness. Every key and ordered column is `COLLATE "C"`, so listings come back in the byte order of
///   the folded name, as in SQLite, whatever the database's default collation.
/// - Inline policies and attachments have one table per owner kind (`user_`, `role_`, `group_`) so that every row
///   has a real foreign key to its owner. A parent with children cannot be deleted (`ON DELETE NO ACTION`, checked at
///   the end of the statement); `ON UPDATE CASCADE` lets a user or group rename carry its rows along.
/// - Attachments reference `managed_policies` the same way: an attached policy cannot vanish. Attachment and
///   boundary usage counts are counted when a policy is read, never stored.
/// - Versions are numbered (`v3` is 3) in `policy_versions`; `managed_policies.default_version` names the one in
///   force and `next_version` keeps numbers from being reused. Deleting a policy cascades to its versions.
/// - Dates are BIGINT milliseconds, flags BOOLEAN, tags and string lists JSON text (the caller's order kept), the
///   sealed outbound private keys BYTEA (sealed under the master key; see ``PostgresStore/resealOutboundKeys``).
/// - `iam_groups`, because `GROUPS` is an SQL keyword.
///
/// The statements run one by one (postgres-nio's extended protocol takes one statement per query), in the
/// migration's transaction.
enum PostgresPolicySchema {
    static let identifier = "v2-policies-and-federation"

    static let statements: [String] =
        [
            """
            CREATE TABLE roles (
                account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
                role_name TEXT NOT NULL,
                name_key TEXT COLLATE "C" NOT NULL,
                role_id TEXT COLLATE "C" NOT NULL UNIQUE,
                path TEXT COLLATE "C" NOT NULL,
                assume_role_policy TEXT NOT NULL,
                description TEXT,
                max_session_duration BIGINT NOT NULL,
                permissions_boundary_arn TEXT,
                tags TEXT NOT NULL DEFAULT '[]',
                create_date BIGINT NOT NULL,
                PRIMARY KEY (account_id, name_key)
            )
            """,
            "CREATE INDEX roles_by_path ON roles (account_id, path)",
            """
            CREATE TABLE iam_groups (
                account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
                group_name TEXT NOT NULL,
                name_key TEXT COLLATE "C" NOT NULL,
                group_id TEXT COLLATE "C" NOT NULL UNIQUE,
                path TEXT COLLATE "C" NOT NULL,
                create_date BIGINT NOT NULL,
                PRIMARY KEY (account_id, name_key)
            )
            """,
            "CREATE INDEX iam_groups_by_path ON iam_groups (account_id, path)",
            """
            CREATE TABLE group_members (
                account_id TEXT COLLATE "C" NOT NULL,
                group_name_key TEXT COLLATE "C" NOT NULL,
                user_name_key TEXT COLLATE "C" NOT NULL,
                PRIMARY KEY (account_id, group_name_key, user_name_key),
                FOREIGN KEY (account_id, group_name_key) REFERENCES iam_groups(account_id, name_key)
                    ON DELETE NO ACTION ON UPDATE CASCADE,
                FOREIGN KEY (account_id, user_name_key) REFERENCES users(account_id, name_key)
                    ON DELETE NO ACTION ON UPDATE CASCADE
            )
            """,
            "CREATE INDEX group_members_by_user ON group_members (account_id, user_name_key)",
            """
            CREATE TABLE managed_policies (
                account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
                policy_name TEXT NOT NULL,
                name_key TEXT COLLATE "C" NOT NULL,
                policy_id TEXT COLLATE "C" NOT NULL UNIQUE,
                path TEXT COLLATE "C" NOT NULL,
                description TEXT,
                is_attachable BOOLEAN NOT NULL DEFAULT TRUE,
                default_version BIGINT NOT NULL,
                next_version BIGINT NOT NULL,
                create_date BIGINT NOT NULL,
                update_date BIGINT NOT NULL,
                tags TEXT NOT NULL DEFAULT '[]',
                PRIMARY KEY (account_id, name_key)
            )
            """,
            "CREATE INDEX managed_policies_by_path ON managed_policies (account_id, path)",
            """
            CREATE TABLE policy_versions (
                account_id TEXT COLLATE "C" NOT NULL,
                policy_name_key TEXT COLLATE "C" NOT NULL,
                version BIGINT NOT NULL,
                document TEXT NOT NULL,
                create_date BIGINT NOT NULL,
                PRIMARY KEY (account_id, policy_name_key, version),
                FOREIGN KEY (account_id, policy_name_key) REFERENCES managed_policies(account_id, name_key)
                    ON DELETE CASCADE ON UPDATE CASCADE
            )
            """,
        ]
        + PolicyOwnerTable.all.flatMap { owner in
            [
                """
                CREATE TABLE \(owner.inlineTable) (
                    account_id TEXT COLLATE "C" NOT NULL,
                    owner_name_key TEXT COLLATE "C" NOT NULL,
                    policy_name TEXT NOT NULL,
                    name_key TEXT COLLATE "C" NOT NULL,
                    document TEXT NOT NULL,
                    PRIMARY KEY (account_id, owner_name_key, name_key),
                    FOREIGN KEY (account_id, owner_name_key) REFERENCES \(owner.ownerTable)(account_id, name_key)
                        ON DELETE NO ACTION ON UPDATE CASCADE
                )
                """,
                """
                CREATE TABLE \(owner.attachedTable) (
                    account_id TEXT COLLATE "C" NOT NULL,
                    owner_name_key TEXT COLLATE "C" NOT NULL,
                    policy_name_key TEXT COLLATE "C" NOT NULL,
                    PRIMARY KEY (account_id, owner_name_key, policy_name_key),
                    FOREIGN KEY (account_id, owner_name_key) REFERENCES \(owner.ownerTable)(account_id, name_key)
                        ON DELETE NO ACTION ON UPDATE CASCADE,
                    FOREIGN KEY (account_id, policy_name_key) REFERENCES managed_policies(account_id, name_key)
                        ON DELETE NO ACTION ON UPDATE CASCADE
                )
                """,
                """
                CREATE INDEX \(owner.attachedTable)_by_policy ON \(owner.attachedTable) (account_id, policy_name_key)
                """,
            ]
        }
        + [
            """
            CREATE TABLE oidc_providers (
                account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
                identity TEXT COLLATE "C" NOT NULL,
                url TEXT NOT NULL,
                client_ids TEXT NOT NULL,
                thumbprints TEXT NOT NULL,
                tags TEXT NOT NULL DEFAULT '[]',
                create_date BIGINT NOT NULL,
                PRIMARY KEY (account_id, identity)
            )
            """,
            """
            CREATE TABLE saml_providers (
                account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
                name TEXT NOT NULL,
                name_key TEXT COLLATE "C" NOT NULL,
                uuid TEXT COLLATE "C" NOT NULL UNIQUE,
                metadata TEXT NOT NULL,
                certificates TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                valid_until BIGINT,
                tags TEXT NOT NULL DEFAULT '[]',
                create_date BIGINT NOT NULL,
                PRIMARY KEY (account_id, name_key)
            )
            """,
            """
            CREATE TABLE outbound_federation (
                account_id TEXT COLLATE "C" PRIMARY KEY REFERENCES accounts(id) ON DELETE RESTRICT,
                enabled BOOLEAN NOT NULL
            )
            """,
            """
            CREATE TABLE outbound_keys (
                account_id TEXT COLLATE "C" NOT NULL REFERENCES outbound_federation(account_id) ON DELETE CASCADE,
                key_id TEXT COLLATE "C" NOT NULL,
                algorithm TEXT NOT NULL,
                sealed_private_key BYTEA NOT NULL,
                created_at BIGINT NOT NULL,
                retired_at BIGINT,
                PRIMARY KEY (account_id, key_id)
            )
            """,
        ]
}

/// The tables that hold one owner kind's rows. Table names come only from this fixed list, never from input.
struct PolicyOwnerTable: Sendable {
    /// The owner's own table (`users`, `roles`, `iam_groups`).
    let ownerTable: String
    /// The owner's name column in `ownerTable`.
    let nameColumn: String
    let inlineTable: String
    let attachedTable: String
    /// `user`, `role` or `group`, for details.
    let kind: String

    static let user = PolicyOwnerTable(
        ownerTable: "users", nameColumn: "user_name", inlineTable: "user_inline_policies",
        attachedTable: "user_attached_policies", kind: "user"
    )
    static let role = PolicyOwnerTable(
        ownerTable: "roles", nameColumn: "role_name", inlineTable: "role_inline_policies",
        attachedTable: "role_attached_policies", kind: "role"
    )
    static let group = PolicyOwnerTable(
        ownerTable: "iam_groups", nameColumn: "group_name", inlineTable: "group_inline_policies",
        attachedTable: "group_attached_policies", kind: "group"
    )
    static let all = [user, role, group]

    static func of(_ owner: PolicyOwner) -> PolicyOwnerTable {
        switch owner {
        case .user: user
        case .role: role
        case .group: group
        }
    }
}

extension ManagedPolicyARN {
    /// The folded name: what `managed_policies.name_key` holds.
    var nameKey: String { policyName.lowercased() }
}

/// Conversions between entity values and the column forms of the policy and federation tables: the forms of
/// ``StoredValueCoding``, which the SQLite store uses too, so a copy between stores moves values unchanged.
enum PolicyColumns {
    /// The case-folded form of a name: what uniqueness and lookups compare.
    static func nameKey(_ name: String) -> String { StoredValueCoding.nameKey(name) }

    /// Milliseconds since the Unix epoch, rounded to the nearest millisecond (clamped, never trapping).
    static func millis(_ date: Date) -> Int64 { StoredValueCoding.millis(date) }

    static func date(millis: Int64) -> Date { StoredValueCoding.date(millis: millis) }

    /// Tags as JSON text (`[{"Key":…,"Value":…}]`), in the caller's order.
    static func tagsJSON(_ tags: [ResourceTag]) throws -> String {
        do {
            return try StoredValueCoding.tagsJSON(tags)
        } catch {
            throw StoreError(.unavailable, "cannot encode tags: \(error)")
        }
    }

    static func tags(json: String, table: StaticString) throws -> [ResourceTag] {
        try StoredValueCoding.tags(json: json, table: table)
    }

    /// A string list as JSON text.
    static func jsonStrings(_ values: [String]) throws -> String {
        do {
            return String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
        } catch {
            throw StoreError(.unavailable, "cannot encode a string list: \(error)")
        }
    }

    static func strings(json: String, table: StaticString, column: String) throws -> [String] {
        guard let values = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) else {
            throw StoreError(.corrupt, "\(table).\(column) is not a JSON string list")
        }
        return values
    }
}

extension PostgresStore {
    /// Throws `.notFound` ("KIND NAME in account A does not exist") unless the owner exists; returns its name in its
    /// stored case.
    @discardableResult
    func requirePolicyOwner(_ connection: PostgresConnection, accountId: String, owner: PolicyOwner) async throws
        -> String
    {
        let table = PolicyOwnerTable.of(owner)
        let row = try await fetchOne(
            connection,
            """
            SELECT \(unescaped: table.nameColumn) FROM \(unescaped: table.ownerTable)
            WHERE account_id = \(accountId) AND name_key = \(PolicyColumns.nameKey(owner.name))
            """
        )
        guard let row else {
            throw StoreError(.notFound, "\(table.kind) \(owner.name) in account \(accountId) does not exist")
        }
        return try row.decode(String.self)
    }

    /// Whether the owner has any inline policy or attached managed policy.
    func ownerHasPolicies(_ connection: PostgresConnection, accountId: String, owner: PolicyOwner) async throws
        -> Bool
    {
        let table = PolicyOwnerTable.of(owner)
        let key = PolicyColumns.nameKey(owner.name)
        let row = try await fetchOne(
            connection,
            """
            SELECT EXISTS (SELECT 1 FROM \(unescaped: table.inlineTable)
                    WHERE account_id = \(accountId) AND owner_name_key = \(key))
                OR EXISTS (SELECT 1 FROM \(unescaped: table.attachedTable)
                    WHERE account_id = \(accountId) AND owner_name_key = \(key))
            """
        )
        return try row?.decode(Bool.self) ?? false
    }

    /// The integer in column `column` (from 0) of `row`; `.corrupt` if there is none.
    static func integer(_ row: PostgresRow, column: Int, table: StaticString) throws -> Int64 {
        var cells = row.makeIterator()
        for _ in 0..<column { _ = cells.next() }
        guard let cell = cells.next() else { throw StoreError(.corrupt, "\(table): column \(column) is missing") }
        return try cell.decode(Int64.self)
    }

    /// The same kind of owner, with the name in its stored case.
    static func policyOwner(_ owner: PolicyOwner, named name: String) -> PolicyOwner {
        switch owner {
        case .user: .user(name)
        case .role: .role(name)
        case .group: .group(name)
        }
    }
}
