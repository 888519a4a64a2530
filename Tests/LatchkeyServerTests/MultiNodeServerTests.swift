import Foundation
import HTTPTypes
import HummingbirdTesting
import LatchkeyDomain
import LatchkeyQuery
import LatchkeySQLite
import LatchkeySigV4
import LatchkeyTestSupport
import NIOCore
import Testing

/// Two real servers (`LatchkeyApplication.build`, HTTP on loopback) over one SQLite file opened by each, sharing
/// one master key, as two nodes behind a load balancer: the endpoint announces IAM writes and each server's change
/// feed (running as it does in production, every 200 ms) drops its caches. "Within one second" is checked by
/// polling with a generous deadline; the time measured is printed, not asserted tightly.
@Suite struct MultiNodeServerTests {
    /// Runs `body` with two servers over one new SQLite file, and a third handle on it for the test's own reads.
    static func withTwoServers(
        _ body: @Sendable (TestServer, TestServer, SQLiteIdentityStore) async throws -> Void
    ) async throws {
        let clock = TestClock()
        let masterKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        try await withTemporaryDirectory { directory in
            let path = directory + "/shared.sqlite"
            let (storeA, storeB, reader) = (
                try SQLiteIdentityStore(path: path), try SQLiteIdentityStore(path: path),
                try SQLiteIdentityStore(path: path)
            )
            defer {
                try? storeA.close()
                try? storeB.close()
                try? reader.close()
            }
            try await LoopbackServer.run(clock: clock.closure, masterKey: masterKey, store: storeA) { a in
                try await LoopbackServer.run(clock: clock.closure, masterKey: masterKey, store: storeB) { b in
                    try await body(
                        TestServer(client: a.client, clock: clock, dataDirectory: a.dataDirectory, report: a.report),
                        TestServer(client: b.client, clock: clock, dataDirectory: b.dataDirectory, report: b.report),
                        reader)
                }
            }
        }
    }

    /// Polls `condition` every 10 ms until it holds or 10 s have passed; returns the time it took, nil if it never held.
    static func timeUntil(_ condition: () async throws -> Bool) async throws -> Duration? {
        let start = ContinuousClock.now
        while start.duration(to: .now) < .seconds(60) {
            if try await condition() { return start.duration(to: .now) }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test(
        "a user created through one server signs on the other at once; a key disabled through one is refused by the other within the poll interval"
    )
    func keyDisabledOnOneServer() async throws {
        try await Self.withTwoServers { a, b, _ in
            let alice = try await a.userWithKey("alice")
            let identity = try await b.callerIdentity(as: alice)  // at once, and now cached on b
            #expect(identity.arn == "arn:aws:iam::\(TestServer.accountId):user/alice")
            try await a.iam(
                "UpdateAccessKey", ["UserName": "alice", "AccessKeyId": alice.accessKeyID, "Status": "Inactive"]
            )
            .expectSuccess("UpdateAccessKey")
            let took = try await Self.timeUntil {
                let reply = try await b.sts("GetCallerIdentity", as: alice)
                return reply.status == 403 && (try? reply.error().code) == "InvalidClientTokenId"
            }
            let elapsed = try #require(
                took, "the key disabled on one server was still accepted by the other after 10 s")
            print("MultiNodeServerTests: key disabled on server A refused by server B after \(elapsed)")
        }
    }

    @Test("a policy detached through one server stops authorizing on the other within the poll interval")
    func policyDetachedOnOneServer() async throws {
        try await Self.withTwoServers { a, b, _ in
            let alice = try await a.userWithKey("alice")
            let document =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#
            let created = try await a.iam("CreatePolicy", ["PolicyName": "list", "PolicyDocument": document])
            let arn = try #require(try created.result("CreatePolicy").text("Policy", "Arn"))
            try await a.iam("AttachUserPolicy", ["UserName": "alice", "PolicyArn": arn]).expectSuccess(
                "AttachUserPolicy")
            try await b.iam("ListUsers", as: alice).expectSuccess("ListUsers")  // authorization cached on b
            try await a.iam("DetachUserPolicy", ["UserName": "alice", "PolicyArn": arn]).expectSuccess(
                "DetachUserPolicy")
            let took = try await Self.timeUntil {
                let reply = try await b.iam("ListUsers", as: alice)
                return reply.status == 403 && (try? reply.error().code) == "AccessDenied"
            }
            let elapsed = try #require(
                took, "the policy detached on one server still authorized on the other after 10 s")
            print("MultiNodeServerTests: policy detached on server A stopped authorizing on server B after \(elapsed)")
        }
    }

    @Test("the endpoint announces a successful IAM write before answering, and not a write refused with a client error")
    func announcements() async throws {
        try await Self.withTwoServers { a, _, store in
            let before = try await store.changeSequence()
            try await a.createUser("carol")
            let afterWrite = try await store.changeSequence()
            #expect(afterWrite > before)
            let refused = try await a.iam("CreateUser", ["UserName": "carol"])
            try refused.expectError("EntityAlreadyExists", status: 409)
            let denied = try await a.iam("CreateUser", ["UserName": "dave"], as: try await a.userWithKey("mallory"))
            #expect(denied.status == 403)
            let afterMallory = try await store.changeSequence()
            // mallory's user and key were two successful writes; the refused CreateUser calls announced nothing.
            #expect(afterMallory == afterWrite + 2)
            // A read announces nothing either.
            try await a.iam("ListUsers").expectSuccess("ListUsers")
            #expect(try await store.changeSequence() == afterMallory)
        }
    }

    /// Sends a signed call and reads the answer, whatever its status (`TestServer.send` refuses a 5xx).
    static func unchecked(
        _ server: TestServer, version: String, _ action: String, _ params: KeyValuePairs<String, String>,
        as credentials: SigV4Credentials
    ) async throws -> Reply {
        let request = try signedRequest(
            action: action, version: version, params: params, credentials: credentials, date: server.now)
        let response = try await server.client.execute(
            uri: request.uri, method: request.method, headers: request.headers, body: request.body)
        return Reply(status: response.status.code, headers: response.headers, body: String(buffer: response.body))
    }

    @Test("with its database unreachable, a server answers cached requests; an IAM write is a 503 and drops no cache")
    func databaseUnreachable() async throws {
        let clock = TestClock()
        try await withTemporaryDirectory { directory in
            let store = try SQLiteIdentityStore(path: directory + "/latchkey.sqlite")
            defer { try? store.close() }
            try await LoopbackServer.run(clock: clock.closure, store: store) { loopback in
                let server = TestServer(
                    client: loopback.client, clock: clock, dataDirectory: loopback.dataDirectory,
                    report: loopback.report)
                let alice = try await server.userWithKey("alice")
                let carol = try await server.userWithKey("carol")  // never used: nothing cached for her key
                let allow =
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#
                try await server.iam(
                    "PutUserPolicy", ["UserName": "alice", "PolicyName": "p", "PolicyDocument": allow]
                )
                .expectSuccess("PutUserPolicy")
                let trust =
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(TestServer.accountId):user/alice"},"Action":"sts:AssumeRole"}]}"#
                try await server.iam("CreateRole", ["RoleName": "deploy", "AssumeRolePolicyDocument": trust])
                    .expectSuccess("CreateRole")
                let roleArn = "arn:aws:iam::\(TestServer.accountId):role/deploy"
                let assume: KeyValuePairs<String, String> = ["RoleArn": roleArn, "RoleSessionName": "s1"]
                try await server.sts("AssumeRole", assume, as: alice).expectSuccess("AssumeRole")
                let session = try await server.sessionToken(as: alice)

                try store.close()  // the server's handle: every store call now fails as an unreachable database does

                let write = try await Self.unchecked(
                    server, version: TestServer.iamVersion, "CreateUser", ["UserName": "bob"], as: TestServer.root)
                try write.expectError("ServiceUnavailable", status: 503)
                // Cached after the failed write as before it: the key, the role, alice's policies; a session needs
                // nothing from the store.
                #expect(try await server.callerIdentity(as: alice).arn.hasSuffix(":user/alice"))
                try await server.sts("AssumeRole", assume, as: alice).expectSuccess("AssumeRole")
                #expect(try await server.callerIdentity(as: session.credentials).arn.hasSuffix(":user/alice"))
                // What was never cached needs the store.
                let uncached = try await Self.unchecked(
                    server, version: TestServer.stsVersion, "GetCallerIdentity", [:], as: carol)
                try uncached.expectError("ServiceUnavailable", status: 503)
            }
        }
    }
}
