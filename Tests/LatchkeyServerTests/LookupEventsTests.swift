import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LatchkeyDomain
import LatchkeySQLite
import LatchkeySigV4
import LatchkeyTestSupport
import Logging
import Testing

@testable import LatchkeyServer

/// CloudTrail's `LookupEvents` on the server's endpoint (JSON 1.1 protocol, SigV4 for `cloudtrail`), over HTTP
/// against the real application, reading events appended to its real store.
@Suite struct LookupEventsTests {
    static let target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
    static let account = TestServer.accountId
    static let otherAccount = "999988887777"

    /// The server on an SQLite store of the test's own (so the test can append events and close it), with the
    /// test clock; `body` gets the server and the store.
    static func run<T: Sendable>(
        clock: TestClock = TestClock(),
        _ body: @Sendable (TestServer, SQLiteIdentityStore) async throws -> T
    ) async throws -> T {
        try await withTemporaryDirectory { scratch in
            let store = try SQLiteIdentityStore(path: scratch + "/events.sqlite")
            defer { try? store.close() }
            return try await withTemporaryDirectory { dataDirectory in
                let configuration = ServerConfiguration(
                    host: "127.0.0.1", port: 0, dataDirectory: dataDirectory,
                    file: try ConfigurationFile.parse(TestServer.configurationText),
                    connections: TestServer.connections, logLevel: .critical)
                let (application, report) = try await LatchkeyApplication.build(
                    configuration: configuration, logger: quietLogger("lookup-events-test"), store: store,
                    clock: clock.closure)
                return try await application.test(.live) { client in
                    try await body(
                        TestServer(client: client, clock: clock, dataDirectory: dataDirectory, report: report), store)
                }
            }
        }
    }

    /// Events in 2020, long before the test clock's time, so that the events the audit trail records for the test's
    /// own calls (at the clock's time) never mix with them: queries bound `EndTime` to `end`.
    static let base = Date(timeIntervalSince1970: 1_600_000_000)
    static let end = 1_600_100_000

    static func event(
        _ number: Int, after seconds: Double, account: String? = account, source: String = "sts.amazonaws.com",
        name: String = "AssumeRole", readOnly: Bool = false, username: String? = "alice",
        accessKeyId: String? = "AKIAALICE", resources: [AuditRecord.Resource] = []
    ) -> AuditRecord {
        let id = "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - String(number).count) + "\(number)"
        return AuditRecord(
            eventId: id, eventTime: base.addingTimeInterval(seconds), accountId: account, eventSource: source,
            eventName: name, readOnly: readOnly, username: username, accessKeyId: accessKeyId, resources: resources,
            cloudTrailEvent: #"{"eventVersion":"1.08","eventID":"\#(id)","eventName":"\#(name)"}"#)
    }

    static let role = AuditRecord.Resource(type: "AWS::IAM::Role", name: "arn:aws:iam::111122223333:role/deployer")
    static let events: [AuditRecord] = [
        event(1, after: 10, resources: [.init(type: "AWS::IAM::AccessKey", name: "ASIAISSUED"), role]),
        event(2, after: 20, source: "iam.amazonaws.com", name: "CreateUser", username: "admin", accessKeyId: "AKIAADM"),
        event(3, after: 30.5, name: "GetCallerIdentity", readOnly: true),
        event(4, after: 40, account: otherAccount, name: "GetCallerIdentity", readOnly: true),
        event(5, after: 50, account: nil, name: "AssumeRoleWithWebIdentity", username: nil, accessKeyId: nil),
        event(6, after: 60, name: "ListUsers", readOnly: true, username: nil, resources: [.init(type: nil, name: "x")]),
    ]

    /// A LookupEvents request with `body`, signed as `credentials` for `service` (unsigned when nil).
    static func request(
        _ body: String, as credentials: SigV4Credentials? = TestServer.root, service: String = "cloudtrail",
        target: String = LookupEventsTests.target, date: Date
    ) throws -> HTTPCall {
        try signedPOST(
            body: body, credentials: credentials, service: service, date: date,
            contentType: "application/x-amz-json-1.1", headers: [("X-Amz-Target", target)])
    }

    /// Sends the request and returns the status, the JSON body and the `x-amzn-RequestId` header.
    static func lookup(
        _ server: TestServer, _ body: String, as credentials: SigV4Credentials? = TestServer.root,
        service: String = "cloudtrail", target: String = LookupEventsTests.target,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (status: Int, json: [String: Any]) {
        let reply = try await server.send(
            request(body, as: credentials, service: service, target: target, date: server.now),
            sourceLocation: sourceLocation)
        #expect(
            reply.headers[.contentType] == "application/x-amz-json-1.1", sourceLocation: sourceLocation)
        #expect(
            reply.headers[HTTPField.Name("x-amzn-RequestId")!]?.isEmpty == false, sourceLocation: sourceLocation)
        return (reply.status, try reply.json())
    }

    /// The event IDs of a successful answer, in order.
    static func ids(_ json: [String: Any]) -> [String] {
        ((json["Events"] as? [[String: Any]]) ?? []).compactMap { $0["EventId"] as? String }
    }

    static func number(_ id: Int) -> String { event(id, after: 0).eventId }

    /// Expects a JSON-protocol error.
    static func expectError(
        _ answer: (status: Int, json: [String: Any]), _ type: String, status: Int = 400,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(answer.status == status, "\(answer.json)", sourceLocation: sourceLocation)
        #expect(answer.json["__type"] as? String == type, "\(answer.json)", sourceLocation: sourceLocation)
        #expect((answer.json["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    }

    @Test("the root sees its account's events, newest first, with CloudTrail's fields")
    func rootSeesAccountEvents() async throws {
        try await Self.run { server, store in
            try await store.appendAuditRecords(Self.events)
            let answer = try await Self.lookup(server, #"{"EndTime": \#(Self.end)}"#)
            #expect(answer.status == 200)
            #expect(Self.ids(answer.json) == [6, 3, 2, 1].map(Self.number))
            #expect(answer.json["NextToken"] == nil)
            let events = try #require(answer.json["Events"] as? [[String: Any]])
            let first = events[3]
            #expect(first["EventName"] as? String == "AssumeRole")
            #expect(first["ReadOnly"] as? String == "false")
            #expect(first["AccessKeyId"] as? String == "AKIAALICE")
            #expect(first["Username"] as? String == "alice")
            #expect(first["EventSource"] as? String == "sts.amazonaws.com")
            #expect((first["EventTime"] as? NSNumber)?.doubleValue == 1_600_000_010)
            #expect(first["CloudTrailEvent"] as? String == Self.events[0].cloudTrailEvent)
            let resources = try #require(first["Resources"] as? [[String: String]])
            #expect(
                resources == [
                    ["ResourceType": "AWS::IAM::AccessKey", "ResourceName": "ASIAISSUED"],
                    ["ResourceType": "AWS::IAM::Role", "ResourceName": Self.role.name],
                ])
            #expect((events[1]["EventTime"] as? NSNumber)?.doubleValue == 1_600_000_030.5)
            #expect(events[1]["ReadOnly"] as? String == "true")
            #expect(events[0]["Username"] == nil)
            #expect(events[0]["Resources"] as? [[String: String]] == [["ResourceName": "x"]])
        }
    }

    @Test("each lookup attribute selects its events")
    func lookupAttributes() async throws {
        try await Self.run { server, store in
            try await store.appendAuditRecords(Self.events)
            func ids(_ key: String, _ value: String) async throws -> [String] {
                let answer = try await Self.lookup(
                    server,
                    #"{"EndTime":\#(Self.end),"LookupAttributes":[{"AttributeKey":"\#(key)","AttributeValue":"\#(value)"}]}"#
                )
                #expect(answer.status == 200, "\(answer.json)")
                return Self.ids(answer.json)
            }
            #expect(try await ids("EventName", "GetCallerIdentity") == [Self.number(3)])
            #expect(try await ids("Username", "admin") == [Self.number(2)])
            #expect(try await ids("AccessKeyId", "AKIAALICE") == [6, 3, 1].map(Self.number))
            #expect(try await ids("EventId", Self.number(2)) == [Self.number(2)])
            #expect(try await ids("EventId", Self.number(4)) == [])
            #expect(try await ids("ReadOnly", "true") == [6, 3].map(Self.number))
            #expect(try await ids("ReadOnly", "false") == [2, 1].map(Self.number))
            #expect(try await ids("ResourceName", Self.role.name) == [Self.number(1)])
            #expect(try await ids("ResourceType", "AWS::IAM::AccessKey") == [Self.number(1)])
            #expect(try await ids("EventSource", "iam.amazonaws.com") == [Self.number(2)])
        }
    }

    @Test("MaxResults pages with NextToken; the time range bounds the events")
    func pagingAndTimeRange() async throws {
        try await Self.run { server, store in
            try await store.appendAuditRecords(Self.events)
            var seen: [String] = []
            var token: String?
            var pages = 0
            repeat {
                let tokenMember = token.map { #","NextToken":"\#($0)""# } ?? ""
                let answer = try await Self.lookup(server, #"{"EndTime":\#(Self.end),"MaxResults":1\#(tokenMember)}"#)
                #expect(answer.status == 200, "\(answer.json)")
                seen += Self.ids(answer.json)
                token = answer.json["NextToken"] as? String
                pages += 1
            } while token != nil && pages < 10
            #expect(seen == [6, 3, 2, 1].map(Self.number))
            let range = try await Self.lookup(server, #"{"StartTime":1600000020,"EndTime":1600000030.5}"#)
            #expect(Self.ids(range.json) == [3, 2].map(Self.number))
            let fractional = try await Self.lookup(server, #"{"StartTime":1600000020.001,"EndTime":"1600000060"}"#)
            #expect(Self.ids(fractional.json) == [6, 3].map(Self.number))
        }
    }

    @Test("bad input gets CloudTrail's errors, never a 500")
    func badInput() async throws {
        try await Self.run { server, store in
            try await store.appendAuditRecords(Self.events)
            func expect(_ body: String, _ type: String, sourceLocation: SourceLocation = #_sourceLocation)
                async throws
            {
                Self.expectError(try await Self.lookup(server, body), type, sourceLocation: sourceLocation)
            }
            let two =
                #"[{"AttributeKey":"EventName","AttributeValue":"A"},{"AttributeKey":"Username","AttributeValue":"b"}]"#
            try await expect(#"{"LookupAttributes":\#(two)}"#, "InvalidLookupAttributesException")
            try await expect(
                #"{"LookupAttributes":[{"AttributeKey":"Color","AttributeValue":"red"}]}"#,
                "InvalidLookupAttributesException")
            try await expect(
                #"{"LookupAttributes":[{"AttributeKey":"ReadOnly","AttributeValue":"maybe"}]}"#,
                "InvalidLookupAttributesException")
            try await expect(
                #"{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":""}]}"#,
                "InvalidLookupAttributesException")
            try await expect(
                #"{"LookupAttributes":[{"AttributeKey":"EventName"}]}"#, "InvalidLookupAttributesException")
            try await expect(#"{"MaxResults":0}"#, "InvalidMaxResultsException")
            try await expect(#"{"MaxResults":51}"#, "InvalidMaxResultsException")
            try await expect(#"{"MaxResults":2.5}"#, "InvalidMaxResultsException")
            try await expect(#"{"StartTime":1600000060,"EndTime":1600000010}"#, "InvalidTimeRangeException")
            try await expect(#"{"StartTime":1e300}"#, "InvalidTimeRangeException")
            try await expect(#"{"StartTime":true}"#, "SerializationException")
            try await expect(#"{"NextToken":"bm90IGEgdG9rZW4="}"#, "InvalidNextTokenException")
            try await expect(#"{"EventCategory":"management"}"#, "InvalidEventCategoryException")
            try await expect("not json", "SerializationException")
            try await expect("[1]", "SerializationException")
            // A token is only taken back with the parameters that gave it out.
            let first = try await Self.lookup(server, #"{"EndTime":\#(Self.end),"MaxResults":1}"#)
            let token = try #require(first.json["NextToken"] as? String)
            try await expect(#"{"EndTime":\#(Self.end - 1),"NextToken":"\#(token)"}"#, "InvalidNextTokenException")
            // Insights events: none are recorded.
            let insights = try await Self.lookup(server, #"{"EventCategory":"insight"}"#)
            #expect(insights.status == 200)
            #expect(Self.ids(insights.json) == [])
            // Unknown operations and methods.
            Self.expectError(
                try await Self.lookup(server, "{}", target: "CloudTrail_20131101.DescribeTrails"),
                "UnknownOperationException")
            let get = try await server.send(
                HTTPCall(method: .get, uri: "/", headers: [HTTPField.Name("X-Amz-Target")!: Self.target], body: nil))
            #expect(get.status == 400)
            #expect(try get.json()["__type"] as? String == "UnknownOperationException")
            // An empty body is an empty request.
            let empty = try await Self.lookup(server, "")
            #expect(empty.status == 200)
        }
    }

    @Test("authentication failures are named as CloudTrail names them")
    func authenticationFailures() async throws {
        try await Self.run { server, _ in
            Self.expectError(
                try await Self.lookup(server, "{}", as: nil), "MissingAuthenticationTokenException", status: 403)
            let stranger = SigV4Credentials(
                accessKeyID: "AKIAI44QH8DHBEXAMPLE", secretAccessKey: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY")
            Self.expectError(try await Self.lookup(server, "{}", as: stranger), "UnrecognizedClientException")
            var wrong = TestServer.root
            wrong.secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ"
            let mismatch = try await Self.lookup(server, "{}", as: wrong)
            Self.expectError(mismatch, "InvalidSignatureException")
            #expect((mismatch.json["message"] as? String)?.contains(wrong.secretAccessKey) == false)
            // Signed for another service.
            Self.expectError(try await Self.lookup(server, "{}", service: "sts"), "InvalidSignatureException")
        }
    }

    @Test("an IAM user needs cloudtrail:LookupEvents allowed, and sees only its account")
    func authorization() async throws {
        try await Self.run { server, store in
            try await store.appendAuditRecords(Self.events)
            let alice = try await server.userWithKey("alice")
            let denied = try await Self.lookup(server, #"{"EndTime":\#(Self.end)}"#, as: alice)
            Self.expectError(denied, "AccessDeniedException")
            #expect(
                denied.json["message"] as? String
                    == "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: "
                    + "cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action"
            )
            let allow =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:LookupEvents","Resource":"*"}]}"#
            try await server.iam(
                "PutUserPolicy", ["UserName": "alice", "PolicyName": "audit", "PolicyDocument": allow]
            ).expectSuccess("PutUserPolicy")
            let allowed = try await Self.lookup(server, #"{"EndTime":\#(Self.end)}"#, as: alice)
            #expect(allowed.status == 200, "\(allowed.json)")
            #expect(Self.ids(allowed.json) == [6, 3, 2, 1].map(Self.number))
            let deny =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"cloudtrail:*","Resource":"*"}]}"#
            try await server.iam(
                "PutUserPolicy", ["UserName": "alice", "PolicyName": "no-audit", "PolicyDocument": deny]
            ).expectSuccess("PutUserPolicy")
            let explicit = try await Self.lookup(server, #"{"EndTime":\#(Self.end)}"#, as: alice)
            Self.expectError(explicit, "AccessDeniedException")
            #expect((explicit.json["message"] as? String)?.contains("explicit deny") == true)
        }
    }

    @Test("a store that fails answers 503 ServiceUnavailableException")
    func storeUnavailable() async throws {
        try await Self.run { server, store in
            try store.close()
            // Not through `TestServer.send`, which fails any 5xx: this 503 is the answer expected.
            let call = try Self.request("{}", date: server.now)
            let response = try await server.client.execute(
                uri: call.uri, method: call.method, headers: call.headers, body: call.body)
            #expect(response.status.code == 503)
            let body = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))
            #expect((body as? [String: Any])?["__type"] as? String == "ServiceUnavailableException")
        }
    }

    @Test("calls the server answered are found by LookupEvents once the audit trail has written them")
    func findsRecordedCalls() async throws {
        try await Self.run { server, _ in
            try await server.createUser("carol")
            let deadline = ContinuousClock.now + .seconds(60)
            var found: [[String: Any]] = []
            while ContinuousClock.now < deadline {
                let answer = try await Self.lookup(
                    server, #"{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"CreateUser"}]}"#)
                found = (answer.json["Events"] as? [[String: Any]]) ?? []
                if !found.isEmpty { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let event = try #require(found.first, "CreateUser never reached the store")
            #expect(event["EventSource"] as? String == "iam.amazonaws.com")
            #expect(event["AccessKeyId"] as? String == TestServer.root.accessKeyID)
            let record = try #require((event["CloudTrailEvent"] as? String).map { Data($0.utf8) })
            let json = try #require(try JSONSerialization.jsonObject(with: record) as? [String: Any])
            #expect(json["eventName"] as? String == "CreateUser")
            #expect(json["recipientAccountId"] as? String == Self.account)
            #expect(json["eventID"] as? String == event["EventId"] as? String)
        }
    }
}

/// The retention service: what is older than the retention period goes, at start and on every round.
@Suite struct AuditRetentionTests {
    @Test("events older than the retention period are deleted at start and again as time passes")
    func prunesAtStartAndEachRound() async throws {
        try await withTemporaryDirectory { scratch in
            let store = try SQLiteIdentityStore(path: scratch + "/retention.sqlite")
            defer { try? store.close() }
            let clock = TestClock(Date(timeIntervalSince1970: 1_750_000_000))
            let day = 86_400.0
            func event(_ id: String, daysAgo: Double) -> AuditRecord {
                AuditRecord(
                    eventId: id, eventTime: clock.now.addingTimeInterval(-daysAgo * day), accountId: "111122223333",
                    eventSource: "sts.amazonaws.com", eventName: "GetCallerIdentity", readOnly: true, username: nil,
                    accessKeyId: nil, resources: [], cloudTrailEvent: "{}")
            }
            try await store.appendAuditRecords([
                event("old", daysAgo: 10.5), event("edge", daysAgo: 9.99), event("new", daysAgo: 1),
            ])
            let service = AuditRetentionService(
                store: store, retentionDays: 10, interval: .milliseconds(20), clock: clock.closure,
                logger: quietLogger("retention-test"))
            #expect(service.cutoff(at: clock.now) == clock.now.addingTimeInterval(-10 * day))
            func remaining() async throws -> [String] {
                try await store.auditRecords(AuditQuery(accountId: nil)).records.map(\.eventId)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                try await Self.poll { try await remaining() == ["new", "edge"] }
                // A day later the "edge" event is past the period too; the next round deletes it.
                clock.advance(by: day)
                try await Self.poll { try await remaining() == ["new"] }
                group.cancelAll()
            }
            #expect(await service.pruneOnce() == 0)
            clock.advance(by: 30 * day)
            #expect(await service.pruneOnce() == 1)
            try store.close()
            #expect(await service.pruneOnce() == nil)
        }
    }

    /// Waits (up to 60 s) until `condition` holds.
    static func poll(
        sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the condition did not hold within 60 s", sourceLocation: sourceLocation)
    }
}
