import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The rules of `SecurityTokenService+Federation.swift` (GetFederationToken), without HTTP.
@Suite struct SecurityTokenServiceFederationTests {
    typealias K = RoleTestKit
    typealias S = STSTestKit

    static func federationToken(_ f: ServiceFixture, as caller: Caller, _ input: GetFederationTokenInput) async throws
        -> GetFederationTokenOutput
    {
        try await f.sts.getFederationToken(input, caller: caller, now: f.clock.now)
    }

    static func federatedUserArn(_ f: ServiceFixture, _ name: String) -> String {
        "arn:aws:sts::\(f.accountId):federated-user/\(name)"
    }

    @Test("a user needs sts:GetFederationToken; the token names the federated user, lasts 12 hours, PackedPolicySize 0")
    func federationTokenGrant() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        let input = GetFederationTokenInput(name: "carol")
        await S.expectDenied(
            "User: \(alice.arn) is not authorized to perform: sts:GetFederationToken on resource: \(Self.federatedUserArn(f, "carol"))"
        ) {
            try await Self.federationToken(f, as: alice, input)
        }
        try await K.grant(f, user: "alice", K.allow("sts:GetFederationToken"))
        let output = try await Self.federationToken(f, as: alice, input)
        #expect(
            output.federatedUser
                == FederatedUser(federatedUserId: "\(f.accountId):carol", arn: Self.federatedUserArn(f, "carol")))
        #expect(output.packedPolicySize == 0)
        #expect(output.credentials?.expiration == TestClock.start.addingTimeInterval(43_200))
        let session = try await S.caller(f, output.credentials)
        #expect(session.arn == Self.federatedUserArn(f, "carol"))
        #expect(session.sessionClaims?.kind == .federatedUser)
        #expect(session.sessionClaims?.sourcePrincipalArn == alice.arn)
        #expect(
            f.sts.getCallerIdentity(GetCallerIdentityInput(), caller: session).arn == Self.federatedUserArn(f, "carol"))
    }

    @Test("DurationSeconds: a user's is kept, the root's is capped at one hour (one hour by default)")
    func federationTokenDurations() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        try await K.grant(f, user: "alice", K.allow("sts:GetFederationToken"))
        let user = try await Self.federationToken(
            f, as: alice, GetFederationTokenInput(name: "carol", durationSeconds: 129_600))
        #expect(user.credentials?.expiration == TestClock.start.addingTimeInterval(129_600))
        let root = try await Self.federationToken(
            f, as: f.root, GetFederationTokenInput(name: "carol", durationSeconds: 7200))
        #expect(root.credentials?.expiration == TestClock.start.addingTimeInterval(3600))
        let rootDefault = try await Self.federationToken(f, as: f.root, GetFederationTokenInput(name: "carol"))
        #expect(rootDefault.credentials?.expiration == TestClock.start.addingTimeInterval(3600))
    }

    @Test(
        "session credentials may not call GetFederationToken; a federated user may call only GetCallerIdentity in STS")
    func federationTokenSessionRules() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        try await K.grant(f, user: "alice", K.allow("sts:*"))
        let session = try await S.caller(
            f, try await f.sts.getSessionToken(GetSessionTokenInput(), caller: alice, now: f.clock.now).credentials)
        await K.expectError(.accessDenied, "Cannot call GetFederationToken with session credentials") {
            try await Self.federationToken(f, as: session, GetFederationTokenInput(name: "carol"))
        }
        let federated = try await S.caller(
            f,
            try await Self.federationToken(
                f, as: alice, GetFederationTokenInput(name: "carol", policy: K.allow("sts:*"))
            )
            .credentials)
        await K.expectError(.accessDenied, "Cannot call GetFederationToken with session credentials") {
            try await Self.federationToken(f, as: federated, GetFederationTokenInput(name: "dave"))
        }
        await K.expectError(.accessDenied, "Cannot call GetSessionToken with session credentials") {
            try await f.sts.getSessionToken(GetSessionTokenInput(), caller: federated, now: f.clock.now)
        }
        await K.expectError(.accessDenied, "Cannot call GetAccessKeyInfo with session credentials") {
            try await f.sts.getAccessKeyInfo(GetAccessKeyInfoInput(accessKeyId: alice.accessKeyId), caller: federated)
        }
    }

    @Test("session policies travel in the token and set PackedPolicySize; malformed or missing ones are refused")
    func federationTokenSessionPolicies() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        try await K.grant(f, user: "alice", K.allow("sts:GetFederationToken"))
        let arn = try await K.createPolicy(f, "Read")
        let policy = K.allow("s3:GetObject")
        let output = try await Self.federationToken(
            f, as: alice,
            GetFederationTokenInput(name: "carol", policy: policy, policyArns: [PolicyDescriptorType(arn: arn)]))
        // 96 characters of policy and 37 of ARN, of 2,560: 6% rounded up.
        #expect(policy.utf8.count + arn.utf8.count == 133)
        #expect(output.packedPolicySize == 6)
        let claims = try await S.caller(f, output.credentials).sessionClaims
        #expect(claims?.sessionPolicy == policy)
        #expect(claims?.policyArns == [arn])

        await K.expectError(.malformedPolicyDocument) {
            try await Self.federationToken(f, as: alice, GetFederationTokenInput(name: "carol", policy: "{"))
        }
        let missing = K.policyArn(f, "nope")
        await K.expectError(.invalidParameterValue, "Policy \(missing) does not exist or is not attachable.") {
            try await Self.federationToken(
                f, as: alice, GetFederationTokenInput(name: "carol", policyArns: [PolicyDescriptorType(arn: missing)]))
        }
    }

    @Test("session tags need sts:TagSession and override the user's tags case-insensitively; duplicates are refused")
    func federationTokenTags() async throws {
        let f = try await ServiceFixture.make()
        var alice = try await f.user(named: "alice")
        guard case .user(var user) = alice.credentials else {
            Issue.record("alice is not a user")
            return
        }
        user.tags = [ResourceTag(key: "Team", value: "red"), ResourceTag(key: "site", value: "lab")]
        alice.credentials = .user(user)
        try await K.grant(f, user: "alice", K.allow("sts:GetFederationToken"))
        let input = GetFederationTokenInput(name: "carol", tags: [STSTag(key: "team", value: "blue")])
        await S.expectDenied(
            "User: \(alice.arn) is not authorized to perform: sts:TagSession on resource: \(Self.federatedUserArn(f, "carol"))"
        ) {
            try await Self.federationToken(f, as: alice, input)
        }
        try await K.grant(
            f, user: "alice",
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetFederationToken","sts:TagSession"],"Resource":"*"}]}"#
        )
        let output = try await Self.federationToken(f, as: alice, input)
        #expect(output.packedPolicySize == 1)
        let claims = try await S.caller(f, output.credentials).sessionClaims
        #expect(claims?.tags == [SessionTag(key: "site", value: "lab"), SessionTag(key: "team", value: "blue")])

        await K.expectError(
            .invalidParameterValue, "Duplicate tag keys found. Please note that Tag keys are case insensitive."
        ) {
            try await Self.federationToken(
                f, as: alice,
                GetFederationTokenInput(
                    name: "carol", tags: [STSTag(key: "a", value: "1"), STSTag(key: "A", value: "2")]))
        }
    }
}
