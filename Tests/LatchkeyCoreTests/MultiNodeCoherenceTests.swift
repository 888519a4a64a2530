import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeySAMLModel
import LatchkeyTestSupport
import LatchkeyTokens
import Testing

/// Two nodes (two service stacks, each with its own caches and change feed) over one store: what one node changes,
/// the other applies once its feed has ticked; the per-request state that must be shared (SAML assertions, MFA codes
/// and failures) is shared through the store. Feeds are ticked by hand: no test waits on a clock. Runs on every
/// store kind (SQLite opened twice, in memory, PostgreSQL when `LATCHKEY_TEST_DATABASE_URL` is set).
@Suite struct MultiNodeCoherenceTests {
    typealias K = RoleTestKit
    typealias U = UserTestKit

    /// A user `name` with a key, made through node `a`'s IAM operations (and announced, as the endpoint does).
    static func user(_ a: ClusterNode, _ name: String, policy: String? = nil) async throws -> IAM.AccessKey {
        let f = a.fixture
        try await U.createUser(f, name)
        if let policy {
            _ = try await f.iam.putUserPolicy(
                PutUserPolicyInput(userName: name, policyName: "grant", policyDocument: policy), caller: f.root)
        }
        let key = try await U.createKey(f, for: name)
        await a.announce()
        return key
    }

    static func resolve(_ node: ClusterNode, _ key: IAM.AccessKey) async throws -> Caller {
        try await node.fixture.resolver.resolve(
            accessKeyId: key.accessKeyId, sessionToken: nil, now: node.fixture.clock.now
        )
        .caller
    }

    @Test("a user created on one node signs on the other at once (no tick needed)", arguments: StoreKind.allCases)
    func userCreatedSignsElsewhere(kind: StoreKind) async throws {
        try await ClusterNode.withTwoNodes(kind) { a, b in
            await b.tick()
            let key = try await Self.user(a, "alice")
            let caller = try await Self.resolve(b, key)
            #expect(caller.arn == K.userArn(b.fixture, "alice"))
        }
    }

    @Test(
        "a key disabled (then deleted) on one node is refused on the other once its feed ticks",
        arguments: StoreKind.allCases)
    func keyDisabledElsewhere(kind: StoreKind) async throws {
        try await ClusterNode.withTwoNodes(kind) { a, b in
            let key = try await Self.user(a, "alice")
            await b.tick()
            _ = try await Self.resolve(b, key)  // cached on b
            _ = try await a.fixture.iam.updateAccessKey(
                UpdateAccessKeyInput(accessKeyId: key.accessKeyId, status: "Inactive", userName: "alice"),
                caller: a.fixture.root)
            await a.announce()
            // Until b polls, it serves its cache (the TTL is a 30 s backstop): the feed is what makes b see it.
            _ = try await Self.resolve(b, key)
            #expect(await b.tick())
            await K.expectError(.invalidClientTokenId) { try await Self.resolve(b, key) }
            // On a itself the write took effect at once.
            await K.expectError(.invalidClientTokenId) { try await Self.resolve(a, key) }
        }
    }

    @Test("a trust policy changed on one node applies on the other once its feed ticks", arguments: StoreKind.allCases)
    func trustPolicyChangedElsewhere(kind: StoreKind) async throws {
        try await ClusterNode.withTwoNodes(kind) { a, b in
            let key = try await Self.user(a, "alice", policy: K.allow("sts:AssumeRole"))
            try await K.createRole(a.fixture, "deploy", trust: K.trust(K.userArn(a.fixture, "alice")))
            await a.announce()
            await b.tick()
            let alice = try await Self.resolve(b, key)
            _ = try await STSTestKit.assume(b.fixture, as: alice, role: "deploy")  // role cached on b
            _ = try await a.fixture.iam.updateAssumeRolePolicy(
                UpdateAssumeRolePolicyInput(roleName: "deploy", policyDocument: K.trust(K.userArn(a.fixture, "bob"))),
                caller: a.fixture.root)
            await a.announce()
            #expect(await b.tick())
            await STSTestKit.expectDenied(STSTestKit.deniedPrefix(b.fixture, caller: alice, role: "deploy")) {
                try await STSTestKit.assume(b.fixture, as: alice, role: "deploy")
            }
        }
    }

    @Test(
        "a policy detached on one node stops authorizing on the other once its feed ticks",
        arguments: StoreKind.allCases)
    func policyDetachedElsewhere(kind: StoreKind) async throws {
        try await ClusterNode.withTwoNodes(kind) { a, b in
            let key = try await Self.user(a, "alice")
            let arn = try await K.createPolicy(a.fixture, "list-users", document: K.allow("iam:ListUsers"))
            _ = try await a.fixture.iam.attachUserPolicy(
                AttachUserPolicyInput(userName: "alice", policyArn: arn), caller: a.fixture.root)
            await a.announce()
            await b.tick()
            let alice = try await Self.resolve(b, key)
            _ = try await b.fixture.iam.listUsers(ListUsersInput(), caller: alice)  // policies cached on b
            _ = try await a.fixture.iam.detachUserPolicy(
                DetachUserPolicyInput(userName: "alice", policyArn: arn), caller: a.fixture.root)
            await a.announce()
            #expect(await b.tick())
            await U.expectDenied(alice, "iam:ListUsers", on: "arn:aws:iam::\(b.fixture.accountId):user/") {
                try await b.fixture.iam.listUsers(ListUsersInput(), caller: alice)
            }
        }
    }

    @Test("a managed policy named by a session is read once per change, not per request", arguments: StoreKind.allCases)
    func sessionPolicyArnCached(kind: StoreKind) async throws {
        try await ClusterNode.withTwoNodes(kind) { a, b in
            let key = try await Self.user(a, "alice", policy: K.allow("*"))
            try await K.createRole(a.fixture, "deploy", trust: K.trust(K.userArn(a.fixture, "alice")))
            _ = try await a.fixture.iam.putRolePolicy(
                PutRolePolicyInput(roleName: "deploy", policyName: "all", policyDocument: K.allow("iam:*")),
                caller: a.fixture.root)
            let narrow = try await K.createPolicy(a.fixture, "narrow", document: K.allow("iam:ListUsers"))
            await a.announce()
            await b.tick()
            let alice = try await Self.resolve(b, key)
            let session = try await STSTestKit.session(b.fixture, as: alice, role: "deploy") {
                $0.policyArns = [PolicyDescriptorType(arn: narrow)]
            }
            _ = try await b.fixture.iam.listUsers(ListUsersInput(), caller: session)
            // The policy's new default version (made on a) narrows the session on b once b's feed ticks.
            _ = try await a.fixture.iam.createPolicyVersion(
                CreatePolicyVersionInput(policyArn: narrow, policyDocument: K.allow("iam:GetUser"), setAsDefault: true),
                caller: a.fixture.root, now: a.fixture.clock.now)
            await a.announce()
            _ = try await b.fixture.iam.listUsers(ListUsersInput(), caller: session)  // still the cached document
            #expect(await b.tick())
            await K.expectError(.accessDenied) { try await b.fixture.iam.listUsers(ListUsersInput(), caller: session) }
        }
    }

    // MARK: Shared per-request state

    /// Answers every response with `assertion`.
    struct FixedVerifier: SAMLResponseVerifying {
        var assertion: VerifiedSAMLAssertion

        func verify(samlResponseBase64: String, trustedCertificates: [[UInt8]], now: Date) throws(SAMLError)
            -> VerifiedSAMLAssertion
        {
            assertion
        }
    }

    @Test("a SAML assertion accepted on one node is refused on the other", arguments: StoreKind.allCases)
    func samlAssertionOnce(kind: StoreKind) async throws {
        try await ClusterNode.withTwoNodes(kind) { a, b in
            try await SAMLTests.setUp(a.fixture)
            await a.announce()
            let assertion = try SAMLTests.assertion(a.fixture, id: "_once", aws: SAMLTests.attributes(a.fixture))
            var stsA = a.fixture.sts
            stsA.saml = SAMLFederation(verifier: FixedVerifier(assertion: assertion))
            var stsB = b.fixture.sts
            stsB.saml = SAMLFederation(verifier: FixedVerifier(assertion: assertion))
            _ = try await SAMLTests.assume(stsA, a.fixture)
            await K.expectError(.invalidIdentityToken, "The SAML assertion was already used.") {
                try await SAMLTests.assume(stsB, b.fixture)
            }
            // Another assertion of the same IdP is accepted on b.
            stsB.saml = SAMLFederation(
                verifier: FixedVerifier(
                    assertion: try SAMLTests.assertion(a.fixture, id: "_other", aws: SAMLTests.attributes(a.fixture))))
            _ = try await SAMLTests.assume(stsB, b.fixture)
        }
    }

    @Test("the same SAML assertion sent to both nodes at once is accepted exactly once", arguments: StoreKind.allCases)
    func samlAssertionRace(kind: StoreKind) async throws {
        try await ClusterNode.withTwoNodes(kind) { a, b in
            try await SAMLTests.setUp(a.fixture)
            await a.announce()
            let assertion = try SAMLTests.assertion(a.fixture, id: "_race", aws: SAMLTests.attributes(a.fixture))
            var stsA = a.fixture.sts
            stsA.saml = SAMLFederation(verifier: FixedVerifier(assertion: assertion))
            var stsB = b.fixture.sts
            stsB.saml = SAMLFederation(verifier: FixedVerifier(assertion: assertion))
            let (fa, fb) = (a.fixture, b.fixture)
            let (sa, sb) = (stsA, stsB)
            let accepted = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let (sts, f) = index.isMultiple(of: 2) ? (sa, fa) : (sb, fb)
                        return (try? await SAMLTests.assume(sts, f)) != nil
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(accepted == 1)
        }
    }

    @Test("an MFA code accepted on one node is refused on the other", arguments: StoreKind.allCases)
    func mfaCodeOnce(kind: StoreKind) async throws {
        try await ClusterNode.withTwoNodes(kind) { a, b in
            let key = try await Self.user(a, "alice")
            let (serial, totp) = try await STSTestKit.mfaDevice(a.fixture, user: "alice")
            await b.tick()
            let now = a.fixture.clock.now
            let input = GetSessionTokenInput(serialNumber: serial, tokenCode: totp.code(at: now))
            let aliceOnA = try await Self.resolve(a, key)
            let aliceOnB = try await Self.resolve(b, key)
            _ = try await a.fixture.sts.getSessionToken(input, caller: aliceOnA, now: now)
            await K.expectError(.accessDenied, "MultiFactorAuthentication failed with invalid MFA one time pass code.")
            {
                try await b.fixture.sts.getSessionToken(input, caller: aliceOnB, now: now)
            }
        }
    }

    @Test("wrong MFA codes sent to two nodes add up to one lockout", arguments: StoreKind.allCases)
    func mfaLockoutAcrossNodes(kind: StoreKind) async throws {
        try await ClusterNode.withTwoNodes(kind, maxMFAFailures: 5) { a, b in
            let key = try await Self.user(a, "alice")
            let (serial, totp) = try await STSTestKit.mfaDevice(a.fixture, user: "alice")
            let clock = a.fixture.clock
            let aliceOnA = try await Self.resolve(a, key)
            let aliceOnB = try await Self.resolve(b, key)
            let good = totp.code(at: clock.now)
            // A code no step of the accepted window (now, one step either side) has.
            let window = Set((-1...1).map { totp.code(step: TOTP.step(at: clock.now) + Int64($0)) })
            let wrong = try #require(["000000", "111111", "222222", "333333"].first { !window.contains($0) })
            let invalid = "MultiFactorAuthentication failed with invalid MFA one time pass code."
            for (index, node) in [a, a, a, b, b].enumerated() {
                let caller = index < 3 ? aliceOnA : aliceOnB
                await K.expectError(.accessDenied, invalid) {
                    try await node.fixture.sts.getSessionToken(
                        GetSessionTokenInput(serialNumber: serial, tokenCode: wrong), caller: caller, now: clock.now)
                }
            }
            #expect(
                try await a.fixture.store.mfaFailures(accountId: a.fixture.accountId, serialNumber: serial)?.lockedUntil
                    != nil)
            // Locked on both nodes: the right code is refused too, on a (which saw only three failures) and on b.
            await K.expectError(.accessDenied, invalid) {
                try await a.fixture.sts.getSessionToken(
                    GetSessionTokenInput(serialNumber: serial, tokenCode: good), caller: aliceOnA, now: clock.now)
            }
            // After the lockout (300 s), a good code is accepted and clears the record.
            clock.advance(by: 301)
            _ = try await b.fixture.sts.getSessionToken(
                GetSessionTokenInput(serialNumber: serial, tokenCode: totp.code(at: clock.now)), caller: aliceOnB,
                now: clock.now)
            #expect(try await a.fixture.store.mfaFailures(accountId: a.fixture.accountId, serialNumber: serial) == nil)
        }
    }

    // MARK: Outbound issuer keys

    /// The key IDs of an issuer's JWKS as `node` serves it.
    static func jwksKeyIDs(_ node: ClusterNode) async throws -> Set<String> {
        let f = node.fixture
        let outbound = try #require(f.sts.outbound)
        let data = try #require(
            try await outbound.document(
                path: "/oidc/\(f.accountId)/.well-known/jwks.json", basePath: "/oidc", now: f.clock.now))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let keys = try #require(object["keys"] as? [[String: Any]])
        return Set(keys.compactMap { $0["kid"] as? String })
    }

    /// The `kid` in the header of a compact JWT.
    static func keyID(ofJWT token: String) throws -> String {
        var header = String(try #require(token.split(separator: ".").first))
        header = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while header.count % 4 != 0 { header += "=" }
        let data = try #require(Data(base64Encoded: header))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["kid"] as? String)
    }

    @Test(
        "an outbound signing key rotated by one node is published and used by the other after its feed ticks",
        arguments: StoreKind.allCases)
    func outboundRotationElsewhere(kind: StoreKind) async throws {
        try await ClusterNode.withTwoNodes(kind) { a, b in
            let clock = a.fixture.clock
            _ = try await a.fixture.iam.enableOutboundWebIdentityFederation(
                EnableOutboundWebIdentityFederationInput(), caller: a.fixture.root, now: clock.now)
            await a.announce()
            await b.tick()
            let before = try await Self.jwksKeyIDs(b)
            let input = GetWebIdentityTokenInput(audience: ["https://example.com"], signingAlgorithm: "RS256")
            let first = try await b.fixture.sts.getWebIdentityToken(input, caller: b.fixture.root, now: clock.now)
            let oldKid = try Self.keyID(ofJWT: try #require(first.webIdentityToken))
            #expect(before.contains(oldKid))
            // 31 days later, a GetWebIdentityToken on a rotates the RS256 key (and announces it).
            clock.advance(by: 31 * 86_400)
            let rotated = try await a.fixture.sts.getWebIdentityToken(input, caller: a.fixture.root, now: clock.now)
            let newKid = try Self.keyID(ofJWT: try #require(rotated.webIdentityToken))
            #expect(newKid != oldKid)
            #expect(!(try await Self.jwksKeyIDs(b)).contains(newKid))  // b's cached state, until it polls
            #expect(await b.tick())
            let after = try await Self.jwksKeyIDs(b)
            #expect(after.contains(newKid) && after.contains(oldKid))  // the old key stays published an hour
            let signedOnB = try await b.fixture.sts.getWebIdentityToken(input, caller: b.fixture.root, now: clock.now)
            #expect(try Self.keyID(ofJWT: try #require(signedOnB.webIdentityToken)) == newKid)
        }
    }

    // MARK: Store unreachable

    @Test("stale if error: with the store closed, a cached key and a cached authorization keep working past the TTL")
    func staleIfError() async throws {
        try await ClusterNode.withTwoNodes(.sqlite, ttl: .zero) { a, b in
            let key = try await Self.user(a, "alice", policy: K.allow("sts:AssumeRole"))
            let other = try await Self.user(a, "bob")
            try await K.createRole(a.fixture, "deploy", trust: K.trust(K.userArn(a.fixture, "alice")))
            await a.announce()
            await b.tick()
            let alice = try await Self.resolve(b, key)
            _ = try await STSTestKit.assume(b.fixture, as: alice, role: "deploy")
            #expect(try b.closeSQLiteHandle())
            // Every entry is past its TTL (zero): the failed reads fall back to what b holds.
            #expect(try await Self.resolve(b, key).arn == alice.arn)
            _ = try await STSTestKit.assume(b.fixture, as: alice, role: "deploy")
            // Once the feed has seen the store fail, entries are served without trying the store.
            #expect(await b.tick() == false)
            #expect(b.feed.freshness.storeUnreachable)
            #expect(try await Self.resolve(b, key).arn == alice.arn)
            _ = try await STSTestKit.assume(b.fixture, as: alice, role: "deploy")
            // What b never cached needs the store: ServiceUnavailable, not a refusal.
            await K.expectError(.serviceUnavailable) { try await Self.resolve(b, other) }
            // A SAML assertion or an MFA code cannot be checked without the store: never accepted.
            let (serial, totp) = try await STSTestKit.mfaDevice(a.fixture, user: "alice")
            let mfaInput = GetSessionTokenInput(serialNumber: serial, tokenCode: totp.code(at: b.fixture.clock.now))
            await K.expectError(.serviceUnavailable) {
                try await b.fixture.sts.getSessionToken(mfaInput, caller: alice, now: b.fixture.clock.now)
            }
        }
    }
}
