import LatchkeyDomain
import LatchkeyTestSupport
import Logging
import Testing

@testable import LatchkeyPostgres

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Migrations on a real PostgreSQL server (`LATCHKEY_TEST_DATABASE_URL`), each test in schemas of its own.
@Suite(.enabled(if: PostgresTestDatabase.isEnabled, "needs LATCHKEY_TEST_DATABASE_URL"))
struct MigrationTests {
    static let logger = PostgresTestDatabase.logger

    /// The tables every migrated schema holds (besides P2's).
    static let identityTables: Set<String> = [
        "accounts", "users", "access_keys", "mfa_devices", "store_settings", "saml_assertion_uses", "mfa_failures",
        "session_revocations", "session_token_keys", "latchkey_migrations",
    ]

    @Test("a fresh schema gets every migration, in order, and the identity and cluster tables")
    func fresh() async throws {
        try await PostgresTestDatabase.withStore { store in
            #expect(try await store.appliedMigrations() == PostgresStore.migrationIdentifiers)
            #expect(PostgresStore.migrationIdentifiers.first == "v1-identity-and-cluster")
            let tables = Set(try await store.tableNamesForTesting())
            #expect(Self.identityTables.isSubset(of: tables))
            #expect(try await store.changeSequence() == 0)
        }
    }

    @Test("connecting again to a migrated schema changes nothing and keeps the data")
    func reopen() async throws {
        try await PostgresTestDatabase.withStore { store in
            let configuration = store.currentConfiguration
            try await store.insertAccount(Account(id: "111122223333", createDate: Date(timeIntervalSince1970: 1)))
            let tables = try await store.tableNamesForTesting()
            let applied = try await store.stringsForTesting(
                "SELECT id || ':' || applied_order || ':' || applied_at FROM latchkey_migrations ORDER BY applied_order"
            )

            let again = try await PostgresStore.connect(configuration, logger: Self.logger)
            #expect(try await again.tableNamesForTesting() == tables)
            #expect(
                try await again.stringsForTesting(
                    "SELECT id || ':' || applied_order || ':' || applied_at FROM latchkey_migrations "
                        + "ORDER BY applied_order") == applied)
            #expect(try await again.account(id: "111122223333") != nil)
            await again.close()
        }
    }

    @Test("a schema migrated by a newer Latchkey is refused, naming the unknown migration, and nothing is written")
    func newerMigrationRefused() async throws {
        try await PostgresTestDatabase.withStore { store in
            let configuration = store.currentConfiguration
            try await store.executeForTesting(
                "INSERT INTO latchkey_migrations (id, applied_order, applied_at) VALUES ('v99-from-the-future', 99, 0)")
            let tables = try await store.tableNamesForTesting()
            let applied = try await store.appliedMigrations()

            await #expect {
                _ = try await PostgresStore.connect(configuration, logger: Self.logger)
            } throws: { error in
                guard let error = error as? StoreError else { return false }
                return error.code == .unavailable && error.detail.contains("v99-from-the-future")
                    && error.detail.contains("newer Latchkey")
            }
            #expect(try await store.tableNamesForTesting() == tables)
            #expect(try await store.appliedMigrations() == applied)
        }
    }

    @Test("a schema holding only a newer migration gets none of this build's tables")
    func newerOnlyWritesNothing() async throws {
        try await PostgresTestDatabase.withStore { store in
            var newer = store.currentConfiguration
            newer.schema = (newer.schema ?? "lk") + "_newer"
            let other = newer
            let schema = PostgresSchema.quoteIdentifier(other.schema!)
            try await store.executeForTesting("CREATE SCHEMA \(schema)")
            try await store.executeForTesting(
                """
                CREATE TABLE \(schema).latchkey_migrations (id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
                    applied_order BIGINT NOT NULL UNIQUE, applied_at BIGINT NOT NULL)
                """)
            try await store.executeForTesting(
                "INSERT INTO \(schema).latchkey_migrations VALUES ('v7-newer', 1, 0)")
            defer { Task { try? await PostgresStore.dropSchema(other, logger: Self.logger) } }

            await #expect(throws: StoreError.self) {
                _ = try await PostgresStore.connect(other, logger: Self.logger)
            }
            let tables = try await store.stringsForTesting(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = '\(other.schema!)'")
            #expect(tables == ["latchkey_migrations"])
            try await PostgresStore.dropSchema(other, logger: Self.logger)
        }
    }

    @Test("four nodes connecting at once to one empty schema all succeed, and it is migrated once")
    func concurrentConnects() async throws {
        let configuration = try PostgresTestDatabase.configuration()
        defer { Task { try? await PostgresStore.dropSchema(configuration, logger: Self.logger) } }
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<4 {
                group.addTask { try await PostgresStore.connect(configuration, logger: Self.logger) }
            }
            var stores: [PostgresStore] = []
            for try await store in group { stores.append(store) }
            return stores
        }
        #expect(stores.count == 4)
        for store in stores {
            #expect(try await store.appliedMigrations() == PostgresStore.migrationIdentifiers)
        }
        let orders = try await stores[0].stringsForTesting(
            "SELECT applied_order::text FROM latchkey_migrations ORDER BY applied_order")
        #expect(orders == (1...PostgresStore.migrationIdentifiers.count).map(String.init))
        // Every node writes through its own pool to the one schema.
        try await stores[1].insertAccount(Account(id: "000000000001", createDate: Date()))
        #expect(try await stores[3].account(id: "000000000001") != nil)
        for store in stores { await store.close() }
        try await PostgresStore.dropSchema(configuration, logger: Self.logger)
    }

    @Test("an unknown database is refused at connect with PostgreSQL's reason")
    func unknownDatabase() async throws {
        var configuration = try PostgresTestDatabase.configuration()
        configuration.database = "latchkey_no_such_database"
        configuration.schema = nil
        await #expect {
            _ = try await PostgresStore.connect(configuration, logger: Self.logger)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .unavailable && error.detail.contains("latchkey_no_such_database")
                && error.detail.contains("3D000")
        }
    }

    @Test("a port where nothing listens is refused at connect, promptly, with .unavailable")
    func nothingListening() async throws {
        var configuration = try PostgresTestDatabase.configuration()
        configuration.host = "127.0.0.1"
        configuration.port = 9  // discard: nothing listens there on a test machine
        configuration.connectTimeout = .seconds(3)
        let started = ContinuousClock.now
        await #expect {
            _ = try await PostgresStore.connect(configuration, logger: Self.logger)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .unavailable && error.detail.contains("cannot connect")
        }
        // Bounded generously: in a loaded parallel run the 3 s connect deadline has fired 18 s late.
        #expect(ContinuousClock.now - started < .seconds(60))
    }
}

/// How long an isolated test store takes to make: a schema of its own (what `StoreKind.postgres` uses) against a
/// database of its own. Printed, not asserted; a measurement, so it runs only when asked
/// (`LATCHKEY_MEASURE_ISOLATION=1`): `CREATE DATABASE` can wait long on a server busy with a parallel test run.
@Suite(
    .enabled(
        if: PostgresTestDatabase.isEnabled
            && ProcessInfo.processInfo.environment["LATCHKEY_MEASURE_ISOLATION"] == "1",
        "a measurement: set LATCHKEY_MEASURE_ISOLATION=1"))
struct IsolationCostTests {
    @Test("a schema per store against a database per store (timings printed)")
    func schemaAgainstDatabase() async throws {
        let rounds = 5
        var schemaTimes: [Duration] = []
        var databaseTimes: [Duration] = []
        try await PostgresTestDatabase.withStore({ $0.operationDeadline = .seconds(30) }) { admin in
            for round in 0..<rounds {
                var started = ContinuousClock.now
                let configuration = try PostgresTestDatabase.configuration()
                let inSchema = try await PostgresStore.connect(configuration, logger: MigrationTests.logger)
                await inSchema.close()
                try await PostgresStore.dropSchema(configuration, logger: MigrationTests.logger)
                schemaTimes.append(ContinuousClock.now - started)

                started = ContinuousClock.now
                let name = "lk_db_\(round)_\(UInt32.random(in: 0...UInt32.max))"
                try await admin.executeWithoutTransactionForTesting("CREATE DATABASE \(name)")
                var inDatabase = try PostgresTestDatabase.configuration()
                inDatabase.schema = nil
                inDatabase.database = name
                let store = try await PostgresStore.connect(inDatabase, logger: MigrationTests.logger)
                await store.close()
                try await admin.executeWithoutTransactionForTesting("DROP DATABASE \(name) WITH (FORCE)")
                databaseTimes.append(ContinuousClock.now - started)
            }
        }
        func median(_ times: [Duration]) -> Duration { times.sorted()[times.count / 2] }
        print(
            "isolated PostgreSQL test store, median of \(rounds): schema \(median(schemaTimes)), "
                + "database \(median(databaseTimes))")
        #expect(schemaTimes.count == rounds && databaseTimes.count == rounds)
    }
}
