import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import LatchkeyTokens
import Testing

/// A session tag as a request passes it (`Testing` has a `Tag` of its own).
typealias STSTag = LatchkeyModel.Tag

/// Seeds and callers shared by the service-level STS tests (roles, policies and errors come from ``RoleTestKit``).
enum STSTestKit {
    /// The caller signing with temporary `credentials`, as the server resolves them.
    static func caller(_ f: ServiceFixture, _ credentials: Credentials?) async throws -> Caller {
        let credentials = try #require(credentials)
        return try await f.resolver.resolve(
            accessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken, now: f.clock.now
        ).caller
    }

    /// AssumeRole of the role `role` of the fixture's account; returns the output.
    @discardableResult
    static func assume(
        _ f: ServiceFixture, as caller: Caller, role: String, session: String = "s1",
        _ configure: (inout AssumeRoleInput) -> Void = { _ in }
    ) async throws -> AssumeRoleOutput {
        var input = AssumeRoleInput(roleArn: RoleTestKit.roleArn(f, role), roleSessionName: session)
        configure(&input)
        return try await f.sts.assumeRole(input, caller: caller, now: f.clock.now)
    }

    /// The caller of a new session of `role`, assumed by `caller`.
    static func session(
        _ f: ServiceFixture, as caller: Caller, role: String, session: String = "s1",
        _ configure: (inout AssumeRoleInput) -> Void = { _ in }
    ) async throws -> Caller {
        try await Self.caller(f, try await assume(f, as: caller, role: role, session: session, configure).credentials)
    }

    /// Gives the role `roleName` an inline policy (in the store, then the authorizer's cache cleared).
    static func grant(_ f: ServiceFixture, role roleName: String, _ document: String, name: String = "grant")
        async throws
    {
        try await f.store.putInlinePolicy(
            InlinePolicy(accountId: f.accountId, owner: .role(roleName), policyName: name, document: document))
        f.authorizer.invalidate()
    }

    /// Replaces the trust policy of `roleName` (as UpdateAssumeRolePolicy stores it).
    static func setTrust(_ f: ServiceFixture, role roleName: String, _ document: String) async throws {
        try await f.store.modifyRole(accountId: f.accountId, roleName: roleName) {
            $0.assumeRolePolicyDocument = document
        }
        f.authorizer.invalidate()
    }

    /// Sets the MaxSessionDuration of `roleName` (as UpdateRole stores it).
    static func setMaxSessionDuration(_ f: ServiceFixture, role roleName: String, _ seconds: Int) async throws {
        try await f.store.modifyRole(accountId: f.accountId, roleName: roleName) { $0.maxSessionDuration = seconds }
        f.authorizer.invalidate()
    }

    /// A virtual MFA device enabled for `userName` (sealed into the store as `EnableMFADevice` leaves it); returns
    /// its serial number and its code generator.
    static func mfaDevice(_ f: ServiceFixture, user userName: String, name: String = "phone") async throws
        -> (serialNumber: String, totp: TOTP)
    {
        let seed = (0..<20).map { _ in UInt8.random(in: 0...255) }
        let serial = "arn:aws:iam::\(f.accountId):mfa/\(name)"
        try await f.store.insertMFADevice(
            MFADeviceRecord(
                accountId: f.accountId, serialNumber: serial, path: "/", deviceName: name,
                sealedSeed: f.secretBox.seal(seed, context: "mfa-seed:\(serial)"), createDate: f.clock.now,
                userName: userName, enableDate: f.clock.now))
        return (serial, TOTP(secret: seed))
    }

    /// The Base64URL text after "Encoded authorization failure message: " in a denial.
    static func encodedMessage(_ error: STSError?) throws -> String {
        let message = try #require(error?.message)
        let marker = try #require(message.range(of: "Encoded authorization failure message: "))
        return String(message[marker.upperBound...])
    }

    /// The expected `AccessDenied` message start for `action` on the role `role`.
    static func deniedPrefix(_ f: ServiceFixture, caller: Caller, action: String = "sts:AssumeRole", role: String)
        -> String
    {
        "User: \(caller.arn) is not authorized to perform: \(action) on resource: \(RoleTestKit.roleArn(f, role))"
    }

    /// Runs `body`, which must fail with `AccessDenied` whose message starts with `prefix`.
    static func expectDenied<T>(
        _ prefix: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
    ) async {
        let error = await RoleTestKit.expectError(.accessDenied, sourceLocation: sourceLocation, body)
        #expect(error?.message.hasPrefix(prefix) == true, "\(error?.message ?? "")", sourceLocation: sourceLocation)
    }
}
