import Foundation
import LatchkeyQuery
import Testing

@Suite struct IAMGroupsTests {
    @Test("CreateGroup returns the group with an AGPA ID; the same name in another case is EntityAlreadyExists")
    func createGroup() async throws {
        try await TestServer.run { server in
            let group = try await server.iam("CreateGroup", ["GroupName": "Admins", "Path": "/ops/"]).result(
                "CreateGroup")
            #expect(group.text("Group", "GroupName") == "Admins")
            #expect(group.text("Group", "Path") == "/ops/")
            #expect(group.text("Group", "Arn") == "arn:aws:iam::111122223333:group/ops/Admins")
            #expect(group.text("Group", "GroupId")?.hasPrefix("AGPA") == true)
            #expect(group.text("Group", "CreateDate") == "2025-06-15T15:06:40Z")
            try await server.iam("CreateGroup", ["GroupName": "admins"]).expectError(
                "EntityAlreadyExists", status: 409, message: "Group with name admins already exists.")
        }
    }

    @Test(
        "GetGroup returns the group and its members; AddUserToGroup twice changes nothing; a missing group is NoSuchEntity"
    )
    func membership() async throws {
        try await TestServer.run { server in
            try await server.iam("CreateGroup", ["GroupName": "devs"]).expectSuccess("CreateGroup")
            try await server.createUser("bob", path: "/eng/")
            try await server.createUser("alice")
            for user in ["bob", "alice", "bob"] {
                try await server.iam("AddUserToGroup", ["GroupName": "devs", "UserName": user]).expectSuccess(
                    "AddUserToGroup")
            }
            let group = try await server.iam("GetGroup", ["GroupName": "DEVS"]).result("GetGroup")
            #expect(group.text("Group", "GroupName") == "devs")
            #expect(group.members(of: "Users").map { $0.text("UserName") } == ["alice", "bob"])
            #expect(group.members(of: "Users").last?.text("Arn") == "arn:aws:iam::111122223333:user/eng/bob")
            #expect(group.text("IsTruncated") == "false")

            let forBob = try await server.iam("ListGroupsForUser", ["UserName": "bob"]).result("ListGroupsForUser")
            #expect(forBob.members(of: "Groups").map { $0.text("GroupName") } == ["devs"])

            try await server.iam("RemoveUserFromGroup", ["GroupName": "devs", "UserName": "bob"]).expectSuccess(
                "RemoveUserFromGroup")
            // No longer a member: IAM answers 200.
            try await server.iam("RemoveUserFromGroup", ["GroupName": "devs", "UserName": "bob"]).expectSuccess(
                "RemoveUserFromGroup")
            let after = try await server.iam("GetGroup", ["GroupName": "devs"]).result("GetGroup")
            #expect(after.members(of: "Users").map { $0.text("UserName") } == ["alice"])

            try await server.iam("GetGroup", ["GroupName": "nope"]).expectError(
                "NoSuchEntity", status: 404, message: "The group with name nope cannot be found.")
            try await server.iam("AddUserToGroup", ["GroupName": "nope", "UserName": "alice"]).expectError(
                "NoSuchEntity", status: 404, message: "The group with name nope cannot be found.")
            try await server.iam("AddUserToGroup", ["GroupName": "devs", "UserName": "ghost"]).expectError(
                "NoSuchEntity", status: 404, message: "The user with name ghost cannot be found.")
            try await server.iam("ListGroupsForUser", ["UserName": "ghost"]).expectError(
                "NoSuchEntity", status: 404, message: "The user with name ghost cannot be found.")
        }
    }

    @Test("a user may be in at most ten groups")
    func groupsPerUserQuota() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            for index in 1...11 {
                try await server.iam("CreateGroup", ["GroupName": "g\(index)"]).expectSuccess("CreateGroup")
                let reply = try await server.iam("AddUserToGroup", ["GroupName": "g\(index)", "UserName": "alice"])
                if index <= 10 {
                    try reply.expectSuccess("AddUserToGroup")
                } else {
                    try reply.expectError(
                        "LimitExceeded", status: 409, message: "Cannot exceed quota for GroupsPerUser: 10")
                }
            }
        }
    }

    @Test("ListGroups filters by PathPrefix and pages; UpdateGroup renames and moves a group, keeping its members")
    func listAndUpdate() async throws {
        try await TestServer.run { server in
            for (name, path) in [("b", "/x/"), ("a", "/x/"), ("c", "/y/")] {
                try await server.iam("CreateGroup", ["GroupName": name, "Path": path]).expectSuccess("CreateGroup")
            }
            let x = try await server.iam("ListGroups", ["PathPrefix": "/x/"]).result("ListGroups")
            #expect(x.members(of: "Groups").map { $0.text("GroupName") } == ["a", "b"])
            let page = try await server.iam("ListGroups", ["MaxItems": "2"]).result("ListGroups")
            #expect(page.text("IsTruncated") == "true")
            let marker = try #require(page.text("Marker"))
            let rest = try await server.iam("ListGroups", ["MaxItems": "2", "Marker": marker]).result("ListGroups")
            #expect(rest.members(of: "Groups").map { $0.text("GroupName") } == ["c"])

            try await server.createUser("alice")
            try await server.iam("AddUserToGroup", ["GroupName": "a", "UserName": "alice"]).expectSuccess(
                "AddUserToGroup")
            try await server.iam("UpdateGroup", ["GroupName": "a", "NewGroupName": "z", "NewPath": "/y/"])
                .expectSuccess("UpdateGroup")
            let moved = try await server.iam("GetGroup", ["GroupName": "z"]).result("GetGroup")
            #expect(moved.text("Group", "Arn") == "arn:aws:iam::111122223333:group/y/z")
            #expect(moved.members(of: "Users").map { $0.text("UserName") } == ["alice"])
            try await server.iam("GetGroup", ["GroupName": "a"]).expectError("NoSuchEntity", status: 404)
            try await server.iam("UpdateGroup", ["GroupName": "z", "NewGroupName": "C"]).expectError(
                "EntityAlreadyExists", status: 409, message: "Group with name C already exists.")
            try await server.iam("UpdateGroup", ["GroupName": "nope", "NewGroupName": "q"]).expectError(
                "NoSuchEntity", status: 404, message: "The group with name nope cannot be found.")
        }
    }

    @Test("DeleteGroup is refused while the group has members, attached policies or inline policies")
    func deleteGroup() async throws {
        try await TestServer.run { server in
            try await server.iam("CreateGroup", ["GroupName": "g"]).expectSuccess("CreateGroup")
            try await server.createUser("alice")
            let arn = try await server.createManagedPolicy("P")
            try await server.iam("AddUserToGroup", ["GroupName": "g", "UserName": "alice"]).expectSuccess(
                "AddUserToGroup")
            try await server.iam("AttachGroupPolicy", ["GroupName": "g", "PolicyArn": arn]).expectSuccess(
                "AttachGroupPolicy")
            try await server.iam(
                "PutGroupPolicy", ["GroupName": "g", "PolicyName": "I", "PolicyDocument": PolicyText.allow("iam:Get*")]
            )
            .expectSuccess("PutGroupPolicy")

            try await server.iam("DeleteGroup", ["GroupName": "g"]).expectError(
                "DeleteConflict", status: 409, message: "Cannot delete entity, must remove users from group first.")
            try await server.iam("RemoveUserFromGroup", ["GroupName": "g", "UserName": "alice"]).expectSuccess(
                "RemoveUserFromGroup")
            try await server.iam("DeleteGroup", ["GroupName": "g"]).expectError(
                "DeleteConflict", status: 409, message: "Cannot delete entity, must detach all policies first.")
            try await server.iam("DetachGroupPolicy", ["GroupName": "g", "PolicyArn": arn]).expectSuccess(
                "DetachGroupPolicy")
            try await server.iam("DeleteGroup", ["GroupName": "g"]).expectError(
                "DeleteConflict", status: 409, message: "Cannot delete entity, must delete policies first.")
            try await server.iam("DeleteGroupPolicy", ["GroupName": "g", "PolicyName": "I"]).expectSuccess(
                "DeleteGroupPolicy")
            try await server.iam("DeleteGroup", ["GroupName": "g"]).expectSuccess("DeleteGroup")
            try await server.iam("DeleteGroup", ["GroupName": "g"]).expectError(
                "NoSuchEntity", status: 404, message: "The group with name g cannot be found.")
        }
    }

    @Test("group inline policies: put, get (URL-encoded), list, delete; a missing one is NoSuchEntity")
    func groupInlinePolicies() async throws {
        try await TestServer.run { server in
            try await server.iam("CreateGroup", ["GroupName": "g"]).expectSuccess("CreateGroup")
            let document = PolicyText.allow("iam:List*")
            try await server.iam("PutGroupPolicy", ["GroupName": "g", "PolicyName": "L", "PolicyDocument": document])
                .expectSuccess("PutGroupPolicy")
            let fetched = try await server.iam("GetGroupPolicy", ["GroupName": "g", "PolicyName": "L"]).result(
                "GetGroupPolicy")
            #expect(fetched.text("GroupName") == "g")
            #expect(fetched.text("PolicyName") == "L")
            #expect(fetched.text("PolicyDocument") == PolicyText.encoded(document))
            let listed = try await server.iam("ListGroupPolicies", ["GroupName": "g"]).result("ListGroupPolicies")
            #expect(listed.members(of: "PolicyNames").map(\.text) == ["L"])
            try await server.iam("DeleteGroupPolicy", ["GroupName": "g", "PolicyName": "L"]).expectSuccess(
                "DeleteGroupPolicy")
            try await server.iam("GetGroupPolicy", ["GroupName": "g", "PolicyName": "L"]).expectError(
                "NoSuchEntity", status: 404, message: "The group policy with name L cannot be found.")
            try await server.iam("PutGroupPolicy", ["GroupName": "g", "PolicyName": "L", "PolicyDocument": "[]"])
                .expectError("MalformedPolicyDocument", status: 400)
            try await server.iam(
                "PutGroupPolicy", ["GroupName": "nope", "PolicyName": "L", "PolicyDocument": document]
            )
            .expectError("NoSuchEntity", status: 404, message: "The group with name nope cannot be found.")
        }
    }

    @Test("group managed policies: attach, list (PathPrefix), detach; at most ten")
    func groupAttachedPolicies() async throws {
        try await TestServer.run { server in
            try await server.iam("CreateGroup", ["GroupName": "g"]).expectSuccess("CreateGroup")
            var arns: [String] = []
            for index in 1...11 {
                arns.append(try await server.createManagedPolicy("P\(index)", path: index == 1 ? "/one/" : "/"))
            }
            for arn in arns.prefix(10) {
                try await server.iam("AttachGroupPolicy", ["GroupName": "g", "PolicyArn": arn]).expectSuccess(
                    "AttachGroupPolicy")
            }
            try await server.iam("AttachGroupPolicy", ["GroupName": "g", "PolicyArn": arns[10]]).expectError(
                "LimitExceeded", status: 409, message: "Cannot exceed quota for PoliciesPerGroup: 10")
            let one = try await server.iam("ListAttachedGroupPolicies", ["GroupName": "g", "PathPrefix": "/one/"])
                .result("ListAttachedGroupPolicies")
            #expect(one.members(of: "AttachedPolicies").map { $0.text("PolicyArn") } == [arns[0]])
            let all = try await server.iam("ListAttachedGroupPolicies", ["GroupName": "g"]).result(
                "ListAttachedGroupPolicies")
            #expect(all.members(of: "AttachedPolicies").count == 10)
            try await server.iam("DetachGroupPolicy", ["GroupName": "g", "PolicyArn": arns[0]]).expectSuccess(
                "DetachGroupPolicy")
            try await server.iam("DetachGroupPolicy", ["GroupName": "g", "PolicyArn": arns[10]]).expectError(
                "NoSuchEntity", status: 404, message: "Policy \(arns[10]) was not found.")
        }
    }
}
