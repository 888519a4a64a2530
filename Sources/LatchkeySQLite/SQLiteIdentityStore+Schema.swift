import GRDB

extension SQLiteIdentityStore {
    /// The identifiers of the schema migrations, in the order they run.
    ///
    /// Migrations are append-only: a released identifier is never renamed, removed, reordered or edited; a schema
    /// change is a new migration appended at the end. GRDB records applied identifiers in `grdb_migrations`, so
    /// re-opening a file only runs the ones it has not seen.
    public static var migrationIdentifiers: [String] { migrator.migrations }

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        // The schema is checked against its foreign keys once each migration is done (the default `.deferred`).
        migrator.registerMigration("v1-identity-tables", migrate: createIdentityTables)
        migrator.registerMigration("v2-roles-policies-groups", migrate: createPolicyTables)
        migrator.registerMigration("v3-federation", migrate: createFederationTables)
        migrator.registerMigration("v4-access-key-last-used", migrate: addAccessKeyLastUsed)
        migrator.registerMigration("v5-cluster", migrate: createClusterTables)
        migrator.registerMigration("v6-audit", migrate: createAuditTables)
        return migrator
    }()

    /// Schema v1: accounts, users, access keys and MFA devices.
    ///
    /// - Names: `user_name`/`device_name` keep the case they were created with; `name_key` holds the lowercased
    ///   name and carries the per-account UNIQUE constraint, which gives IAM's case-insensitive uniqueness.
    ///   Child rows reference users by `(account_id, user_name_key)`, and reads join back to `users.user_name`
    ///   so a case-only rename shows everywhere.
    /// - Tags: JSON text (`[{"Key":…,"Value":…}]`) in the owner's row rather than a child table. Tags are only
    ///   ever read and replaced together with their owner (at most 50, never queried by key), so one column keeps
    ///   every read a single row and every update a single statement, and keeps the caller's tag order.
    /// - Dates: INTEGER milliseconds since the Unix epoch. Sealed secrets and seeds: BLOB.
    /// - Deletes are `ON DELETE RESTRICT` everywhere: an account with users, keys or devices, and a user with keys
    ///   or an enabled device, cannot be removed underneath them (`deleteUser` checks first, to name the
    ///   dependent kind in its `.conflict`).
    /// - `access_keys` is `WITHOUT ROWID` with the key ID as primary key: the per-request lookup is one B-tree
    ///   search.
    static func createIdentityTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE accounts (
                    id TEXT NOT NULL PRIMARY KEY,
                    create_date INTEGER NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE users (
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
                    user_name TEXT NOT NULL,
                    name_key TEXT NOT NULL,
                    user_id TEXT NOT NULL UNIQUE,
                    path TEXT NOT NULL,
                    create_date INTEGER NOT NULL,
                    tags TEXT NOT NULL DEFAULT '[]',
                    permissions_boundary_arn TEXT,
                    PRIMARY KEY (account_id, name_key)
                ) WITHOUT ROWID;
                CREATE INDEX users_by_path ON users(account_id, path);

                CREATE TABLE access_keys (
                    access_key_id TEXT NOT NULL PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
                    user_name_key TEXT,
                    status TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
                    create_date INTEGER NOT NULL,
                    sealed_secret BLOB NOT NULL,
                    FOREIGN KEY (account_id, user_name_key) REFERENCES users(account_id, name_key)
                        ON DELETE RESTRICT ON UPDATE CASCADE
                ) WITHOUT ROWID;
                CREATE INDEX access_keys_by_owner ON access_keys(account_id, user_name_key, create_date);

                CREATE TABLE mfa_devices (
                    serial_number TEXT NOT NULL PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
                    path TEXT NOT NULL,
                    device_name TEXT NOT NULL,
                    name_key TEXT NOT NULL,
                    sealed_seed BLOB NOT NULL,
                    create_date INTEGER NOT NULL,
                    tags TEXT NOT NULL DEFAULT '[]',
                    user_name_key TEXT,
                    enable_date INTEGER,
                    last_used_step INTEGER,
                    UNIQUE (account_id, name_key),
                    FOREIGN KEY (account_id, user_name_key) REFERENCES users(account_id, name_key)
                        ON DELETE RESTRICT ON UPDATE CASCADE
                ) WITHOUT ROWID;
                CREATE INDEX mfa_devices_by_user ON mfa_devices(account_id, user_name_key);
                """
        )
    }
}

extension SQLiteIdentityStore {
    /// Schema v4: the last use of each access key (`GetAccessKeyLastUsed`), in the key's own row: the date
    /// (milliseconds, like every date), the service (`sts`, `iam`) and the region of the request. NULL until the
    /// key is first used. Written in batches by the server's usage recorder, never on the request path.
    static func addAccessKeyLastUsed(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE access_keys ADD COLUMN last_used_date INTEGER;
                ALTER TABLE access_keys ADD COLUMN last_used_service TEXT;
                ALTER TABLE access_keys ADD COLUMN last_used_region TEXT;
                """
        )
    }
}

extension SQLiteIdentityStore {
    /// The `CREATE` statements of the schema, sorted: lets tests compare the schema before and after a re-open.
    func schemaStatements() async throws -> [String] {
        try await read { db in
            try String.fetchAll(
                db,
                sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY sql"
            )
        }
    }

    /// SQLite's plan for the per-request key lookup, one detail line per step.
    func accessKeyLookupPlan() async throws -> [String] {
        try await read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(Self.accessKeyLookupSQL)", arguments: ["AKIAEXAMPLE"])
                .compactMap { row in row["detail"] as String? }
        }
    }

    /// Runs raw SQL in a write transaction: lets tests hand-edit the file as an operator might.
    func executeForTesting(_ sql: String) async throws {
        try await write("executeForTesting") { db in try db.execute(sql: sql) }
    }
}

extension SQLiteIdentityStore {
    /// The value of a connection pragma as a reader connection sees it (`journal_mode`, `foreign_keys`, ...).
    func pragma(_ name: StaticString) async throws -> String? {
        let sql = "PRAGMA \(name)"
        return try await pool.read { db in try String.fetchOne(db, sql: sql) }
    }
}
