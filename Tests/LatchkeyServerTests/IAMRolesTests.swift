import Foundation
import LatchkeyQuery
import Testing

@Suite struct IAMRolesTests {
    typealias F = RoleFixtures
    static let trust = RoleFixtures.trust("arn:aws:iam::111122223333:root")

    @Test(
        "CreateRole returns the role with an AROA ID and the encoded trust policy, echoing neither Description nor MaxSessionDuration"
    )
    func createRole() async throws {
        try await TestServer.run { server in
            let reply = try await server.iam(
                "CreateRole",
                [
                    "RoleName": "deployer", "Path": "/ci/", "AssumeRolePolicyDocument": Self.trust,
                    "Description": "CI deploys",
                    "Tags.member.1.Key": "team", "Tags.member.1.Value": "core",
                ])
            let role = try #require(try reply.result("CreateRole").child("Role"))
            #expect(role.text("RoleName") == "deployer")
            #expect(role.text("Path") == "/ci/")
            #expect(role.text("Arn") == F.roleArn("deployer", path: "/ci/"))
            #expect(role.text("RoleId")?.hasPrefix("AROA") == true)
            #expect(role.text("RoleId")?.count == 21)
            #expect(role.text("CreateDate") == "2025-06-15T15:06:40Z")
            // IAM's CreateRole answers neither (GetRole does).
            #expect(role.child("MaxSessionDuration") == nil)
            #expect(role.child("Description") == nil)
            let stored = try #require(
                try await server.iam("GetRole", ["RoleName": "deployer"]).result("GetRole").child("Role"))
            #expect(stored.text("MaxSessionDuration") == "3600")
            #expect(stored.text("Description") == "CI deploys")
            #expect(role.text("AssumeRolePolicyDocument") == F.encoded(Self.trust))
            #expect(role.text("AssumeRolePolicyDocument")?.removingPercentEncoding == Self.trust)
            #expect(role.members(of: "Tags").map { $0.text("Key") } == ["team"])

            let duplicate = try await server.iam(
                "CreateRole", ["RoleName": "DEPLOYER", "AssumeRolePolicyDocument": Self.trust])
            try duplicate.expectError(
                "EntityAlreadyExists", status: 409, message: "Role with name DEPLOYER already exists.")
        }
    }

    @Test(
        "a trust policy the engine refuses is MalformedPolicyDocument and no role is created",
        arguments: [
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#,
            "not json",
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Bogus":1}]}"#,
        ])
    func malformedTrustPolicyIsRejected(document: String) async throws {
        try await TestServer.run { server in
            let reply = try await server.iam("CreateRole", ["RoleName": "r", "AssumeRolePolicyDocument": document])
            try reply.expectError("MalformedPolicyDocument", status: 400)
            try await server.iam("GetRole", ["RoleName": "r"]).expectError("NoSuchEntity", status: 404)
        }
    }

    @Test("a permissions boundary must be a policy ARN of an existing managed policy")
    func createRoleBoundary() async throws {
        try await TestServer.run { server in
            let missing = F.policyArn("Nope")
            try await server.iam(
                "CreateRole", ["RoleName": "r", "AssumeRolePolicyDocument": Self.trust, "PermissionsBoundary": missing]
            ).expectError(
                "NoSuchEntity", status: 404, message: "Policy \(missing) does not exist or is not attachable.")
            try await server.iam(
                "CreateRole",
                [
                    "RoleName": "r", "AssumeRolePolicyDocument": Self.trust,
                    "PermissionsBoundary": "arn:aws:iam::111122223333:user/bob",
                ]
            ).expectError(
                "ValidationError", status: 400, message: "ARN arn:aws:iam::111122223333:user/bob is not valid.")

            try await F.seedManagedPolicy(server, "Boundary", document: F.allow("s3:*"))
            let role = try #require(
                try await server.iam(
                    "CreateRole",
                    [
                        "RoleName": "r", "AssumeRolePolicyDocument": Self.trust,
                        "PermissionsBoundary": F.policyArn("boundary"),
                    ]
                ).result("CreateRole").child("Role"))
            #expect(role.text("PermissionsBoundary", "PermissionsBoundaryArn") == F.policyArn("Boundary"))
            #expect(role.text("PermissionsBoundary", "PermissionsBoundaryType") == "PermissionsBoundaryPolicy")
        }
    }

    @Test("GetRole finds a role case-insensitively; a missing role is NoSuchEntity")
    func getRole() async throws {
        try await TestServer.run { server in
            let created = try await F.createRole(server, "Deployer", trust: Self.trust)
            let role = try #require(
                try await server.iam("GetRole", ["RoleName": "deployer"]).result("GetRole").child("Role"))
            #expect(role.text("RoleName") == "Deployer")
            #expect(role.text("RoleId") == created.text("RoleId"))
            #expect(role.child("RoleLastUsed") != nil)
            try await server.iam("GetRole", ["RoleName": "nobody"])
                .expectError("NoSuchEntity", status: 404, message: "The role with name nobody cannot be found.")
        }
    }

    @Test("ListRoles filters by PathPrefix, pages, and leaves out tags and the boundary")
    func listRoles() async throws {
        try await TestServer.run { server in
            try await F.seedManagedPolicy(server, "Boundary", document: F.allow("s3:*"))
            try await server.iam(
                "CreateRole",
                [
                    "RoleName": "b", "Path": "/app/", "AssumeRolePolicyDocument": Self.trust,
                    "PermissionsBoundary": F.policyArn("Boundary"), "Tags.member.1.Key": "k",
                    "Tags.member.1.Value": "v",
                ]
            ).expectSuccessResult("CreateRole")
            try await server.iam(
                "CreateRole", ["RoleName": "a", "Path": "/app/", "AssumeRolePolicyDocument": Self.trust]
            )
            .expectSuccessResult("CreateRole")
            try await F.createRole(server, "c", trust: Self.trust)

            let app = try await server.iam("ListRoles", ["PathPrefix": "/app/"]).result("ListRoles")
            let members = app.members(of: "Roles")
            #expect(members.map { $0.text("RoleName") } == ["a", "b"])
            #expect(members[1].child("Tags") == nil)
            #expect(members[1].child("PermissionsBoundary") == nil)
            #expect(members[1].text("MaxSessionDuration") == "3600")
            #expect(members[1].text("AssumeRolePolicyDocument") == F.encoded(Self.trust))

            let first = try await server.iam("ListRoles", ["MaxItems": "2"]).result("ListRoles")
            #expect(first.members(of: "Roles").map { $0.text("RoleName") } == ["a", "b"])
            #expect(first.text("IsTruncated") == "true")
            let marker = try #require(first.text("Marker"))
            let second = try await server.iam("ListRoles", ["MaxItems": "2", "Marker": marker]).result("ListRoles")
            #expect(second.members(of: "Roles").map { $0.text("RoleName") } == ["c"])
            #expect(second.text("IsTruncated") == "false")
        }
    }

    @Test("UpdateRole changes the description and MaxSessionDuration; UpdateRoleDescription returns the role")
    func updateRole() async throws {
        try await TestServer.run { server in
            try await F.createRole(server, "r", trust: Self.trust)
            let updated = try await server.iam(
                "UpdateRole", ["RoleName": "r", "Description": "new", "MaxSessionDuration": "7200"])
            _ = try updated.result("UpdateRole")
            var role = try #require(try await server.iam("GetRole", ["RoleName": "r"]).result("GetRole").child("Role"))
            #expect(role.text("Description") == "new")
            #expect(role.text("MaxSessionDuration") == "7200")

            let described = try await server.iam("UpdateRoleDescription", ["RoleName": "r", "Description": "newer"])
            role = try #require(try described.result("UpdateRoleDescription").child("Role"))
            #expect(role.text("Description") == "newer")
            #expect(role.child("MaxSessionDuration") == nil)  // as IAM answers UpdateRoleDescription

            try await server.iam("UpdateRole", ["RoleName": "r", "MaxSessionDuration": "43201"])
                .expectError("ValidationError", status: 400)
            try await server.iam("UpdateRole", ["RoleName": "ghost", "Description": "x"])
                .expectError("NoSuchEntity", status: 404, message: "The role with name ghost cannot be found.")
            try await server.iam("UpdateRoleDescription", ["RoleName": "ghost", "Description": "x"])
                .expectError("NoSuchEntity", status: 404)
        }
    }

    @Test("UpdateAssumeRolePolicy replaces the trust policy; a malformed one changes nothing")
    func updateAssumeRolePolicy() async throws {
        try await TestServer.run { server in
            try await F.createRole(server, "r", trust: Self.trust)
            let newTrust = F.trust(F.userArn("alice"))
            try await server.iam("UpdateAssumeRolePolicy", ["RoleName": "r", "PolicyDocument": newTrust])
                .expectSuccess("UpdateAssumeRolePolicy")
            try await server.iam("UpdateAssumeRolePolicy", ["RoleName": "r", "PolicyDocument": F.allow("s3:*")])
                .expectError("MalformedPolicyDocument", status: 400)
            let role = try #require(try await server.iam("GetRole", ["RoleName": "r"]).result("GetRole").child("Role"))
            #expect(role.text("AssumeRolePolicyDocument")?.removingPercentEncoding == newTrust)
            try await server.iam("UpdateAssumeRolePolicy", ["RoleName": "ghost", "PolicyDocument": newTrust])
                .expectError("NoSuchEntity", status: 404)
        }
    }

    @Test("DeleteRole is refused while policies are attached or inline policies remain")
    func deleteRole() async throws {
        try await TestServer.run { server in
            try await F.seedManagedPolicy(server, "P", document: F.allow("s3:*"))
            try await F.createRole(server, "r", trust: Self.trust)
            try await server.iam("AttachRolePolicy", ["RoleName": "r", "PolicyArn": F.policyArn("P")])
                .expectSuccess("AttachRolePolicy")
            try await server.iam(
                "PutRolePolicy", ["RoleName": "r", "PolicyName": "inline", "PolicyDocument": F.allow("s3:*")]
            )
            .expectSuccess("PutRolePolicy")
            try await server.iam("DeleteRole", ["RoleName": "r"])
                .expectError(
                    "DeleteConflict", status: 409, message: "Cannot delete entity, must detach all policies first.")
            try await server.iam("DetachRolePolicy", ["RoleName": "r", "PolicyArn": F.policyArn("P")])
                .expectSuccess("DetachRolePolicy")
            try await server.iam("DeleteRole", ["RoleName": "r"])
                .expectError(
                    "DeleteConflict", status: 409, message: "Cannot delete entity, must delete policies first.")
            try await server.iam("DeleteRolePolicy", ["RoleName": "r", "PolicyName": "inline"]).expectSuccess(
                "DeleteRolePolicy")
            try await server.iam("DeleteRole", ["RoleName": "r"]).expectSuccess("DeleteRole")
            try await server.iam("GetRole", ["RoleName": "r"]).expectError("NoSuchEntity", status: 404)
            try await server.iam("DeleteRole", ["RoleName": "r"])
                .expectError("NoSuchEntity", status: 404, message: "The role with name r cannot be found.")
        }
    }

    @Test("TagRole adds and replaces tags, ListRoleTags lists them, UntagRole removes them; 50 at most")
    func tags() async throws {
        try await TestServer.run { server in
            try await F.createRole(server, "r", trust: Self.trust)
            try await server.iam(
                "TagRole",
                [
                    "RoleName": "r", "Tags.member.1.Key": "team", "Tags.member.1.Value": "core",
                    "Tags.member.2.Key": "cost", "Tags.member.2.Value": "42",
                ]
            ).expectSuccess("TagRole")
            try await server.iam(
                "TagRole", ["RoleName": "r", "Tags.member.1.Key": "Team", "Tags.member.1.Value": "edge"]
            )
            .expectSuccess("TagRole")
            let listed = try await server.iam("ListRoleTags", ["RoleName": "r"]).result("ListRoleTags")
            #expect(
                listed.members(of: "Tags").map { "\($0.text("Key") ?? "")=\($0.text("Value") ?? "")" } == [
                    "cost=42", "Team=edge",
                ])
            #expect(listed.text("IsTruncated") == "false")
            try await server.iam("UntagRole", ["RoleName": "r", "TagKeys.member.1": "TEAM"]).expectSuccess("UntagRole")
            let after = try await server.iam("ListRoleTags", ["RoleName": "r"]).result("ListRoleTags")
            #expect(after.members(of: "Tags").map { $0.text("Key") } == ["cost"])

            var many: [(String, String)] = [("RoleName", "r")]
            for index in 1...50 {
                many += [("Tags.member.\(index).Key", "k\(index)"), ("Tags.member.\(index).Value", "v")]
            }
            try await F.iam(server, "TagRole", many)
                .expectError("LimitExceeded", status: 409, message: "The number of tags has reached the maximum limit.")
            try await server.iam("ListRoleTags", ["RoleName": "ghost"]).expectError("NoSuchEntity", status: 404)
            try await server.iam(
                "TagRole", ["RoleName": "ghost", "Tags.member.1.Key": "a", "Tags.member.1.Value": "b"]
            )
            .expectError("NoSuchEntity", status: 404)
        }
    }

    @Test("a caller without an identity policy may not create roles")
    func createRoleNeedsPermission() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let reply = try await server.iam(
                "CreateRole", ["RoleName": "r", "AssumeRolePolicyDocument": Self.trust], as: alice)
            let error = try reply.expectError("AccessDenied", status: 403)
            #expect(
                error.message.hasPrefix(
                    "User: \(F.userArn("alice")) is not authorized to perform: iam:CreateRole on resource: \(F.roleArn("r"))"
                ))
        }
    }
}

extension Reply {
    /// Checks a successful response that has a result element.
    fileprivate func expectSuccessResult(_ action: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        _ = try result(action, sourceLocation: sourceLocation)
    }
}
