import LatchkeyDomain
public import Logging
import PostgresNIO

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One schema migration: an identifier recorded once applied, and the statements it runs (in one transaction).
struct PostgresMigration: Sendable {
    var identifier: String
    var statements: [String]
}

extension PostgresStore {
    /// The schema migrations, in the order they run.
    ///
    /// Migrations are append-only: a released identifier is never renamed, removed, reordered or edited; a schema
    /// change is a new migration appended at the end. Applied identifiers are recorded in `latchkey_migrations`, so
    /// connecting again only runs the ones the database has not seen, and a database that holds identifiers this
    /// build does not know (migrated by a newer Latchkey) is refused with nothing written.
    static let migrations: [PostgresMigration] = [
        PostgresMigration(
            identifier: PostgresSchema.identityAndClusterIdentifier, statements: PostgresSchema.identityAndCluster),
        PostgresMigration(identifier: PostgresPolicySchema.identifier, statements: PostgresPolicySchema.statements),
        PostgresMigration(identifier: PostgresAuditSchema.identifier, statements: PostgresAuditSchema.statements),
    ]

    /// The identifiers of the schema migrations, in the order they run.
    public static var migrationIdentifiers: [String] { migrations.map(\.identifier) }

    /// The identifiers of the migrations applied to the database, in the order they were applied.
    public func appliedMigrations() async throws -> [String] {
        try await readStatement { connection in
            let rows = try await connection.query(
                "SELECT id FROM latchkey_migrations ORDER BY applied_order", logger: self.logger
            ).collect()
            return try rows.map { row in try row.decode(String.self) }
        }
    }

    /// The advisory-lock key that serializes migrations of one schema across nodes (a 64-bit FNV-1a hash).
    static func migrationLockKey(schema: String?) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "latchkey-migrations:\(schema ?? "")".utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// Connects one connection of its own, takes the migration lock on it (held through the whole migration, so
    /// nodes starting together migrate once: the others wait, then find nothing to do), refuses a database with
    /// unknown migrations, and applies the pending ones, each in its own transaction.
    static func migrate(_ configuration: Configuration, tls: TLSChoice, logger: Logger) async throws {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: configuration.connectionConfiguration(tls: tls), id: 0, logger: logger)
        } catch {
            throw StoreError(
                .unavailable, "cannot connect to \(configuration.endpointDescription): \(describe(error))")
        }
        do {
            try await migrate(on: connection, configuration: configuration, logger: logger)
            try? await connection.close()
        } catch {
            try? await connection.close()
            if let storeError = error as? StoreError { throw storeError }
            throw StoreError(
                .unavailable, "cannot migrate \(configuration.endpointDescription): \(describe(error))")
        }
    }

    private static func migrate(
        on connection: PostgresConnection, configuration: Configuration, logger: Logger
    ) async throws {
        let lockKey = migrationLockKey(schema: configuration.schema)
        try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: logger)
        if let schema = configuration.schema {
            let exists = try await connection.query(
                "SELECT 1 FROM pg_namespace WHERE nspname = \(schema)", logger: logger
            ).collect()
            if exists.isEmpty {
                try await connection.query(
                    PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(PostgresSchema.quoteIdentifier(schema))"),
                    logger: logger)
            }
        }
        let tableRows = try await connection.query(
            "SELECT to_regclass('latchkey_migrations') IS NOT NULL", logger: logger
        ).collect()
        var applied: [String] = []
        if try tableRows.first?.decode(Bool.self) == true {
            applied = try await connection.query(
                "SELECT id FROM latchkey_migrations ORDER BY applied_order", logger: logger
            ).collect().map { row in try row.decode(String.self) }
        }
        let known = Set(migrationIdentifiers)
        let unknown = applied.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw StoreError(
                .unavailable,
                "\(configuration.endpointDescription) was migrated by a newer Latchkey: it has migrations this "
                    + "build does not know (\(unknown.joined(separator: ", "))); upgrade Latchkey"
            )
        }
        for migration in migrations where !applied.contains(migration.identifier) {
            logger.info("applying PostgreSQL migration \(migration.identifier)")
            try await PostgresStore.transaction(connection, begin: "BEGIN", logger: logger) { connection in
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS latchkey_migrations (
                        id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
                        applied_order BIGINT NOT NULL UNIQUE,
                        applied_at BIGINT NOT NULL
                    )
                    """,
                    logger: logger)
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                let now = StoredValueCoding.millis(Date())
                try await connection.query(
                    """
                    INSERT INTO latchkey_migrations (id, applied_order, applied_at)
                    SELECT \(migration.identifier), COALESCE(MAX(applied_order), 0) + 1, \(now) FROM latchkey_migrations
                    """,
                    logger: logger)
            }
        }
        try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
    }
}

extension PostgresStore {
    /// Drops `configuration.schema` and everything in it (`DROP SCHEMA ... CASCADE`) on a connection of its own:
    /// for tests that give each store a schema of its own, and for operators removing a deployment. Does nothing
    /// when the configuration names no schema (the default schema is never dropped).
    public static func dropSchema(_ configuration: Configuration, logger: Logger) async throws {
        guard let schema = configuration.schema else { return }
        var adminConfiguration = configuration
        adminConfiguration.schema = nil
        let admin = adminConfiguration
        let tls = try admin.makeTLS()
        try await withDeadline(admin.connectTimeout, "drop schema \(schema)") {
            let connection: PostgresConnection
            do {
                connection = try await PostgresConnection.connect(
                    configuration: admin.connectionConfiguration(tls: tls), id: 0, logger: logger)
            } catch {
                throw StoreError(.unavailable, "cannot connect to \(admin.endpointDescription): \(describe(error))")
            }
            do {
                try await connection.query(
                    PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(PostgresSchema.quoteIdentifier(schema)) CASCADE"),
                    logger: logger)
                try? await connection.close()
            } catch {
                try? await connection.close()
                throw StoreError(.unavailable, "cannot drop schema \(schema): \(describe(error))")
            }
        }
    }
}
