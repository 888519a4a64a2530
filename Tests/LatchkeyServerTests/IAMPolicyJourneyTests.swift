import Foundation
import LatchkeyQuery
import LatchkeySigV4
import Testing

/// Journeys through the policy engine: what users may do once policies are put, attached and bounded.
@Suite struct IAMPolicyJourneyTests {
    static let aliceArn = "arn:aws:iam::111122223333:user/alice"
    static let usersResource = "arn:aws:iam::111122223333:user/"

    @Test(
        "a user without policies is denied iam:ListUsers with AWS's message and an encoded message the root can decode")
    func noPolicyIsDenied() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let error = try await server.iam("ListUsers", as: alice).expectError("AccessDenied", status: 403)
            let message = error.message
            let expected =
                "User: \(Self.aliceArn) is not authorized to perform: iam:ListUsers on resource: "
                + "\(Self.usersResource) because no identity-based policy allows the iam:ListUsers action"
            #expect(message.hasPrefix(expected))
            let marker = " Encoded authorization failure message: "
            let range = try #require(message.range(of: marker))
            let encoded = String(message[range.upperBound...])
            #expect(!encoded.isEmpty)

            let decoded = try await server.sts("DecodeAuthorizationMessage", ["EncodedMessage": encoded])
                .result("DecodeAuthorizationMessage")
            let json = try #require(decoded.text("DecodedMessage"))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(object["allowed"] as? Bool == false)
            #expect(object["explicitDeny"] as? Bool == false)
            #expect(object.value("context", "action") as? String == "iam:ListUsers")
            #expect(object.value("context", "principal", "arn") as? String == Self.aliceArn)
        }
    }

    @Test("after PutUserPolicy allows iam:ListUsers the user can list users; after DeleteUserPolicy it cannot")
    func inlineUserPolicyGrants() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await server.iam(
                "PutUserPolicy",
                ["UserName": "alice", "PolicyName": "List", "PolicyDocument": PolicyText.allow("iam:ListUsers")]
            ).expectSuccess("PutUserPolicy")
            let listed = try await server.iam("ListUsers", as: alice).result("ListUsers")
            #expect(listed.members(of: "Users").map { $0.text("UserName") } == ["alice"])
            // Only the action allowed: creating users is still denied.
            try await server.iam("CreateUser", ["UserName": "mallory"], as: alice).expectError(
                "AccessDenied", status: 403)

            try await server.iam("DeleteUserPolicy", ["UserName": "alice", "PolicyName": "List"]).expectSuccess(
                "DeleteUserPolicy")
            try await server.iam("ListUsers", as: alice).expectError("AccessDenied", status: 403)
        }
    }

    @Test("an explicit Deny in a group's policy overrides the user's own Allow")
    func groupDenyOverridesAllow() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await server.iam(
                "PutUserPolicy",
                ["UserName": "alice", "PolicyName": "List", "PolicyDocument": PolicyText.allow("iam:List*")]
            ).expectSuccess("PutUserPolicy")
            _ = try await server.iam("ListUsers", as: alice).result("ListUsers")

            try await server.iam("CreateGroup", ["GroupName": "restricted"]).expectSuccess("CreateGroup")
            try await server.iam(
                "PutGroupPolicy",
                [
                    "GroupName": "restricted", "PolicyName": "NoUsers",
                    "PolicyDocument": PolicyText.deny("iam:ListUsers"),
                ]
            ).expectSuccess("PutGroupPolicy")
            try await server.iam("AddUserToGroup", ["GroupName": "restricted", "UserName": "alice"]).expectSuccess(
                "AddUserToGroup")

            let error = try await server.iam("ListUsers", as: alice).expectError("AccessDenied", status: 403)
            #expect(
                error.message.hasPrefix(
                    "User: \(Self.aliceArn) is not authorized to perform: iam:ListUsers on resource: \(Self.usersResource) "
                        + "with an explicit deny in an identity-based policy"))
            // The Allow still covers the other List actions.
            _ = try await server.iam("ListGroups", as: alice).result("ListGroups")

            try await server.iam("RemoveUserFromGroup", ["GroupName": "restricted", "UserName": "alice"])
                .expectSuccess("RemoveUserFromGroup")
            _ = try await server.iam("ListUsers", as: alice).result("ListUsers")
        }
    }

    @Test("a permissions boundary that does not allow an action blocks it even though a policy allows it")
    func boundaryBlocks() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await server.iam(
                "PutUserPolicy",
                ["UserName": "alice", "PolicyName": "All", "PolicyDocument": PolicyText.allow("iam:*")]
            ).expectSuccess("PutUserPolicy")
            let boundary = try await server.createManagedPolicy(
                "OnlyGroups", document: PolicyText.allow("iam:ListGroups"))
            try await server.iam("PutUserPermissionsBoundary", ["UserName": "alice", "PermissionsBoundary": boundary])
                .expectSuccess("PutUserPermissionsBoundary")

            let error = try await server.iam("ListUsers", as: alice).expectError("AccessDenied", status: 403)
            #expect(
                error.message.hasPrefix(
                    "User: \(Self.aliceArn) is not authorized to perform: iam:ListUsers on resource: \(Self.usersResource) "
                        + "because no permissions boundary allows the iam:ListUsers action"))
            _ = try await server.iam("ListGroups", as: alice).result("ListGroups")

            // A new default version of the boundary takes effect at once.
            try await server.iam(
                "CreatePolicyVersion",
                ["PolicyArn": boundary, "PolicyDocument": PolicyText.allow("iam:List*"), "SetAsDefault": "true"]
            ).expectSuccess("CreatePolicyVersion")
            _ = try await server.iam("ListUsers", as: alice).result("ListUsers")

            try await server.iam("DeleteUserPermissionsBoundary", ["UserName": "alice"]).expectSuccess(
                "DeleteUserPermissionsBoundary")
            _ = try await server.iam("CreateGroup", ["GroupName": "g"], as: alice).result("CreateGroup")
        }
    }

    @Test("a managed policy attached to a group applies to its members, and stops applying when detached")
    func groupManagedPolicyApplies() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let bob = try await server.userWithKey("bob")
            let arn = try await server.createManagedPolicy("ListUsers", document: PolicyText.allow("iam:ListUsers"))
            try await server.iam("CreateGroup", ["GroupName": "readers"]).expectSuccess("CreateGroup")
            try await server.iam("AttachGroupPolicy", ["GroupName": "readers", "PolicyArn": arn]).expectSuccess(
                "AttachGroupPolicy")
            try await server.iam("AddUserToGroup", ["GroupName": "readers", "UserName": "alice"]).expectSuccess(
                "AddUserToGroup")

            _ = try await server.iam("ListUsers", as: alice).result("ListUsers")
            try await server.iam("ListUsers", as: bob).expectError("AccessDenied", status: 403)

            try await server.iam("DetachGroupPolicy", ["GroupName": "readers", "PolicyArn": arn]).expectSuccess(
                "DetachGroupPolicy")
            try await server.iam("ListUsers", as: alice).expectError("AccessDenied", status: 403)
        }
    }

    @Test("a managed policy attached to a user grants its default version's actions")
    func userManagedPolicyApplies() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let arn = try await server.createManagedPolicy("Groups", document: PolicyText.allow("iam:ListGroups"))
            try await server.iam("AttachUserPolicy", ["UserName": "alice", "PolicyArn": arn]).expectSuccess(
                "AttachUserPolicy")
            _ = try await server.iam("ListGroups", as: alice).result("ListGroups")
            try await server.iam("ListUsers", as: alice).expectError("AccessDenied", status: 403)
        }
    }

    @Test(
        "GetFederationToken needs sts:GetFederationToken; its credentials are the federated user and cannot call IAM or GetSessionToken"
    )
    func federationToken() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice")
            try await server.sts("GetFederationToken", ["Name": "visitor"], as: alice).expectError(
                "AccessDenied", status: 403)

            let both =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetFederationToken","iam:ListUsers"],"Resource":"*"}]}"#
            try await server.iam("PutUserPolicy", ["UserName": "alice", "PolicyName": "Fed", "PolicyDocument": both])
                .expectSuccess("PutUserPolicy")
            _ = try await server.iam("ListUsers", as: alice).result("ListUsers")
            // The session policy allows ListUsers too: only the federation restriction stands in the way.
            let result = try await server.sts(
                "GetFederationToken", ["Name": "visitor", "Policy": PolicyText.allow("iam:ListUsers")], as: alice
            ).result("GetFederationToken")
            #expect(result.text("FederatedUser", "Arn") == "arn:aws:sts::111122223333:federated-user/visitor")
            let federated = SigV4Credentials(
                accessKeyID: try #require(result.text("Credentials", "AccessKeyId")),
                secretAccessKey: try #require(result.text("Credentials", "SecretAccessKey")),
                sessionToken: result.text("Credentials", "SessionToken"))

            let identity = try await server.callerIdentity(as: federated)
            #expect(identity.arn == "arn:aws:sts::111122223333:federated-user/visitor")
            #expect(identity.userId == "111122223333:visitor")
            #expect(identity.account == "111122223333")

            try await server.iam("ListUsers", as: federated).expectError("InvalidClientTokenId", status: 403)
            try await server.sts("GetSessionToken", as: federated).expectError("AccessDenied", status: 403)
        }
    }
}
