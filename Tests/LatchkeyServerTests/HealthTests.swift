import Foundation
import HTTPTypes
import HummingbirdTesting
import LatchkeySQLite
import LatchkeyServer
import LatchkeySigV4
import LatchkeyTestSupport
import NIOCore
import Testing

/// `GET /healthz` and `GET /readyz`, and what the server answers when its store stops answering: on a real SQLite
/// store the test closes under the running server (every later store call fails `.unavailable`, as when a
/// database goes away).
@Suite("Health endpoints and a store that goes away")
struct HealthTests {
    /// A server on a SQLite store of the test's own, which `body` may close.
    static func withServer(
        _ body: @Sendable (TestServer, SQLiteIdentityStore) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteIdentityStore(path: (directory as NSString).appendingPathComponent("store.sqlite"))
            let clock = TestClock(Date())
            try await LoopbackServer.run(clock: clock.closure, store: store) { server in
                try await body(
                    TestServer(
                        client: server.client, clock: clock, dataDirectory: server.dataDirectory,
                        report: server.report),
                    store)
            }
        }
    }

    static func get(_ server: TestServer, _ path: String, method: HTTPRequest.Method = .get) async throws -> Reply {
        let response = try await server.client.execute(uri: path, method: method, headers: [:], body: nil)
        return Reply(status: response.status.code, headers: response.headers, body: String(buffer: response.body))
    }

    /// Sends a signed call without `TestServer.send`'s check that nothing is a 5xx: the 503s are the point here.
    static func call(
        _ server: TestServer, _ action: String, version: String, _ params: KeyValuePairs<String, String> = [:],
        as credentials: SigV4Credentials
    ) async throws -> Reply {
        let request = try signedRequest(
            action: action, version: version, params: params, credentials: credentials, date: server.now)
        let response = try await server.client.execute(
            uri: request.uri, method: request.method, headers: request.headers, body: request.body)
        return Reply(status: response.status.code, headers: response.headers, body: String(buffer: response.body))
    }

    @Test("/healthz is 200 ok and /readyz is 200 ready with every check ok, unsigned, as JSON")
    func healthyNode() async throws {
        try await Self.withServer { server, _ in
            let live = try await Self.get(server, "/healthz")
            #expect(live.status == 200)
            #expect(live.contentType == "application/json")
            #expect(try live.json()["status"] as? String == "ok")

            let ready = try await Self.get(server, "/readyz")
            #expect(ready.status == 200, "\(ready.body)")
            let body = try ready.json()
            #expect(body["status"] as? String == "ready")
            let checks = try #require(body["checks"] as? [String: String])
            #expect(checks["store"] == "ok")
            #expect(checks["migrations"] == "ok")
            #expect(checks["keys"] == "ok")
            #expect(body["failing"] == nil)

            // HEAD works for probes that only read the status.
            #expect(try await Self.get(server, "/readyz", method: .head).status == 200)
        }
    }

    @Test("other methods and paths are not health checks: they get the AWS API's answers")
    func notConfusedWithTheAWSAPI() async throws {
        try await Self.withServer { server, _ in
            let posted = try await Self.get(server, "/healthz", method: .post)
            #expect(posted.status == 400)
            #expect(posted.body.contains("<Code>"))
            #expect(try await Self.get(server, "/healthz/x").body.contains("<Code>"))
            let identity = try await Self.call(
                server, "GetCallerIdentity", version: TestServer.stsVersion, as: TestServer.root)
            #expect(identity.status == 200)
        }
    }

    @Test("a node marked not ready answers 503 naming the check and its reason, and 200 once cleared")
    func markedNotReady() async throws {
        try await Self.withServer { server, _ in
            server.report.readiness.markNotReady("master-key", reason: "master key rotated; restart with the new key")
            let refused = try await Self.get(server, "/readyz")
            #expect(refused.status == 503)
            let body = try refused.json()
            #expect(body["status"] as? String == "not ready")
            #expect(body["failing"] as? [String] == ["master-key"])
            let checks = try #require(body["checks"] as? [String: String])
            #expect(checks["master-key"] == "master key rotated; restart with the new key")
            #expect(checks["store"] == "ok")
            // Liveness is not readiness.
            #expect(try await Self.get(server, "/healthz").status == 200)

            server.report.readiness.markReady("master-key")
            #expect(try await Self.get(server, "/readyz").status == 200)
        }
    }

    @Test(
        "store gone: /readyz is 503 naming the store, calls that need it are ServiceUnavailable 503 (never 500), calls that do not still work"
    )
    func storeGoneAway() async throws {
        try await Self.withServer { server, store in
            // Temporary credentials obtained while the store answers: they need no store afterwards.
            let session = try await server.sessionToken(as: TestServer.root)
            try store.close()

            let ready = try await Self.get(server, "/readyz")
            #expect(ready.status == 503)
            #expect(try ready.json()["failing"] as? [String] == ["store"])
            #expect(try await Self.get(server, "/healthz").status == 200)

            let started = ContinuousClock.now
            let listed = try await Self.call(server, "ListUsers", version: TestServer.iamVersion, as: TestServer.root)
            let created = try await Self.call(
                server, "CreateUser", version: TestServer.iamVersion, ["UserName": "nobody"], as: TestServer.root)
            let elapsed = ContinuousClock.now - started
            for reply in [listed, created] {
                try reply.expectError(
                    "ServiceUnavailable", status: 503, message: "The identity store is unavailable. Please retry.")
            }
            print("HealthTests: two IAM calls on a closed store answered 503 in \(elapsed)")

            let identity = try await Self.call(
                server, "GetCallerIdentity", version: TestServer.stsVersion, as: session.credentials)
            #expect(identity.status == 200, "\(identity.body)")
        }
    }
}
