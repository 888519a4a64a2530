import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The group and membership rules of `IAMService+Groups.swift`, without HTTP.
@Suite struct IAMServiceGroupsTests {
    typealias K = RoleTestKit
    typealias U = UserTestKit

    func add(_ f: ServiceFixture, _ userName: String, to groupName: String) async throws {
        _ = try await f.iam.addUserToGroup(
            AddUserToGroupInput(groupName: groupName, userName: userName), caller: f.root)
    }

    @Test("CreateGroup answers the group with an AGPA ID; a group name is unique case-insensitively")
    func createGroup() async throws {
        let f = try await ServiceFixture.make()
        f.clock.advance(by: 30)
        let group = try await U.createGroup(f, "admins", path: "/ops/")
        #expect(group.groupName == "admins")
        #expect(group.path == "/ops/")
        #expect(group.arn == U.groupArn(f, "admins", path: "/ops/"))
        #expect(group.groupId.hasPrefix("AGPA") && group.groupId.count == 21)
        #expect(group.createDate == TestClock.start.addingTimeInterval(30))
        await K.expectError(.entityAlreadyExists, "Group with name ADMINS already exists.") {
            try await U.createGroup(f, "ADMINS")
        }
    }

    @Test("GetGroup answers the group and its members as listed (no boundary, no tags), paged")
    func getGroup() async throws {
        let f = try await ServiceFixture.make()
        let group = try await U.createGroup(f, "admins")
        for name in ["carol", "alice", "Bob"] {
            _ = try await f.iam.createUser(
                CreateUserInput(userName: name, tags: [IAM.Tag(key: "k", value: "v")]), caller: f.root, now: f.clock.now
            )
            try await add(f, name, to: "admins")
        }
        let whole = try await f.iam.getGroup(GetGroupInput(groupName: "ADMINS"), caller: f.root)
        #expect(whole.group == group)
        #expect(whole.users?.map(\.userName) == ["alice", "Bob", "carol"])
        #expect(whole.users?.allSatisfy { $0.tags == nil } == true)
        #expect(whole.isTruncated == false)

        let (members, pages) = try await U.allPages(maxItems: 2) { marker, maxItems in
            let page = try await f.iam.getGroup(
                GetGroupInput(groupName: "admins", marker: marker, maxItems: maxItems), caller: f.root)
            #expect(page.group == group)
            return (page.users?.compactMap(\.userName) ?? [], page.isTruncated, page.marker)
        }
        #expect(members == ["alice", "Bob", "carol"])
        #expect(pages == 2)
        await K.expectError(.noSuchEntity, "The group with name nope cannot be found.") {
            try await f.iam.getGroup(GetGroupInput(groupName: "nope"), caller: f.root)
        }
    }

    @Test("ListGroups filters by PathPrefix and pages; ListGroupsForUser lists a user's groups")
    func listGroups() async throws {
        let f = try await ServiceFixture.make()
        try await U.createGroup(f, "ops", path: "/it/")
        try await U.createGroup(f, "dev", path: "/it/dev/")
        try await U.createGroup(f, "sales")
        #expect(
            try await f.iam.listGroups(ListGroupsInput(pathPrefix: "/it/"), caller: f.root).groups?.map(\.groupName)
                == ["dev", "ops"])
        let (names, pages) = try await U.allPages { marker, maxItems in
            let page = try await f.iam.listGroups(ListGroupsInput(marker: marker, maxItems: maxItems), caller: f.root)
            return (page.groups?.map(\.groupName) ?? [], page.isTruncated, page.marker)
        }
        #expect(names == ["dev", "ops", "sales"])
        #expect(pages == 3)

        try await U.createUser(f, "alice")
        try await add(f, "alice", to: "sales")
        try await add(f, "alice", to: "ops")
        let mine = try await f.iam.listGroupsForUser(ListGroupsForUserInput(userName: "alice"), caller: f.root)
        #expect(mine.groups?.map(\.arn) == [U.groupArn(f, "ops", path: "/it/"), U.groupArn(f, "sales")])
        await K.expectError(.noSuchEntity, "The user with name ghost cannot be found.") {
            try await f.iam.listGroupsForUser(ListGroupsForUserInput(userName: "ghost"), caller: f.root)
        }
    }

    @Test(
        "AddUserToGroup twice changes nothing; RemoveUserFromGroup of a non-member is no error; unknown names are NoSuchEntity"
    )
    func membership() async throws {
        let f = try await ServiceFixture.make()
        try await U.createGroup(f, "g")
        try await U.createUser(f, "alice")
        try await add(f, "alice", to: "g")
        try await add(f, "ALICE", to: "g")
        #expect(try await f.iam.getGroup(GetGroupInput(groupName: "g"), caller: f.root).users?.count == 1)

        let remove = RemoveUserFromGroupInput(groupName: "g", userName: "alice")
        _ = try await f.iam.removeUserFromGroup(remove, caller: f.root)
        _ = try await f.iam.removeUserFromGroup(remove, caller: f.root)
        #expect(try await f.iam.getGroup(GetGroupInput(groupName: "g"), caller: f.root).users == [])

        await K.expectError(.noSuchEntity, "The group with name nope cannot be found.") {
            try await add(f, "alice", to: "nope")
        }
        await K.expectError(.noSuchEntity, "The user with name ghost cannot be found.") {
            try await add(f, "ghost", to: "g")
        }
        await K.expectError(.noSuchEntity, "The group with name nope cannot be found.") {
            try await f.iam.removeUserFromGroup(
                RemoveUserFromGroupInput(groupName: "nope", userName: "alice"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The user with name ghost cannot be found.") {
            try await f.iam.removeUserFromGroup(
                RemoveUserFromGroupInput(groupName: "g", userName: "ghost"), caller: f.root)
        }
    }

    @Test("a user may be in at most ten groups")
    func groupsPerUser() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        for index in 1...11 {
            try await U.createGroup(f, "g\(index)")
            if index <= 10 {
                try await add(f, "alice", to: "g\(index)")
            } else {
                await K.expectError(.limitExceeded, "Cannot exceed quota for GroupsPerUser: 10") {
                    try await add(f, "alice", to: "g\(index)")
                }
            }
        }
        // Adding again to a group the user is in is not a new membership.
        try await add(f, "alice", to: "g1")
    }

    @Test("UpdateGroup renames and moves a group; its members and policies follow")
    func updateGroup() async throws {
        let f = try await ServiceFixture.make()
        let group = try await U.createGroup(f, "g")
        try await U.createGroup(f, "taken")
        try await U.createUser(f, "alice")
        try await add(f, "alice", to: "g")
        _ = try await f.iam.putGroupPolicy(
            PutGroupPolicyInput(groupName: "g", policyName: "P", policyDocument: K.allow("s3:*")), caller: f.root)
        _ = try await f.iam.updateGroup(
            UpdateGroupInput(groupName: "g", newPath: "/eng/", newGroupName: "h"), caller: f.root)

        let moved = try await f.iam.getGroup(GetGroupInput(groupName: "h"), caller: f.root)
        #expect(moved.group?.groupId == group.groupId)
        #expect(moved.group?.arn == U.groupArn(f, "h", path: "/eng/"))
        #expect(moved.users?.map(\.userName) == ["alice"])
        #expect(
            try await f.iam.listGroupPolicies(ListGroupPoliciesInput(groupName: "h"), caller: f.root).policyNames == [
                "P"
            ])
        await K.expectError(.noSuchEntity, "The group with name g cannot be found.") {
            try await f.iam.getGroup(GetGroupInput(groupName: "g"), caller: f.root)
        }
        await K.expectError(.entityAlreadyExists, "Group with name TAKEN already exists.") {
            try await f.iam.updateGroup(UpdateGroupInput(groupName: "h", newGroupName: "TAKEN"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The group with name nope cannot be found.") {
            try await f.iam.updateGroup(UpdateGroupInput(groupName: "nope", newGroupName: "x"), caller: f.root)
        }
    }

    @Test("DeleteGroup is DeleteConflict while the group has members, attached policies or inline policies")
    func deleteConflicts() async throws {
        let f = try await ServiceFixture.make()
        try await U.createGroup(f, "g")
        try await U.createUser(f, "alice")
        let arn = try await K.createPolicy(f, "P")
        try await add(f, "alice", to: "g")
        _ = try await f.iam.attachGroupPolicy(AttachGroupPolicyInput(groupName: "g", policyArn: arn), caller: f.root)
        _ = try await f.iam.putGroupPolicy(
            PutGroupPolicyInput(groupName: "g", policyName: "I", policyDocument: K.allow("s3:*")), caller: f.root)
        let delete = DeleteGroupInput(groupName: "g")

        await K.expectError(.deleteConflict, "Cannot delete entity, must remove users from group first.") {
            try await f.iam.deleteGroup(delete, caller: f.root)
        }
        _ = try await f.iam.removeUserFromGroup(
            RemoveUserFromGroupInput(groupName: "g", userName: "alice"), caller: f.root)
        await K.expectError(.deleteConflict, "Cannot delete entity, must detach all policies first.") {
            try await f.iam.deleteGroup(delete, caller: f.root)
        }
        _ = try await f.iam.detachGroupPolicy(DetachGroupPolicyInput(groupName: "g", policyArn: arn), caller: f.root)
        await K.expectError(.deleteConflict, "Cannot delete entity, must delete policies first.") {
            try await f.iam.deleteGroup(delete, caller: f.root)
        }
        _ = try await f.iam.deleteGroupPolicy(DeleteGroupPolicyInput(groupName: "g", policyName: "I"), caller: f.root)
        _ = try await f.iam.deleteGroup(delete, caller: f.root)
        await K.expectError(.noSuchEntity, "The group with name g cannot be found.") {
            try await f.iam.deleteGroup(delete, caller: f.root)
        }
    }

    @Test("the group operations are authorized against the group's ARN; ListGroupsForUser against the user's")
    func grantsAndDenials() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        await U.expectDenied(alice, "iam:CreateGroup", on: U.groupArn(f, "team", path: "/t/")) {
            try await f.iam.createGroup(
                CreateGroupInput(groupName: "team", path: "/t/"), caller: alice, now: f.clock.now)
        }
        await U.expectDenied(alice, "iam:ListGroups", on: "arn:aws:iam::\(f.accountId):group/") {
            try await f.iam.listGroups(ListGroupsInput(), caller: alice)
        }
        await U.expectDenied(alice, "iam:ListGroupsForUser", on: K.userArn(f, "alice")) {
            try await f.iam.listGroupsForUser(ListGroupsForUserInput(userName: "alice"), caller: alice)
        }
        try await K.grant(f, user: "alice", K.allow("iam:*Group*", resource: U.groupArn(f, "team")))
        try await U.createGroup(f, "team")
        try await U.createGroup(f, "other")
        _ = try await f.iam.addUserToGroup(AddUserToGroupInput(groupName: "team", userName: "alice"), caller: alice)
        await U.expectDenied(alice, "iam:AddUserToGroup", on: U.groupArn(f, "other")) {
            try await f.iam.addUserToGroup(AddUserToGroupInput(groupName: "other", userName: "alice"), caller: alice)
        }
        #expect(
            try await f.iam.getGroup(GetGroupInput(groupName: "team"), caller: alice).users?.map(\.userName) == [
                "alice"
            ])
    }
}
