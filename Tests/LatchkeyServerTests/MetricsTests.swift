import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LatchkeySigV4
import LatchkeyTestSupport
import Logging
import NIOCore
import Testing

@testable import LatchkeyServer

/// `GET /metrics` on the real server over loopback: calls are made, the exposition is read back with a strict
/// Prometheus text-format reader (``MetricsExposition``), and each counter must have moved by exactly what the calls
/// did, with the right labels and nothing a caller chose among them.
@Suite struct MetricsTests {
    static func scrape(
        _ client: any TestClientProtocol, method: HTTPRequest.Method = .get
    ) async throws -> (exposition: MetricsExposition, reply: Reply) {
        let response = try await client.execute(uri: "/metrics", method: method, headers: [:], body: nil)
        let reply = Reply(status: response.status.code, headers: response.headers, body: String(buffer: response.body))
        #expect(reply.status == 200, "\(reply.body)")
        return (try MetricsExposition.parse(reply.body), reply)
    }

    /// `after` minus `before` for one series (a missing series counts 0).
    static func delta(
        _ before: MetricsExposition, _ after: MetricsExposition, _ name: String, _ labels: [String: String] = [:]
    ) -> Double {
        (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0)
    }

    /// `after` minus `before` summed over the series whose labels include `labels`.
    static func sumDelta(
        _ before: MetricsExposition, _ after: MetricsExposition, _ name: String, _ labels: [String: String] = [:]
    ) -> Double {
        after.sum(name, matching: labels) - before.sum(name, matching: labels)
    }

    @Test("allowed and denied AssumeRole, session calls, a bad signature and an unknown action move exact counters")
    func countersMoveExactly() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await RoleFixtures.createRole(
                server, "deploy", trust: RoleFixtures.trust(RoleFixtures.userArn("alice")))
            let (before, _) = try await Self.scrape(server.client)

            try await server.createUser("bob")
            let bob = try await server.createAccessKey(for: "bob")
            let session = try await RoleFixtures.session(server, as: alice, role: "deploy")
            _ = try await server.callerIdentity(as: session)
            _ = try await server.callerIdentity(as: session)
            _ = try await RoleFixtures.assumeRole(server, as: bob, role: "deploy").expectError(
                "AccessDenied", status: 403)
            let forged = SigV4Credentials(accessKeyID: TestServer.root.accessKeyID, secretAccessKey: "not-the-secret")
            _ = try await server.sts("GetCallerIdentity", as: forged).expectError("SignatureDoesNotMatch", status: 403)
            _ = try await server.sts("NoSuchAction").expectError("InvalidAction", status: 400)

            let (after, reply) = try await Self.scrape(server.client)
            #expect(reply.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")

            let requests = "latchkey_requests_total"
            #expect(Self.delta(before, after, requests, ["api": "iam", "action": "CreateUser", "outcome": "ok"]) == 1)
            #expect(
                Self.delta(before, after, requests, ["api": "iam", "action": "CreateAccessKey", "outcome": "ok"]) == 1)
            #expect(Self.delta(before, after, requests, ["api": "sts", "action": "AssumeRole", "outcome": "ok"]) == 1)
            #expect(
                Self.delta(before, after, requests, ["api": "sts", "action": "AssumeRole", "outcome": "AccessDenied"])
                    == 1)
            #expect(
                Self.delta(before, after, requests, ["api": "sts", "action": "GetCallerIdentity", "outcome": "ok"])
                    == 2)
            #expect(
                Self.delta(
                    before, after, requests,
                    ["api": "sts", "action": "GetCallerIdentity", "outcome": "SignatureDoesNotMatch"]) == 1)
            #expect(
                Self.delta(before, after, requests, ["api": "sts", "action": "unknown", "outcome": "InvalidAction"])
                    == 1)
            #expect(Self.sumDelta(before, after, requests) == 8)

            let durations = "latchkey_request_duration_seconds_count"
            #expect(Self.delta(before, after, durations, ["api": "sts", "action": "AssumeRole"]) == 2)
            #expect(Self.delta(before, after, durations, ["api": "sts", "action": "GetCallerIdentity"]) == 3)
            #expect(Self.sumDelta(before, after, durations) == 8)

            let issued = "latchkey_credentials_issued_total"
            #expect(Self.delta(before, after, issued, ["kind": "AssumeRole"]) == 1)
            #expect(Self.delta(before, after, issued, ["kind": "CreateAccessKey"]) == 1)
            #expect(Self.sumDelta(before, after, issued) == 2)
            for kind in RequestInstruments.issuingActions {
                #expect(after.value(issued, ["kind": kind]) != nil, "\(kind) is exported from the start")
            }

            let failures = "latchkey_authentication_failures_total"
            #expect(Self.delta(before, after, failures, ["reason": "SignatureDoesNotMatch"]) == 1)
            #expect(Self.sumDelta(before, after, failures) == 1)

            let denials = "latchkey_authorization_denials_total"
            #expect(Self.delta(before, after, denials, ["api": "sts", "action": "AssumeRole"]) == 1)
            #expect(Self.sumDelta(before, after, denials) == 1)

            // Five calls signed with long-term keys (CreateUser, CreateAccessKey, two AssumeRole, the forged one):
            // each looked its key up once, in the cache or not. The session's two calls opened its token once.
            let hits = "latchkey_cache_hits_total"
            let misses = "latchkey_cache_misses_total"
            #expect(
                Self.delta(before, after, hits, ["cache": "access_keys"])
                    + Self.delta(before, after, misses, ["cache": "access_keys"]) == 5)
            #expect(Self.delta(before, after, misses, ["cache": "session_tokens"]) == 1)
            #expect(Self.delta(before, after, hits, ["cache": "session_tokens"]) == 1)
            #expect(
                Self.sumDelta(before, after, hits, ["cache": "iam_roles"])
                    + Self.sumDelta(
                        before, after, misses, ["cache": "iam_roles"]) >= 2)
            #expect(after.sum(misses, matching: ["cache": "policy_documents"]) >= 1)

            let store = "latchkey_store_operation_duration_seconds_count"
            #expect(Self.delta(before, after, store, ["store": "sqlite", "kind": "write"]) >= 2)
            #expect(Self.delta(before, after, store, ["store": "sqlite", "kind": "read"]) >= 1)

            #expect(after.value("latchkey_session_revocations") == 0)
            #expect(Self.delta(before, after, "latchkey_metrics_scrapes_total") == 1)
            for family in MetricCatalog.help.keys
            where !family.hasPrefix("latchkey_idp_") && !family.hasPrefix("latchkey_audit_") {
                #expect(after.types[family] != nil, "\(family) has a TYPE line")
                #expect(after.help[family] == MetricCatalog.help[family], "\(family) has its HELP line")
            }

            // Nothing a caller chose or holds is a label: no key ID, ARN, user or role name, secret or token.
            for secret in [
                TestServer.root.accessKeyID, TestServer.root.secretAccessKey, alice.accessKeyID, alice.secretAccessKey,
                bob.accessKeyID, session.accessKeyID, session.sessionToken ?? "-", "arn:", "alice", "bob", "deploy",
                "NoSuchAction",
            ] {
                #expect(!reply.body.contains(secret), "the exposition holds \(secret)")
            }
        }
    }

    @Test("the audit trail's statistics: events written to the file, and nothing dropped, read at scrape time")
    func auditStatistics() async throws {
        let settings: @Sendable (String) -> AuditSettings = {
            AuditSettings(logPath: $0 + "/audit.jsonl", storeEnabled: false)
        }
        try await AuditHarness.run(audit: settings) { server, scratch in
            for _ in 0..<3 { _ = try await server.callerIdentity(as: TestServer.root) }
            _ = try await AuditHarness.events(in: scratch + "/audit.jsonl", atLeast: 3)
            let (exposition, _) = try await Self.scrape(server.client)
            let written = "latchkey_audit_events_written_total"
            #expect(exposition.value(written, ["sink": "file"]) == 3)
            #expect(exposition.value(written, ["sink": "store"]) == 0)
            #expect(exposition.sum("latchkey_audit_events_dropped_total") == 0)
            #expect(exposition.value("latchkey_audit_events_dropped_total", ["reason": "buffer_full"]) == 0)
            #expect(exposition.sum("latchkey_audit_write_failures_total") == 0)
            #expect(exposition.types["latchkey_audit_buffered_events"] == "gauge")
            // A second scrape adds only what was written since (the counter follows the trail's total).
            _ = try await server.callerIdentity(as: TestServer.root)
            _ = try await AuditHarness.events(in: scratch + "/audit.jsonl", atLeast: 4)
            let (later, _) = try await Self.scrape(server.client)
            #expect(later.value(written, ["sink": "file"]) == 4)
        }
    }

    @Test("HEAD /metrics answers the headers only; other methods and /metrics/x go to the AWS endpoint")
    func methodsAndPaths() async throws {
        try await TestServer.run { server in
            let head = try await server.client.execute(uri: "/metrics", method: .head, headers: [:], body: nil)
            #expect(head.status == .ok)
            #expect(head.headers[.contentType] == ServerMetrics.contentType)
            #expect(head.body.readableBytes == 0)
            let posted = try await server.client.execute(uri: "/metrics", method: .post, headers: [:], body: nil)
            #expect(posted.status == .badRequest)
            #expect(String(buffer: posted.body).contains("<Code>"))
            let other = try await server.client.execute(uri: "/metrics/x", method: .get, headers: [:], body: nil)
            #expect(String(buffer: other.body).contains("<Code>"))
        }
    }

    @Test("metrics off: /metrics is an unknown path like any other (an AWS error), and nothing is registered")
    func turnedOff() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = ServerConfiguration(
                host: "127.0.0.1", port: 0, dataDirectory: directory,
                file: try ConfigurationFile.parse(LoopbackServer.configurationText),
                connections: LoopbackServer.connections, logLevel: .critical)
            configuration.metrics = MetricsSettings(enabled: false)
            let (application, _) = try await LatchkeyApplication.build(
                configuration: configuration, logger: quietLogger("metrics-off"))
            try await application.test(.live) { client in
                let response = try await client.execute(uri: "/metrics", method: .get, headers: [:], body: nil)
                #expect(response.status == .badRequest)
                let body = String(buffer: response.body)
                #expect(body.contains("<Code>MissingAction</Code>"), "\(body)")
                #expect(!body.contains("latchkey_"))
            }
        }
    }

    @Test("two applications in one process count separately: each has a registry of its own")
    func registryPerApplication() async throws {
        try await TestServer.run { first in
            try await TestServer.run { second in
                let (before, _) = try await Self.scrape(second.client)
                _ = try await first.callerIdentity(as: TestServer.root)
                let (after, _) = try await Self.scrape(second.client)
                #expect(Self.sumDelta(before, after, "latchkey_requests_total") == 0)
                let (firstAfter, _) = try await Self.scrape(first.client)
                #expect(
                    firstAfter.value(
                        "latchkey_requests_total", ["api": "sts", "action": "GetCallerIdentity", "outcome": "ok"]) == 1)
            }
        }
    }

    @Test("the configuration key: metrics on|off, anything else an error with its line")
    func configurationKey() throws {
        #expect(try ConfigurationFile.parse("metrics: off").metrics == false)
        #expect(try ConfigurationFile.parse("metrics: on").metrics == true)
        #expect(try ConfigurationFile.parse("sessionTokenKeyId: 1").metrics == nil)
        let error = #expect(throws: ConfigurationFile.ParseError.self) {
            try ConfigurationFile.parse("sessionTokenKeyId: 1\nmetrics: sometimes")
        }
        #expect(error?.line == 2)
        #expect(error?.message == "metrics must be on or off, not 'sometimes'")
    }

    @Test("outcome labels: AWS error codes as they are, anything else 'other'")
    func boundedOutcomes() {
        #expect(RequestInstruments.boundedOutcome("AccessDenied") == "AccessDenied")
        #expect(RequestInstruments.boundedOutcome("InvalidParameterValue") == "InvalidParameterValue")
        #expect(RequestInstruments.boundedOutcome("") == "other")
        #expect(RequestInstruments.boundedOutcome("Bad\"Code\n") == "other")
        #expect(RequestInstruments.boundedOutcome("arn:aws:iam::1:user/x") == "other")
        #expect(RequestInstruments.boundedOutcome(String(repeating: "A", count: 65)) == "other")
    }
}
