import Foundation
import LatchkeyQuery
import LatchkeySigV4
import Testing

private typealias F = RoleFixtures

/// Customer managed policies, their versions, and groups.
extension IAMRaceTests {
    static func tagPolicy(_ arn: String, _ key: String) -> IAMCall {
        IAMCall("TagPolicy", [("PolicyArn", arn)] + tagParams([key]))
    }

    /// The version IDs ListPolicyVersions answers, and the default one.
    static func versions(_ server: TestServer, _ arn: String, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> (ids: Set<String>, defaultId: [String])
    {
        let result = try await server.iam("ListPolicyVersions", ["PolicyArn": arn])
            .result("ListPolicyVersions", sourceLocation: sourceLocation)
        let versions = result.members(of: "Versions")
        return (
            Set(versions.compactMap { $0.text("VersionId") }),
            versions.filter { $0.text("IsDefaultVersion") == "true" }.compactMap { $0.text("VersionId") }
        )
    }

    @Test(
        "twenty TagPolicy calls with distinct keys released together keep all twenty tags; UntagPolicy racing TagPolicy keeps the removal"
    )
    func policyTagsAreAllKept() async throws {
        try await TestServer.run { server in
            try await F.seedManagedPolicy(server, "P", document: F.allow("s3:*"))
            let arn = F.policyArn("P")
            let keys = (0..<Self.burst).map { "k\($0)" }
            let replies = try await server.iamReleasedTogether(keys.map { Self.tagPolicy(arn, $0) })
            #expect(replies.acknowledged == Self.burst, "\(replies.errorCodes)")
            #expect(try await Self.listedTagKeys(server, "ListPolicyTags", [("PolicyArn", arn)]) == Set(keys))

            for trial in 0..<Self.trials {
                let name = "U\(trial)"
                try await F.seedManagedPolicy(server, name, document: F.allow("s3:*"))
                try await F.iam(
                    server, "TagPolicy", [("PolicyArn", F.policyArn(name))] + Self.tagParams(["gone", "kept"])
                )
                .expectSuccess("TagPolicy")
                let added = Self.raceTagKeys(trial)
                let calls =
                    [IAMCall("UntagPolicy", [("PolicyArn", F.policyArn(name))] + Self.tagKeyParams(["gone"]))]
                    + added.map { Self.tagPolicy(F.policyArn(name), $0) }
                let raced = try await server.iamReleasedTogether(calls)
                #expect(raced.acknowledged == calls.count, "trial \(trial): \(raced.errorCodes)")
                let listed = try await Self.listedTagKeys(server, "ListPolicyTags", [("PolicyArn", F.policyArn(name))])
                #expect(listed == Set(added + ["kept"]), "trial \(trial)")
            }
        }
    }

    @Test(
        "eight CreatePolicyVersion calls at once: at most five versions, every acknowledged one exists and one is the default"
    )
    func policyVersionQuotaHolds() async throws {
        try await TestServer.run { server in
            try await F.seedManagedPolicy(server, "P", document: F.allow("s3:*"))
            let arn = F.policyArn("P")
            let calls = (0..<8).map {
                IAMCall(
                    "CreatePolicyVersion",
                    [("PolicyArn", arn), ("PolicyDocument", F.allow("s3:Get\($0)")), ("SetAsDefault", "true")])
            }
            let replies = try await server.iamReleasedTogether(calls)
            #expect(replies.acknowledged == 4, "\(replies.errorCodes)")
            #expect(replies.errorCodes == Array(repeating: "LimitExceeded", count: 4))
            let created = Set(
                replies.filter { $0.status == 200 }.compactMap {
                    try? $0.result("CreatePolicyVersion").text("PolicyVersion", "VersionId")
                })
            let (ids, defaultId) = try await Self.versions(server, arn)
            #expect(ids == created.union(["v1"]))
            #expect(defaultId.count == 1)
            #expect(created.contains(defaultId.first ?? ""))
        }
    }

    @Test(
        "SetDefaultPolicyVersion racing DeletePolicyVersion of the same version: one wins, and the default version always exists"
    )
    func setDefaultRacingDeleteVersionHolds() async throws {
        try await TestServer.run { server in
            for trial in 0..<Self.trials {
                let name = "P\(trial)"
                try await F.seedManagedPolicy(server, name, document: F.allow("s3:*"))
                let arn = F.policyArn(name)
                for _ in 0..<2 {
                    _ = try await F.iam(
                        server, "CreatePolicyVersion", [("PolicyArn", arn), ("PolicyDocument", F.allow("s3:Get"))]
                    )
                    .result("CreatePolicyVersion")
                }
                let calls = [
                    IAMCall("SetDefaultPolicyVersion", [("PolicyArn", arn), ("VersionId", "v2")]),
                    IAMCall("DeletePolicyVersion", [("PolicyArn", arn), ("VersionId", "v2")]),
                    IAMCall("DeletePolicyVersion", [("PolicyArn", arn), ("VersionId", "v3")]),
                    IAMCall("DeletePolicyVersion", [("PolicyArn", arn), ("VersionId", "v3")]),
                ]
                let replies = try await server.iamReleasedTogether(calls)
                let (setDefault, deleteV2) = (replies[0], replies[1])
                #expect((setDefault.status == 200) != (deleteV2.status == 200), "trial \(trial): \(replies.errorCodes)")
                #expect(Array(replies[2...]).acknowledged == 1, "trial \(trial): v3 deleted once")
                let (ids, defaultId) = try await Self.versions(server, arn)
                if setDefault.status == 200 {
                    #expect(deleteV2.errorCode == "DeleteConflict", "trial \(trial)")
                    #expect(ids == ["v1", "v2"] && defaultId == ["v2"], "trial \(trial): \(ids) \(defaultId)")
                } else {
                    #expect(setDefault.errorCode == "NoSuchEntity", "trial \(trial)")
                    #expect(ids == ["v1"] && defaultId == ["v1"], "trial \(trial): \(ids) \(defaultId)")
                }
            }
        }
    }

    @Test("DeletePolicy racing AttachUserPolicy: never both acknowledged, and an acknowledged attachment is counted")
    func deletePolicyRacingAttachHolds() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            for trial in 0..<Self.trials {
                let name = "P\(trial)"
                try await F.seedManagedPolicy(server, name, document: F.allow("s3:*"))
                let arn = F.policyArn(name)
                let replies = try await server.iamReleasedTogether([
                    IAMCall("DeletePolicy", [("PolicyArn", arn)]),
                    IAMCall("AttachUserPolicy", [("UserName", "alice"), ("PolicyArn", arn)]),
                ])
                let (deleted, attached) = (replies[0], replies[1])
                #expect((deleted.status == 200) != (attached.status == 200), "trial \(trial): \(replies.errorCodes)")
                if attached.status == 200 {
                    #expect(deleted.errorCode == "DeleteConflict", "trial \(trial)")
                    let policy = try await server.iam("GetPolicy", ["PolicyArn": arn]).result("GetPolicy")
                    #expect(policy.text("Policy", "AttachmentCount") == "1", "trial \(trial)")
                    try await server.iam("DetachUserPolicy", ["UserName": "alice", "PolicyArn": arn]).expectSuccess(
                        "DetachUserPolicy")
                } else {
                    #expect(attached.errorCode == "NoSuchEntity", "trial \(trial)")
                    try await server.iam("GetPolicy", ["PolicyArn": arn]).expectError("NoSuchEntity", status: 404)
                }
            }
            let listed = try await server.iam("ListAttachedUserPolicies", ["UserName": "alice"]).result(
                "ListAttachedUserPolicies")
            #expect(listed.members(of: "AttachedPolicies").isEmpty)
        }
    }

    @Test("six CreatePolicy calls with one name create one policy; six DeletePolicy calls delete it once")
    func policyNameIsUniqueAndDeletedOnce() async throws {
        try await TestServer.run { server in
            let create = IAMCall("CreatePolicy", [("PolicyName", "once"), ("PolicyDocument", F.allow("s3:*"))])
            let created = try await server.iamReleasedTogether(Array(repeating: create, count: 6))
            #expect(created.acknowledged == 1)
            #expect(created.errorCodes == Array(repeating: "EntityAlreadyExists", count: 5))
            let delete = IAMCall("DeletePolicy", [("PolicyArn", F.policyArn("once"))])
            let deleted = try await server.iamReleasedTogether(Array(repeating: delete, count: 6))
            #expect(deleted.acknowledged == 1)
            #expect(deleted.errorCodes == Array(repeating: "NoSuchEntity", count: 5))
        }
    }

    // MARK: Groups

    @Test(
        "UpdateGroup renaming racing PutGroupPolicy and AddUserToGroup on the old name: every acknowledged change follows the group"
    )
    func renameGroupRacingMembersAndPoliciesHolds() async throws {
        try await TestServer.run { server in
            let users = (0..<Self.tagCallsPerTrial).map { "m\($0)" }
            for user in users { try await server.createUser(user) }
            for trial in 0..<Self.trials {
                let (old, new) = ("old\(trial)", "new\(trial)")
                try await server.iam("CreateGroup", ["GroupName": old]).expectSuccess("CreateGroup")
                let policies = (0..<Self.tagCallsPerTrial).map { "I\($0)" }
                let calls =
                    [IAMCall("UpdateGroup", [("GroupName", old), ("NewGroupName", new), ("NewPath", "/moved/")])]
                    + policies.map {
                        IAMCall(
                            "PutGroupPolicy",
                            [("GroupName", old), ("PolicyName", $0), ("PolicyDocument", F.allow("s3:*"))])
                    }
                    + users.map { IAMCall("AddUserToGroup", [("GroupName", old), ("UserName", $0)]) }
                let replies = try await server.iamReleasedTogether(calls)
                #expect(replies[0].status == 200, "trial \(trial): \(replies[0].body)")
                #expect(
                    replies.dropFirst().allSatisfy { $0.status == 200 || $0.errorCode == "NoSuchEntity" },
                    "trial \(trial): \(replies.errorCodes)")
                let putOK = Set(
                    zip(policies, replies[1...].prefix(policies.count)).filter { $0.1.status == 200 }.map(\.0))
                let addOK = Set(zip(users, replies.suffix(users.count)).filter { $0.1.status == 200 }.map(\.0))
                let group = try await server.iam("GetGroup", ["GroupName": new]).result("GetGroup")
                #expect(group.text("Group", "Path") == "/moved/", "trial \(trial)")
                #expect(Set(group.members(of: "Users").compactMap { $0.text("UserName") }) == addOK, "trial \(trial)")
                let names = try await server.iam("ListGroupPolicies", ["GroupName": new]).result("ListGroupPolicies")
                #expect(Self.memberTexts("PolicyNames", in: names) == putOK, "trial \(trial)")
                try await server.iam("GetGroup", ["GroupName": old]).expectError("NoSuchEntity", status: 404)
                for user in addOK {
                    try await server.iam("RemoveUserFromGroup", ["GroupName": new, "UserName": user]).expectSuccess(
                        "RemoveUserFromGroup")
                }
            }
        }
    }

    @Test("AddUserToGroup to six groups at once for a user in eight: exactly two are added (ten groups per user)")
    func groupsPerUserQuotaHolds() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            for index in 0..<14 {
                try await server.iam("CreateGroup", ["GroupName": "g\(index)"]).expectSuccess("CreateGroup")
            }
            for index in 0..<8 {
                try await server.iam("AddUserToGroup", ["GroupName": "g\(index)", "UserName": "alice"]).expectSuccess(
                    "AddUserToGroup")
            }
            let replies = try await server.iamReleasedTogether(
                (8..<14).map { IAMCall("AddUserToGroup", [("GroupName", "g\($0)"), ("UserName", "alice")]) })
            #expect(replies.acknowledged == 2, "\(replies.errorCodes)")
            #expect(replies.errorCodes == Array(repeating: "LimitExceeded", count: 4))
            let groups = try await server.iam("ListGroupsForUser", ["UserName": "alice"]).result("ListGroupsForUser")
            #expect(groups.members(of: "Groups").count == 10)
        }
    }

    @Test(
        "group writes released together: attach, detach, inline policies, removal of members and DeleteGroup end consistent"
    )
    func groupWritesHold() async throws {
        try await TestServer.run { server in
            let create = IAMCall("CreateGroup", [("GroupName", "team")])
            let created = try await server.iamReleasedTogether(Array(repeating: create, count: 6))
            #expect(created.acknowledged == 1)
            #expect(created.errorCodes == Array(repeating: "EntityAlreadyExists", count: 5))
            for index in 0..<10 {
                try await F.seedManagedPolicy(server, "M\(index)", document: F.allow("s3:Get\(index)"))
            }
            let users = (0..<6).map { "m\($0)" }
            for user in users { try await server.createUser(user) }

            let first =
                (0..<10).map {
                    IAMCall("AttachGroupPolicy", [("GroupName", "team"), ("PolicyArn", F.policyArn("M\($0)"))])
                }
                + (0..<5).map {
                    IAMCall(
                        "PutGroupPolicy",
                        [("GroupName", "team"), ("PolicyName", "I\($0)"), ("PolicyDocument", F.allow("s3:*"))])
                }
                + users.map { IAMCall("AddUserToGroup", [("GroupName", "team"), ("UserName", $0)]) }
            let firstReplies = try await server.iamReleasedTogether(first)
            #expect(firstReplies.acknowledged == first.count, "\(firstReplies.errorCodes)")
            let attached = try await server.iam("ListAttachedGroupPolicies", ["GroupName": "team"]).result(
                "ListAttachedGroupPolicies")
            #expect(attached.members(of: "AttachedPolicies").count == 10)
            let group = try await server.iam("GetGroup", ["GroupName": "team"]).result("GetGroup")
            #expect(Set(group.members(of: "Users").compactMap { $0.text("UserName") }) == Set(users))

            let second =
                (0..<10).map {
                    IAMCall("DetachGroupPolicy", [("GroupName", "team"), ("PolicyArn", F.policyArn("M\($0)"))])
                }
                + (0..<5).map { IAMCall("DeleteGroupPolicy", [("GroupName", "team"), ("PolicyName", "I\($0)")]) }
                + users.map { IAMCall("RemoveUserFromGroup", [("GroupName", "team"), ("UserName", $0)]) }
                + [IAMCall("DeleteGroup", [("GroupName", "team")])]
            let secondReplies = try await server.iamReleasedTogether(second)
            let deleteGroup = try #require(secondReplies.last)
            #expect(Array(secondReplies.dropLast()).acknowledged == second.count - 1, "\(secondReplies.errorCodes)")
            if deleteGroup.status == 200 {
                try await server.iam("GetGroup", ["GroupName": "team"]).expectError("NoSuchEntity", status: 404)
            } else {
                #expect(deleteGroup.errorCode == "DeleteConflict")
                let deleted = try await server.iamReleasedTogether(
                    Array(repeating: IAMCall("DeleteGroup", [("GroupName", "team")]), count: 6))
                #expect(deleted.acknowledged == 1)
                #expect(deleted.errorCodes == Array(repeating: "NoSuchEntity", count: 5))
            }
            for index in 0..<10 {
                let policy = try await server.iam("GetPolicy", ["PolicyArn": F.policyArn("M\(index)")]).result(
                    "GetPolicy")
                #expect(policy.text("Policy", "AttachmentCount") == "0", "M\(index)")
            }
            for user in users {
                let groups = try await server.iam("ListGroupsForUser", ["UserName": user]).result("ListGroupsForUser")
                #expect(groups.members(of: "Groups").isEmpty, "\(user)")
            }
        }
    }
}
