import Foundation
import LatchkeySigV4
import LatchkeyTestSupport
import Testing

@Suite struct SessionTokenTests {
    static let invalidToken = "The security token included in the request is invalid."

    @Test("without DurationSeconds a user's session lasts 12 hours and the root's one hour")
    func defaultDurations() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let userSession = try await server.sessionToken(as: alice)
            #expect(userSession.expiration == server.now.addingTimeInterval(43200))
            let rootSession = try await server.sessionToken(as: TestServer.root)
            #expect(rootSession.expiration == server.now.addingTimeInterval(3600))
        }
    }

    @Test("the root asking for 7200 seconds gets 3600")
    func rootSessionIsCappedAtOneHour() async throws {
        try await TestServer.run { server in
            let session = try await server.sessionToken(as: TestServer.root, ["DurationSeconds": "7200"])
            #expect(session.expiration == server.now.addingTimeInterval(3600))
        }
    }

    @Test("a user may ask for 129600 seconds, the longest session AWS allows")
    func userMaximumDuration() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let session = try await server.sessionToken(as: alice, ["DurationSeconds": "129600"])
            #expect(session.expiration == server.now.addingTimeInterval(129600))
        }
    }

    @Test(
        "DurationSeconds outside 900...129600 is a ValidationError with AWS's message",
        arguments: [
            ("899", "Member must have value greater than or equal to 900"),
            ("129601", "Member must have value less than or equal to 129600"),
        ])
    func durationOutOfRangeIsRejected(duration: String, rule: String) async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let reply = try await server.sts("GetSessionToken", ["DurationSeconds": duration], as: alice)
            try reply.expectError(
                "ValidationError", status: 400,
                message:
                    "1 validation error detected: Value '\(duration)' at 'durationSeconds' failed to satisfy constraint: \(rule)"
            )
        }
    }

    @Test("the temporary key starts with ASIA and GetAccessKeyInfo of it names the account")
    func temporaryKeyBelongsToTheAccount() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let session = try await server.sessionToken(as: alice)
            #expect(session.credentials.accessKeyID.hasPrefix("ASIA"))
            #expect(session.credentials.accessKeyID.count == 20)
            #expect(session.credentials.secretAccessKey.count == 40)
            let result = try await server.sts("GetAccessKeyInfo", ["AccessKeyId": session.credentials.accessKeyID])
                .result("GetAccessKeyInfo")
            #expect(result.text("Account") == TestServer.accountId)
        }
    }

    @Test(
        "session credentials may not call GetSessionToken or GetAccessKeyInfo",
        arguments: ["GetSessionToken", "GetAccessKeyInfo"])
    func sessionCredentialsAreLimited(action: String) async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let session = try await server.sessionToken(as: alice)
            let params: KeyValuePairs<String, String> =
                action == "GetAccessKeyInfo" ? ["AccessKeyId": "AKIAIOSFODNN7EXAMPLE"] : [:]
            let reply = try await server.sts(action, params, as: session.credentials)
            try reply.expectError(
                "AccessDenied", status: 403, message: "Cannot call \(action) with session credentials")
        }
    }

    @Test("temporary credentials work until their expiration and then get ExpiredToken")
    func expiredSessionIsRefused() async throws {
        try await TestServer.run { server in
            let session = try await server.sessionToken(as: TestServer.root, ["DurationSeconds": "900"])
            server.clock.set(session.expiration.addingTimeInterval(-1))
            _ = try await server.callerIdentity(as: session.credentials)
            server.clock.set(session.expiration.addingTimeInterval(1))
            let reply = try await server.sts("GetCallerIdentity", as: session.credentials)
            try reply.expectError(
                "ExpiredToken", status: 403, message: "The security token included in the request is expired")
        }
    }

    enum TokenDamage: String, CaseIterable, Sendable {
        case oneCharacterChanged, truncated, extended, empty

        func apply(to token: String) -> String {
            var characters = Array(token)
            switch self {
            case .oneCharacterChanged:
                let middle = characters.count / 2
                characters[middle] = characters[middle] == "A" ? "B" : "A"
                return String(characters)
            case .truncated:
                return String(characters.dropLast(12))
            case .extended:
                return token + "AAAA"
            case .empty:
                return ""
            }
        }
    }

    @Test("a damaged session token is InvalidClientTokenId", arguments: TokenDamage.allCases)
    func damagedTokenIsRejected(damage: TokenDamage) async throws {
        try await TestServer.run { server in
            var credentials = try await server.sessionToken(as: TestServer.root).credentials
            let token = try #require(credentials.sessionToken)
            credentials.sessionToken = damage.apply(to: token)
            #expect(credentials.sessionToken != token)
            let reply = try await server.sts("GetCallerIdentity", as: credentials)
            try reply.expectError("InvalidClientTokenId", status: 403, message: Self.invalidToken)
        }
    }

    @Test("a session token sealed by another server (another master key) is InvalidClientTokenId")
    func foreignTokenIsRejected() async throws {
        let clock = TestClock()
        let otherMasterKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let foreign = try await TestServer.run(clock: clock, masterKey: otherMasterKey) { other in
            try await other.sessionToken(as: TestServer.root).credentials
        }
        try await TestServer.run(clock: clock) { server in
            let reply = try await server.sts("GetCallerIdentity", as: foreign)
            try reply.expectError("InvalidClientTokenId", status: 403, message: Self.invalidToken)
        }
    }

    @Test("an ASIA key presented with the token minted for another ASIA key is InvalidClientTokenId")
    func tokenOfAnotherKeyIsRejected() async throws {
        try await TestServer.run { server in
            let first = try await server.sessionToken(as: TestServer.root).credentials
            let second = try await server.sessionToken(as: TestServer.root).credentials
            #expect(first.accessKeyID != second.accessKeyID)
            let mixed = SigV4Credentials(
                accessKeyID: first.accessKeyID, secretAccessKey: first.secretAccessKey,
                sessionToken: second.sessionToken)
            let reply = try await server.sts("GetCallerIdentity", as: mixed)
            try reply.expectError("InvalidClientTokenId", status: 403, message: Self.invalidToken)
        }
    }

    @Test("an ASIA key without its session token is InvalidClientTokenId")
    func temporaryKeyWithoutTokenIsRejected() async throws {
        try await TestServer.run { server in
            var credentials = try await server.sessionToken(as: TestServer.root).credentials
            credentials.sessionToken = nil
            let reply = try await server.sts("GetCallerIdentity", as: credentials)
            try reply.expectError("InvalidClientTokenId", status: 403, message: Self.invalidToken)
        }
    }

    @Test("session credentials signed with the wrong secret are SignatureDoesNotMatch")
    func temporaryKeyWithWrongSecretIsRejected() async throws {
        try await TestServer.run { server in
            var credentials = try await server.sessionToken(as: TestServer.root).credentials
            credentials.secretAccessKey = TestServer.root.secretAccessKey
            let reply = try await server.sts("GetCallerIdentity", as: credentials)
            try reply.expectError("SignatureDoesNotMatch", status: 403)
        }
    }
}
