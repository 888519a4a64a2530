/// Migration `v1-identity-and-cluster`: accounts, users, access keys, MFA devices (the SQLite store's
/// `v1-identity-tables` and `v4-access-key-last-used`) and what the nodes of a deployment share (its
/// `v5` cluster tables).
///
/// The tables mirror the SQLite store's, with the same table and column names, so copying one store into the other
/// stays a plain row-by-row copy:
/// - Names: the name as created plus a lowercased `name_key` carrying the per-account uniqueness; child rows
///   reference users by `(account_id, user_name_key)` with `ON UPDATE CASCADE`, so a rename carries them along.
///   Keys and ordered columns are `COLLATE "C"`: listings come back in the byte order of the folded name, as in
///   SQLite, whatever the database's default collation.
/// - Dates: BIGINT milliseconds since the Unix epoch. Sealed secrets and seeds: BYTEA. Tags: JSON text, in the
///   caller's order.
/// - Deletes are RESTRICT: an account with users, keys or devices, a user with keys or devices, cannot vanish
///   underneath them.
/// - `change_sequence` is a SEQUENCE, not a row: announcing a change never conflicts with another transaction
///   (a serializable row update would), and a sequence never goes back.
///
/// The statements run one by one (postgres-nio's extended protocol takes one statement per query), in the
/// migration's transaction.
enum PostgresSchema {
    static let identityAndClusterIdentifier = "v1-identity-and-cluster"

    static let identityAndCluster: [String] = [
        """
        CREATE TABLE accounts (
            id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            create_date BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE users (
            account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
            user_name TEXT NOT NULL,
            name_key TEXT COLLATE "C" NOT NULL,
            user_id TEXT COLLATE "C" NOT NULL UNIQUE,
            path TEXT COLLATE "C" NOT NULL,
            create_date BIGINT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            permissions_boundary_arn TEXT,
            PRIMARY KEY (account_id, name_key)
        )
        """,
        "CREATE INDEX users_by_path ON users(account_id, path)",
        """
        CREATE TABLE access_keys (
            access_key_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
            user_name_key TEXT COLLATE "C",
            status TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
            create_date BIGINT NOT NULL,
            sealed_secret BYTEA NOT NULL,
            last_used_date BIGINT,
            last_used_service TEXT,
            last_used_region TEXT,
            FOREIGN KEY (account_id, user_name_key) REFERENCES users(account_id, name_key)
                ON DELETE RESTRICT ON UPDATE CASCADE
        )
        """,
        "CREATE INDEX access_keys_by_owner ON access_keys(account_id, user_name_key, create_date)",
        """
        CREATE TABLE mfa_devices (
            serial_number TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
            path TEXT COLLATE "C" NOT NULL,
            device_name TEXT NOT NULL,
            name_key TEXT COLLATE "C" NOT NULL,
            sealed_seed BYTEA NOT NULL,
            create_date BIGINT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            user_name_key TEXT COLLATE "C",
            enable_date BIGINT,
            last_used_step BIGINT,
            UNIQUE (account_id, name_key),
            FOREIGN KEY (account_id, user_name_key) REFERENCES users(account_id, name_key)
                ON DELETE RESTRICT ON UPDATE CASCADE
        )
        """,
        "CREATE INDEX mfa_devices_by_user ON mfa_devices(account_id, user_name_key)",
        "CREATE SEQUENCE change_sequence AS BIGINT START WITH 1 MINVALUE 1",
        """
        CREATE TABLE store_settings (
            name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            value BYTEA NOT NULL
        )
        """,
        """
        CREATE TABLE saml_assertion_uses (
            assertion_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            expires BIGINT NOT NULL
        )
        """,
        "CREATE INDEX saml_assertion_uses_by_expiry ON saml_assertion_uses(expires)",
        """
        CREATE TABLE mfa_failures (
            account_id TEXT COLLATE "C" NOT NULL,
            serial_number TEXT COLLATE "C" NOT NULL,
            failures BIGINT NOT NULL,
            locked_until BIGINT,
            PRIMARY KEY (account_id, serial_number)
        )
        """,
        """
        CREATE TABLE session_revocations (
            id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            account_id TEXT COLLATE "C" NOT NULL,
            target_kind TEXT NOT NULL CHECK (target_kind IN ('access-key-id', 'principal-arn')),
            target TEXT COLLATE "C" NOT NULL,
            issued_before BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            create_date BIGINT NOT NULL
        )
        """,
        "CREATE INDEX session_revocations_by_expiry ON session_revocations(expires_at)",
        """
        CREATE TABLE session_token_keys (
            key_id BIGINT NOT NULL PRIMARY KEY CHECK (key_id BETWEEN 0 AND 4294967295),
            sealed_key BYTEA,
            is_active BOOLEAN NOT NULL,
            create_date BIGINT NOT NULL,
            accepted_until BIGINT
        )
        """,
    ]

    /// `name` as a double-quoted SQL identifier.
    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }
}
