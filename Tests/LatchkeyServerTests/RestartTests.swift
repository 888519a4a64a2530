import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeySQLite
import LatchkeyServer
import LatchkeySigV4
import LatchkeyTestSupport
import LatchkeyTokens
import Testing

@Suite struct RestartTests {
    @Test("users, keys and the master key survive a restart on the same data folder; the bootstrap adds nothing twice")
    func stateSurvivesRestart() async throws {
        try await withTemporaryDirectory { directory in
            let clock = TestClock()
            let (key, firstReport) = try await TestServer.run(clock: clock, dataDirectory: directory) { server in
                (try await server.userWithKey("alice", path: "/eng/"), server.report)
            }
            #expect(firstReport.createdMasterKey)
            #expect(firstReport.createdAccount == nil)

            clock.advance(by: 3600)
            let secondReport = try await TestServer.run(clock: clock, dataDirectory: directory) { server in
                #expect(try await server.callerIdentity(as: key).arn == "arn:aws:iam::111122223333:user/eng/alice")
                #expect(try await server.callerIdentity(as: TestServer.root).arn == "arn:aws:iam::111122223333:root")
                let users = try await server.iam("ListUsers").result("ListUsers")
                #expect(users.members(of: "Users").map { $0.text("UserName") } == ["alice"])
                return server.report
            }
            #expect(!secondReport.createdMasterKey)
            #expect(secondReport.createdAccount == nil)

            let keyPath = (directory as NSString).appendingPathComponent("master.key")
            let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

            let store = try SQLiteIdentityStore(
                path: (directory as NSString).appendingPathComponent(LatchkeyApplication.databaseFileName))
            let accounts = try await store.accounts()
            try store.close()
            #expect(accounts.map(\.id) == [TestServer.accountId])
        }
    }

    @Test("session credentials issued before a restart still work after it")
    func sessionSurvivesRestart() async throws {
        try await withTemporaryDirectory { directory in
            let clock = TestClock()
            let session = try await TestServer.run(clock: clock, dataDirectory: directory) { server in
                try await server.sessionToken(as: TestServer.root).credentials
            }
            try await TestServer.run(clock: clock, dataDirectory: directory) { server in
                let identity = try await server.callerIdentity(as: session)
                #expect(identity.arn == "arn:aws:iam::111122223333:root")
            }
        }
    }

    @Test(
        "sessionTokenKeyId is read on the first start only: the store keeps the keys, raising it later rotates nothing"
    )
    func sessionTokenKeyIdOnFirstStartOnly() async throws {
        try await withTemporaryDirectory { directory in
            let clock = TestClock()
            func configuration(keyId: Int) -> String {
                TestServer.configurationText + "\nsessionTokenKeyId: \(keyId)\n"
            }
            @Sendable func keyID(_ credentials: SigV4Credentials) -> UInt32? {
                credentials.sessionToken.flatMap { SessionTokenKeyRing.keyID(ofToken: $0) }
            }
            let first = try await TestServer.run(
                clock: clock, dataDirectory: directory, configuration: configuration(keyId: 2)
            ) {
                try await $0.sessionToken(as: TestServer.root).credentials
            }
            #expect(keyID(first) == 2)
            try await TestServer.run(clock: clock, dataDirectory: directory, configuration: configuration(keyId: 3)) {
                server in
                _ = try await server.callerIdentity(as: first)
                #expect(keyID(try await server.sessionToken(as: TestServer.root).credentials) == 2)
            }
        }
    }

    @Test("the bootstrap file resets a declared root key to its declared secret at every start")
    func bootstrapResetsDeclaredRootKey() async throws {
        try await withTemporaryDirectory { directory in
            let clock = TestClock()
            try await TestServer.run(clock: clock, dataDirectory: directory) { server in
                _ = try await server.callerIdentity(as: TestServer.root)
            }
            let newSecret = "bPxRfiCYEXAMPLEKEYwJalrXUtnFEMI/K7MDENG/"
            let rotated = TestServer.configurationText.replacingOccurrences(
                of: TestServer.root.secretAccessKey, with: newSecret)
            try await TestServer.run(clock: clock, dataDirectory: directory, configuration: rotated) { server in
                let current = SigV4Credentials(accessKeyID: TestServer.root.accessKeyID, secretAccessKey: newSecret)
                #expect(try await server.callerIdentity(as: current).account == TestServer.accountId)
                try await server.sts("GetCallerIdentity", as: TestServer.root).expectError(
                    "SignatureDoesNotMatch", status: 403)
            }
        }
    }

    @Test("without declared accounts the first start creates one with a working root key, and later starts do not")
    func firstStartCreatesAnAccount() async throws {
        try await withTemporaryDirectory { directory in
            let clock = TestClock()
            let created = try await TestServer.run(clock: clock, dataDirectory: directory, configuration: "") {
                server in
                let created = try #require(server.report.createdAccount)
                let key = SigV4Credentials(accessKeyID: created.accessKeyId, secretAccessKey: created.secretAccessKey)
                let identity = try await server.callerIdentity(as: key)
                #expect(identity.arn == "arn:aws:iam::\(created.accountId):root")
                #expect(created.accessKeyId.hasPrefix("AKIA"))
                return key
            }
            try await TestServer.run(clock: clock, dataDirectory: directory, configuration: "") { server in
                #expect(server.report.createdAccount == nil)
                _ = try await server.callerIdentity(as: created)
            }
        }
    }
}
