import Foundation
import LatchkeyCore
import LatchkeyQuery
import LatchkeySigV4
import Testing

/// `UpdateUser`: renaming and moving a user on the real server.
@Suite struct UpdateUserTests {
    static let account = TestServer.accountId

    static func arn(_ name: String, path: String = "/") -> String { "arn:aws:iam::\(account):user\(path)\(name)" }

    static func allow(_ action: String, resources: [String]) -> String {
        let list = resources.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"\#(action)","Resource":[\#(list)]}]}"#
    }

    @Test(
        "a renamed and moved user keeps its ID, key, group, inline and attached policies, boundary, tags and MFA device; the old name is NoSuchEntity"
    )
    func renameKeepsEverything() async throws {
        try await TestServer.run { server in
            let created = try await server.createUser("alice", path: "/eng/")
            let userId = try #require(created.text("UserId"))
            let key = try await server.createAccessKey(for: "alice")
            let listUsers = Self.allow("iam:ListUsers", resources: ["*"])
            try await server.iam(
                "PutUserPolicy", ["UserName": "alice", "PolicyName": "inline", "PolicyDocument": listUsers]
            )
            .expectSuccess("PutUserPolicy")
            let getUser = Self.allow("iam:GetUser", resources: ["*"])
            let policyArn = try #require(
                try await server.iam("CreatePolicy", ["PolicyName": "get-user", "PolicyDocument": getUser])
                    .result("CreatePolicy").text("Policy", "Arn"))
            try await server.iam("AttachUserPolicy", ["UserName": "alice", "PolicyArn": policyArn])
                .expectSuccess("AttachUserPolicy")
            let boundary = Self.allow("iam:*", resources: ["*"])
            let boundaryArn = try #require(
                try await server.iam("CreatePolicy", ["PolicyName": "boundary", "PolicyDocument": boundary])
                    .result("CreatePolicy").text("Policy", "Arn"))
            try await server.iam(
                "PutUserPermissionsBoundary", ["UserName": "alice", "PermissionsBoundary": boundaryArn]
            )
            .expectSuccess("PutUserPermissionsBoundary")
            try await server.iam(
                "TagUser", ["UserName": "alice", "Tags.member.1.Key": "team", "Tags.member.1.Value": "blue"]
            )
            .expectSuccess("TagUser")
            try await server.iam("CreateGroup", ["GroupName": "devs"]).result("CreateGroup")
            try await server.iam("AddUserToGroup", ["GroupName": "devs", "UserName": "alice"]).expectSuccess(
                "AddUserToGroup")
            let device = try await server.createVirtualMFADevice("alice-phone")
            let enabledAt = server.step
            try await server.enable(device, for: "alice", atStep: enabledAt)
            // The key is resolved (and cached) and the policies read (and cached) under the old name.
            #expect(try await server.callerIdentity(as: key).arn == Self.arn("alice", path: "/eng/"))
            try await server.iam("ListUsers", as: key).result("ListUsers")

            try await server.iam("UpdateUser", ["UserName": "alice", "NewUserName": "bob", "NewPath": "/ops/"])
                .expectSuccess("UpdateUser")

            let bob = try #require(try await server.iam("GetUser", ["UserName": "bob"]).result("GetUser").child("User"))
            #expect(bob.text("UserName") == "bob")
            #expect(bob.text("Path") == "/ops/")
            #expect(bob.text("UserId") == userId)
            #expect(bob.text("Arn") == Self.arn("bob", path: "/ops/"))
            #expect(bob.text("CreateDate") == created.text("CreateDate"))
            #expect(bob.text("PermissionsBoundary", "PermissionsBoundaryArn") == boundaryArn)
            #expect(bob.members(of: "Tags").map { $0.text("Key") } == ["team"])
            try await server.iam("GetUser", ["UserName": "alice"]).expectError(
                "NoSuchEntity", status: 404, message: "The user with name alice cannot be found.")

            // The key now speaks for bob at once (the credential cache was dropped), with bob's policies.
            #expect(try await server.callerIdentity(as: key).arn == Self.arn("bob", path: "/ops/"))
            #expect(try await server.callerIdentity(as: key).userId == userId)
            try await server.iam("ListUsers", as: key).result("ListUsers")
            try await server.iam("GetUser", as: key).result("GetUser")
            try await server.iam("ListRoles", as: key).expectError("AccessDenied", status: 403)

            let keys = try await server.iam("ListAccessKeys", ["UserName": "bob"]).result("ListAccessKeys")
            #expect(keys.members(of: "AccessKeyMetadata").map { $0.text("AccessKeyId") } == [key.accessKeyID])
            #expect(keys.members(of: "AccessKeyMetadata").map { $0.text("UserName") } == ["bob"])
            try await server.iam("ListAccessKeys", ["UserName": "alice"]).expectError("NoSuchEntity", status: 404)
            let groups = try await server.iam("ListGroupsForUser", ["UserName": "bob"]).result("ListGroupsForUser")
            #expect(groups.members(of: "Groups").map { $0.text("GroupName") } == ["devs"])
            let members = try await server.iam("GetGroup", ["GroupName": "devs"]).result("GetGroup")
            #expect(members.members(of: "Users").map { $0.text("Arn") } == [Self.arn("bob", path: "/ops/")])
            let inline = try await server.iam("ListUserPolicies", ["UserName": "bob"]).result("ListUserPolicies")
            #expect(inline.members(of: "PolicyNames").map(\.text) == ["inline"])
            let attached = try await server.iam("ListAttachedUserPolicies", ["UserName": "bob"])
                .result("ListAttachedUserPolicies")
            #expect(attached.members(of: "AttachedPolicies").map { $0.text("PolicyArn") } == [policyArn])
            let devices = try await server.iam("ListMFADevices", ["UserName": "bob"]).result("ListMFADevices")
            #expect(devices.members(of: "MFADevices").map { $0.text("SerialNumber") } == [device.serialNumber])
            #expect(devices.members(of: "MFADevices").map { $0.text("UserName") } == ["bob"])

            // MFA still works for the renamed user: an MFA session, which then reaches IAM as bob.
            server.moveClock(toStep: enabledAt + 1)
            let session = try await server.sessionToken(
                as: key, ["SerialNumber": device.serialNumber, "TokenCode": device.code(step: enabledAt + 1)])
            #expect(try await server.callerIdentity(as: session.credentials).arn == Self.arn("bob", path: "/ops/"))
            try await server.iam("ListUsers", as: session.credentials).result("ListUsers")

            // The old name is free again, and the new user with it inherits nothing.
            try await server.createUser("alice", path: "/eng/")
            let newAlice = try await server.createAccessKey(for: "alice")
            try await server.iam("ListUsers", as: newAlice).expectError("AccessDenied", status: 403)
            let newGroups = try await server.iam("ListGroupsForUser", ["UserName": "alice"]).result("ListGroupsForUser")
            #expect(newGroups.members(of: "Groups").isEmpty)
        }
    }

    @Test(
        "UpdateUser errors: a missing user, a name taken case-insensitively, bad names and paths; a case-only rename and a move alone succeed"
    )
    func updateUserErrors() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            try await server.createUser("bob")
            try await server.iam("UpdateUser", ["UserName": "carol", "NewUserName": "dave"]).expectError(
                "NoSuchEntity", status: 404, message: "The user with name carol cannot be found.")
            try await server.iam("UpdateUser", ["UserName": "alice", "NewUserName": "BOB"]).expectError(
                "EntityAlreadyExists", status: 409, message: "User with name BOB already exists.")
            for params: KeyValuePairs<String, String> in [
                ["UserName": "alice", "NewUserName": "not valid!"],
                ["UserName": "alice", "NewUserName": String(repeating: "a", count: 65)],
                ["UserName": "alice", "NewUserName": ""],
                ["UserName": "alice", "NewPath": "eng"],
                ["UserName": "alice", "NewPath": "/eng"],
                ["NewUserName": "zed"],
            ] {
                try await server.iam("UpdateUser", params).expectError("ValidationError", status: 400)
            }
            // A case-only rename of the same user is not a conflict.
            try await server.iam("UpdateUser", ["UserName": "alice", "NewUserName": "Alice"]).expectSuccess(
                "UpdateUser")
            #expect(
                try await server.iam("GetUser", ["UserName": "ALICE"]).result("GetUser").text("User", "UserName")
                    == "Alice")
            // Only the path.
            try await server.iam("UpdateUser", ["UserName": "alice", "NewPath": "/x/y/"]).expectSuccess("UpdateUser")
            let user = try await server.iam("GetUser", ["UserName": "Alice"]).result("GetUser")
            #expect(user.text("User", "Arn") == Self.arn("Alice", path: "/x/y/"))
            // Neither: nothing changes.
            try await server.iam("UpdateUser", ["UserName": "alice"]).expectSuccess("UpdateUser")
            let users = try await server.iam("ListUsers").result("ListUsers").members(of: "Users")
            #expect(users.map { $0.text("UserName") } == ["Alice", "bob"])
        }
    }

    @Test("renaming needs iam:UpdateUser on the source and on the target ARN; each missing one is denied")
    func renameNeedsBothArns() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice", path: "/eng/")
            let admin = try await server.userWithKey("admin")
            func allowOnly(_ resources: [String]) async throws {
                try await server.iam(
                    "PutUserPolicy",
                    [
                        "UserName": "admin", "PolicyName": "rename",
                        "PolicyDocument": Self.allow("iam:UpdateUser", resources: resources),
                    ]
                ).expectSuccess("PutUserPolicy")
            }
            let source = Self.arn("alice", path: "/eng/")
            let target = Self.arn("bob", path: "/eng/")
            func denial(_ resource: String) -> String {
                "User: \(Self.arn("admin")) is not authorized to perform: iam:UpdateUser on resource: \(resource) "
            }
            let rename: KeyValuePairs<String, String> = ["UserName": "alice", "NewUserName": "bob"]

            try await allowOnly([source])
            let onTarget = try await server.iam("UpdateUser", rename, as: admin).expectError(
                "AccessDenied", status: 403)
            #expect(onTarget.message.hasPrefix(denial(target)), "\(onTarget.message)")

            try await allowOnly([target])
            let onSource = try await server.iam("UpdateUser", rename, as: admin).expectError(
                "AccessDenied", status: 403)
            #expect(onSource.message.hasPrefix(denial(source)), "\(onSource.message)")
            // A move alone changes the ARN too: the new path must be allowed.
            try await allowOnly([source])
            let moved = try await server.iam("UpdateUser", ["UserName": "alice", "NewPath": "/ops/"], as: admin)
                .expectError("AccessDenied", status: 403)
            #expect(moved.message.hasPrefix(denial(Self.arn("alice", path: "/ops/"))), "\(moved.message)")
            // Nothing changed.
            try await server.iam("GetUser", ["UserName": "alice"]).result("GetUser")

            try await allowOnly([source, target])
            try await server.iam("UpdateUser", rename, as: admin).expectSuccess("UpdateUser")
            try await server.iam("GetUser", ["UserName": "bob"]).result("GetUser")

            // A user that does not exist: an unauthorized caller learns nothing, an authorized one gets NoSuchEntity.
            try await allowOnly([Self.arn("ghost")])
            try await server.iam("UpdateUser", ["UserName": "ghost"], as: admin).expectError(
                "NoSuchEntity", status: 404, message: "The user with name ghost cannot be found.")
            let hidden = try await server.iam("UpdateUser", ["UserName": "phantom"], as: admin)
                .expectError("AccessDenied", status: 403)
            #expect(hidden.message.hasPrefix(denial(Self.arn("phantom"))), "\(hidden.message)")
        }
    }

    @Test("session credentials issued before a rename keep working and keep the ARN they were issued with")
    func sessionsKeepTheirArn() async throws {
        try await TestServer.run { server in
            let key = try await server.userWithKey("alice")
            let session = try await server.sessionToken(as: key).credentials
            try await server.iam("UpdateUser", ["UserName": "alice", "NewUserName": "bob"]).expectSuccess("UpdateUser")
            #expect(try await server.callerIdentity(as: session).arn == Self.arn("alice"))
            #expect(try await server.callerIdentity(as: key).arn == Self.arn("bob"))
            // A new session carries the new name.
            let fresh = try await server.sessionToken(as: key).credentials
            #expect(try await server.callerIdentity(as: fresh).arn == Self.arn("bob"))
        }
    }
}
