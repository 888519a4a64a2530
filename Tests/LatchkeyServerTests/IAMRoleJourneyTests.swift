import Foundation
import LatchkeyQuery
import LatchkeySigV4
import Testing

/// AssumeRole against roles made with the IAM API: trust, identity, session policies, chaining and session tags.
@Suite struct IAMRoleJourneyTests {
    typealias F = RoleFixtures
    static let accountTrust = RoleFixtures.trust("arn:aws:iam::111122223333:root")

    /// Alice and a role `hop` that trusts her directly and may assume `target`.
    static func hopToTarget(_ server: TestServer, targetTrust: String = accountTrust) async throws -> SigV4Credentials {
        let alice = try await server.userWithKey("alice")
        try await F.createRole(
            server, "hop", trust: F.trust(F.userArn("alice"), actions: ["sts:AssumeRole", "sts:TagSession"]))
        try await server.iam(
            "PutRolePolicy",
            [
                "RoleName": "hop", "PolicyName": "chain",
                "PolicyDocument": F.allow("sts:AssumeRole", resource: F.roleArn("target")),
            ]
        ).expectSuccess("PutRolePolicy")
        try await F.createRole(server, "target", trust: targetTrust)
        return alice
    }

    @Test("a same-account user named in the trust policy assumes the role without any identity policy")
    func directTrust() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let role = try await F.createRole(server, "reader", trust: F.trust(F.userArn("alice")))
            let roleId = try #require(role.text("RoleId"))
            let reply = try await F.assumeRole(server, as: alice, role: "reader", session: "build-7")
            let result = try reply.result("AssumeRole")
            #expect(result.text("AssumedRoleUser", "Arn") == "arn:aws:sts::111122223333:assumed-role/reader/build-7")
            #expect(result.text("AssumedRoleUser", "AssumedRoleId") == "\(roleId):build-7")
            #expect(result.text("Credentials", "Expiration") == "2025-06-15T16:06:40Z")

            let identity = try await server.callerIdentity(as: try F.credentials(reply))
            #expect(identity.arn == "arn:aws:sts::111122223333:assumed-role/reader/build-7")
            #expect(identity.userId == "\(roleId):build-7")
            #expect(identity.userId.hasPrefix("AROA"))
            #expect(identity.account == TestServer.accountId)
        }
    }

    @Test("a user trusted only through the account root needs an identity policy allowing sts:AssumeRole")
    func accountTrustNeedsIdentityPolicy() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await F.createRole(server, "target", trust: Self.accountTrust)
            let denied = try await F.assumeRole(server, as: alice, role: "target")
            let error = try denied.expectError("AccessDenied", status: 403)
            #expect(
                error.message.hasPrefix(
                    "User: \(F.userArn("alice")) is not authorized to perform: sts:AssumeRole on resource: \(F.roleArn("target"))"
                ))
            #expect(error.message.contains(" Encoded authorization failure message: "))
        }
    }

    @Test("a role session whose identity policy allows sts:AssumeRole may assume a role trusting the account")
    func accountTrustWithIdentityPolicy() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await F.createRole(server, "hop", trust: F.trust(F.userArn("alice")))
            try await F.createRole(server, "target", trust: Self.accountTrust)
            let bare = try await F.session(server, as: alice, role: "hop")
            let denied = try await F.assumeRole(server, as: bare, role: "target", session: "s2")
            let error = try denied.expectError("AccessDenied", status: 403)
            #expect(
                error.message.hasPrefix(
                    "User: arn:aws:sts::111122223333:assumed-role/hop/s1 is not authorized to perform: sts:AssumeRole on resource: \(F.roleArn("target"))"
                ))

            try await server.iam(
                "PutRolePolicy",
                [
                    "RoleName": "hop", "PolicyName": "chain",
                    "PolicyDocument": F.allow("sts:AssumeRole", resource: F.roleArn("target")),
                ]
            ).expectSuccess("PutRolePolicy")
            // The same session: policies are read at each request.
            let chained = try await F.session(server, as: bare, role: "target", session: "s2")
            #expect(
                try await server.callerIdentity(as: chained).arn == "arn:aws:sts::111122223333:assumed-role/target/s2")
        }
    }

    @Test("a managed policy attached to a role grants its sessions the same as an inline one")
    func attachedPolicyGrants() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await F.seedManagedPolicy(
                server, "Chain", document: F.allow("sts:AssumeRole", resource: F.roleArn("target")))
            try await F.createRole(server, "hop", trust: F.trust(F.userArn("alice")))
            try await F.createRole(server, "target", trust: Self.accountTrust)
            let hop = try await F.session(server, as: alice, role: "hop")
            try await F.assumeRole(server, as: hop, role: "target").expectError("AccessDenied", status: 403)
            try await server.iam("AttachRolePolicy", ["RoleName": "hop", "PolicyArn": F.policyArn("Chain")])
                .expectSuccess("AttachRolePolicy")
            _ = try await F.session(server, as: hop, role: "target")
        }
    }

    @Test("an sts:ExternalId condition in the trust policy admits only the matching ExternalId")
    func externalId() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let trust = F.trust(F.userArn("alice"), condition: #"{"StringEquals":{"sts:ExternalId":"secret-42"}}"#)
            try await F.createRole(server, "vendor", trust: trust)
            try await F.assumeRole(server, as: alice, role: "vendor").expectError("AccessDenied", status: 403)
            try await F.assumeRole(server, as: alice, role: "vendor", [("ExternalId", "secret-43")])
                .expectError("AccessDenied", status: 403)
            _ = try await F.session(server, as: alice, role: "vendor", [("ExternalId", "secret-42")])
        }
    }

    @Test("DurationSeconds above the role's MaxSessionDuration is refused until UpdateRole raises it")
    func maxSessionDuration() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await F.createRole(server, "r", trust: F.trust(F.userArn("alice")))
            try await F.assumeRole(server, as: alice, role: "r", [("DurationSeconds", "7200")]).expectError(
                "ValidationError", status: 400,
                message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
            try await server.iam("UpdateRole", ["RoleName": "r", "MaxSessionDuration": "7200"]).expectSuccessIAM(
                "UpdateRole")
            let reply = try await F.assumeRole(server, as: alice, role: "r", [("DurationSeconds", "7200")])
            #expect(try reply.result("AssumeRole").text("Credentials", "Expiration") == "2025-06-15T17:06:40Z")
        }
    }

    @Test("role chaining is capped at one hour whatever the role's MaxSessionDuration")
    func chainingCap() async throws {
        try await TestServer.run { server in
            let alice = try await Self.hopToTarget(server, targetTrust: F.trust(F.roleArn("hop")))
            try await server.iam("UpdateRole", ["RoleName": "target", "MaxSessionDuration": "43200"]).expectSuccessIAM(
                "UpdateRole")
            let hop = try await F.session(server, as: alice, role: "hop")
            try await F.assumeRole(server, as: hop, role: "target", [("DurationSeconds", "7200")]).expectError(
                "ValidationError", status: 400,
                message:
                    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
            )
            let reply = try await F.assumeRole(server, as: hop, role: "target", [("DurationSeconds", "3600")])
            #expect(try reply.result("AssumeRole").text("Credentials", "Expiration") == "2025-06-15T16:06:40Z")
        }
    }

    @Test("a session policy that does not allow sts:AssumeRole stops further chaining")
    func sessionPolicyStopsChaining() async throws {
        try await TestServer.run { server in
            let alice = try await Self.hopToTarget(server)
            let open = try await F.session(server, as: alice, role: "hop")
            _ = try await F.session(server, as: open, role: "target", session: "ok")

            let limited = try await F.session(
                server, as: alice, role: "hop", [("Policy", F.allow("s3:GetObject"))])
            try await F.assumeRole(server, as: limited, role: "target").expectError("AccessDenied", status: 403)
            let denying = try await F.session(
                server, as: alice, role: "hop",
                [
                    (
                        "Policy",
                        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]}"#
                    )
                ])
            try await F.assumeRole(server, as: denying, role: "target").expectError("AccessDenied", status: 403)
        }
    }

    @Test("session tags need sts:TagSession in the trust policy")
    func tagsNeedTagSession() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await F.createRole(server, "r", trust: F.trust(F.userArn("alice")))
            let tags = [("Tags.member.1.Key", "project"), ("Tags.member.1.Value", "blue")]
            let denied = try await F.assumeRole(server, as: alice, role: "r", tags)
            let error = try denied.expectError("AccessDenied", status: 403)
            #expect(
                error.message.hasPrefix(
                    "User: \(F.userArn("alice")) is not authorized to perform: sts:TagSession on resource: \(F.roleArn("r"))"
                ))

            try await server.iam(
                "UpdateAssumeRolePolicy",
                [
                    "RoleName": "r",
                    "PolicyDocument": F.trust(F.userArn("alice"), actions: ["sts:AssumeRole", "sts:TagSession"]),
                ]
            ).expectSuccess("UpdateAssumeRolePolicy")
            let reply = try await F.assumeRole(server, as: alice, role: "r", tags)
            #expect(try reply.result("AssumeRole").text("PackedPolicySize") != nil)
        }
    }

    @Test("transitive session tags are carried through a role chain and cannot be overridden")
    func transitiveTags() async throws {
        try await TestServer.run { server in
            let alice = try await Self.hopToTarget(
                server, targetTrust: F.trust(F.roleArn("hop"), actions: ["sts:AssumeRole", "sts:TagSession"]))
            try await server.iam(
                "PutRolePolicy",
                [
                    "RoleName": "target", "PolicyName": "blue-only",
                    "PolicyDocument": F.allow(
                        "iam:ListRoles", condition: #"{"StringEquals":{"aws:PrincipalTag/project":"blue"}}"#),
                ]
            ).expectSuccess("PutRolePolicy")
            let tag = [("Tags.member.1.Key", "project"), ("Tags.member.1.Value", "blue")]

            let transitive = try await F.session(
                server, as: alice, role: "hop", tag + [("TransitiveTagKeys.member.1", "project")])
            let carried = try await F.session(server, as: transitive, role: "target", session: "s2")
            _ = try await server.iam("ListRoles", as: carried).result("ListRoles")
            try await F.assumeRole(
                server, as: transitive, role: "target", session: "s3",
                [("Tags.member.1.Key", "project"), ("Tags.member.1.Value", "red")]
            ).expectError(
                "InvalidParameterValue", status: 400,
                message:
                    "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session."
            )

            let plain = try await F.session(server, as: alice, role: "hop", tag)
            let dropped = try await F.session(server, as: plain, role: "target", session: "s4")
            try await server.iam("ListRoles", as: dropped).expectError("AccessDenied", status: 403)
        }
    }
}

extension Reply {
    /// A successful IAM response with an empty result element (`UpdateRole`).
    fileprivate func expectSuccessIAM(_ action: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        _ = try result(action, sourceLocation: sourceLocation)
    }
}
