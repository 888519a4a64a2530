import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LatchkeyBase
import LatchkeyCore
import LatchkeyDomain
import LatchkeyQuery
import LatchkeySQLite
import LatchkeyServer
import LatchkeySigV4
import LatchkeyTestSupport
import Logging
import Synchronization
import Testing

/// Drives the server's access-key-usage flusher by hand: the flusher's wait returns only when the test ticks, and
/// `tick()` returns once the flush it allowed has finished (the flusher is waiting again). No wall-clock sleeps.
final class FlushTicker: Sendable {
    private struct State {
        var sleeper: CheckedContinuation<Void, any Error>?
        var cancelled = false
        var waits = 0
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }
    private let state = Mutex(State())

    /// The schedule to hand to `LatchkeyApplication.build`.
    var schedule: AccessKeyUsageFlushing {
        AccessKeyUsageFlushing(interval: .seconds(60)) { [self] _ in try await self.wait() }
    }

    private func wait() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (cancelled, ready) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if state.cancelled { return (true, []) }
                    state.sleeper = continuation
                    state.waits += 1
                    let count = state.waits
                    let ready = state.watchers.filter { $0.count <= count }.map(\.continuation)
                    state.watchers.removeAll { $0.count <= count }
                    return (false, ready)
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                for watcher in ready { watcher.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                state.cancelled = true
                defer { state.sleeper = nil }
                return state.sleeper
            }
            sleeper?.resume(throwing: CancellationError())
        }
    }

    private func waitUntil(waits count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if state.waits >= count { return true }
                state.watchers.append((count, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Lets the flusher flush once and returns when that flush is done.
    func tick() async {
        let count = max(state.withLock { $0.waits }, 1)
        await waitUntil(waits: count)
        let sleeper = state.withLock { state in
            defer { state.sleeper = nil }
            return state.sleeper
        }
        sleeper?.resume()
        await waitUntil(waits: count + 1)
    }
}

extension TestServer {
    /// Like `run`, with the usage flusher driven by `ticker`.
    static func run<T: Sendable>(
        clock: TestClock = TestClock(), dataDirectory: String, ticker: FlushTicker,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        let configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, dataDirectory: dataDirectory,
            file: try ConfigurationFile.parse(TestServer.configurationText), masterKeyOverride: nil, logLevel: .critical
        )
        var logger = Logger(label: "latchkey-e2e")
        logger.logLevel = .critical
        let (application, report) = try await LatchkeyApplication.build(
            configuration: configuration, logger: logger, clock: clock.closure, accessKeyUsage: ticker.schedule)
        return try await application.test(.live) { client in
            try await body(TestServer(client: client, clock: clock, dataDirectory: dataDirectory, report: report))
        }
    }

    /// A call signed for `region` (the other helpers always sign for us-east-1).
    func call(
        _ action: String, version: String, _ params: KeyValuePairs<String, String> = [:],
        as credentials: SigV4Credentials,
        region: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        let body = formEncode(operationPairs(action: action, version: version, params: params))
        let request = SignableRequest(
            method: "POST", rawPath: "/", rawQuery: "",
            headers: [
                .init(name: "Host", value: TestServer.host),
                .init(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
            ],
            payloadHash: SignableRequest.hashPayload(Array(body.utf8)))
        let signer = SigV4Signer(credentials: credentials, region: region, service: signingService(forVersion: version))
        let signed = try signer.sign(request, date: now).request
        return try await send(
            HTTPCall(method: .post, uri: "/", headers: try httpFields(signed.headers), body: ByteBuffer(string: body)),
            sourceLocation: sourceLocation)
    }

    /// GetAccessKeyLastUsed as the root: `UserName`, `LastUsedDate`, `ServiceName`, `Region`.
    func lastUsed(_ keyId: String, sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> (userName: String?, date: String?, service: String?, region: String?)
    {
        let result = try await iam("GetAccessKeyLastUsed", ["AccessKeyId": keyId], sourceLocation: sourceLocation)
            .result("GetAccessKeyLastUsed", sourceLocation: sourceLocation)
        return (
            result.text("UserName"), result.text("AccessKeyLastUsed", "LastUsedDate"),
            result.text("AccessKeyLastUsed", "ServiceName"), result.text("AccessKeyLastUsed", "Region")
        )
    }
}

/// `GetAccessKeyLastUsed` reports real uses: recorded after the signature verifies, in memory, flushed in batches.
@Suite struct AccessKeyLastUsedTests {
    static func timestamp(_ date: Date) -> String { AWSTimestamp.string(from: date) }

    @Test("a key never used is N/A with no date; an STS call records sts and the signed region, an IAM call iam")
    func recordsUses() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await server.iam(
                "PutUserPolicy",
                [
                    "UserName": "alice", "PolicyName": "p",
                    "PolicyDocument": UpdateUserTests.allow("iam:GetUser", resources: ["*"]),
                ]
            ).expectSuccess("PutUserPolicy")
            let never = try await server.lastUsed(alice.accessKeyID)
            #expect(never.userName == "alice")
            #expect(never.date == nil)
            #expect(never.service == "N/A")
            #expect(never.region == "N/A")

            server.clock.advance(by: 10)
            let stsAt = server.now
            try await server.call("GetCallerIdentity", version: TestServer.stsVersion, as: alice, region: "eu-west-3")
                .result("GetCallerIdentity")
            server.clock.advance(by: 10)
            let afterSTS = try await server.lastUsed(alice.accessKeyID)
            #expect(afterSTS.userName == "alice")
            #expect(afterSTS.date == Self.timestamp(stsAt))
            #expect(afterSTS.service == "sts")
            #expect(afterSTS.region == "eu-west-3")

            server.clock.advance(by: 10)
            let iamAt = server.now
            try await server.call("GetUser", version: TestServer.iamVersion, as: alice, region: "us-west-2").result(
                "GetUser")
            let afterIAM = try await server.lastUsed(alice.accessKeyID)
            #expect(afterIAM.date == Self.timestamp(iamAt))
            #expect(afterIAM.service == "iam")
            #expect(afterIAM.region == "us-west-2")

            // A request that authenticates but is denied is still a use of the key.
            server.clock.advance(by: 10)
            let deniedAt = server.now
            try await server.call("ListRoles", version: TestServer.iamVersion, as: alice, region: "ap-south-1")
                .expectError("AccessDenied", status: 403)
            #expect(try await server.lastUsed(alice.accessKeyID).date == Self.timestamp(deniedAt))
            #expect(try await server.lastUsed(alice.accessKeyID).region == "ap-south-1")

            // The root's key is recorded too (its last use is the GetAccessKeyLastUsed call itself), without UserName.
            let root = try await server.lastUsed(TestServer.root.accessKeyID)
            #expect(root.userName == nil)
            #expect(root.date == Self.timestamp(server.now))
            #expect(root.service == "iam")
            #expect(root.region == "us-east-1")
        }
    }

    @Test("a request whose signature fails, or whose key is inactive, records nothing")
    func failedSignatureRecordsNothing() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let forged = SigV4Credentials(
                accessKeyID: alice.accessKeyID, secretAccessKey: "not-the-secret-key-of-alice")
            try await server.call("GetCallerIdentity", version: TestServer.stsVersion, as: forged, region: "eu-west-1")
                .expectError("SignatureDoesNotMatch", status: 403)
            #expect(try await server.lastUsed(alice.accessKeyID).date == nil)

            let usedAt = server.now
            _ = try await server.callerIdentity(as: alice)
            server.clock.advance(by: 60)
            try await server.call("GetCallerIdentity", version: TestServer.stsVersion, as: forged, region: "eu-west-1")
                .expectError("SignatureDoesNotMatch", status: 403)
            let after = try await server.lastUsed(alice.accessKeyID)
            #expect(after.date == Self.timestamp(usedAt))
            #expect(after.region == "us-east-1")

            try await server.iam(
                "UpdateAccessKey", ["UserName": "alice", "AccessKeyId": alice.accessKeyID, "Status": "Inactive"]
            )
            .expectSuccess("UpdateAccessKey")
            server.clock.advance(by: 60)
            try await server.sts("GetCallerIdentity", as: alice).expectError("InvalidClientTokenId", status: 403)
            #expect(try await server.lastUsed(alice.accessKeyID).date == Self.timestamp(usedAt))
        }
    }

    @Test("temporary credentials are not recorded under the long-term key; GetSessionToken itself is a use of it")
    func temporaryCredentialsAreNotRecorded() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let issuedAt = server.now
            let session = try await server.sessionToken(as: alice).credentials
            server.clock.advance(by: 30)
            try await server.call("GetCallerIdentity", version: TestServer.stsVersion, as: session, region: "sa-east-1")
                .result("GetCallerIdentity")
            let used = try await server.lastUsed(alice.accessKeyID)
            #expect(used.date == Self.timestamp(issuedAt))
            #expect(used.service == "sts")
            #expect(used.region == "us-east-1")
            // The temporary key is not an IAM access key at all.
            try await server.iam("GetAccessKeyLastUsed", ["AccessKeyId": session.accessKeyID])
                .expectError("AccessDenied", status: 403)
        }
    }

    @Test(
        "uses are flushed to the store only when the flusher runs, and once more at shutdown; a restart reads them back"
    )
    func flushWritesTheStore() async throws {
        try await withTemporaryDirectory { directory in
            let clock = TestClock()
            let ticker = FlushTicker()
            let databasePath = (directory as NSString).appendingPathComponent(LatchkeyApplication.databaseFileName)
            let (alice, firstUse, secondUse) = try await TestServer.run(
                clock: clock, dataDirectory: directory, ticker: ticker
            ) {
                server in
                let alice = try await server.userWithKey("alice")
                let store = try SQLiteIdentityStore(path: databasePath)
                defer { try? store.close() }

                let firstUse = server.now
                try await server.call(
                    "GetCallerIdentity", version: TestServer.stsVersion, as: alice, region: "eu-central-1"
                )
                .result("GetCallerIdentity")
                // Answered from memory at once, but not written yet.
                #expect(try await server.lastUsed(alice.accessKeyID).region == "eu-central-1")
                #expect(try await store.accessKeyLastUse(id: alice.accessKeyID) == nil)

                server.clock.advance(by: 60)
                await ticker.tick()
                let stored = try await store.accessKeyLastUse(id: alice.accessKeyID)
                #expect(stored?.date == firstUse)
                #expect(stored?.serviceName == "sts")
                #expect(stored?.region == "eu-central-1")
                // The root's uses (the IAM calls above) went in the same batch.
                #expect(try await store.accessKeyLastUse(id: TestServer.root.accessKeyID)?.serviceName == "iam")

                // A later use stays in memory until the next flush, while the answer already shows it.
                server.clock.advance(by: 5)
                let secondUse = server.now
                try await server.call(
                    "GetCallerIdentity", version: TestServer.stsVersion, as: alice, region: "us-west-1"
                )
                .result("GetCallerIdentity")
                #expect(try await store.accessKeyLastUse(id: alice.accessKeyID)?.date == firstUse)
                #expect(try await server.lastUsed(alice.accessKeyID).region == "us-west-1")
                return (alice, firstUse, secondUse)
            }
            #expect(secondUse > firstUse)

            // The server stopped gracefully: its last flush wrote the pending use.
            let store = try SQLiteIdentityStore(path: databasePath)
            let stored = try await store.accessKeyLastUse(id: alice.accessKeyID)
            try store.close()
            #expect(stored?.date == secondUse)
            #expect(stored?.region == "us-west-1")

            clock.advance(by: 3600)
            try await TestServer.run(clock: clock, dataDirectory: directory) { server in
                let answer = try await server.lastUsed(alice.accessKeyID)
                #expect(answer.date == Self.timestamp(secondUse))
                #expect(answer.service == "sts")
                #expect(answer.region == "us-west-1")
            }
        }
    }
}
