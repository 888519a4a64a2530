import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

@testable import LatchkeySQLite

/// Schema, migrations, persistence and the handling of damaged files. Uses `@testable` for the store's
/// test-only hooks (raw SQL, schema dump, query plan), which are internal.
@Suite struct SchemaTests {
    /// The v1 migration list as released. Never edit it: later sessions may only append migrations.
    static let v1Migrations = ["v1-identity-tables"]

    @Test("the migration list is append-only: it starts with the released v1 list")
    func migrationListIsAppendOnly() {
        #expect(SQLiteIdentityStore.migrationIdentifiers.starts(with: Self.v1Migrations))
        #expect(Set(SQLiteIdentityStore.migrationIdentifiers).count == SQLiteIdentityStore.migrationIdentifiers.count)
    }

    @Test("a fresh file has every migration applied, in order")
    func freshFileIsFullyMigrated() async throws {
        try await withStore { store throws in
            #expect(try await store.appliedMigrations() == SQLiteIdentityStore.migrationIdentifiers)
        }
    }

    @Test("the file is in WAL mode with foreign keys enforced")
    func connectionSettings() async throws {
        try await withStore { store throws in
            #expect(try await store.pragma("journal_mode") == "wal")
            #expect(try await store.pragma("foreign_keys") == "1")
        }
    }

    @Test("data survives closing and reopening the file; re-running migrations changes nothing")
    func reopenKeepsDataAndSchema() async throws {
        try await withTemporaryDirectory { directory throws in
            let path = directory + "/latchkey.sqlite"
            let first = try SQLiteIdentityStore(path: path)
            try await first.insertAccount(Fixture.account)
            try await first.insertUser(Fixture.user("Alice"))
            try await first.insertAccessKey(Fixture.key("AKIAUSER000000000001", userName: "Alice"))
            try await first.insertMFADevice(Fixture.device("phone"))
            _ = try await first.consumeMFAStep(
                accountId: Fixture.accountId, serialNumber: Fixture.serial("phone"), step: 9)
            let schema = try await first.schemaStatements()
            try first.close()

            let second = try SQLiteIdentityStore(path: path)
            defer { try? second.close() }
            #expect(try await second.schemaStatements() == schema)
            #expect(try await second.appliedMigrations() == SQLiteIdentityStore.migrationIdentifiers)
            #expect(try await second.account(id: Fixture.accountId) == Fixture.account)
            #expect(try await second.user(accountId: Fixture.accountId, userName: "alice") == Fixture.user("Alice"))
            let key = Fixture.key("AKIAUSER000000000001", userName: "Alice")
            #expect(try await second.accessKey(id: key.accessKeyId) == key)
            let device = try await second.mfaDevice(accountId: Fixture.accountId, serialNumber: Fixture.serial("phone"))
            #expect(device?.lastUsedStep == 9)
        }
    }

    @Test("a file migrated by a newer build is refused with unavailable")
    func unknownMigrationIsRefused() async throws {
        try await withTemporaryDirectory { directory throws in
            let path = directory + "/latchkey.sqlite"
            let first = try SQLiteIdentityStore(path: path)
            try await first.executeForTesting("INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            try first.close()
            let error = await storeError { _ = try SQLiteIdentityStore(path: path) }
            #expect(error?.code == .unavailable)
            #expect(error?.detail.contains("v99-from-the-future") == true)
        }
    }

    @Test("a closed store fails with unavailable")
    func closedStoreIsUnavailable() async throws {
        try await withStore { store throws in
            try store.close()
            let error = await storeError { _ = try await store.account(id: Fixture.accountId) }
            #expect(error?.code == .unavailable)
        }
    }

    @Test("a file that is not a database fails to open with unavailable")
    func garbageFileIsUnavailable() async throws {
        try await withTemporaryDirectory { directory throws in
            let path = directory + "/garbage.sqlite"
            try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
            let error = await storeError { _ = try SQLiteIdentityStore(path: path) }
            #expect(error?.code == .unavailable)
        }
    }

    @Test("the per-request key lookup is a primary-key search, never a scan")
    func keyLookupUsesPrimaryKey() async throws {
        try await withStore { store throws in
            let plan = try await store.accessKeyLookupPlan()
            #expect(plan.contains { $0.contains("SEARCH k USING PRIMARY KEY") })
            #expect(plan.contains { $0.contains("SEARCH u USING PRIMARY KEY") })
            #expect(!plan.contains { $0.hasPrefix("SCAN") })
        }
    }

    @Test("a hand-edited tag column reads as corrupt")
    func damagedTagsAreCorrupt() async throws {
        try await withStore { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            try await store.executeForTesting("UPDATE users SET tags = 'not json'")
            let error = await storeError { _ = try await store.user(accountId: Fixture.accountId, userName: "Alice") }
            #expect(error?.code == .corrupt)
        }
    }

    @Test("a date stored as text reads as corrupt")
    func textDateIsCorrupt() async throws {
        try await withStore { store throws in
            try await store.executeForTesting("UPDATE accounts SET create_date = 'yesterday'")
            let error = await storeError { _ = try await store.accounts() }
            #expect(error?.code == .corrupt)
            #expect(error?.detail.contains("create_date") == true)
        }
    }

    @Test("a secret stored as text reads as corrupt without echoing the value")
    func textSecretIsCorruptAndNotEchoed() async throws {
        try await withStore { store throws in
            try await store.insertAccessKey(Fixture.key("AKIAROOT000000000001"))
            try await store.executeForTesting("UPDATE access_keys SET sealed_secret = 'TOPSECRETVALUE'")
            let error = await storeError { _ = try await store.accessKey(id: "AKIAROOT000000000001") }
            #expect(error?.code == .corrupt)
            #expect(error?.detail.contains("TOPSECRETVALUE") == false)
        }
    }

    @Test("an unexpected SQLite failure is unavailable, names the cause, and never carries the arguments")
    func unexpectedFailureIsUnavailable() async throws {
        try await withStore { store throws in
            try await store.executeForTesting(
                "CREATE TRIGGER refuse BEFORE INSERT ON access_keys BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
            )
            let key = Fixture.key("AKIAROOT000000000001")
            let error = await storeError { try await store.insertAccessKey(key) }
            #expect(error?.code == .unavailable)
            #expect(error?.detail.contains("disk says no") == true)
            #expect(error?.detail.contains("sealed:") == false)
            #expect(error?.detail.contains("AKIAROOT000000000001") == false)
            #expect(try await store.accessKey(id: key.accessKeyId) == nil)
        }
    }
}
