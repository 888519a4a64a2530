import Foundation
import LatchkeyDomain
import LatchkeySQLite
import LatchkeyServer
import LatchkeyTestSupport
import Testing

/// `latchkey migrate-store` copies the audit trail with everything else, so `LookupEvents` answers the same after
/// the move.
@Suite struct LookupEventsMigrationTests {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    static func event(_ number: Int, account: String?) -> AuditRecord {
        AuditRecord(
            eventId: String(format: "%08d-0000-4000-8000-000000000000", number),
            eventTime: now.addingTimeInterval(-Double(number / 2)), accountId: account,
            eventSource: number % 3 == 0 ? "iam.amazonaws.com" : "sts.amazonaws.com",
            eventName: number % 3 == 0 ? "CreateUser" : "AssumeRole", readOnly: number % 5 == 0,
            username: number % 7 == 0 ? nil : "user\(number % 4)", accessKeyId: "AKIA\(number % 6)",
            resources: number % 2 == 0 ? [.init(type: "AWS::IAM::Role", name: "role\(number % 3)")] : [],
            cloudTrailEvent: #"{"eventID":"\#(number)"}"#)
    }

    @Test("every audit event is copied, over several pages, and verify compares them", arguments: StoreKind.allCases)
    func copiesAuditEvents(kind: StoreKind) async throws {
        try await withTemporaryDirectory { directory in
            let source = try SQLiteIdentityStore(path: directory + "/latchkey.sqlite")
            defer { try? source.close() }
            try await source.insertAccount(Account(id: "111122223333", createDate: Self.now))
            let events = (0..<2345).map { Self.event($0, account: $0 % 10 == 0 ? nil : "111122223333") }
            try await source.appendAuditRecords(events)
            try await kind.withEmptyStore { target in
                let migration = StoreMigration(source: source, target: target, now: Self.now)
                let counts = try await migration.run()
                #expect(counts.auditEvents == 2345)
                #expect(counts.lines.last?.label == "audit events")
                try await migration.verify()
                let query = AuditQuery(
                    accountId: "111122223333", attribute: .resourceName("role1"), maxResults: 50)
                #expect(try await target.auditRecords(query) == (try await source.auditRecords(query)))
                // An event only the target holds is a difference.
                try await target.appendAuditRecords([Self.event(99_999, account: nil)])
                await #expect(throws: StoreMigration.Failure.self) { try await migration.verify() }
            }
        }
    }
}
