import Foundation
import LatchkeyQuery
import LatchkeySigV4
import Testing

/// Regression tests for the same-account trust-policy bypass (issue 9, bug 1): a role's trust policy must allow
/// every AssumeRole, whatever the caller's identity-based policies say. In each test the caller's identity policy
/// allows everything the request needs (`sts:*` on every resource), so only the trust policy can refuse.
@Suite struct TrustPolicyBypassTests {
    typealias F = RoleFixtures
    static let accountRoot = "arn:aws:iam::\(TestServer.accountId):root"
    static let everything = F.allow("sts:*")

    /// Alice with an identity policy allowing every STS action on every resource.
    static func allowedAlice(_ server: TestServer) async throws -> SigV4Credentials {
        let alice = try await server.userWithKey("alice")
        try await server.iam("PutUserPolicy", ["UserName": "alice", "PolicyName": "sts", "PolicyDocument": everything])
            .expectSuccess("PutUserPolicy")
        return alice
    }

    static func expectDenied(
        _ reply: Reply, caller: String, action: String = "sts:AssumeRole", role: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let error = try reply.expectError("AccessDenied", status: 403, sourceLocation: sourceLocation)
        #expect(
            error.message.hasPrefix(
                "User: \(caller) is not authorized to perform: \(action) on resource: \(F.roleArn(role))"),
            sourceLocation: sourceLocation)
    }

    @Test("an MFA condition on the account's trust is not bypassed by an identity policy (the issue's reproduction)")
    func mfaConditionOnAccountTrust() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await server.iam(
                "PutUserPolicy",
                [
                    "UserName": "alice", "PolicyName": "r",
                    "PolicyDocument": F.allow("sts:AssumeRole", resource: F.roleArn("R")),
                ]
            ).expectSuccess("PutUserPolicy")
            try await F.createRole(
                server, "R",
                trust: F.trust(Self.accountRoot, condition: #"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#))
            try Self.expectDenied(
                try await F.assumeRole(server, as: alice, role: "R"), caller: F.userArn("alice"), role: "R")
        }
    }

    @Test("a trust policy that names another principal is not bypassed by an identity policy")
    func trustNamesSomeoneElse() async throws {
        try await TestServer.run { server in
            let alice = try await Self.allowedAlice(server)
            try await server.createUser("bob")
            try await F.createRole(server, "R", trust: F.trust(F.userArn("bob")))
            try Self.expectDenied(
                try await F.assumeRole(server, as: alice, role: "R"), caller: F.userArn("alice"), role: "R")
        }
    }

    @Test("an unmet sts:ExternalId condition on the account's trust is not bypassed; the right ID is admitted")
    func externalIdOnAccountTrust() async throws {
        try await TestServer.run { server in
            let alice = try await Self.allowedAlice(server)
            try await F.createRole(
                server, "R",
                trust: F.trust(Self.accountRoot, condition: #"{"StringEquals":{"sts:ExternalId":"id-42"}}"#))
            try Self.expectDenied(
                try await F.assumeRole(server, as: alice, role: "R"), caller: F.userArn("alice"), role: "R")
            try Self.expectDenied(
                try await F.assumeRole(server, as: alice, role: "R", [("ExternalId", "id-43")]),
                caller: F.userArn("alice"),
                role: "R")
            _ = try await F.session(server, as: alice, role: "R", [("ExternalId", "id-42")])
        }
    }

    @Test("an aws:PrincipalTag condition fails for a tag that was not transitive, and holds for one that was")
    func principalTagThroughChaining() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await F.createRole(
                server, "hop", trust: F.trust(F.userArn("alice"), actions: ["sts:AssumeRole", "sts:TagSession"]))
            try await F.createRole(server, "mid", trust: F.trust(Self.accountRoot))
            try await F.createRole(
                server, "final",
                trust: F.trust(Self.accountRoot, condition: #"{"StringEquals":{"aws:PrincipalTag/dept":"eng"}}"#))
            for role in ["hop", "mid"] {
                try await server.iam(
                    "PutRolePolicy", ["RoleName": role, "PolicyName": "sts", "PolicyDocument": Self.everything]
                )
                .expectSuccess("PutRolePolicy")
            }
            let tag = [("Tags.member.1.Key", "dept"), ("Tags.member.1.Value", "eng")]
            // Not transitive: hop's session carries dept=eng, mid's does not inherit it.
            let hop = try await F.session(server, as: alice, role: "hop", tag)
            let mid = try await F.session(server, as: hop, role: "mid", session: "s2")
            try Self.expectDenied(
                try await F.assumeRole(server, as: mid, role: "final", session: "s3"),
                caller: "arn:aws:sts::\(TestServer.accountId):assumed-role/mid/s2", role: "final")
            // Transitive: inherited through the chain, so the condition holds.
            let transitiveHop = try await F.session(
                server, as: alice, role: "hop", session: "t1", tag + [("TransitiveTagKeys.member.1", "dept")])
            let transitiveMid = try await F.session(server, as: transitiveHop, role: "mid", session: "t2")
            _ = try await F.session(server, as: transitiveMid, role: "final", session: "t3")
        }
    }

    @Test("session tags need sts:TagSession in the trust policy, whatever the identity policy allows")
    func tagSessionNotInTrust() async throws {
        try await TestServer.run { server in
            let alice = try await Self.allowedAlice(server)
            try await F.createRole(server, "R", trust: F.trust(Self.accountRoot))
            _ = try await F.session(server, as: alice, role: "R")
            try Self.expectDenied(
                try await F.assumeRole(
                    server, as: alice, role: "R", [("Tags.member.1.Key", "k"), ("Tags.member.1.Value", "v")]),
                caller: F.userArn("alice"), action: "sts:TagSession", role: "R")
        }
    }

    @Test("a source identity needs sts:SetSourceIdentity in the trust policy, whatever the identity policy allows")
    func setSourceIdentityNotInTrust() async throws {
        try await TestServer.run { server in
            let alice = try await Self.allowedAlice(server)
            try await F.createRole(server, "R", trust: F.trust(F.userArn("alice")))
            try Self.expectDenied(
                try await F.assumeRole(server, as: alice, role: "R", [("SourceIdentity", "alice")]),
                caller: F.userArn("alice"), action: "sts:SetSourceIdentity", role: "R")
        }
    }

    @Test("an sts:SourceIdentity condition with another value is not bypassed")
    func sourceIdentityCondition() async throws {
        try await TestServer.run { server in
            let alice = try await Self.allowedAlice(server)
            try await F.createRole(
                server, "R",
                trust: F.trust(
                    Self.accountRoot, actions: ["sts:AssumeRole", "sts:SetSourceIdentity"],
                    condition: #"{"StringEquals":{"sts:SourceIdentity":"alice"}}"#))
            try Self.expectDenied(
                try await F.assumeRole(server, as: alice, role: "R", [("SourceIdentity", "mallory")]),
                caller: F.userArn("alice"), role: "R")
            _ = try await F.session(server, as: alice, role: "R", [("SourceIdentity", "alice")])
        }
    }

    @Test("a GetSessionToken session without MFA does not meet a trust policy's MFA condition")
    func sessionWithoutMFA() async throws {
        try await TestServer.run { server in
            let alice = try await Self.allowedAlice(server)
            try await F.createRole(
                server, "R",
                trust: F.trust(F.userArn("alice"), condition: #"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#))
            let session = try await server.sessionToken(as: alice)
            try Self.expectDenied(
                try await F.assumeRole(server, as: session.credentials, role: "R"), caller: F.userArn("alice"),
                role: "R")
        }
    }

    @Test("without a trust policy grant, only an identity policy: denied; with the account trusted: allowed")
    func identityPolicyAloneNeverSuffices() async throws {
        try await TestServer.run { server in
            let alice = try await Self.allowedAlice(server)
            // The trust policy trusts only the partner account.
            try await F.createRole(server, "R", trust: F.trust("arn:aws:iam::444455556666:root"))
            try Self.expectDenied(
                try await F.assumeRole(server, as: alice, role: "R"), caller: F.userArn("alice"), role: "R")
            try await server.iam(
                "UpdateAssumeRolePolicy", ["RoleName": "R", "PolicyDocument": F.trust(Self.accountRoot)]
            )
            .expectSuccess("UpdateAssumeRolePolicy")
            _ = try await F.session(server, as: alice, role: "R")
        }
    }
}
