import Foundation
import LatchkeyBase
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import LatchkeyTokens
import Testing

/// Revocation before expiry, without HTTP: the AWS way (a role policy denying on `aws:TokenIssueTime`) and
/// Latchkey's `RevokeSessions` (the operation's rules, the check in `CredentialResolver`, session ancestry through
/// role chaining, GetSessionToken and GetFederationToken, and a second node's copy read from the store).
@Suite struct SessionRevocationTests {
    typealias K = RoleTestKit
    typealias S = STSTestKit

    /// Alice (allowed to assume `worker`), the role `worker` trusting the account and allowed `iam:GetRole`, and
    /// `next`, a role `worker` sessions may chain into.
    static func world(_ f: ServiceFixture) async throws -> Caller {
        let alice = try await f.user(named: "alice")
        try await K.grant(f, user: "alice", K.allow("sts:*"))
        try await K.createRole(f, "worker")
        try await K.createRole(f, "next")
        for role in ["worker", "next"] {
            try await S.grant(
                f, role: role,
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetRole","sts:AssumeRole"],"#
                    + #""Resource":"*"}]}"#)
        }
        return alice
    }

    /// The resolver's answer to temporary credentials: nil when accepted, else the error code.
    static func refusal(_ f: ServiceFixture, _ credentials: Credentials?) async throws -> STSError.Code? {
        let credentials = try #require(credentials)
        do {
            _ = try await f.resolver.resolve(
                accessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken, now: f.clock.now)
            return nil
        } catch {
            return error.code
        }
    }

    static func revoke(
        _ f: ServiceFixture, as caller: Caller? = nil, accessKeyId: String? = nil, principalArn: String? = nil,
        issuedBefore: Date? = nil
    ) async throws -> RevokeSessionsOutput {
        try await f.iam.revokeSessions(
            RevokeSessionsInput(accessKeyId: accessKeyId, principalArn: principalArn, issuedBefore: issuedBefore),
            caller: caller ?? f.root, now: f.clock.now)
    }

    // MARK: The AWS way

    /// The document the IAM console writes as `AWSRevokeOlderSessions` ("Revoke active sessions").
    static func revokeOlderSessions(_ time: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"],"#
            + #""Condition":{"DateLessThan":{"aws:TokenIssueTime":"\#(time)"}}}]}"#
    }

    @Test("AWSRevokeOlderSessions denies sessions issued before its time and allows newer ones; without it, allowed")
    func tokenIssueTimePolicy() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.world(f)
        let older = try await S.session(f, as: alice, role: "worker", session: "older")
        // No policy: the session works.
        _ = try await f.iam.getRole(GetRoleInput(roleName: "worker"), caller: older)

        f.clock.advance(by: 10)
        let cutoff = AWSTimestamp.string(from: f.clock.now)
        try await S.grant(f, role: "worker", Self.revokeOlderSessions(cutoff), name: "AWSRevokeOlderSessions")
        f.clock.advance(by: 1)
        let newer = try await S.session(f, as: alice, role: "worker", session: "newer")

        await K.expectError(.accessDenied) {
            try await f.iam.getRole(GetRoleInput(roleName: "worker"), caller: older)
        }
        _ = try await f.iam.getRole(GetRoleInput(roleName: "worker"), caller: newer)
    }

    @Test("AWSRevokeOlderSessions written on one node denies on another once its change feed ticks (measured)")
    func tokenIssueTimePolicyAcrossNodes() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.world(f)
        let older = try await S.session(f, as: alice, role: "worker", session: "older")
        // Node 2: its own caches (30 s backstop TTL) over the same store, cleared by its change feed.
        let feed = ChangeFeed(store: f.store, interval: .milliseconds(200))
        let resolver2 = CredentialResolver(
            store: f.store, secretBox: f.secretBox, keyRing: f.keyRing, freshness: feed.freshness)
        let authorizer2 = Authorizer(store: f.store, freshness: feed.freshness)
        let node2 = IAMService(
            store: f.store, secretBox: f.secretBox, resolver: resolver2, authorizer: authorizer2,
            clock: f.clock.closure)
        feed.subscribeCaches(resolver: resolver2, authorizer: authorizer2, outbound: nil)
        await feed.tick()
        // Allowed on node 2, which now has the role's policies cached.
        _ = try await node2.getRole(GetRoleInput(roleName: "worker"), caller: older)
        let polling = Task { await feed.run() }
        defer { polling.cancel() }

        f.clock.advance(by: 10)
        let policy = PutRolePolicyInput(
            roleName: "worker", policyName: "AWSRevokeOlderSessions",
            policyDocument: Self.revokeOlderSessions(AWSTimestamp.string(from: f.clock.now)))
        let start = ContinuousClock.now
        _ = try await f.iam.putRolePolicy(policy, caller: f.root)
        try await f.store.announceChange()  // as node 1's endpoint does after every IAM write
        var denied = false
        while !denied, start.duration(to: .now) < .seconds(60) {
            do throws(STSError) {
                _ = try await node2.getRole(GetRoleInput(roleName: "worker"), caller: older)
            } catch {
                denied = error.code == .accessDenied
            }
            if !denied { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(denied)
        print("AWSRevokeOlderSessions from node 1 to node 2 (change feed every 200 ms): \(start.duration(to: .now))")
    }

    // MARK: RevokeSessions: what is refused

    @Test("a role's sessions issued before the revocation are refused, a newer one works, and so does the output")
    func roleRevocation() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.world(f)
        let first = try await S.assume(f, as: alice, role: "worker", session: "a").credentials
        let second = try await S.assume(f, as: alice, role: "worker", session: "b").credentials
        #expect(try await Self.refusal(f, first) == nil)

        f.clock.advance(by: 5)
        let output = try await Self.revoke(f, principalArn: K.roleArn(f, "worker"))
        #expect(output.issuedBefore == f.clock.now)
        #expect(output.expiresAt == f.clock.now.addingTimeInterval(36 * 3600 + 300))
        #expect(output.revocationId?.hasPrefix("ASRV") == true)
        #expect(try await Self.refusal(f, first) == .invalidClientTokenId)
        #expect(try await Self.refusal(f, second) == .invalidClientTokenId)

        f.clock.advance(by: 1)
        let newer = try await S.assume(f, as: alice, role: "worker", session: "a").credentials
        #expect(try await Self.refusal(f, newer) == nil)
        // Another role is untouched.
        let other = try await S.assume(f, as: alice, role: "next").credentials
        #expect(try await Self.refusal(f, other) == nil)
    }

    @Test("one ASIA session revoked: that session only; its chained sessions too")
    func sessionRevocationAndChaining() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.world(f)
        let revoked = try await S.assume(f, as: alice, role: "worker", session: "a")
        let sibling = try await S.assume(f, as: alice, role: "worker", session: "b").credentials
        let revokedCaller = try await S.caller(f, revoked.credentials)
        let chained = try await S.assume(f, as: revokedCaller, role: "next").credentials
        let twice = try await S.assume(f, as: try await S.caller(f, chained), role: "worker").credentials

        f.clock.advance(by: 1)
        _ = try await Self.revoke(f, accessKeyId: revoked.credentials?.accessKeyId)
        #expect(try await Self.refusal(f, revoked.credentials) == .invalidClientTokenId)
        #expect(try await Self.refusal(f, chained) == .invalidClientTokenId)
        #expect(try await Self.refusal(f, twice) == .invalidClientTokenId)
        #expect(try await Self.refusal(f, sibling) == nil)
        // The revoked session cannot mint a new one: it is refused at authentication.
    }

    @Test("revoking the first role of a chain refuses sessions chained from it into another role")
    func chainedThroughRole() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.world(f)
        let worker = try await S.session(f, as: alice, role: "worker")
        let chained = try await S.assume(f, as: worker, role: "next").credentials
        f.clock.advance(by: 1)
        _ = try await Self.revoke(f, principalArn: K.roleArn(f, "worker"))
        #expect(try await Self.refusal(f, chained) == .invalidClientTokenId)
    }

    @Test("an AKIA key revoked: its GetSessionToken and AssumeRole sessions are refused, another key's are not")
    func longTermKeyRevocation() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.world(f)
        let bob = try await f.user(named: "bob")
        try await K.grant(f, user: "bob", K.allow("sts:*"))
        let aliceSession = try await f.sts.getSessionToken(GetSessionTokenInput(), caller: alice, now: f.clock.now)
        let aliceRole = try await S.assume(f, as: alice, role: "worker").credentials
        let bobSession = try await f.sts.getSessionToken(GetSessionTokenInput(), caller: bob, now: f.clock.now)

        f.clock.advance(by: 1)
        _ = try await Self.revoke(f, accessKeyId: alice.accessKeyId)
        #expect(try await Self.refusal(f, aliceSession.credentials) == .invalidClientTokenId)
        #expect(try await Self.refusal(f, aliceRole) == .invalidClientTokenId)
        #expect(try await Self.refusal(f, bobSession.credentials) == nil)
        // The key itself still signs (revocation is about sessions; UpdateAccessKey disables keys), and a new
        // session from it is accepted.
        f.clock.advance(by: 1)
        let fresh = try await f.sts.getSessionToken(GetSessionTokenInput(), caller: alice, now: f.clock.now)
        #expect(try await Self.refusal(f, fresh.credentials) == nil)
    }

    @Test("a user revoked: GetSessionToken, GetFederationToken and role sessions derived from the user are refused")
    func userRevocation() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.world(f)
        let session = try await f.sts.getSessionToken(GetSessionTokenInput(), caller: alice, now: f.clock.now)
        let federated = try await f.sts.getFederationToken(
            GetFederationTokenInput(name: "carol", policy: K.allow("s3:*")), caller: alice, now: f.clock.now)
        let role = try await S.assume(f, as: alice, role: "worker").credentials
        f.clock.advance(by: 1)
        _ = try await Self.revoke(f, principalArn: K.userArn(f, "alice"))
        #expect(try await Self.refusal(f, session.credentials) == .invalidClientTokenId)
        #expect(try await Self.refusal(f, federated.credentials) == .invalidClientTokenId)
        #expect(try await Self.refusal(f, role) == .invalidClientTokenId)
    }

    @Test("a federated user and an assumed-role session can be named by their ARNs")
    func federatedAndAssumedRoleArns() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.world(f)
        let carol = try await f.sts.getFederationToken(
            GetFederationTokenInput(name: "carol", policy: K.allow("s3:*")), caller: alice, now: f.clock.now)
        let dave = try await f.sts.getFederationToken(
            GetFederationTokenInput(name: "dave", policy: K.allow("s3:*")), caller: alice, now: f.clock.now)
        let a = try await S.assume(f, as: alice, role: "worker", session: "aa").credentials
        let b = try await S.assume(f, as: alice, role: "worker", session: "bb").credentials
        f.clock.advance(by: 1)
        _ = try await Self.revoke(f, principalArn: "arn:aws:sts::\(f.accountId):federated-user/carol")
        _ = try await Self.revoke(f, principalArn: "arn:aws:sts::\(f.accountId):assumed-role/worker/aa")
        #expect(try await Self.refusal(f, carol.credentials) == .invalidClientTokenId)
        #expect(try await Self.refusal(f, dave.credentials) == nil)
        #expect(try await Self.refusal(f, a) == .invalidClientTokenId)
        #expect(try await Self.refusal(f, b) == nil)
    }

    @Test("IssuedBefore in the past revokes only the sessions issued before it")
    func issuedBeforeInThePast() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.world(f)
        let old = try await S.assume(f, as: alice, role: "worker").credentials
        f.clock.advance(by: 100)
        let recent = try await S.assume(f, as: alice, role: "worker").credentials
        f.clock.advance(by: 100)
        _ = try await Self.revoke(
            f, principalArn: K.roleArn(f, "worker"), issuedBefore: TestClock.start.addingTimeInterval(50))
        #expect(try await Self.refusal(f, old) == .invalidClientTokenId)
        #expect(try await Self.refusal(f, recent) == nil)
    }

    // MARK: RevokeSessions: who may, and bad input

    @Test("iam:RevokeSessions is needed: a user without it is denied, a user allowed on the role's ARN may")
    func authorization() async throws {
        let f = try await ServiceFixture.make()
        _ = try await Self.world(f)
        let mallory = try await f.user(named: "mallory")
        await K.expectError(.accessDenied) {
            try await Self.revoke(f, as: mallory, principalArn: K.roleArn(f, "worker"))
        }
        await K.expectError(.accessDenied) {
            try await Self.revoke(f, as: mallory, accessKeyId: mallory.accessKeyId)
        }
        let operator_ = try await f.user(named: "operator")
        try await K.grant(f, user: "operator", K.allow("iam:RevokeSessions", resource: K.roleArn(f, "worker")))
        _ = try await Self.revoke(f, as: operator_, principalArn: K.roleArn(f, "worker"))
        // Allowed on the role only: not on another role, nor on an ASIA session (the account's ARN is its resource).
        await K.expectError(.accessDenied) {
            try await Self.revoke(f, as: operator_, principalArn: K.roleArn(f, "next"))
        }
        let asia = AccessKeyID.generate(kind: .temporary, account: f.accountId)
        await K.expectError(.accessDenied) { try await Self.revoke(f, as: operator_, accessKeyId: asia) }
    }

    @Test("bad input: both or neither target, a future IssuedBefore, unknown principals, malformed values")
    func badInput() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.world(f)
        await K.expectError(.validationError, "Exactly one of AccessKeyId and PrincipalArn must be specified.") {
            try await Self.revoke(f)
        }
        await K.expectError(.validationError) {
            try await Self.revoke(f, accessKeyId: alice.accessKeyId, principalArn: K.userArn(f, "alice"))
        }
        await K.expectError(.validationError, "IssuedBefore must not be in the future.") {
            try await Self.revoke(f, principalArn: K.userArn(f, "alice"), issuedBefore: f.clock.now + 60)
        }
        await K.expectError(.noSuchEntity, "The role with name ghost cannot be found.") {
            try await Self.revoke(f, principalArn: K.roleArn(f, "ghost"))
        }
        await K.expectError(.noSuchEntity, "The user with name ghost cannot be found.") {
            try await Self.revoke(f, principalArn: K.userArn(f, "ghost"))
        }
        // A path other than the role's own: not that role.
        await K.expectError(.noSuchEntity) {
            try await Self.revoke(f, principalArn: K.roleArn(f, "worker", path: "/other/"))
        }
        let unknownKey = AccessKeyID.generate(kind: .longTerm, account: f.accountId)
        await K.expectError(.noSuchEntity, "The Access Key with id \(unknownKey) cannot be found.") {
            try await Self.revoke(f, accessKeyId: unknownKey)
        }
        for arn in [
            "arn:aws:iam::\(f.accountId):policy/p", "arn:aws:iam::\(f.accountId):role/", "not an arn",
            "arn:aws:iam::12345:user/alice", "arn:aws:sts::\(f.accountId):federated-user/x",
            "arn:aws:iam::\(f.accountId):user//alice",
        ] {
            await K.expectError(.invalidInput) { try await Self.revoke(f, principalArn: arn) }
        }
        await K.expectError(.invalidInput) { try await Self.revoke(f, accessKeyId: "XKIAIOSFODNN7EXAMPLE") }
        #expect(f.resolver.revocations.isEmpty)
    }

    @Test("another account's principal is AccessDenied, whoever asks (the root too)")
    func foreignAccount() async throws {
        let f = try await ServiceFixture.make()
        let foreign = f.accountId == "111122223333" ? "444455556666" : "111122223333"
        for arn in [
            "arn:aws:iam::\(foreign):role/worker", "arn:aws:iam::\(foreign):user/alice", "arn:aws:iam::\(foreign):root",
        ] {
            await K.expectError(.accessDenied) { try await Self.revoke(f, principalArn: arn) }
        }
        let foreignSession = AccessKeyID.generate(kind: .temporary, account: foreign)
        await K.expectError(.accessDenied) { try await Self.revoke(f, accessKeyId: foreignSession) }
        #expect(f.resolver.revocations.isEmpty)
    }

    // MARK: The copy on each node

    @Test("a second node reads the revocations from the store; expired ones are pruned", arguments: StoreKind.allCases)
    func secondNodeAndPruning(kind: StoreKind) async throws {
        try await kind.withEmptyStore { store in try await Self.secondNodeAndPruning(store) }
    }

    static func secondNodeAndPruning(_ store: any LatchkeyStore) async throws {
        let f = try await ServiceFixture.make(store: store)
        let alice = try await Self.world(f)
        let session = try await S.assume(f, as: alice, role: "worker").credentials
        // Node 2: its own resolver (the same keys, as every node of a deployment has) over the same store.
        let node2 = CredentialResolver(store: f.store, secretBox: f.secretBox, keyRing: f.keyRing)
        let sync = SessionRevocationSync(revocations: node2.revocations, store: f.store, clock: f.clock.closure)
        let credentials = try #require(session)
        func node2Refuses() async -> Bool {
            do {
                _ = try await node2.resolve(
                    accessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken, now: f.clock.now)
                return false
            } catch {
                return error.code == .invalidClientTokenId
            }
        }
        f.clock.advance(by: 1)
        _ = try await Self.revoke(f, principalArn: K.roleArn(f, "worker"))
        #expect(await node2Refuses() == false)  // not read yet: this is what the change feed is for
        try await sync.reload()
        #expect(await node2Refuses())
        #expect(node2.revocations.revocations.count == 1)

        // 36 h + 5 min later the revocation has expired: pruned from the store and from the copy.
        f.clock.advance(by: IAMService.revocationLifetime)
        #expect(try await sync.prune() == 1)
        #expect(node2.revocations.isEmpty)
        #expect(try await f.store.sessionRevocations(liveAt: TestClock.start).isEmpty)
    }

    @Test(
        "the change feed carries a revocation to another node: measured from RevokeSessions to the refusal",
        arguments: StoreKind.allCases)
    func changeFeedPropagation(kind: StoreKind) async throws {
        try await kind.withEmptyStore { store in try await Self.changeFeedPropagation(store, kind: kind) }
    }

    static func changeFeedPropagation(_ store: any LatchkeyStore, kind: StoreKind) async throws {
        let f = try await ServiceFixture.make(store: store)
        let alice = try await Self.world(f)
        let credentials = try #require(try await S.assume(f, as: alice, role: "worker").credentials)
        let node2 = CredentialResolver(store: f.store, secretBox: f.secretBox, keyRing: f.keyRing)
        let sync = SessionRevocationSync(revocations: node2.revocations, store: f.store, clock: f.clock.closure)
        let feed = ChangeFeed(store: f.store, interval: .milliseconds(200))
        sync.subscribe(to: feed)
        await feed.tick()
        let polling = Task { await feed.run() }
        defer { polling.cancel() }

        f.clock.advance(by: 1)
        let start = ContinuousClock.now
        _ = try await Self.revoke(f, accessKeyId: credentials.accessKeyId)
        try await f.store.announceChange()  // as the endpoint does after every IAM write
        var refused = false
        while !refused, start.duration(to: .now) < .seconds(60) {
            do throws(STSError) {
                _ = try await node2.resolve(
                    accessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken, now: f.clock.now)
            } catch {
                refused = error.code == .invalidClientTokenId
            }
            if !refused { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(refused)
        print("revocation propagation on \(kind) (in-process, change feed every 200 ms): \(start.duration(to: .now))")
    }

    // MARK: Ancestry

    @Test("ancestry: encoded and read back; juggling a role keeps it bounded and the role still revokes")
    func ancestryBounds() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await Self.world(f)
        try await S.setTrust(f, role: "worker", K.trust(f.accountId))
        var caller = try await S.session(f, as: alice, role: "worker")
        var credentials: Credentials?
        for hop in 0..<24 {
            f.clock.advance(by: 1)
            let output = try await S.assume(f, as: caller, role: "worker", session: "hop\(hop)")
            credentials = output.credentials
            caller = try await S.caller(f, credentials)
        }
        let claims = try #require(caller.sessionClaims)
        let bytes = try #require(claims.extensions[SessionAncestry.extensionTag])
        let ancestry = try #require(SessionAncestry(decoding: bytes))
        #expect(SessionAncestry(decoding: ancestry.encoded()) == ancestry)
        #expect(bytes.count <= SessionAncestry.maximumEncodedBytes)
        let sessionIDs = ancestry.ancestors.filter { $0.identifier.hasPrefix("ASIA") }
        #expect(sessionIDs.count == SessionAncestry.maximumSessionIDs)
        // The chain's start is kept: alice's key and ARN, at the first session's time.
        #expect(ancestry.ancestors.contains { $0.identifier == alice.accessKeyId && $0.issuedAt == 1_750_000_000 })
        #expect(ancestry.ancestors.contains { $0.identifier == alice.arn })
        // The role appears once, with the first session's time.
        #expect(ancestry.ancestors.filter { $0.identifier == K.roleArn(f, "worker") }.count == 1)
        _ = try await Self.revoke(
            f, principalArn: K.roleArn(f, "worker"), issuedBefore: TestClock.start.addingTimeInterval(1))
        #expect(try await Self.refusal(f, credentials) == .invalidClientTokenId)
        #expect(SessionAncestry(decoding: [2]) == nil)
        #expect(SessionAncestry(decoding: [1, 0, 0]) == nil)
    }
}
