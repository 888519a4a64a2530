import Foundation
import LatchkeyQuery
import LatchkeySigV4
import Testing

private typealias F = RoleFixtures

/// Users, access keys and MFA devices.
extension IAMRaceTests {
    /// The `<User>` GetUser answers.
    static func user(_ server: TestServer, _ name: String, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> XMLReader.Element
    {
        let result = try await server.iam("GetUser", ["UserName": name]).result(
            "GetUser", sourceLocation: sourceLocation)
        return try #require(result.child("User"), sourceLocation: sourceLocation)
    }

    static func tagUser(_ name: String, _ key: String) -> IAMCall {
        IAMCall("TagUser", [("UserName", name)] + tagParams([key]))
    }

    @Test("twenty TagUser calls with distinct keys released together keep all twenty tags")
    func concurrentTagUserKeepsEveryTag() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let keys = (0..<Self.burst).map { "k\($0)" }
            let replies = try await server.iamReleasedTogether(keys.map { Self.tagUser("alice", $0) })
            #expect(replies.acknowledged == Self.burst, "\(replies.errorCodes)")
            #expect(try await Self.listedTagKeys(server, "ListUserTags", [("UserName", "alice")]) == Set(keys))
        }
    }

    @Test("UntagUser racing TagUser: the removed key stays removed and every added key is present")
    func untagUserRacingTagUserHolds() async throws {
        try await TestServer.run { server in
            for trial in 0..<Self.trials {
                let user = "u\(trial)"
                try await server.createUser(user)
                try await F.iam(server, "TagUser", [("UserName", user)] + Self.tagParams(["gone", "kept"]))
                    .expectSuccess("TagUser")
                let keys = Self.raceTagKeys(trial)
                let calls =
                    [IAMCall("UntagUser", [("UserName", user)] + Self.tagKeyParams(["gone"]))]
                    + keys.map { Self.tagUser(user, $0) }
                let replies = try await server.iamReleasedTogether(calls)
                #expect(replies.acknowledged == calls.count, "trial \(trial): \(replies.errorCodes)")
                let listed = try await Self.listedTagKeys(server, "ListUserTags", [("UserName", user)])
                #expect(listed == Set(keys + ["kept"]), "trial \(trial)")
            }
        }
    }

    @Test(
        "PutUserPermissionsBoundary and DeleteUserPermissionsBoundary racing TagUser: the boundary is as last acknowledged"
    )
    func userBoundaryRacingTagUserHolds() async throws {
        try await TestServer.run { server in
            try await F.seedManagedPolicy(server, "Boundary", document: F.allow("s3:*"))
            let boundary = F.policyArn("Boundary")
            for trial in 0..<Self.trials {
                let user = "b\(trial)"
                try await server.createUser(user)
                let putKeys = Self.raceTagKeys(trial)
                let put =
                    [IAMCall("PutUserPermissionsBoundary", [("UserName", user), ("PermissionsBoundary", boundary)])]
                    + putKeys.map { Self.tagUser(user, $0) }
                let putReplies = try await server.iamReleasedTogether(put)
                #expect(putReplies.acknowledged == put.count, "trial \(trial): \(putReplies.errorCodes)")
                var stored = try await Self.user(server, user)
                #expect(
                    stored.text("PermissionsBoundary", "PermissionsBoundaryArn") == boundary, "trial \(trial): put lost"
                )
                #expect(Self.tagKeys(in: stored) == Set(putKeys), "trial \(trial)")

                let deleteKeys = Self.raceTagKeys(trial + 100)
                let delete =
                    [IAMCall("DeleteUserPermissionsBoundary", [("UserName", user)])]
                    + deleteKeys.map { Self.tagUser(user, $0) }
                let deleteReplies = try await server.iamReleasedTogether(delete)
                #expect(deleteReplies.acknowledged == delete.count, "trial \(trial): \(deleteReplies.errorCodes)")
                stored = try await Self.user(server, user)
                #expect(stored.child("PermissionsBoundary") == nil, "trial \(trial): delete lost")
                #expect(Self.tagKeys(in: stored) == Set(putKeys + deleteKeys), "trial \(trial)")
            }
            let policy = try await server.iam("GetPolicy", ["PolicyArn": boundary]).result("GetPolicy")
            #expect(policy.text("Policy", "PermissionsBoundaryUsageCount") == "0")
        }
    }

    @Test(
        "UpdateUser (a new path, and a new case of the name) racing TagUser: the path, the name and every tag are kept")
    func updateUserRacingTagUserKeepsBoth() async throws {
        try await TestServer.run { server in
            for trial in 0..<Self.trials {
                let user = "carol\(trial)"
                let renamed = "Carol\(trial)"
                try await server.createUser(user)
                let keys = Self.raceTagKeys(trial)
                let calls =
                    [
                        IAMCall(
                            "UpdateUser", [("UserName", user), ("NewUserName", renamed), ("NewPath", "/team\(trial)/")])
                    ]
                    + keys.map { Self.tagUser(user, $0) }
                let replies = try await server.iamReleasedTogether(calls)
                #expect(replies.acknowledged == calls.count, "trial \(trial): \(replies.errorCodes)")
                let stored = try await Self.user(server, renamed)
                #expect(stored.text("UserName") == renamed, "trial \(trial): rename lost")
                #expect(stored.text("Path") == "/team\(trial)/", "trial \(trial): new path lost")
                #expect(Self.tagKeys(in: stored) == Set(keys), "trial \(trial)")
            }
        }
    }

    @Test("UpdateUser renaming racing TagUser on the old name: every acknowledged tag is on the renamed user")
    func renameRacingTagUserKeepsAcknowledgedTags() async throws {
        try await TestServer.run { server in
            for trial in 0..<Self.trials {
                try await server.createUser("dave\(trial)")
                let keys = Self.raceTagKeys(trial, count: 8)
                let calls =
                    [IAMCall("UpdateUser", [("UserName", "dave\(trial)"), ("NewUserName", "erin\(trial)")])]
                    + keys.map { Self.tagUser("dave\(trial)", $0) }
                let replies = try await server.iamReleasedTogether(calls)
                #expect(replies[0].status == 200, "trial \(trial): \(replies[0].body)")
                let tagged = Set(zip(keys, replies.dropFirst()).filter { $0.1.status == 200 }.map(\.0))
                #expect(
                    replies.dropFirst().allSatisfy { $0.status == 200 || $0.errorCode == "NoSuchEntity" },
                    "trial \(trial): \(replies.errorCodes)")
                let listed = try await Self.listedTagKeys(server, "ListUserTags", [("UserName", "erin\(trial)")])
                #expect(listed == tagged, "trial \(trial)")
                try await server.iam("GetUser", ["UserName": "dave\(trial)"]).expectError("NoSuchEntity", status: 404)
            }
        }
    }

    @Test(
        "PutUserPolicy with distinct names and AttachUserPolicy with distinct policies, released together, are all kept"
    )
    func userPoliciesAreAllKept() async throws {
        try await TestServer.run { server in
            try await server.createUser("worker")
            for index in 0..<10 {
                try await F.seedManagedPolicy(server, "M\(index)", document: F.allow("s3:Get\(index)"))
            }
            let inline = (0..<10).map {
                IAMCall(
                    "PutUserPolicy",
                    [("UserName", "worker"), ("PolicyName", "I\($0)"), ("PolicyDocument", F.allow("s3:*"))])
            }
            let attach = (0..<10).map {
                IAMCall("AttachUserPolicy", [("UserName", "worker"), ("PolicyArn", F.policyArn("M\($0)"))])
            }
            let replies = try await server.iamReleasedTogether(inline + attach)
            #expect(replies.acknowledged == 20, "\(replies.errorCodes)")
            let names = try await server.iam("ListUserPolicies", ["UserName": "worker"]).result("ListUserPolicies")
            #expect(Self.memberTexts("PolicyNames", in: names) == Set((0..<10).map { "I\($0)" }))
            let attached = try await server.iam("ListAttachedUserPolicies", ["UserName": "worker"])
                .result("ListAttachedUserPolicies")
            #expect(
                Set(attached.members(of: "AttachedPolicies").compactMap { $0.text("PolicyName") })
                    == Set((0..<10).map { "M\($0)" }))

            // Each policy detached three times at once: one detach is acknowledged, the others find nothing.
            let detach = (0..<5).flatMap { index in
                Array(
                    repeating: IAMCall(
                        "DetachUserPolicy", [("UserName", "worker"), ("PolicyArn", F.policyArn("M\(index)"))]), count: 3
                )
            }
            let deleteInline = (0..<10).map {
                IAMCall("DeleteUserPolicy", [("UserName", "worker"), ("PolicyName", "I\($0)")])
            }
            let second = try await server.iamReleasedTogether(detach + deleteInline)
            #expect(second.acknowledged == 15, "\(second.errorCodes)")
            #expect(second.errorCodes == Array(repeating: "NoSuchEntity", count: 10))
            let remaining = try await server.iam("ListAttachedUserPolicies", ["UserName": "worker"])
                .result("ListAttachedUserPolicies")
            #expect(
                Set(remaining.members(of: "AttachedPolicies").compactMap { $0.text("PolicyName") })
                    == Set((5..<10).map { "M\($0)" }))
            for index in 0..<10 {
                let policy = try await server.iam("GetPolicy", ["PolicyArn": F.policyArn("M\(index)")]).result(
                    "GetPolicy")
                #expect(policy.text("Policy", "AttachmentCount") == (index < 5 ? "0" : "1"), "M\(index)")
            }
        }
    }

    @Test("six CreateUser calls at once with one name create one user; six DeleteUser calls delete it once")
    func userNameIsUniqueUnderRace() async throws {
        try await TestServer.run { server in
            let created = try await server.iamReleasedTogether(
                Array(repeating: IAMCall("CreateUser", [("UserName", "alice")]), count: 6))
            #expect(created.acknowledged == 1)
            #expect(created.errorCodes == Array(repeating: "EntityAlreadyExists", count: 5))
            let deleted = try await server.iamReleasedTogether(
                Array(repeating: IAMCall("DeleteUser", [("UserName", "alice")]), count: 6))
            #expect(deleted.acknowledged == 1)
            #expect(deleted.errorCodes == Array(repeating: "NoSuchEntity", count: 5))
        }
    }

    @Test("six CreateAccessKey calls at once for one user create exactly two keys")
    func keyQuotaHoldsUnderRace() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let replies = try await server.iamReleasedTogether(
                Array(repeating: IAMCall("CreateAccessKey", [("UserName", "alice")]), count: 6))
            #expect(replies.acknowledged == 2)
            #expect(replies.errorCodes == Array(repeating: "LimitExceeded", count: 4))
            let created = Set(
                replies.filter { $0.status == 200 }.compactMap {
                    try? $0.result("CreateAccessKey").text("AccessKey", "AccessKeyId")
                })
            let keys = try await server.iam("ListAccessKeys", ["UserName": "alice"]).result("ListAccessKeys")
            #expect(Set(keys.members(of: "AccessKeyMetadata").compactMap { $0.text("AccessKeyId") }) == created)
        }
    }

    @Test(
        "UpdateAccessKey and DeleteAccessKey released together: the status sticks, a key is deleted once, and DeleteUser racing CreateAccessKey never leaves a key without its user"
    )
    func accessKeyChangesHold() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let first = try await server.createAccessKey(for: "alice")
            let second = try await server.createAccessKey(for: "alice")
            let calls =
                Array(
                    repeating: IAMCall(
                        "UpdateAccessKey",
                        [("UserName", "alice"), ("AccessKeyId", first.accessKeyID), ("Status", "Inactive")]), count: 3)
                + Array(
                    repeating: IAMCall(
                        "DeleteAccessKey", [("UserName", "alice"), ("AccessKeyId", second.accessKeyID)]), count: 3)
            let replies = try await server.iamReleasedTogether(calls)
            #expect(replies.acknowledged == 4, "\(replies.errorCodes)")
            #expect(replies.errorCodes == ["NoSuchEntity", "NoSuchEntity"])
            let keys = try await server.iam("ListAccessKeys", ["UserName": "alice"]).result("ListAccessKeys").members(
                of: "AccessKeyMetadata")
            #expect(keys.map { $0.text("AccessKeyId") } == [first.accessKeyID])
            #expect(keys.first?.text("Status") == "Inactive")
            try await server.iam("DeleteAccessKey", ["UserName": "alice", "AccessKeyId": first.accessKeyID])
                .expectSuccess("DeleteAccessKey")

            for trial in 0..<Self.trials {
                let user = "k\(trial)"
                try await server.createUser(user)
                let raced = try await server.iamReleasedTogether([
                    IAMCall("DeleteUser", [("UserName", user)]), IAMCall("CreateAccessKey", [("UserName", user)]),
                ])
                let (deleted, created) = (raced[0], raced[1])
                #expect((deleted.status == 200) != (created.status == 200), "trial \(trial): \(raced.errorCodes)")
                if created.status == 200 {
                    #expect(deleted.errorCode == "DeleteConflict", "trial \(trial)")
                    let listed = try await server.iam("ListAccessKeys", ["UserName": user]).result("ListAccessKeys")
                    #expect(listed.members(of: "AccessKeyMetadata").count == 1, "trial \(trial)")
                } else {
                    #expect(created.errorCode == "NoSuchEntity", "trial \(trial)")
                    try await server.iam("GetUser", ["UserName": user]).expectError("NoSuchEntity", status: 404)
                }
            }
        }
    }

    @Test("MFA devices: one name created once, a device enabled once, deactivated once and deleted once under races")
    func mfaDeviceLifecycleHoldsUnderRace() async throws {
        try await TestServer.run { server in
            let create = IAMCall("CreateVirtualMFADevice", [("VirtualMFADeviceName", "phone")])
            let created = try await server.iamReleasedTogether(Array(repeating: create, count: 6))
            #expect(created.acknowledged == 1)
            #expect(created.errorCodes == Array(repeating: "EntityAlreadyExists", count: 5))
            try await server.iam("DeleteVirtualMFADevice", ["SerialNumber": "arn:aws:iam::\(F.account):mfa/phone"])
                .expectSuccess("DeleteVirtualMFADevice")

            let device = try await server.createVirtualMFADevice("bob-phone")
            let users = (0..<6).map { "mfa\($0)" }
            for user in users { try await server.createUser(user) }
            let step = server.step
            let enable = users.map { user in
                IAMCall(
                    "EnableMFADevice",
                    [
                        ("UserName", user), ("SerialNumber", device.serialNumber),
                        ("AuthenticationCode1", device.code(step: step - 1)),
                        ("AuthenticationCode2", device.code(step: step)),
                    ])
            }
            let enabled = try await server.iamReleasedTogether(enable)
            #expect(enabled.acknowledged == 1, "\(enabled.errorCodes)")
            #expect(enabled.errorCodes == Array(repeating: "EntityAlreadyExists", count: 5))
            let owner = try #require(zip(users, enabled).first { $0.1.status == 200 }?.0)
            for user in users {
                let listed = try await server.iam("ListMFADevices", ["UserName": user]).result("ListMFADevices")
                #expect(listed.members(of: "MFADevices").count == (user == owner ? 1 : 0), "\(user)")
            }

            let deactivate = IAMCall(
                "DeactivateMFADevice", [("UserName", owner), ("SerialNumber", device.serialNumber)])
            let deactivated = try await server.iamReleasedTogether(Array(repeating: deactivate, count: 6))
            #expect(deactivated.acknowledged == 1)
            #expect(deactivated.errorCodes == Array(repeating: "NoSuchEntity", count: 5))
            let delete = IAMCall("DeleteVirtualMFADevice", [("SerialNumber", device.serialNumber)])
            let deleted = try await server.iamReleasedTogether(Array(repeating: delete, count: 6))
            #expect(deleted.acknowledged == 1)
            #expect(deleted.errorCodes == Array(repeating: "NoSuchEntity", count: 5))
        }
    }

    @Test("the same MFA code sent on eight connections at once is accepted exactly once")
    func mfaCodeIsAcceptedOnce() async throws {
        try await TestServer.run { server in
            let bob = try await server.userWithKey("bob")
            let device = try await server.createVirtualMFADevice("bob-phone")
            let step = server.step
            try await server.enable(device, for: "bob", atStep: step)
            server.moveClock(toStep: step + 1)
            let request = try signedRequest(
                action: "GetSessionToken",
                params: ["SerialNumber": device.serialNumber, "TokenCode": device.code(step: step + 1)],
                credentials: bob,
                date: server.now)
            let replies = try await server.releasedTogether(Array(repeating: request, count: 8))
            #expect(replies.acknowledged == 1)
            #expect(replies.errorCodes == Array(repeating: "AccessDenied", count: 7))
        }
    }
}
