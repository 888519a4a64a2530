import GRDB

extension SQLiteIdentityStore {
    /// Schema v5: what the nodes of a deployment share beyond IAM entities (`ClusterStore`).
    ///
    /// - `change_sequence`: one row (`id` = 1), the counter every IAM write, revocation and key rotation bumps.
    /// - `store_settings`: named values (BLOB), such as the master-key check value.
    /// - `saml_assertion_uses`: SAML assertion IDs seen, until their assertion expires (milliseconds).
    /// - `mfa_failures`: per device (account, serial number), the wrong codes in a row and the lockout end. No
    ///   foreign key: a row outlives nothing that matters (a deleted device's failures are never read again).
    /// - `session_revocations`: the target is `access-key-id` or `principal-arn` with its value; dates in
    ///   milliseconds, kept until `expires_at`.
    /// - `session_token_keys`: the key ID (a UInt32, so signed 64-bit order is the key ID order), the sealed key
    ///   (NULL for a key derived from the master key), whether it is active, and dates.
    static func createClusterTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE change_sequence (
                    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                    value INTEGER NOT NULL
                );
                INSERT INTO change_sequence (id, value) VALUES (1, 0);

                CREATE TABLE store_settings (
                    name TEXT NOT NULL PRIMARY KEY,
                    value BLOB NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE saml_assertion_uses (
                    assertion_id TEXT NOT NULL PRIMARY KEY,
                    expires INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX saml_assertion_uses_by_expiry ON saml_assertion_uses(expires);

                CREATE TABLE mfa_failures (
                    account_id TEXT NOT NULL,
                    serial_number TEXT NOT NULL,
                    failures INTEGER NOT NULL,
                    locked_until INTEGER,
                    PRIMARY KEY (account_id, serial_number)
                ) WITHOUT ROWID;

                CREATE TABLE session_revocations (
                    id TEXT NOT NULL PRIMARY KEY,
                    account_id TEXT NOT NULL,
                    target_kind TEXT NOT NULL CHECK (target_kind IN ('access-key-id', 'principal-arn')),
                    target TEXT NOT NULL,
                    issued_before INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    create_date INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX session_revocations_by_expiry ON session_revocations(expires_at);

                CREATE TABLE session_token_keys (
                    key_id INTEGER NOT NULL PRIMARY KEY CHECK (key_id BETWEEN 0 AND 4294967295),
                    sealed_key BLOB,
                    is_active INTEGER NOT NULL CHECK (is_active IN (0, 1)),
                    create_date INTEGER NOT NULL,
                    accepted_until INTEGER
                );
                """
        )
    }
}
