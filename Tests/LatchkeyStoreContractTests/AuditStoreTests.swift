import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

/// The `AuditStore` contract: events appended in batches (a retried event skipped), looked up newest first by
/// account, attribute and time range, paged by position (no duplicate, no gap, whatever is appended meanwhile),
/// pruned by age. Every store kind must give the same answers.
@Suite struct AuditStoreTests {
    static let account = Fixture.accountId
    static let other = Fixture.otherAccountId

    /// An event `seconds` after the fixture epoch, with a zero-padded ID so that ID order is number order.
    static func event(
        _ number: Int, at seconds: Double, account: String? = account, source: String = "sts.amazonaws.com",
        name: String = "AssumeRole", readOnly: Bool = false, username: String? = "alice",
        accessKeyId: String? = "AKIAALICE", resources: [AuditRecord.Resource] = []
    ) -> AuditRecord {
        let id = "evt-" + String(repeating: "0", count: max(0, 5 - String(number).count)) + String(number)
        return AuditRecord(
            eventId: id, eventTime: Fixture.date(plusSeconds: seconds), accountId: account, eventSource: source,
            eventName: name, readOnly: readOnly, username: username, accessKeyId: accessKeyId, resources: resources,
            cloudTrailEvent: #"{"eventVersion":"1.08","eventID":"\#(id)","eventName":"\#(name)"}"#)
    }

    static func query(
        _ attribute: AuditQuery.Attribute? = nil, account: String? = account, start: Double? = nil,
        end: Double? = nil, max: Int = 50, token: String? = nil
    ) -> AuditQuery {
        AuditQuery(
            accountId: account, attribute: attribute, startTime: start.map(Fixture.date(plusSeconds:)),
            endTime: end.map(Fixture.date(plusSeconds:)), maxResults: max, pageToken: token)
    }

    /// Every page of `query`, followed to the end; fails the test past `limit` pages.
    static func allPages(_ store: any AuditStore, _ query: AuditQuery, limit: Int = 1000) async throws
        -> [[AuditRecord]]
    {
        var pages: [[AuditRecord]] = []
        var query = query
        while pages.count < limit {
            let page = try await store.auditRecords(query)
            pages.append(page.records)
            guard let token = page.nextPageToken else { return pages }
            query.pageToken = token
        }
        Issue.record("more than \(limit) pages")
        return pages
    }

    static func ids(_ records: [AuditRecord]) -> [String] { records.map(\.eventId) }

    static let role = AuditRecord.Resource(type: "AWS::IAM::Role", name: "arn:aws:iam::123456789012:role/deployer")
    static let issuedKey = AuditRecord.Resource(type: "AWS::IAM::AccessKey", name: "ASIAISSUED")
    static let untyped = AuditRecord.Resource(type: nil, name: "something")

    /// A mixed set: two accounts, both sources, read-only and not, with and without user, key and resources.
    static let mixed: [AuditRecord] = [
        event(1, at: 10, resources: [issuedKey, role]),
        event(2, at: 20, source: "iam.amazonaws.com", name: "CreateUser", username: "admin", accessKeyId: "AKIAADMIN"),
        event(3, at: 30, name: "GetCallerIdentity", readOnly: true, resources: []),
        event(4, at: 40, account: other, resources: [role]),
        event(5, at: 50, account: nil, name: "AssumeRoleWithWebIdentity", username: nil, accessKeyId: nil),
        event(6, at: 60, name: "GetCallerIdentity", readOnly: true, username: "bob", accessKeyId: "ASIABOB"),
        event(7, at: 70, source: "iam.amazonaws.com", name: "ListUsers", readOnly: true, resources: [untyped]),
    ]

    @Test("records read back exactly as appended, every field, newest first", arguments: StoreKind.allCases)
    func roundTrip(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.appendAuditRecords(Self.mixed)
            let everything = try await store.auditRecords(Self.query(account: nil))
            #expect(everything.records == Self.mixed.reversed())
            #expect(everything.nextPageToken == nil)
            let mine = try await store.auditRecords(Self.query())
            #expect(Self.ids(mine.records) == ["evt-00007", "evt-00006", "evt-00003", "evt-00002", "evt-00001"])
            #expect(Self.ids(try await store.auditRecords(Self.query(account: Self.other)).records) == ["evt-00004"])
            #expect(try await store.auditRecords(Self.query(account: "999999999999")).records.isEmpty)
        }
    }

    @Test("each lookup attribute selects exactly its events, within the account", arguments: StoreKind.allCases)
    func lookupByEachAttribute(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.appendAuditRecords(Self.mixed)
            func ids(_ attribute: AuditQuery.Attribute, account: String? = Self.account) async throws -> [String] {
                Self.ids(try await store.auditRecords(Self.query(attribute, account: account)).records)
            }
            #expect(try await ids(.eventName("GetCallerIdentity")) == ["evt-00006", "evt-00003"])
            #expect(try await ids(.eventName("getcalleridentity")) == [])
            #expect(try await ids(.eventName("AssumeRole")) == ["evt-00001"])
            #expect(try await ids(.eventName("AssumeRole"), account: Self.other) == ["evt-00004"])
            #expect(try await ids(.eventName("AssumeRole"), account: nil) == ["evt-00004", "evt-00001"])
            #expect(try await ids(.username("alice")) == ["evt-00007", "evt-00003", "evt-00001"])
            #expect(try await ids(.username("bob")) == ["evt-00006"])
            #expect(try await ids(.accessKeyId("AKIAADMIN")) == ["evt-00002"])
            #expect(try await ids(.accessKeyId("ASIABOB")) == ["evt-00006"])
            #expect(try await ids(.eventId("evt-00003")) == ["evt-00003"])
            #expect(try await ids(.eventId("evt-00004")) == [])
            #expect(try await ids(.eventId("evt-00004"), account: Self.other) == ["evt-00004"])
            #expect(try await ids(.readOnly(true)) == ["evt-00007", "evt-00006", "evt-00003"])
            #expect(try await ids(.readOnly(false)) == ["evt-00002", "evt-00001"])
            #expect(try await ids(.eventSource("iam.amazonaws.com")) == ["evt-00007", "evt-00002"])
            #expect(try await ids(.resourceName(Self.role.name)) == ["evt-00001"])
            #expect(try await ids(.resourceName(Self.role.name), account: nil) == ["evt-00004", "evt-00001"])
            #expect(try await ids(.resourceName("ASIAISSUED")) == ["evt-00001"])
            #expect(try await ids(.resourceName("something")) == ["evt-00007"])
            #expect(try await ids(.resourceName("nothing")) == [])
            #expect(try await ids(.resourceType("AWS::IAM::AccessKey")) == ["evt-00001"])
            #expect(try await ids(.resourceType("AWS::IAM::Role"), account: nil) == ["evt-00004", "evt-00001"])
            #expect(try await ids(.eventName("AssumeRoleWithWebIdentity"), account: nil) == ["evt-00005"])
        }
    }

    @Test("the time range is inclusive at both ends and combines with an attribute", arguments: StoreKind.allCases)
    func timeRange(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.appendAuditRecords(Self.mixed)
            func ids(_ attribute: AuditQuery.Attribute? = nil, start: Double?, end: Double?) async throws -> [String] {
                Self.ids(try await store.auditRecords(Self.query(attribute, start: start, end: end)).records)
            }
            #expect(try await ids(start: 20, end: 60) == ["evt-00006", "evt-00003", "evt-00002"])
            #expect(try await ids(start: 20.001, end: 59.999) == ["evt-00003"])
            #expect(try await ids(start: 60, end: nil) == ["evt-00007", "evt-00006"])
            #expect(try await ids(start: nil, end: 20) == ["evt-00002", "evt-00001"])
            #expect(try await ids(.readOnly(true), start: 30, end: 60) == ["evt-00006", "evt-00003"])
            #expect(try await ids(start: 61, end: 69) == [])
            #expect(try await ids(start: 60, end: 20) == [])
        }
    }

    @Test("events at the same time are ordered by event ID, descending", arguments: StoreKind.allCases)
    func tiesByEventId(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.appendAuditRecords([
                Self.event(2, at: 5), Self.event(9, at: 5), Self.event(1, at: 6), Self.event(5, at: 5),
            ])
            #expect(
                Self.ids(try await store.auditRecords(Self.query()).records) == [
                    "evt-00001", "evt-00009", "evt-00005", "evt-00002",
                ])
        }
    }

    @Test(
        "paging visits every event once, in order, while newer and older events are appended between pages",
        arguments: StoreKind.allCases)
    func pagingNoDuplicatesNoGaps(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            // 130 events, three to a second (ties are broken by ID), appended out of order in uneven batches.
            let events = (0..<130).map { Self.event($0, at: Double($0 / 3)) }
            let shuffled = events.shuffled()
            try await store.appendAuditRecords(Array(shuffled[0..<7]))
            try await store.appendAuditRecords(Array(shuffled[7..<100]))
            try await store.appendAuditRecords(Array(shuffled[100...]))
            let expected = Self.ids(events.sorted { ($0.eventTime, $0.eventId) > ($1.eventTime, $1.eventId) })
            var seen: [String] = []
            var query = Self.query(max: 7)
            var appended = 0
            for _ in 0..<100 {
                let page = try await store.auditRecords(query)
                #expect(page.records.count == 7 || page.nextPageToken == nil)
                seen += Self.ids(page.records)
                guard let token = page.nextPageToken else { break }
                query.pageToken = token
                // Newer events (after the whole set) and an event of another account come in meanwhile.
                appended += 1
                try await store.appendAuditRecords([
                    Self.event(1000 + appended, at: 1000 + Double(appended)),
                    Self.event(2000 + appended, at: 1, account: Self.other),
                ])
            }
            #expect(seen == expected)
            #expect(Set(seen).count == seen.count)
        }
    }

    @Test(
        "the last page has no token; an exact multiple of the page size ends without an empty page",
        arguments: StoreKind.allCases)
    func lastPage(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.appendAuditRecords((0..<10).map { Self.event($0, at: Double($0)) })
            let pages = try await Self.allPages(store, Self.query(max: 5))
            #expect(pages.map(\.count) == [5, 5])
            let single = try await Self.allPages(store, Self.query(max: 50))
            #expect(single.map(\.count) == [10])
            let ones = try await Self.allPages(store, Self.query(.username("alice"), max: 1))
            #expect(ones.count == 10)
        }
    }

    @Test("an event ID already stored is skipped, in a later batch or in the same one", arguments: StoreKind.allCases)
    func duplicatesSkipped(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let first = Self.event(1, at: 1, resources: [Self.role])
            try await store.appendAuditRecords([first, Self.event(2, at: 2)])
            var changed = Self.event(1, at: 99, name: "Changed", resources: [Self.issuedKey, Self.untyped])
            changed.cloudTrailEvent = "{}"
            // A retried batch: one event already stored, one new; and a batch naming one new ID twice.
            try await store.appendAuditRecords([changed, Self.event(3, at: 3)])
            let twice = Self.event(4, at: 4, resources: [Self.role])
            var again = twice
            again.eventName = "Again"
            again.resources = [Self.issuedKey]
            try await store.appendAuditRecords([twice, again])
            let all = try await store.auditRecords(Self.query())
            #expect(Self.ids(all.records) == ["evt-00004", "evt-00003", "evt-00002", "evt-00001"])
            #expect(all.records.last == first)
            #expect(all.records.first?.eventName == "AssumeRole")
            #expect(all.records.first?.resources == [Self.role])
            #expect(Self.ids(try await store.auditRecords(Self.query(.resourceName("ASIAISSUED"))).records) == [])
            #expect(
                Self.ids(try await store.auditRecords(Self.query(.resourceName(Self.role.name))).records) == [
                    "evt-00004", "evt-00001",
                ])
            try await store.appendAuditRecords([])
        }
    }

    @Test("large batches are stored whole, with their resources", arguments: StoreKind.allCases)
    func largeBatch(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let events = (0..<450).map {
                Self.event($0, at: Double($0), resources: [Self.role, .init(type: "AWS::IAM::User", name: "u\($0)")])
            }
            try await store.appendAuditRecords(events)
            let pages = try await Self.allPages(store, Self.query(max: 1000))
            #expect(pages.map(\.count) == [450])
            #expect(pages.first == events.reversed())
            #expect(Self.ids(try await store.auditRecords(Self.query(.resourceName("u449"))).records) == ["evt-00449"])
        }
    }

    @Test(
        "pruning deletes exactly the events before the cutoff, with their resources; again deletes nothing",
        arguments: StoreKind.allCases)
    func pruning(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.appendAuditRecords(Self.mixed)
            #expect(try await store.deleteAuditRecords(before: Fixture.date(plusSeconds: 40)) == 3)
            #expect(try await store.deleteAuditRecords(before: Fixture.date(plusSeconds: 40)) == 0)
            let left = try await store.auditRecords(Self.query(account: nil))
            #expect(Self.ids(left.records) == ["evt-00007", "evt-00006", "evt-00005", "evt-00004"])
            #expect(Self.ids(try await store.auditRecords(Self.query(.resourceName("ASIAISSUED"))).records) == [])
            #expect(
                Self.ids(try await store.auditRecords(Self.query(.resourceName(Self.role.name), account: nil)).records)
                    == ["evt-00004"])
            // A pruned ID may be appended again (it is a new event to the store).
            try await store.appendAuditRecords([Self.event(1, at: 80)])
            #expect(Self.ids(try await store.auditRecords(Self.query(.eventId("evt-00001"))).records) == ["evt-00001"])
            #expect(try await store.deleteAuditRecords(before: Fixture.date(plusSeconds: 1000)) == 5)
            #expect(try await store.auditRecords(Self.query(account: nil)).records.isEmpty)
        }
    }

    @Test("pruning a backlog larger than one delete batch deletes all of it", arguments: StoreKind.allCases)
    func pruningBacklog(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let events = (0..<4100).map { Self.event($0, at: Double($0) / 100, resources: [Self.role]) }
            try await store.appendAuditRecords(events)
            try await store.appendAuditRecords([Self.event(9999, at: 500)])
            #expect(try await store.deleteAuditRecords(before: Fixture.date(plusSeconds: 100)) == 4100)
            #expect(Self.ids(try await store.auditRecords(Self.query()).records) == ["evt-09999"])
            #expect(try await store.auditRecords(Self.query(.resourceName(Self.role.name))).records.isEmpty)
        }
    }

    @Test("nodes pruning at once delete every old event exactly once", arguments: StoreKind.allCases)
    func concurrentPruning(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.appendAuditRecords((0..<5000).map { Self.event($0, at: Double($0) / 100) })
            try await store.appendAuditRecords([Self.event(9999, at: 500)])
            let cutoff = Fixture.date(plusSeconds: 100)
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await store.deleteAuditRecords(before: cutoff) } }
                var counts: [Int] = []
                for try await count in group { counts.append(count) }
                return counts
            }
            #expect(counts.reduce(0, +) == 5000)
            #expect(Self.ids(try await store.auditRecords(Self.query()).records) == ["evt-09999"])
        }
    }

    @Test("a page token the store did not give out for this query is .notFound", arguments: StoreKind.allCases)
    func badTokens(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.appendAuditRecords(Self.mixed)
            let first = try await store.auditRecords(Self.query(.readOnly(true), max: 1))
            let token = try #require(first.nextPageToken)
            // The token works for its own query, even with another page size.
            #expect(try await store.auditRecords(Self.query(.readOnly(true), max: 2, token: token)).records.count == 2)
            let forged = Data("v1|1700000060123|0000000000000000|evt-00006".utf8).base64EncodedString()
            let bad = [
                "", "not base64!", Data("hello".utf8).base64EncodedString(), forged, token + "x",
                String(repeating: "A", count: 5000),
            ]
            let otherQueries = [
                Self.query(.readOnly(false), token: token), Self.query(token: token),
                Self.query(.readOnly(true), account: Self.other, token: token),
                Self.query(.readOnly(true), account: nil, token: token),
                Self.query(.readOnly(true), start: 0, token: token),
                Self.query(.readOnly(true), end: 100, token: token),
            ]
            for query in bad.map({ Self.query(.readOnly(true), token: $0) }) + otherQueries {
                await #expect(throws: StoreError(.notFound, "")) { try await store.auditRecords(query) }
            }
        }
    }
}
