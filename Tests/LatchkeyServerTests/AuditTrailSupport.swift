import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LatchkeyServer
import LatchkeyTestSupport
import Logging
import Testing

/// The real server with an audit trail, and readers of its JSON-lines file.
enum AuditHarness {
    /// Runs the server (as `TestServer.run` does, on loopback with the test clock) with `audit` as its audit
    /// settings, in a fresh data folder; `body` gets the server and a scratch folder for audit files.
    static func run<T: Sendable>(
        audit: @Sendable (_ scratch: String) -> AuditSettings,
        clock: TestClock = TestClock(),
        configuration text: String = TestServer.configurationText,
        _ body: @Sendable (TestServer, _ scratch: String) async throws -> T
    ) async throws -> T {
        try await withTemporaryDirectory { scratch in
            try await withTemporaryDirectory { dataDirectory in
                var configuration = ServerConfiguration(
                    host: "127.0.0.1", port: 0, dataDirectory: dataDirectory,
                    file: try ConfigurationFile.parse(text), connections: TestServer.connections, logLevel: .critical)
                configuration.audit = audit(scratch)
                let (application, report) = try await LatchkeyApplication.build(
                    configuration: configuration, logger: quietLogger("audit-test-server"), clock: clock.closure)
                return try await application.test(.live) { client in
                    try await body(
                        TestServer(client: client, clock: clock, dataDirectory: dataDirectory, report: report), scratch)
                }
            }
        }
    }

    /// The events of a JSON-lines file, once it holds at least `count` of them (polled for up to 60 s: the writer
    /// drains every 100 ms, later on a loaded machine).
    static func events(
        in path: String, atLeast count: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + .seconds(60)
        var lines: [String] = []
        while ContinuousClock.now < deadline {
            lines = readLines(path)
            if lines.count >= count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(
            lines.count >= count, "only \(lines.count) of \(count) audit events", sourceLocation: sourceLocation)
        return try lines.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not a JSON object: \(line)", sourceLocation: sourceLocation)
        }
    }

    static func readLines(_ path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The single event named `name` among `events` whose `requestID` is `requestId` (or the last named `name`).
    static func event(
        _ name: String, in events: [[String: Any]], requestId: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String: Any] {
        let matching = events.filter {
            ($0["eventName"] as? String) == name && (requestId == nil || ($0["requestID"] as? String) == requestId)
        }
        return try #require(matching.last, "no \(name) event", sourceLocation: sourceLocation)
    }

    /// The fields every CloudTrail record has, checked with their types.
    static func expectWellFormed(_ event: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) {
        for key in [
            "eventVersion", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "requestID",
            "eventID", "eventType", "eventCategory",
        ] {
            #expect(event[key] is String, "\(key) missing or not a string in \(event)", sourceLocation: sourceLocation)
        }
        #expect(event["eventVersion"] as? String == "1.08", sourceLocation: sourceLocation)
        #expect(event["eventType"] as? String == "AwsApiCall", sourceLocation: sourceLocation)
        #expect(event["eventCategory"] as? String == "Management", sourceLocation: sourceLocation)
        #expect(event["managementEvent"] as? Bool == true, sourceLocation: sourceLocation)
        #expect(event["readOnly"] is Bool, sourceLocation: sourceLocation)
        #expect(
            ["sts.amazonaws.com", "iam.amazonaws.com"].contains(event["eventSource"] as? String ?? ""),
            sourceLocation: sourceLocation)
        let time = event["eventTime"] as? String ?? ""
        #expect(
            time.count == 20 && time.hasSuffix("Z") && time.dropFirst(10).hasPrefix("T"), "eventTime \(time)",
            sourceLocation: sourceLocation)
        let identity = event["userIdentity"] as? [String: Any]
        #expect(identity?["type"] is String, "userIdentity.type in \(event)", sourceLocation: sourceLocation)
        #expect(event.keys.contains("requestParameters"), sourceLocation: sourceLocation)
        #expect(event.keys.contains("responseElements"), sourceLocation: sourceLocation)
        let eventId = event["eventID"] as? String ?? ""
        #expect(UUID(uuidString: eventId) != nil, "eventID \(eventId)", sourceLocation: sourceLocation)
    }

    /// GET `path` (`/readyz`): status and body.
    static func get(_ path: String, from server: TestServer) async throws -> (status: Int, body: String) {
        let response = try await server.client.execute(uri: path, method: .get, headers: [:], body: nil)
        return (response.status.code, String(buffer: response.body))
    }
}
