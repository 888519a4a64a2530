import Foundation
import HTTPTypes
import HummingbirdTesting
import LatchkeyCore
import LatchkeyDomain
import LatchkeySQLite
import LatchkeyServer
import LatchkeySigV4
import LatchkeyTestSupport
import LatchkeyTokens
import Logging
import NIOCore
import Testing

/// `latchkey admin rotate-session-key` and `rotate-master-key` (``KeyAdministration``) against a real server on a
/// real SQLite store, in the server's own data folder while it runs, as an operator would run them.
@Suite struct KeyRotationTests {
    /// The key ID in the header of a credential's session token.
    static func keyID(_ credentials: SigV4Credentials) throws -> UInt32 {
        let token = try #require(credentials.sessionToken)
        return try #require(SessionTokenKeyRing.keyID(ofToken: token))
    }

    /// Calls `probe` every 50 ms until it returns a value, for at most 10 s (how long the node took is returned
    /// alongside, for the log; nothing asserts it).
    static func eventually<T>(
        _ what: String, _ probe: () async throws -> T?
    ) async throws -> (value: T, after: Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        while true {
            if let value = try await probe() { return (value, clock.now - start) }
            guard clock.now - start < .seconds(60) else {
                throw TestRequestError(description: "\(what) did not happen within 10 s")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// A request sent as is, without TestServer's check that no response is a 5xx.
    static func raw(_ server: TestServer, _ call: HTTPCall) async throws -> Reply {
        let response = try await server.client.execute(
            uri: call.uri, method: call.method, headers: call.headers, body: call.body)
        return Reply(status: response.status.code, headers: response.headers, body: String(buffer: response.body))
    }

    /// The administration commands' configuration for the server's data folder (master key as given, else
    /// `<data-dir>/master.key`).
    static func adminConfiguration(_ directory: String, masterKey: String? = nil) -> ServerConfiguration {
        ServerConfiguration(dataDirectory: directory, masterKeyOverride: masterKey, logLevel: .critical)
    }

    /// The store's session-token keys and master-key check, read straight from the SQLite file.
    static func storedKeys(_ directory: String) async throws -> ([SessionTokenKeyRecord], [UInt8]?) {
        let store = try SQLiteIdentityStore(
            path: (directory as NSString).appendingPathComponent(LatchkeyApplication.databaseFileName))
        defer { try? store.close() }
        return (try await store.sessionTokenKeys(), try await store.storeSetting(StoreSettingName.masterKeyCheck))
    }

    @Test(
        "rotate-session-key on a running server: new sessions use the new key after a poll, older ones keep working; sessionTokenKeyId no longer rotates"
    )
    func rotateSessionKeyWhileRunning() async throws {
        try await withTemporaryDirectory { directory in
            let clock = TestClock()
            let before = try await TestServer.run(clock: clock, dataDirectory: directory) { server in
                let before = try await server.sessionToken(as: TestServer.root).credentials
                #expect(try Self.keyID(before) == 1)
                let report = try await KeyAdministration.rotateSessionKey(
                    configuration: Self.adminConfiguration(directory), logger: quietLogger("admin"), now: clock.now)
                #expect(report.outcome.rotatedHere)
                #expect(report.outcome.activeKeyID == 2)
                #expect(report.summary.hasPrefix("session-token key 2 is active"))
                let (after, took) = try await Self.eventually("sealing under key 2") {
                    let credentials = try await server.sessionToken(as: TestServer.root).credentials
                    return try Self.keyID(credentials) == 2 ? credentials : nil
                }
                print("KeyRotationTests: the running node sealed under the new key after \(took)")
                #expect(try await server.callerIdentity(as: before).arn == "arn:aws:iam::111122223333:root")
                #expect(try await server.callerIdentity(as: after).arn == "arn:aws:iam::111122223333:root")
                return before
            }
            // Once the store holds the keys, raising sessionTokenKeyId changes nothing (a warning says so).
            let configuration = TestServer.configurationText + "\nsessionTokenKeyId: 7\n"
            try await TestServer.run(clock: clock, dataDirectory: directory, configuration: configuration) { server in
                let credentials = try await server.sessionToken(as: TestServer.root).credentials
                #expect(try Self.keyID(credentials) == 2)
                #expect(try await server.callerIdentity(as: before).account == TestServer.accountId)
            }
            let (keys, _) = try await Self.storedKeys(directory)
            #expect(keys.map(\.keyId) == [1, 2])
        }
    }

    @Test(
        "rotate-master-key: the node on the old key refuses clearly; restarted with the new key, keys sign, MFA verifies and live sessions open"
    )
    func rotateMasterKey() async throws {
        try await withTemporaryDirectory { directory in
            let clock = TestClock()
            let old = MasterKey.generate()
            let new = MasterKey.generate()
            let newKeyFile = (directory as NSString).appendingPathComponent("new-master.key")
            try Data((new.base64 + "\n").utf8).write(to: URL(fileURLWithPath: newKeyFile))

            let (alice, device, live) = try await TestServer.run(
                clock: clock, dataDirectory: directory, masterKey: old.base64
            ) { server in
                let alice = try await server.userWithKey("alice")
                let device = try await server.createVirtualMFADevice("alice-phone")
                try await server.enable(device, for: "alice", atStep: server.step)
                let live = try await server.sessionToken(as: alice).credentials

                let report = try await KeyAdministration.rotateMasterKey(
                    configuration: Self.adminConfiguration(directory, masterKey: old.base64), newKeyFile: newKeyFile,
                    logger: quietLogger("admin"), settle: .zero)
                // The root key, alice's key, the MFA seed and session-token key 1 (derived until now).
                #expect(report.outcome.materializedKeyIDs == [1])
                #expect(report.outcome.resealedCount == 4)
                #expect(report.summary.contains("restart every node with the new key"))

                // This node, still on the old key, refuses once its change feed reports the rotation.
                let call = try signedRequest(
                    action: "GetCallerIdentity", credentials: TestServer.root, date: server.now)
                let (refused, took) = try await Self.eventually("the old node refusing") {
                    let reply = try await Self.raw(server, call)
                    return reply.status == 503 ? reply : nil
                }
                print("KeyRotationTests: the node on the old key refused after \(took)")
                #expect(refused.body.contains("<Code>ServiceUnavailable</Code>"))
                #expect(refused.body.contains("restarted with the new key"))
                let session = try await Self.raw(
                    server, try signedRequest(action: "GetCallerIdentity", credentials: live, date: server.now))
                #expect(session.status == 503)
                let ready = try await Self.raw(server, HTTPCall(method: .get, uri: "/readyz", headers: [:], body: nil))
                #expect(ready.status == 503)
                #expect(ready.body.contains("master key rotated; restart with the new key"))
                return (alice, device, live)
            }

            let (keys, check) = try await Self.storedKeys(directory)
            #expect(check == new.checkValue)
            #expect(keys.allSatisfy { $0.sealedKey != nil })

            // Restarted with the new key: every old secret still works.
            clock.advance(by: 60)
            try await TestServer.run(clock: clock, dataDirectory: directory, masterKey: new.base64) { server in
                #expect(try await server.callerIdentity(as: alice).arn == "arn:aws:iam::111122223333:user/alice")
                #expect(try await server.callerIdentity(as: live).arn == "arn:aws:iam::111122223333:user/alice")
                #expect(try await server.callerIdentity(as: TestServer.root).account == TestServer.accountId)
                let withMFA = try await server.sessionToken(
                    as: alice, ["SerialNumber": device.serialNumber, "TokenCode": device.code(step: server.step)])
                #expect(try await server.callerIdentity(as: withMFA.credentials).account == TestServer.accountId)
            }
            // The old key no longer starts a node on this store.
            await #expect(throws: StartupError.self) {
                try await TestServer.run(clock: clock, dataDirectory: directory, masterKey: old.base64) { _ in }
            }
        }
    }

    @Test("rotate-master-key and rotate-session-key refuse bad input with a clear message and write nothing")
    func refusals() async throws {
        try await withTemporaryDirectory { directory in
            let old = MasterKey.generate()
            try await TestServer.run(dataDirectory: directory, masterKey: old.base64) { server in
                _ = try await server.sessionToken(as: TestServer.root)
            }
            let before = try await Self.storedKeys(directory)
            let file = { (name: String, text: String) throws -> String in
                let path = (directory as NSString).appendingPathComponent(name)
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                return path
            }
            let current = Self.adminConfiguration(directory, masterKey: old.base64)
            let cases: [(ServerConfiguration, String, String)] = [
                (current, (directory as NSString).appendingPathComponent("missing.key"), "cannot read"),
                (current, try file("garbage.key", "not a key\n"), "does not hold a base64-encoded 32-byte key"),
                (current, try file("short.key", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n"), "32-byte key"),
                (current, try file("same.key", old.base64 + "\n"), "is the current one"),
                (
                    Self.adminConfiguration(directory, masterKey: MasterKey.generate().base64),
                    try file("other.key", MasterKey.generate().base64), "does not match"
                ),
            ]
            for (configuration, path, message) in cases {
                let error = await #expect(throws: KeyAdministration.Failure.self) {
                    try await KeyAdministration.rotateMasterKey(
                        configuration: configuration, newKeyFile: path, logger: quietLogger("admin"), settle: .zero)
                }
                #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
            }
            let wrongKey = await #expect(throws: KeyAdministration.Failure.self) {
                try await KeyAdministration.rotateSessionKey(
                    configuration: Self.adminConfiguration(directory, masterKey: MasterKey.generate().base64),
                    logger: quietLogger("admin"))
            }
            #expect(wrongKey?.message.contains("nothing was changed") == true)
            let noStore = await #expect(throws: KeyAdministration.Failure.self) {
                try await withTemporaryDirectory { empty in
                    try await KeyAdministration.rotateSessionKey(
                        configuration: Self.adminConfiguration(empty, masterKey: old.base64),
                        logger: quietLogger("admin"))
                }
            }
            #expect(noStore?.message.contains("no store at") == true)
            let after = try await Self.storedKeys(directory)
            #expect(after.0 == before.0)
            #expect(after.1 == before.1)
            #expect(after.1 == old.checkValue)
        }
    }
}
