import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import LatchkeyTokens
import Testing

/// The rules of `SecurityTokenService+AssumeRole.swift` (and the session-tag rules it applies), without HTTP: the
/// trust policy and the identity side, durations, MFA, session tags, source identity and session policies.
@Suite struct SecurityTokenServiceAssumeRoleTests {
    typealias K = RoleTestKit
    typealias S = STSTestKit

    /// A trust policy naming `principal`, with `condition` (JSON) when given.
    static func trust(_ principal: String, actions: [String] = ["sts:AssumeRole"], condition: String? = nil) -> String {
        let action = "[" + actions.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        return K.trust(principal, action: action, extra: condition.map { #","Condition":\#($0)"# } ?? "")
    }

    /// Alice, and a role `name` trusting her directly.
    static func aliceAndRole(
        _ f: ServiceFixture, _ name: String = "r", actions: [String] = ["sts:AssumeRole"], condition: String? = nil
    ) async throws -> Caller {
        let alice = try await f.user(named: "alice")
        try await K.createRole(f, name, trust: trust(K.userArn(f, "alice"), actions: actions, condition: condition))
        return alice
    }

    /// Alice, a role `hop` trusting her that may assume `target`, and `target` trusting `targetTrust` (the account by
    /// default).
    static func hopToTarget(_ f: ServiceFixture, targetTrust: String? = nil) async throws -> Caller {
        let alice = try await aliceAndRole(f, "hop", actions: ["sts:AssumeRole", "sts:TagSession"])
        try await S.grant(f, role: "hop", K.allow("sts:AssumeRole", resource: K.roleArn(f, "target")))
        try await K.createRole(f, "target", trust: targetTrust ?? trust("arn:aws:iam::\(f.accountId):root"))
        return alice
    }

    // MARK: Trust policy and identity side

    @Test("a user named in the trust policy gets a session of the role: its ARN, ID, one hour, an ASIA key")
    func directTrustGrants() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(f, "reader")
        let role = try #require(try await f.store.role(accountId: f.accountId, roleName: "reader"))
        let output = try await S.assume(f, as: alice, role: "reader", session: "build-7")
        let sessionArn = "arn:aws:sts::\(f.accountId):assumed-role/reader/build-7"
        #expect(output.assumedRoleUser == AssumedRoleUser(assumedRoleId: "\(role.roleId):build-7", arn: sessionArn))
        let credentials = try #require(output.credentials)
        #expect(credentials.expiration == TestClock.start.addingTimeInterval(3600))
        #expect(credentials.accessKeyId.hasPrefix("ASIA"))
        #expect(credentials.secretAccessKey.count == 40)
        // Nothing passed: no PackedPolicySize, no SourceIdentity.
        #expect(output.packedPolicySize == nil)
        #expect(output.sourceIdentity == nil)

        let session = try await S.caller(f, credentials)
        #expect(session.arn == sessionArn)
        #expect(session.userId == "\(role.roleId):build-7")
        #expect(session.sessionClaims?.sourcePrincipalArn == alice.arn)
        #expect(session.sessionClaims?.isChained == false)
    }

    @Test("a principal removed from the trust policy is denied, with an encoded authorization failure message")
    func principalRemoved() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(f)
        try await S.assume(f, as: alice, role: "r")
        _ = try await f.user(named: "bob")
        try await S.setTrust(f, role: "r", Self.trust(K.userArn(f, "bob")))
        let error = await K.expectError(.accessDenied) { try await S.assume(f, as: alice, role: "r") }
        #expect(error?.message.hasPrefix(S.deniedPrefix(f, caller: alice, role: "r")) == true)
        #expect(!(try S.encodedMessage(error)).isEmpty)
    }

    @Test("a user trusted only through the account needs an identity policy allowing sts:AssumeRole")
    func accountTrustNeedsIdentityPolicy() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        try await K.createRole(f, "target", trust: Self.trust("arn:aws:iam::\(f.accountId):root"))
        await S.expectDenied(S.deniedPrefix(f, caller: alice, role: "target")) {
            try await S.assume(f, as: alice, role: "target")
        }
        try await K.grant(f, user: "alice", K.allow("sts:AssumeRole", resource: K.roleArn(f, "target")))
        try await S.assume(f, as: alice, role: "target")
    }

    @Test("an identity policy allowing everything does not replace a trust policy that trusts another account")
    func identityPolicyAloneNeverSuffices() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        try await K.grant(f, user: "alice", K.allow("sts:*"))
        try await K.createRole(f, "r", trust: Self.trust("arn:aws:iam::444455556666:root"))
        await S.expectDenied(S.deniedPrefix(f, caller: alice, role: "r")) {
            try await S.assume(f, as: alice, role: "r")
        }
    }

    @Test("an unmet trust condition (aws:PrincipalTag) is denied; a tag made transitive through the chain meets it")
    func conditionUnmet() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(f, "hop", actions: ["sts:AssumeRole", "sts:TagSession"])
        let accountRoot = "arn:aws:iam::\(f.accountId):root"
        try await K.createRole(f, "mid", trust: Self.trust(accountRoot))
        try await K.createRole(
            f, "final", trust: Self.trust(accountRoot, condition: #"{"StringEquals":{"aws:PrincipalTag/dept":"eng"}}"#))
        for role in ["hop", "mid"] { try await S.grant(f, role: role, K.allow("sts:*")) }
        let tag = [STSTag(key: "dept", value: "eng")]
        // Not transitive: hop's session has dept=eng, mid's does not inherit it.
        let hop = try await S.session(f, as: alice, role: "hop") { $0.tags = tag }
        let mid = try await S.session(f, as: hop, role: "mid", session: "s2")
        await S.expectDenied(S.deniedPrefix(f, caller: mid, role: "final")) {
            try await S.assume(f, as: mid, role: "final", session: "s3")
        }
        let transitiveHop = try await S.session(f, as: alice, role: "hop", session: "t1") {
            $0.tags = tag
            $0.transitiveTagKeys = ["dept"]
        }
        let transitiveMid = try await S.session(f, as: transitiveHop, role: "mid", session: "t2")
        try await S.assume(f, as: transitiveMid, role: "final", session: "t3")
    }

    @Test("an sts:ExternalId condition admits only the matching ExternalId")
    func externalId() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(f, condition: #"{"StringEquals":{"sts:ExternalId":"id-42"}}"#)
        let denied = S.deniedPrefix(f, caller: alice, role: "r")
        await S.expectDenied(denied) { try await S.assume(f, as: alice, role: "r") }
        await S.expectDenied(denied) { try await S.assume(f, as: alice, role: "r") { $0.externalId = "id-43" } }
        try await S.assume(f, as: alice, role: "r") { $0.externalId = "id-42" }
    }

    @Test(
        "a role that does not exist is AccessDenied (not NoSuchEntity); a RoleArn that is not a role ARN is a ValidationError"
    )
    func missingAndMalformedRole() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        await K.expectError(.accessDenied, "\(S.deniedPrefix(f, caller: alice, role: "ghost"))") {
            try await S.assume(f, as: alice, role: "ghost")
        }
        let input = AssumeRoleInput(roleArn: K.userArn(f, "alice"), roleSessionName: "s1")
        await K.expectError(.validationError, "Request ARN is invalid") {
            try await f.sts.assumeRole(input, caller: alice, now: f.clock.now)
        }
    }

    @Test("the root, and the root's sessions, may not assume roles")
    func rootMayNotAssumeRoles() async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "r")
        await K.expectError(.accessDenied, "Roles may not be assumed by root accounts.") {
            try await S.assume(f, as: f.root, role: "r")
        }
        let rootSession = try await S.caller(
            f, try await f.sts.getSessionToken(GetSessionTokenInput(), caller: f.root, now: f.clock.now).credentials)
        await K.expectError(.accessDenied, "Roles may not be assumed by root accounts.") {
            try await S.assume(f, as: rootSession, role: "r")
        }
    }

    @Test("a federated user's session may not call AssumeRole")
    func federatedSessionRefused() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(f)
        try await K.grant(f, user: "alice", K.allow("sts:GetFederationToken"))
        let federated = try await S.caller(
            f,
            try await f.sts.getFederationToken(
                GetFederationTokenInput(name: "carol", policy: K.allow("sts:*")), caller: alice, now: f.clock.now
            ).credentials)
        await K.expectError(.accessDenied, "Cannot call AssumeRole with session credentials") {
            try await S.assume(f, as: federated, role: "r")
        }
    }

    // MARK: MFA

    @Test(
        "a trust policy's MFA condition: denied without MFA (also from a GetSessionToken session without it), granted with a valid code"
    )
    func mfaCondition() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(f, condition: #"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#)
        let device = try await S.mfaDevice(f, user: "alice")
        await S.expectDenied(S.deniedPrefix(f, caller: alice, role: "r")) {
            try await S.assume(f, as: alice, role: "r")
        }
        let plainSession = try await S.caller(
            f, try await f.sts.getSessionToken(GetSessionTokenInput(), caller: alice, now: f.clock.now).credentials)
        await S.expectDenied(S.deniedPrefix(f, caller: plainSession, role: "r")) {
            try await S.assume(f, as: plainSession, role: "r")
        }

        let session = try await S.session(f, as: alice, role: "r") {
            $0.serialNumber = device.serialNumber
            $0.tokenCode = device.totp.code(at: f.clock.now)
        }
        #expect(session.isMFAAuthenticated)
        #expect(session.sessionClaims?.mfaAuthenticatedAt == TestClock.start)
    }

    @Test(
        "an MFA code without its serial number, a device of someone else, or a wrong or replayed code is AccessDenied")
    func mfaRefusals() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(f)
        let device = try await S.mfaDevice(f, user: "alice")
        _ = try await f.user(named: "bob")
        let bobs = try await S.mfaDevice(f, user: "bob", name: "bobs-phone")
        let unableToValidate =
            "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."
        let invalidCode = "MultiFactorAuthentication failed with invalid MFA one time pass code."
        let code = device.totp.code(at: f.clock.now)
        await K.expectError(.accessDenied, unableToValidate) {
            try await S.assume(f, as: alice, role: "r") { $0.tokenCode = code }
        }
        await K.expectError(.accessDenied, unableToValidate) {
            try await S.assume(f, as: alice, role: "r") { $0.serialNumber = device.serialNumber }
        }
        await K.expectError(.accessDenied, unableToValidate) {
            try await S.assume(f, as: alice, role: "r") {
                $0.serialNumber = bobs.serialNumber
                $0.tokenCode = bobs.totp.code(at: f.clock.now)
            }
        }
        await K.expectError(.accessDenied, invalidCode) {
            try await S.assume(f, as: alice, role: "r") {
                $0.serialNumber = device.serialNumber
                $0.tokenCode = device.totp.code(at: f.clock.now.addingTimeInterval(120))
            }
        }
        try await S.assume(f, as: alice, role: "r") {
            $0.serialNumber = device.serialNumber
            $0.tokenCode = code
        }
        await K.expectError(.accessDenied, invalidCode) {
            try await S.assume(f, as: alice, role: "r") {
                $0.serialNumber = device.serialNumber
                $0.tokenCode = code
            }
        }
    }

    // MARK: Durations

    @Test("DurationSeconds above the role's MaxSessionDuration is a ValidationError until the maximum is raised")
    func maxSessionDuration() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(f)
        await K.expectError(
            .validationError, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        ) {
            try await S.assume(f, as: alice, role: "r") { $0.durationSeconds = 7200 }
        }
        try await S.setMaxSessionDuration(f, role: "r", 7200)
        let output = try await S.assume(f, as: alice, role: "r") { $0.durationSeconds = 7200 }
        #expect(output.credentials?.expiration == TestClock.start.addingTimeInterval(7200))
        let short = try await S.assume(f, as: alice, role: "r") { $0.durationSeconds = 900 }
        #expect(short.credentials?.expiration == TestClock.start.addingTimeInterval(900))
    }

    @Test("role chaining is capped at one hour whatever the role's MaxSessionDuration")
    func chainingCap() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.hopToTarget(f, targetTrust: Self.trust(K.roleArn(f, "hop")))
        try await S.setMaxSessionDuration(f, role: "target", 43200)
        let hop = try await S.session(f, as: alice, role: "hop")
        await K.expectError(
            .validationError,
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
        ) {
            try await S.assume(f, as: hop, role: "target") { $0.durationSeconds = 7200 }
        }
        let output = try await S.assume(f, as: hop, role: "target") { $0.durationSeconds = 3600 }
        #expect(output.credentials?.expiration == TestClock.start.addingTimeInterval(3600))
        #expect(try await S.caller(f, output.credentials).sessionClaims?.isChained == true)
    }

    // MARK: Session tags

    @Test("session tags need sts:TagSession in the trust policy; with it they become principal tags over the role's")
    func tagsNeedTagSession() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(f)
        try await f.store.modifyRole(accountId: f.accountId, roleName: "r") {
            $0.tags = [ResourceTag(key: "Project", value: "red"), ResourceTag(key: "team", value: "core")]
        }
        let tags = [STSTag(key: "project", value: "blue")]
        await S.expectDenied(S.deniedPrefix(f, caller: alice, action: "sts:TagSession", role: "r")) {
            try await S.assume(f, as: alice, role: "r") { $0.tags = tags }
        }
        try await S.setTrust(
            f, role: "r", Self.trust(K.userArn(f, "alice"), actions: ["sts:AssumeRole", "sts:TagSession"]))
        let output = try await S.assume(f, as: alice, role: "r") { $0.tags = tags }
        // "project" + "blue" + 2 bytes of framing, of 2,560: 1% rounded up.
        #expect(output.packedPolicySize == 1)
        let session = try await S.caller(f, output.credentials)
        #expect(
            session.sessionClaims?.tags == [
                SessionTag(key: "team", value: "core"), SessionTag(key: "project", value: "blue"),
            ])
    }

    @Test(
        "duplicate tag keys (case-insensitively), a transitive key without its tag, and over 50 tags are InvalidParameterValue"
    )
    func tagRules() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(f, actions: ["sts:AssumeRole", "sts:TagSession"])
        await K.expectError(
            .invalidParameterValue, "Duplicate tag keys found. Please note that Tag keys are case insensitive."
        ) {
            try await S.assume(f, as: alice, role: "r") {
                $0.tags = [STSTag(key: "team", value: "a"), STSTag(key: "TEAM", value: "b")]
            }
        }
        await K.expectError(
            .invalidParameterValue, "The specified transitive tag key must be included in the requested tags."
        ) {
            try await S.assume(f, as: alice, role: "r") {
                $0.tags = [STSTag(key: "team", value: "a")]
                $0.transitiveTagKeys = ["dept"]
            }
        }
        await K.expectError(
            .invalidParameterValue, "The number of session tags (with inherited transitive tags) exceeds 50."
        ) {
            try await S.assume(f, as: alice, role: "r") { $0.tags = (1...51).map { STSTag(key: "k\($0)", value: "v") } }
        }
        // Transitive keys match their tags case-insensitively.
        try await S.assume(f, as: alice, role: "r") {
            $0.tags = [STSTag(key: "Team", value: "a")]
            $0.transitiveTagKeys = ["team"]
        }
    }

    @Test("transitive tags are carried through a chain, count towards 50, and cannot be set again by the next hop")
    func transitiveTags() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.hopToTarget(
            f, targetTrust: Self.trust(K.roleArn(f, "hop"), actions: ["sts:AssumeRole", "sts:TagSession"]))
        let transitive = try await S.session(f, as: alice, role: "hop") {
            $0.tags = [STSTag(key: "project", value: "blue"), STSTag(key: "local", value: "x")]
            $0.transitiveTagKeys = ["project"]
        }
        let carried = try await S.session(f, as: transitive, role: "target", session: "s2")
        #expect(carried.sessionClaims?.tags == [SessionTag(key: "project", value: "blue")])
        #expect(carried.sessionClaims?.transitiveTagKeys == ["project"])

        await K.expectError(
            .invalidParameterValue,
            "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session."
        ) {
            try await S.assume(f, as: transitive, role: "target", session: "s3") {
                $0.tags = [STSTag(key: "PROJECT", value: "red")]
            }
        }
        await K.expectError(
            .invalidParameterValue, "The number of session tags (with inherited transitive tags) exceeds 50."
        ) {
            try await S.assume(f, as: transitive, role: "target", session: "s4") {
                $0.tags = (1...50).map { STSTag(key: "k\($0)", value: "v") }
            }
        }
    }

    // MARK: Source identity

    @Test(
        "a source identity needs sts:SetSourceIdentity; it is returned, carried through a chain and cannot be changed")
    func sourceIdentity() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.hopToTarget(f, targetTrust: Self.trust(K.roleArn(f, "hop")))
        await S.expectDenied(S.deniedPrefix(f, caller: alice, action: "sts:SetSourceIdentity", role: "hop")) {
            try await S.assume(f, as: alice, role: "hop") { $0.sourceIdentity = "alice" }
        }
        try await S.setTrust(
            f, role: "hop",
            Self.trust(K.userArn(f, "alice"), actions: ["sts:AssumeRole", "sts:SetSourceIdentity"]))
        let output = try await S.assume(f, as: alice, role: "hop") { $0.sourceIdentity = "alice" }
        #expect(output.sourceIdentity == "alice")
        #expect(output.packedPolicySize == nil)
        let hop = try await S.caller(f, output.credentials)

        // Carried without asking (and without sts:SetSourceIdentity on target), or asked for unchanged.
        let chained = try await S.assume(f, as: hop, role: "target", session: "s2")
        #expect(chained.sourceIdentity == "alice")
        #expect(try await S.caller(f, chained.credentials).sessionClaims?.sourceIdentity == "alice")
        try await S.assume(f, as: hop, role: "target", session: "s3") { $0.sourceIdentity = "alice" }
        await K.expectError(
            .invalidParameterValue,
            "The source identity cannot be changed: the calling session's source identity is alice."
        ) {
            try await S.assume(f, as: hop, role: "target", session: "s4") { $0.sourceIdentity = "mallory" }
        }
    }

    @Test("an sts:SourceIdentity condition with another value is denied")
    func sourceIdentityCondition() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(
            f, actions: ["sts:AssumeRole", "sts:SetSourceIdentity"],
            condition: #"{"StringEquals":{"sts:SourceIdentity":"alice"}}"#)
        await S.expectDenied(S.deniedPrefix(f, caller: alice, role: "r")) {
            try await S.assume(f, as: alice, role: "r") { $0.sourceIdentity = "mallory" }
        }
        try await S.assume(f, as: alice, role: "r") { $0.sourceIdentity = "alice" }
    }

    // MARK: Session policies

    @Test("PackedPolicySize counts the session policy without white space, the policy ARNs and the tags")
    func packedPolicySize() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(f)
        let arn = try await K.createPolicy(f, "Read")
        let compact =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#
        let spaced =
            #"{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" } ] }"#
        let output = try await S.assume(f, as: alice, role: "r") {
            $0.policy = spaced
            $0.policyArns = [PolicyDescriptorType(arn: arn)]
        }
        let bytes = compact.utf8.count + arn.utf8.count
        #expect(output.packedPolicySize == (bytes * 100 + 2_559) / 2_560)
        #expect(output.packedPolicySize == 6)
        let claims = try await S.caller(f, output.credentials).sessionClaims
        #expect(claims?.sessionPolicy == spaced)
        #expect(claims?.policyArns == [arn])
    }

    @Test("session policies and tags over the packed limit are PackedPolicyTooLarge, with the percentage")
    func packedPolicyTooLarge() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(f, actions: ["sts:AssumeRole", "sts:TagSession"])
        // 20 tags of 128 + 256 characters and 2 bytes of framing: 7,720 bytes of 2,560, 302% rounded up.
        let tags = (1...20).map { index in
            STSTag(
                key: "k\(index)".padding(toLength: 128, withPad: "k", startingAt: 0),
                value: String(repeating: "v", count: 256))
        }
        await K.expectError(
            .packedPolicyTooLarge, "Packed policy consumes 302% of allotted space, please use smaller policy."
        ) {
            try await S.assume(f, as: alice, role: "r") { $0.tags = tags }
        }
        // A maximal 2,048-character inline policy fits.
        let statement = #"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::"#
        let head = #"{"Version":"2012-10-17","Statement":["#
        let filler = 2_048 - head.utf8.count - statement.utf8.count - #""}]}"#.utf8.count
        let policy = head + statement + String(repeating: "b", count: filler) + #""}]}"#
        #expect(policy.utf8.count == 2_048)
        let output = try await S.assume(f, as: alice, role: "r") { $0.policy = policy }
        #expect(output.packedPolicySize == 80)
    }

    @Test(
        "a malformed session policy is MalformedPolicyDocument; a managed policy that does not exist is InvalidParameterValue"
    )
    func sessionPolicyRefusals() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.aliceAndRole(f)
        await K.expectError(.malformedPolicyDocument) {
            try await S.assume(f, as: alice, role: "r") { $0.policy = #"{"Version":"2012-10-17","Statement":["# }
        }
        let missing = K.policyArn(f, "nope")
        await K.expectError(.invalidParameterValue, "Policy \(missing) does not exist or is not attachable.") {
            try await S.assume(f, as: alice, role: "r") { $0.policyArns = [PolicyDescriptorType(arn: missing)] }
        }
        let otherAccount = "arn:aws:iam::444455556666:policy/Read"
        await K.expectError(.invalidParameterValue, "Policy \(otherAccount) does not exist or is not attachable.") {
            try await S.assume(f, as: alice, role: "r") { $0.policyArns = [PolicyDescriptorType(arn: otherAccount)] }
        }
    }

    @Test("a session policy that does not allow sts:AssumeRole stops further chaining")
    func sessionPolicyStopsChaining() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.hopToTarget(f)
        let open = try await S.session(f, as: alice, role: "hop")
        try await S.assume(f, as: open, role: "target", session: "ok")
        let limited = try await S.session(f, as: alice, role: "hop") { $0.policy = K.allow("s3:GetObject") }
        await S.expectDenied(S.deniedPrefix(f, caller: limited, role: "target")) {
            try await S.assume(f, as: limited, role: "target")
        }
    }
}
