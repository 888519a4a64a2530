import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

/// What the audit store costs with a sizeable trail: appending in the audit writer's batches, the lookups
/// `LookupEvents` makes, deep paging and pruning. A measurement, printed, not a pass/fail check of speed; it runs
/// only when asked (`LATCHKEY_MEASURE_AUDIT=1`, optionally `LATCHKEY_MEASURE_AUDIT_EVENTS=N`, default 100,000).
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["LATCHKEY_MEASURE_AUDIT"] == "1",
        "a measurement: set LATCHKEY_MEASURE_AUDIT=1"))
struct AuditStoreCostTests {
    static var count: Int {
        Int(ProcessInfo.processInfo.environment["LATCHKEY_MEASURE_AUDIT_EVENTS"] ?? "") ?? 100_000
    }

    static func event(_ number: Int) -> AuditRecord {
        let id = UUID().uuidString.lowercased()
        return AuditRecord(
            eventId: id, eventTime: Fixture.date(plusSeconds: Double(number) / 10),
            accountId: number % 50 == 0 ? Fixture.otherAccountId : Fixture.accountId,
            eventSource: number % 4 == 0 ? "iam.amazonaws.com" : "sts.amazonaws.com",
            eventName: ["AssumeRole", "GetCallerIdentity", "GetSessionToken", "CreateUser", "ListRoles"][number % 5],
            readOnly: number % 3 != 0, username: "user\(number % 1000)", accessKeyId: "AKIA\(number % 1000)",
            resources: [
                .init(type: "AWS::IAM::Role", name: "arn:aws:iam::123456789012:role/r\(number % 100)"),
                .init(type: "AWS::IAM::AccessKey", name: "ASIA\(number)"),
            ],
            cloudTrailEvent: String(repeating: "x", count: 1500))
    }

    static func time<T>(_ label: String, _ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        let value = try await body()
        let elapsed = ContinuousClock.now - start
        let millis = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        print("audit-cost \(label): \(String(format: "%.1f", millis)) ms")
        return value
    }

    @Test("the cost of appends, lookups, deep paging and pruning", arguments: StoreKind.allCases)
    func measure(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let count = Self.count
            let events = (0..<count).map(Self.event)
            try await Self.time("\(kind) append \(count) in batches of 500") {
                var start = 0
                while start < count {
                    try await store.appendAuditRecords(Array(events[start..<min(start + 500, count)]))
                    start += 500
                }
            }
            let account = Fixture.accountId
            let lookups: [(String, AuditQuery.Attribute?)] = [
                ("newest page", nil), ("EventName (1 in 5)", .eventName("AssumeRole")),
                ("Username (1 in 1000)", .username("user7")), ("AccessKeyId (1 in 1000)", .accessKeyId("AKIA7")),
                ("ReadOnly", .readOnly(false)),
                ("ResourceName (1 in 100)", .resourceName("arn:aws:iam::123456789012:role/r7")),
                ("ResourceName (1 event)", .resourceName("ASIA77")),
                ("EventId", .eventId(events[count / 2 + 1].eventId)),
            ]
            for (label, attribute) in lookups {
                let page = try await Self.time("\(kind) lookup \(label), 50") {
                    try await store.auditRecords(AuditQuery(accountId: account, attribute: attribute))
                }
                #expect(!page.records.isEmpty)
            }
            try await Self.time("\(kind) 20 pages of 50 by EventName, following tokens") {
                var query = AuditQuery(accountId: account, attribute: .eventName("CreateUser"))
                for _ in 0..<20 {
                    let page = try await store.auditRecords(query)
                    guard let token = page.nextPageToken else { break }
                    query.pageToken = token
                }
            }
            let cutoff = Fixture.date(plusSeconds: Double(count / 2) / 10)
            let deleted = try await Self.time("\(kind) prune the older half") {
                try await store.deleteAuditRecords(before: cutoff)
            }
            #expect(deleted == count / 2)
        }
    }
}
