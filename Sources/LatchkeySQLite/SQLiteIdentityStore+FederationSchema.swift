import GRDB

extension SQLiteIdentityStore {
    /// Schema v3: OIDC and SAML identity providers and the outbound web identity issuer.
    ///
    /// - OIDC providers are keyed by `(account_id, identity)`: the identity is the issuer URL without its scheme,
    ///   host already lowercased, so it is compared exactly. Client IDs and thumbprints are JSON string arrays.
    /// - SAML providers follow the naming rules of v1 (`name_key` lowercased); the signing certificates read from
    ///   the metadata are kept beside it as a JSON array of base64 DER strings, so a login never re-parses the
    ///   metadata.
    /// - Outbound keys: one row per key; the private key is sealed under the master key (`SecretBox`).
    static func createFederationTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE oidc_providers (
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
                    identity TEXT NOT NULL,
                    url TEXT NOT NULL,
                    client_ids TEXT NOT NULL,
                    thumbprints TEXT NOT NULL,
                    tags TEXT NOT NULL DEFAULT '[]',
                    create_date INTEGER NOT NULL,
                    PRIMARY KEY (account_id, identity)
                ) WITHOUT ROWID;

                CREATE TABLE saml_providers (
                    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE RESTRICT,
                    name TEXT NOT NULL,
                    name_key TEXT NOT NULL,
                    uuid TEXT NOT NULL UNIQUE,
                    metadata TEXT NOT NULL,
                    certificates TEXT NOT NULL,
                    entity_id TEXT NOT NULL,
                    valid_until INTEGER,
                    tags TEXT NOT NULL DEFAULT '[]',
                    create_date INTEGER NOT NULL,
                    PRIMARY KEY (account_id, name_key)
                ) WITHOUT ROWID;

                CREATE TABLE outbound_federation (
                    account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE RESTRICT,
                    enabled INTEGER NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE outbound_keys (
                    account_id TEXT NOT NULL REFERENCES outbound_federation(account_id) ON DELETE CASCADE,
                    key_id TEXT NOT NULL,
                    algorithm TEXT NOT NULL,
                    sealed_private_key BLOB NOT NULL,
                    created_at INTEGER NOT NULL,
                    retired_at INTEGER,
                    PRIMARY KEY (account_id, key_id)
                ) WITHOUT ROWID;
                """)
    }
}
