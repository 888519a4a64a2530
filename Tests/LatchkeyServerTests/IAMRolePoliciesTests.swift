import Foundation
import LatchkeyQuery
import Testing

@Suite struct IAMRolePoliciesTests {
    typealias F = RoleFixtures
    static let trust = RoleFixtures.trust("arn:aws:iam::111122223333:root")

    @Test("PutRolePolicy stores an inline policy that GetRolePolicy returns encoded and ListRolePolicies names")
    func inlinePolicies() async throws {
        try await TestServer.run { server in
            try await F.createRole(server, "r", trust: Self.trust)
            let document = F.allow("s3:GetObject", resource: "arn:aws:s3:::bucket/*")
            try await server.iam(
                "PutRolePolicy", ["RoleName": "r", "PolicyName": "S3Read", "PolicyDocument": document]
            )
            .expectSuccess("PutRolePolicy")
            try await server.iam(
                "PutRolePolicy", ["RoleName": "r", "PolicyName": "Logs", "PolicyDocument": F.allow("logs:*")]
            )
            .expectSuccess("PutRolePolicy")

            let got = try await server.iam("GetRolePolicy", ["RoleName": "r", "PolicyName": "s3read"]).result(
                "GetRolePolicy")
            #expect(got.text("RoleName") == "r")
            #expect(got.text("PolicyName") == "S3Read")
            #expect(got.text("PolicyDocument") == F.encoded(document))
            #expect(got.text("PolicyDocument")?.removingPercentEncoding == document)

            let listed = try await server.iam("ListRolePolicies", ["RoleName": "r"]).result("ListRolePolicies")
            #expect(listed.members(of: "PolicyNames").map(\.text) == ["Logs", "S3Read"])
            #expect(listed.text("IsTruncated") == "false")
            let paged = try await server.iam("ListRolePolicies", ["RoleName": "r", "MaxItems": "1"]).result(
                "ListRolePolicies")
            #expect(paged.members(of: "PolicyNames").map(\.text) == ["Logs"])
            #expect(paged.text("IsTruncated") == "true")

            try await server.iam("DeleteRolePolicy", ["RoleName": "r", "PolicyName": "Logs"]).expectSuccess(
                "DeleteRolePolicy")
            let after = try await server.iam("ListRolePolicies", ["RoleName": "r"]).result("ListRolePolicies")
            #expect(after.members(of: "PolicyNames").map(\.text) == ["S3Read"])
        }
    }

    @Test("a missing inline policy or role is NoSuchEntity with IAM's messages")
    func inlinePolicyErrors() async throws {
        try await TestServer.run { server in
            try await F.createRole(server, "r", trust: Self.trust)
            try await server.iam("GetRolePolicy", ["RoleName": "r", "PolicyName": "none"])
                .expectError("NoSuchEntity", status: 404, message: "The role policy with name none cannot be found.")
            try await server.iam("DeleteRolePolicy", ["RoleName": "r", "PolicyName": "none"])
                .expectError("NoSuchEntity", status: 404, message: "The role policy with name none cannot be found.")
            try await server.iam(
                "PutRolePolicy", ["RoleName": "ghost", "PolicyName": "p", "PolicyDocument": F.allow("s3:*")]
            )
            .expectError("NoSuchEntity", status: 404, message: "The role with name ghost cannot be found.")
            try await server.iam("ListRolePolicies", ["RoleName": "ghost"])
                .expectError("NoSuchEntity", status: 404, message: "The role with name ghost cannot be found.")
        }
    }

    @Test("a malformed inline policy is MalformedPolicyDocument and is not stored")
    func malformedInlinePolicyIsRejected() async throws {
        try await TestServer.run { server in
            try await F.createRole(server, "r", trust: Self.trust)
            // A Principal is not allowed in an identity-based policy.
            try await server.iam("PutRolePolicy", ["RoleName": "r", "PolicyName": "p", "PolicyDocument": Self.trust])
                .expectError("MalformedPolicyDocument", status: 400)
            try await server.iam("PutRolePolicy", ["RoleName": "r", "PolicyName": "p", "PolicyDocument": "{"])
                .expectError("MalformedPolicyDocument", status: 400)
            let listed = try await server.iam("ListRolePolicies", ["RoleName": "r"]).result("ListRolePolicies")
            #expect(listed.members(of: "PolicyNames").isEmpty)
        }
    }

    @Test("AttachRolePolicy attaches a managed policy once; DetachRolePolicy removes it")
    func attachAndDetach() async throws {
        try await TestServer.run { server in
            try await F.seedManagedPolicy(server, "ReadOnly", document: F.allow("s3:Get*"))
            try await F.seedManagedPolicy(server, "Admin", document: F.allow("*"))
            try await F.createRole(server, "r", trust: Self.trust)
            for arn in [F.policyArn("ReadOnly"), F.policyArn("Admin"), F.policyArn("ReadOnly")] {
                try await server.iam("AttachRolePolicy", ["RoleName": "r", "PolicyArn": arn]).expectSuccess(
                    "AttachRolePolicy")
            }
            let listed = try await server.iam("ListAttachedRolePolicies", ["RoleName": "r"]).result(
                "ListAttachedRolePolicies")
            let attached = listed.members(of: "AttachedPolicies")
            #expect(attached.map { $0.text("PolicyName") } == ["Admin", "ReadOnly"])
            #expect(attached.map { $0.text("PolicyArn") } == [F.policyArn("Admin"), F.policyArn("ReadOnly")])
            let filtered = try await server.iam("ListAttachedRolePolicies", ["RoleName": "r", "PathPrefix": "/other/"])
                .result("ListAttachedRolePolicies")
            #expect(filtered.members(of: "AttachedPolicies").isEmpty)

            try await server.iam("DetachRolePolicy", ["RoleName": "r", "PolicyArn": F.policyArn("Admin")])
                .expectSuccess("DetachRolePolicy")
            let after = try await server.iam("ListAttachedRolePolicies", ["RoleName": "r"]).result(
                "ListAttachedRolePolicies")
            #expect(after.members(of: "AttachedPolicies").map { $0.text("PolicyName") } == ["ReadOnly"])
            try await server.iam("DetachRolePolicy", ["RoleName": "r", "PolicyArn": F.policyArn("Admin")])
                .expectError("NoSuchEntity", status: 404, message: "Policy \(F.policyArn("Admin")) was not found.")
        }
    }

    @Test("attaching a policy that does not exist, or to a role that does not exist, is NoSuchEntity")
    func attachErrors() async throws {
        try await TestServer.run { server in
            try await F.seedManagedPolicy(server, "P", document: F.allow("s3:*"))
            try await F.createRole(server, "r", trust: Self.trust)
            let missing = F.policyArn("Missing")
            try await server.iam("AttachRolePolicy", ["RoleName": "r", "PolicyArn": missing])
                .expectError(
                    "NoSuchEntity", status: 404, message: "Policy \(missing) does not exist or is not attachable.")
            let awsManaged = "arn:aws:iam::aws:policy/ReadOnlyAccess"
            try await server.iam("AttachRolePolicy", ["RoleName": "r", "PolicyArn": awsManaged])
                .expectError(
                    "NoSuchEntity", status: 404, message: "Policy \(awsManaged) does not exist or is not attachable.")
            try await server.iam("AttachRolePolicy", ["RoleName": "ghost", "PolicyArn": F.policyArn("P")])
                .expectError("NoSuchEntity", status: 404, message: "The role with name ghost cannot be found.")
            try await server.iam("ListAttachedRolePolicies", ["RoleName": "ghost"])
                .expectError("NoSuchEntity", status: 404, message: "The role with name ghost cannot be found.")
        }
    }

    @Test("a role may have at most 10 managed policies attached")
    func attachQuota() async throws {
        try await TestServer.run { server in
            try await F.createRole(server, "r", trust: Self.trust)
            for index in 1...11 {
                try await F.seedManagedPolicy(server, "P\(index)", document: F.allow("s3:*"))
            }
            for index in 1...10 {
                try await server.iam("AttachRolePolicy", ["RoleName": "r", "PolicyArn": F.policyArn("P\(index)")])
                    .expectSuccess("AttachRolePolicy")
            }
            try await server.iam("AttachRolePolicy", ["RoleName": "r", "PolicyArn": F.policyArn("P11")])
                .expectError("LimitExceeded", status: 409, message: "Cannot exceed quota for PoliciesPerRole: 10")
        }
    }

    @Test("PutRolePermissionsBoundary sets the boundary GetRole shows; DeleteRolePermissionsBoundary removes it")
    func permissionsBoundary() async throws {
        try await TestServer.run { server in
            try await F.seedManagedPolicy(server, "Boundary", document: F.allow("s3:*"))
            try await F.createRole(server, "r", trust: Self.trust)
            try await server.iam(
                "PutRolePermissionsBoundary", ["RoleName": "r", "PermissionsBoundary": F.policyArn("Boundary")]
            )
            .expectSuccess("PutRolePermissionsBoundary")
            var role = try #require(try await server.iam("GetRole", ["RoleName": "r"]).result("GetRole").child("Role"))
            #expect(role.text("PermissionsBoundary", "PermissionsBoundaryArn") == F.policyArn("Boundary"))

            try await server.iam("DeleteRolePermissionsBoundary", ["RoleName": "r"]).expectSuccess(
                "DeleteRolePermissionsBoundary")
            role = try #require(try await server.iam("GetRole", ["RoleName": "r"]).result("GetRole").child("Role"))
            #expect(role.child("PermissionsBoundary") == nil)

            let missing = F.policyArn("Missing")
            try await server.iam("PutRolePermissionsBoundary", ["RoleName": "r", "PermissionsBoundary": missing])
                .expectError(
                    "NoSuchEntity", status: 404, message: "Policy \(missing) does not exist or is not attachable.")
            try await server.iam(
                "PutRolePermissionsBoundary", ["RoleName": "ghost", "PermissionsBoundary": F.policyArn("Boundary")]
            )
            .expectError("NoSuchEntity", status: 404, message: "The role with name ghost cannot be found.")
            try await server.iam("DeleteRolePermissionsBoundary", ["RoleName": "ghost"])
                .expectError("NoSuchEntity", status: 404, message: "The role with name ghost cannot be found.")
        }
    }

    @Test("a role's permissions boundary limits what its sessions may do")
    func boundaryLimitsSessions() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await F.seedManagedPolicy(server, "OnlyS3", document: F.allow("s3:*"))
            try await F.createRole(server, "r", trust: F.trust(F.userArn("alice")))
            try await server.iam(
                "PutRolePolicy", ["RoleName": "r", "PolicyName": "p", "PolicyDocument": F.allow("iam:ListRoles")]
            )
            .expectSuccess("PutRolePolicy")
            let before = try await F.session(server, as: alice, role: "r")
            _ = try await server.iam("ListRoles", as: before).result("ListRoles")

            try await server.iam(
                "PutRolePermissionsBoundary", ["RoleName": "r", "PermissionsBoundary": F.policyArn("OnlyS3")]
            )
            .expectSuccess("PutRolePermissionsBoundary")
            try await server.iam("ListRoles", as: before).expectError("AccessDenied", status: 403)
        }
    }
}
