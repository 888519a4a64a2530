import Foundation
import LatchkeyQuery
import Testing

@Suite struct IAMUserPoliciesTests {
    @Test("PutUserPolicy stores an inline policy; Get returns it URL-encoded, List names it, Delete removes it")
    func inlinePolicies() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let document =
                "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"iam:Get*\", \"Resource\": \"*\"}\n}"
            try await server.iam(
                "PutUserPolicy", ["UserName": "alice", "PolicyName": "Read", "PolicyDocument": document]
            )
            .expectSuccess("PutUserPolicy")
            try await server.iam(
                "PutUserPolicy",
                ["UserName": "alice", "PolicyName": "Other", "PolicyDocument": PolicyText.allow("iam:List*")]
            ).expectSuccess("PutUserPolicy")

            let fetched = try await server.iam("GetUserPolicy", ["UserName": "alice", "PolicyName": "read"]).result(
                "GetUserPolicy")
            #expect(fetched.text("UserName") == "alice")
            #expect(fetched.text("PolicyName") == "Read")
            #expect(fetched.text("PolicyDocument") == PolicyText.encoded(document))
            #expect(fetched.text("PolicyDocument")?.contains("%7B%0A%20%20%22Version%22") == true)
            #expect(fetched.text("PolicyDocument")?.removingPercentEncoding == document)

            let listed = try await server.iam("ListUserPolicies", ["UserName": "alice"]).result("ListUserPolicies")
            #expect(listed.members(of: "PolicyNames").map(\.text) == ["Other", "Read"])

            try await server.iam("DeleteUserPolicy", ["UserName": "alice", "PolicyName": "Read"]).expectSuccess(
                "DeleteUserPolicy")
            try await server.iam("GetUserPolicy", ["UserName": "alice", "PolicyName": "Read"]).expectError(
                "NoSuchEntity", status: 404, message: "The user policy with name Read cannot be found.")
            try await server.iam("DeleteUserPolicy", ["UserName": "alice", "PolicyName": "Read"]).expectError(
                "NoSuchEntity", status: 404, message: "The user policy with name Read cannot be found.")
        }
    }

    @Test("user policy operations on a missing user are NoSuchEntity naming the user")
    func missingUser() async throws {
        try await TestServer.run { server in
            let message = "The user with name ghost cannot be found."
            try await server.iam(
                "PutUserPolicy",
                ["UserName": "ghost", "PolicyName": "P", "PolicyDocument": PolicyText.allow("iam:Get*")]
            )
            .expectError("NoSuchEntity", status: 404, message: message)
            try await server.iam("GetUserPolicy", ["UserName": "ghost", "PolicyName": "P"])
                .expectError("NoSuchEntity", status: 404, message: message)
            try await server.iam("ListUserPolicies", ["UserName": "ghost"]).expectError(
                "NoSuchEntity", status: 404, message: message)
            try await server.iam("ListAttachedUserPolicies", ["UserName": "ghost"])
                .expectError("NoSuchEntity", status: 404, message: message)
            let arn = try await server.createManagedPolicy("P")
            try await server.iam("AttachUserPolicy", ["UserName": "ghost", "PolicyArn": arn])
                .expectError("NoSuchEntity", status: 404, message: message)
            try await server.iam("PutUserPermissionsBoundary", ["UserName": "ghost", "PermissionsBoundary": arn])
                .expectError("NoSuchEntity", status: 404, message: message)
            try await server.iam("DeleteUserPermissionsBoundary", ["UserName": "ghost"])
                .expectError("NoSuchEntity", status: 404, message: message)
        }
    }

    @Test("a malformed inline document is MalformedPolicyDocument and is not stored")
    func malformedInlinePolicy() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let document =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ListUsers","Resource":"*"}]}"#
            try await server.iam("PutUserPolicy", ["UserName": "alice", "PolicyName": "P", "PolicyDocument": document])
                .expectError("MalformedPolicyDocument", status: 400)
            let listed = try await server.iam("ListUserPolicies", ["UserName": "alice"]).result("ListUserPolicies")
            #expect(listed.members(of: "PolicyNames").isEmpty)
        }
    }

    @Test("a user's inline policies together hold at most 2048 characters")
    func inlineSizeQuota() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let big = PolicyText.allow(
                "iam:Get*", resource: "arn:aws:iam::111122223333:user/" + String(repeating: "a", count: 1200))
            try await server.iam("PutUserPolicy", ["UserName": "alice", "PolicyName": "One", "PolicyDocument": big])
                .expectSuccess("PutUserPolicy")
            try await server.iam("PutUserPolicy", ["UserName": "alice", "PolicyName": "Two", "PolicyDocument": big])
                .expectError(
                    "LimitExceeded", status: 409, message: "Maximum policy size of 2048 bytes exceeded for user alice")
        }
    }

    @Test("AttachUserPolicy attaches a managed policy, ListAttachedUserPolicies lists it, DetachUserPolicy removes it")
    func attachedPolicies() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let team = try await server.createManagedPolicy("Team", path: "/team/")
            let base = try await server.createManagedPolicy("Base")
            for arn in [team, base, team] {
                try await server.iam("AttachUserPolicy", ["UserName": "alice", "PolicyArn": arn]).expectSuccess(
                    "AttachUserPolicy")
            }
            let listed = try await server.iam("ListAttachedUserPolicies", ["UserName": "alice"]).result(
                "ListAttachedUserPolicies")
            #expect(listed.members(of: "AttachedPolicies").map { $0.text("PolicyName") } == ["Base", "Team"])
            #expect(listed.members(of: "AttachedPolicies").map { $0.text("PolicyArn") } == [base, team])
            let filtered = try await server.iam(
                "ListAttachedUserPolicies", ["UserName": "alice", "PathPrefix": "/team/"]
            )
            .result("ListAttachedUserPolicies")
            #expect(filtered.members(of: "AttachedPolicies").map { $0.text("PolicyName") } == ["Team"])
            let policy = try await server.iam("GetPolicy", ["PolicyArn": team]).result("GetPolicy")
            #expect(policy.text("Policy", "AttachmentCount") == "1")

            try await server.iam("DetachUserPolicy", ["UserName": "alice", "PolicyArn": team]).expectSuccess(
                "DetachUserPolicy")
            try await server.iam("DetachUserPolicy", ["UserName": "alice", "PolicyArn": team]).expectError(
                "NoSuchEntity", status: 404, message: "Policy \(team) was not found.")
            let after = try await server.iam("ListAttachedUserPolicies", ["UserName": "alice"]).result(
                "ListAttachedUserPolicies")
            #expect(after.members(of: "AttachedPolicies").map { $0.text("PolicyName") } == ["Base"])
        }
    }

    @Test("attaching a policy that does not exist, or an AWS managed one, is NoSuchEntity")
    func attachMissingPolicy() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            for arn in ["arn:aws:iam::111122223333:policy/Nope", "arn:aws:iam::aws:policy/ReadOnlyAccess"] {
                try await server.iam("AttachUserPolicy", ["UserName": "alice", "PolicyArn": arn]).expectError(
                    "NoSuchEntity", status: 404, message: "Policy \(arn) does not exist or is not attachable.")
            }
        }
    }

    @Test("a user may have at most ten managed policies attached")
    func attachQuota() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            for index in 1...11 {
                let arn = try await server.createManagedPolicy("P\(index)")
                let reply = try await server.iam("AttachUserPolicy", ["UserName": "alice", "PolicyArn": arn])
                if index <= 10 {
                    try reply.expectSuccess("AttachUserPolicy")
                } else {
                    try reply.expectError(
                        "LimitExceeded", status: 409, message: "Cannot exceed quota for PoliciesPerUser: 10")
                }
            }
        }
    }

    @Test("PutUserPermissionsBoundary sets the boundary GetUser shows; DeleteUserPermissionsBoundary clears it")
    func permissionsBoundary() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let arn = try await server.createManagedPolicy("Boundary")
            try await server.iam("PutUserPermissionsBoundary", ["UserName": "alice", "PermissionsBoundary": arn])
                .expectSuccess("PutUserPermissionsBoundary")
            let user = try await server.iam("GetUser", ["UserName": "alice"]).result("GetUser")
            #expect(user.text("User", "PermissionsBoundary", "PermissionsBoundaryArn") == arn)
            #expect(user.text("User", "PermissionsBoundary", "PermissionsBoundaryType") == "PermissionsBoundaryPolicy")
            let policy = try await server.iam("GetPolicy", ["PolicyArn": arn]).result("GetPolicy")
            #expect(policy.text("Policy", "PermissionsBoundaryUsageCount") == "1")
            let boundaries = try await server.iam("ListPolicies", ["PolicyUsageFilter": "PermissionsBoundary"]).result(
                "ListPolicies")
            #expect(boundaries.members(of: "Policies").map { $0.text("PolicyName") } == ["Boundary"])
            try await server.iam("DeletePolicy", ["PolicyArn": arn]).expectError("DeleteConflict", status: 409)

            try await server.iam("DeleteUserPermissionsBoundary", ["UserName": "alice"]).expectSuccess(
                "DeleteUserPermissionsBoundary")
            let cleared = try await server.iam("GetUser", ["UserName": "alice"]).result("GetUser")
            #expect(cleared.child("User")?.child("PermissionsBoundary") == nil)

            let missing = "arn:aws:iam::111122223333:policy/Nope"
            try await server.iam("PutUserPermissionsBoundary", ["UserName": "alice", "PermissionsBoundary": missing])
                .expectError(
                    "NoSuchEntity", status: 404, message: "Policy \(missing) does not exist or is not attachable.")
        }
    }
}
