import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import LatchkeyTokens
import Testing

/// The rules of `SecurityTokenService.swift`, without HTTP: GetCallerIdentity, GetAccessKeyInfo, GetSessionToken and
/// DecodeAuthorizationMessage, and the restrictions on what session credentials may call.
@Suite struct SecurityTokenServiceTests {
    typealias K = RoleTestKit
    typealias S = STSTestKit

    static let unableToValidate =
        "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."
    static let invalidCode = "MultiFactorAuthentication failed with invalid MFA one time pass code."

    static func sessionToken(
        _ f: ServiceFixture, as caller: Caller, _ input: GetSessionTokenInput = GetSessionTokenInput()
    )
        async throws -> Caller
    {
        try await S.caller(f, try await f.sts.getSessionToken(input, caller: caller, now: f.clock.now).credentials)
    }

    // MARK: GetCallerIdentity

    @Test("GetCallerIdentity names the root, a user and a user's session, and needs no permission")
    func callerIdentity() async throws {
        let f = try await ServiceFixture.make()
        let root = f.sts.getCallerIdentity(GetCallerIdentityInput(), caller: f.root)
        #expect(
            root
                == GetCallerIdentityOutput(
                    userId: f.accountId, account: f.accountId, arn: "arn:aws:iam::\(f.accountId):root"))
        let alice = try await f.user(named: "alice")
        guard case .user(let user) = alice.credentials else {
            Issue.record("alice is not a user")
            return
        }
        let expected = GetCallerIdentityOutput(userId: user.userId, account: f.accountId, arn: K.userArn(f, "alice"))
        #expect(f.sts.getCallerIdentity(GetCallerIdentityInput(), caller: alice) == expected)
        #expect(
            f.sts.getCallerIdentity(GetCallerIdentityInput(), caller: try await Self.sessionToken(f, as: alice))
                == expected)
    }

    // MARK: GetAccessKeyInfo

    @Test("GetAccessKeyInfo answers a stored key with its account, even when its ID encodes another")
    func accessKeyInfoOfStoredKey() async throws {
        let f = try await ServiceFixture.make()
        _ = try await f.user(named: "alice")
        let declared = "AKIAIOSFODNN7EXAMPLE"
        #expect(AccessKeyID.account(of: declared) != f.accountId)
        try await f.store.insertAccessKey(
            AccessKeyRecord(
                accessKeyId: declared, accountId: f.accountId, userName: "alice", status: .active,
                createDate: f.clock.now,
                sealedSecret: f.secretBox.seal(Array("secret".utf8), context: "access-key:\(declared)")))
        let info = try await f.sts.getAccessKeyInfo(GetAccessKeyInfoInput(accessKeyId: declared), caller: f.root)
        #expect(info.account == f.accountId)
        let root = try await f.sts.getAccessKeyInfo(
            GetAccessKeyInfoInput(accessKeyId: f.root.accessKeyId), caller: f.root)
        #expect(root.account == f.accountId)
    }

    @Test("GetAccessKeyInfo decodes the account of a key it does not store, and of the temporary keys it issues")
    func accessKeyInfoDecodes() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        let aws = try await f.sts.getAccessKeyInfo(
            GetAccessKeyInfoInput(accessKeyId: "AKIARZPUZDIKGB2VALC4"), caller: alice)
        #expect(aws.account == "123456789012")
        let session = try await Self.sessionToken(f, as: alice)
        let temporary = try await f.sts.getAccessKeyInfo(
            GetAccessKeyInfoInput(accessKeyId: session.accessKeyId), caller: alice)
        #expect(temporary.account == f.accountId)
    }

    @Test(
        "an access key ID that is not well formed is InvalidParameterValue",
        arguments: ["AKIARZPUZDIKGB2VALC", "akiarzpuzdikgb2valc4"])
    func accessKeyInfoMalformed(keyId: String) async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.invalidParameterValue, "The access key ID '\(keyId)' is not well formed.") {
            try await f.sts.getAccessKeyInfo(GetAccessKeyInfoInput(accessKeyId: keyId), caller: f.root)
        }
    }

    @Test("GetSessionToken credentials may not call GetAccessKeyInfo")
    func accessKeyInfoFromSession() async throws {
        let f = try await ServiceFixture.make()
        let session = try await Self.sessionToken(f, as: f.root)
        await K.expectError(.accessDenied, "Cannot call GetAccessKeyInfo with session credentials") {
            try await f.sts.getAccessKeyInfo(GetAccessKeyInfoInput(accessKeyId: f.root.accessKeyId), caller: session)
        }
    }

    // MARK: GetSessionToken

    @Test(
        "without DurationSeconds a user's session lasts 12 hours and the root's one hour; the root's is capped at one hour"
    )
    func sessionDurations() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        func expiration(_ caller: Caller, _ duration: Int?) async throws -> Date? {
            try await f.sts.getSessionToken(
                GetSessionTokenInput(durationSeconds: duration), caller: caller, now: f.clock.now
            )
            .credentials?.expiration
        }
        #expect(try await expiration(alice, nil) == TestClock.start.addingTimeInterval(43_200))
        #expect(try await expiration(alice, 129_600) == TestClock.start.addingTimeInterval(129_600))
        #expect(try await expiration(alice, 900) == TestClock.start.addingTimeInterval(900))
        #expect(try await expiration(f.root, nil) == TestClock.start.addingTimeInterval(3600))
        #expect(try await expiration(f.root, 7200) == TestClock.start.addingTimeInterval(3600))
        #expect(try await expiration(f.root, 900) == TestClock.start.addingTimeInterval(900))
    }

    @Test(
        "a session names its caller, has an ASIA key of the account and a 40-character secret, and is not MFA-authenticated"
    )
    func sessionIdentity() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        let output = try await f.sts.getSessionToken(GetSessionTokenInput(), caller: alice, now: f.clock.now)
        let credentials = try #require(output.credentials)
        #expect(credentials.accessKeyId.hasPrefix("ASIA") && credentials.accessKeyId.count == 20)
        #expect(AccessKeyID.account(of: credentials.accessKeyId) == f.accountId)
        #expect(credentials.secretAccessKey.count == 40)
        let session = try await S.caller(f, credentials)
        #expect(session.arn == alice.arn)
        #expect(session.sessionClaims?.kind == .sessionToken)
        #expect(!session.isMFAAuthenticated)
        let rootSession = try await Self.sessionToken(f, as: f.root)
        #expect(rootSession.sessionClaims?.kind == .rootSession)
        #expect(rootSession.isRoot)
    }

    @Test("session credentials of any kind may not call GetSessionToken")
    func sessionTokenFromSession() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        try await K.createRole(f, "r", trust: K.trust(K.userArn(f, "alice")))
        let sessions = [
            try await Self.sessionToken(f, as: alice),
            try await Self.sessionToken(f, as: f.root),
            try await S.session(f, as: alice, role: "r"),
        ]
        for session in sessions {
            await K.expectError(.accessDenied, "Cannot call GetSessionToken with session credentials") {
                try await f.sts.getSessionToken(GetSessionTokenInput(), caller: session, now: f.clock.now)
            }
        }
    }

    @Test("with a current code of the caller's enabled device the session is MFA-authenticated, once per code")
    func sessionWithMFA() async throws {
        let f = try await ServiceFixture.make()
        let bob = try await f.user(named: "bob")
        let device = try await S.mfaDevice(f, user: "bob")
        let code = device.totp.code(at: f.clock.now)
        let input = GetSessionTokenInput(serialNumber: device.serialNumber, tokenCode: code)
        let session = try await Self.sessionToken(f, as: bob, input)
        #expect(session.isMFAAuthenticated)
        #expect(session.sessionClaims?.mfaAuthenticatedAt == TestClock.start)
        await K.expectError(.accessDenied, Self.invalidCode) {
            try await f.sts.getSessionToken(input, caller: bob, now: f.clock.now)
        }
        // The next step's code is accepted within the window, and a code far from now is not.
        f.clock.advance(by: 30)
        _ = try await Self.sessionToken(
            f, as: bob,
            GetSessionTokenInput(serialNumber: device.serialNumber, tokenCode: device.totp.code(at: f.clock.now)))
        await K.expectError(.accessDenied, Self.invalidCode) {
            try await f.sts.getSessionToken(
                GetSessionTokenInput(
                    serialNumber: device.serialNumber,
                    tokenCode: device.totp.code(at: f.clock.now.addingTimeInterval(300))),
                caller: bob, now: f.clock.now)
        }
    }

    @Test("a serial number without a code, a device of another user, or an unknown device is AccessDenied")
    func sessionMFARefusals() async throws {
        let f = try await ServiceFixture.make()
        let bob = try await f.user(named: "bob")
        let carol = try await f.user(named: "carol")
        let device = try await S.mfaDevice(f, user: "bob")
        let code = device.totp.code(at: f.clock.now)
        let refusals: [(Caller, GetSessionTokenInput)] = [
            (bob, GetSessionTokenInput(serialNumber: device.serialNumber)),
            (bob, GetSessionTokenInput(tokenCode: code)),
            (carol, GetSessionTokenInput(serialNumber: device.serialNumber, tokenCode: code)),
            (bob, GetSessionTokenInput(serialNumber: "arn:aws:iam::\(f.accountId):mfa/none", tokenCode: code)),
            // The root holds no virtual device through this API.
            (f.root, GetSessionTokenInput(serialNumber: device.serialNumber, tokenCode: code)),
        ]
        for (caller, input) in refusals {
            await K.expectError(.accessDenied, Self.unableToValidate) {
                try await f.sts.getSessionToken(input, caller: caller, now: f.clock.now)
            }
        }
        // The code was not used up by the refusals.
        _ = try await Self.sessionToken(
            f, as: bob, GetSessionTokenInput(serialNumber: device.serialNumber, tokenCode: code))
    }

    // MARK: DecodeAuthorizationMessage

    @Test("the root decodes the encoded message of a denial: the decision, the action and the principal")
    func decodeDenial() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        try await K.createRole(f, "target")
        let denial = await K.expectError(.accessDenied) { try await S.assume(f, as: alice, role: "target") }
        let encoded = try S.encodedMessage(denial)
        let output = try await f.sts.decodeAuthorizationMessage(
            DecodeAuthorizationMessageInput(encodedMessage: encoded), caller: f.root, now: f.clock.now)
        let json = try #require(output.decodedMessage)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["allowed"] as? Bool == false)
        #expect(object["explicitDeny"] as? Bool == false)
        let context = try #require(object["context"] as? [String: Any])
        #expect(context["action"] as? String == "sts:AssumeRole")
        #expect(context["resource"] as? String == K.roleArn(f, "target"))
        #expect((context["principal"] as? [String: Any])?["arn"] as? String == alice.arn)
    }

    @Test("a user needs sts:DecodeAuthorizationMessage, and its denial carries no encoded message of its own")
    func decodeNeedsPermission() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        try await K.createRole(f, "target")
        let encoded = try S.encodedMessage(
            await K.expectError(.accessDenied) { try await S.assume(f, as: alice, role: "target") })
        let input = DecodeAuthorizationMessageInput(encodedMessage: encoded)
        let denial = await K.expectError(.accessDenied) {
            try await f.sts.decodeAuthorizationMessage(input, caller: alice, now: f.clock.now)
        }
        #expect(
            denial?.message.hasPrefix("User: \(alice.arn) is not authorized to perform: sts:DecodeAuthorizationMessage")
                == true)
        #expect(denial?.message.contains("Encoded authorization failure message") == false)

        try await K.grant(f, user: "alice", K.allow("sts:DecodeAuthorizationMessage"))
        let output = try await f.sts.decodeAuthorizationMessage(input, caller: alice, now: f.clock.now)
        #expect(output.decodedMessage?.contains(#""allowed":false"#) == true)
    }

    @Test(
        "a message this deployment did not seal is InvalidAuthorizationMessageException",
        arguments: ["not-a-message", "", "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo", String(repeating: "A", count: 20_000)])
    func decodeRefusesForeignMessages(encoded: String) async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.invalidAuthorizationMessage, "The encoded authorization message is invalid.") {
            try await f.sts.decodeAuthorizationMessage(
                DecodeAuthorizationMessageInput(encodedMessage: encoded), caller: f.root, now: f.clock.now)
        }
    }

    @Test("GetSessionToken credentials may not call DecodeAuthorizationMessage")
    func decodeFromSession() async throws {
        let f = try await ServiceFixture.make()
        let session = try await Self.sessionToken(f, as: f.root)
        await K.expectError(.accessDenied, "Cannot call DecodeAuthorizationMessage with session credentials") {
            try await f.sts.decodeAuthorizationMessage(
                DecodeAuthorizationMessageInput(encodedMessage: "x"), caller: session, now: f.clock.now)
        }
    }
}
