import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

@testable import LatchkeySQLite

/// Schema v4 (the recorded last use of access keys) on a file the v3 release left. `@testable` builds that file.
@Suite struct AccessKeyLastUseMigrationTests {
    @Test("a file left by the v3 release gains the last-used columns on open; its keys read as never used")
    func v3FileUpgradesInPlace() async throws {
        try await withTemporaryDirectory { directory throws in
            let path = directory + "/latchkey.sqlite"
            let created = Int64(Fixture.epoch.timeIntervalSince1970 * 1000)
            try SQLiteIdentityStore.createFileForTesting(
                path: path, upTo: "v3-federation",
                sql: """
                    INSERT INTO accounts (id, create_date) VALUES ('123456789012', \(created));
                    INSERT INTO access_keys (access_key_id, account_id, user_name_key, status, create_date,
                        sealed_secret)
                    VALUES ('AKIAROOT000000000001', '123456789012', NULL, 'Active', \(created), x'00ff07');
                    """
            )
            let store = try SQLiteIdentityStore(path: path)
            defer { try? store.close() }
            #expect(try await store.appliedMigrations() == SQLiteIdentityStore.migrationIdentifiers)
            #expect(SQLiteIdentityStore.migrationIdentifiers.contains("v4-access-key-last-used"))
            #expect(try await store.accessKeyLastUse(id: "AKIAROOT000000000001") == nil)
            let use = AccessKeyUse(
                accessKeyId: "AKIAROOT000000000001", date: Fixture.date(plusSeconds: 1), serviceName: "sts",
                region: "us-east-1")
            try await store.recordAccessKeyUses([use])
            #expect(try await store.accessKeyLastUse(id: "AKIAROOT000000000001") == use)
        }
    }
}
