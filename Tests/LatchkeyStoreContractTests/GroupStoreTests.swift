import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

@Suite struct GroupStoreTests {
    @Test("an inserted group reads back equal, by name case-insensitively, with its ARN", arguments: StoreKind.allCases)
    func insertedGroupReadsBack(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let group = Fixture.group("Admins", path: "/ops/")
            try await store.insertGroup(group)
            let found = try await store.group(accountId: Fixture.accountId, groupName: "ADMINS")
            #expect(found == group)
            #expect(found?.arn == "arn:aws:iam::123456789012:group/ops/Admins")
            #expect(try await store.group(accountId: Fixture.accountId, groupName: "Other") == nil)
        }
    }

    @Test(
        "a group name differing only in case, or a duplicate group ID, is rejected with alreadyExists",
        arguments: StoreKind.allCases)
    func duplicateGroupsAreRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertGroup(Fixture.group("Admins"))
            var sameName = Fixture.group("admins")
            sameName.groupId = "AGPAOTHER00000000000"
            #expect(await storeError { try await store.insertGroup(sameName) }?.code == .alreadyExists)
            var sameId = Fixture.group("Other")
            sameId.groupId = Fixture.group("Admins").groupId
            #expect(await storeError { try await store.insertGroup(sameId) }?.code == .alreadyExists)
        }
    }

    @Test("a group in a missing account is rejected with notFound", arguments: StoreKind.allCases)
    func groupInMissingAccountIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError {
                try await store.insertGroup(Fixture.group("G", accountId: Fixture.otherAccountId))
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test("groups are filtered by path prefix and ordered by name case-insensitively", arguments: StoreKind.allCases)
    func groupsAreFilteredAndOrdered(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertGroup(Fixture.group("charlie", path: "/eng/"))
            try await store.insertGroup(Fixture.group("Bravo", path: "/eng/x/"))
            try await store.insertGroup(Fixture.group("alpha", path: "/eng/"))
            try await store.insertGroup(Fixture.group("Delta", path: "/sales/"))
            let eng = try await store.groups(accountId: Fixture.accountId, pathPrefix: "/eng/")
            #expect(eng.map(\.groupName) == ["alpha", "Bravo", "charlie"])
            #expect(try await store.groups(accountId: Fixture.accountId, pathPrefix: "/").count == 4)
        }
    }

    @Test("members are added once, listed by name both ways, and removed", arguments: StoreKind.allCases)
    func membership(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            for name in ["carol", "Bob", "alice"] { try await store.insertUser(Fixture.user(name)) }
            try await store.insertGroup(Fixture.group("Devs"))
            try await store.insertGroup(Fixture.group("admins"))
            for name in ["carol", "Bob", "alice"] {
                try await store.addUserToGroup(accountId: Fixture.accountId, groupName: "devs", userName: name)
            }
            try await store.addUserToGroup(accountId: Fixture.accountId, groupName: "DEVS", userName: "ALICE")
            try await store.addUserToGroup(accountId: Fixture.accountId, groupName: "admins", userName: "alice")
            let members = try await store.usersInGroup(accountId: Fixture.accountId, groupName: "Devs")
            #expect(members.map(\.userName) == ["alice", "Bob", "carol"])
            #expect(members.first == Fixture.user("alice"))
            let groups = try await store.groupsForUser(accountId: Fixture.accountId, userName: "Alice")
            #expect(groups.map(\.groupName) == ["admins", "Devs"])

            try await store.removeUserFromGroup(accountId: Fixture.accountId, groupName: "devs", userName: "bob")
            #expect(
                try await store.usersInGroup(accountId: Fixture.accountId, groupName: "Devs").map(\.userName)
                    == ["alice", "carol"])
            let again = await storeError {
                try await store.removeUserFromGroup(accountId: Fixture.accountId, groupName: "Devs", userName: "Bob")
            }
            #expect(again?.code == .notFound)
            #expect(again?.detail.hasPrefix("membership") == true)
        }
    }

    @Test(
        "membership changes with a missing user or group are rejected with notFound naming the missing one",
        arguments: StoreKind.allCases)
    func membershipWithMissingEntitiesIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("alice"))
            try await store.insertGroup(Fixture.group("Devs"))
            let noUser = await storeError {
                try await store.addUserToGroup(accountId: Fixture.accountId, groupName: "Devs", userName: "ghost")
            }
            #expect(noUser?.code == .notFound)
            #expect(noUser?.detail.hasPrefix("user ghost") == true)
            let noGroup = await storeError {
                try await store.addUserToGroup(accountId: Fixture.accountId, groupName: "Ghosts", userName: "alice")
            }
            #expect(noGroup?.detail.hasPrefix("group Ghosts") == true)
            let removeNoGroup = await storeError {
                try await store.removeUserFromGroup(
                    accountId: Fixture.accountId, groupName: "Ghosts", userName: "alice")
            }
            #expect(removeNoGroup?.code == .notFound)
            let listNoUser = await storeError {
                _ = try await store.groupsForUser(accountId: Fixture.accountId, userName: "ghost")
            }
            #expect(listNoUser?.code == .notFound)
            let listNoGroup = await storeError {
                _ = try await store.usersInGroup(accountId: Fixture.accountId, groupName: "Ghosts")
            }
            #expect(listNoGroup?.code == .notFound)
        }
    }

    @Test(
        "joining more than the allowed number of groups is rejected with limitExceeded; re-adding is still fine",
        arguments: StoreKind.allCases)
    func groupsPerUserLimit(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("alice"))
            for name in ["A", "B", "C"] {
                try await store.insertGroup(Fixture.group(name))
            }
            for name in ["A", "B"] {
                try await store.addUserToGroup(
                    accountId: Fixture.accountId, groupName: name, userName: "alice", maxGroupsPerUser: 2
                )
            }
            let error = await storeError {
                try await store.addUserToGroup(
                    accountId: Fixture.accountId, groupName: "C", userName: "alice", maxGroupsPerUser: 2
                )
            }
            #expect(error?.code == .limitExceeded)
            try await store.addUserToGroup(
                accountId: Fixture.accountId, groupName: "B", userName: "alice", maxGroupsPerUser: 2)
            #expect(
                try await store.groupsForUser(accountId: Fixture.accountId, userName: "alice").map(\.groupName) == [
                    "A", "B",
                ])
        }
    }

    @Test("renaming a group carries its members, inline policies and attachments along", arguments: StoreKind.allCases)
    func renameCarriesDependents(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("alice"))
            try await store.insertGroup(Fixture.group("Devs", path: "/eng/"))
            try await store.addUserToGroup(accountId: Fixture.accountId, groupName: "Devs", userName: "alice")
            try await store.putInlinePolicy(
                InlinePolicy(
                    accountId: Fixture.accountId, owner: .group("Devs"), policyName: "Inline", document: "{}"
                ))
            let arn = try await Fixture.insertPolicy(store, "P")
            try await store.attachPolicy(accountId: Fixture.accountId, owner: .group("Devs"), policyArn: arn)

            try await store.updateGroup(
                accountId: Fixture.accountId, groupName: "devs", newGroupName: "Builders", newPath: nil)
            #expect(try await store.group(accountId: Fixture.accountId, groupName: "Devs") == nil)
            let renamed = try await store.group(accountId: Fixture.accountId, groupName: "builders")
            #expect(renamed?.groupName == "Builders")
            #expect(renamed?.path == "/eng/")
            #expect(renamed?.groupId == Fixture.group("Devs").groupId)
            #expect(
                try await store.usersInGroup(accountId: Fixture.accountId, groupName: "Builders").map(\.userName) == [
                    "alice"
                ])
            #expect(
                try await store.inlinePolicyNames(accountId: Fixture.accountId, owner: .group("Builders")) == ["Inline"]
            )
            #expect(
                try await store.attachedPolicies(accountId: Fixture.accountId, owner: .group("Builders")).map(
                    \.policyArn)
                    == [arn])
            #expect(try await store.managedPolicy(arn: arn)?.attachmentCount == 1)
        }
    }

    @Test("a case-only rename and a path move are kept", arguments: StoreKind.allCases)
    func caseOnlyRenameAndMove(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertGroup(Fixture.group("devs"))
            try await store.updateGroup(
                accountId: Fixture.accountId, groupName: "devs", newGroupName: "DEVS", newPath: "/x/")
            let group = try await store.group(accountId: Fixture.accountId, groupName: "devs")
            #expect(group?.groupName == "DEVS")
            #expect(group?.path == "/x/")
        }
    }

    @Test(
        "renaming onto another group's name is rejected with alreadyExists; a missing group with notFound",
        arguments: StoreKind.allCases)
    func renameConflicts(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertGroup(Fixture.group("A"))
            try await store.insertGroup(Fixture.group("B"))
            let taken = await storeError {
                try await store.updateGroup(
                    accountId: Fixture.accountId, groupName: "A", newGroupName: "b", newPath: nil)
            }
            #expect(taken?.code == .alreadyExists)
            #expect(try await store.group(accountId: Fixture.accountId, groupName: "A") != nil)
            let missing = await storeError {
                try await store.updateGroup(
                    accountId: Fixture.accountId, groupName: "C", newGroupName: "D", newPath: nil)
            }
            #expect(missing?.code == .notFound)
        }
    }

    @Test(
        "deleting a group with members is refused with conflict \"users\"; with policies, \"policies\"",
        arguments: StoreKind.allCases)
    func groupWithDependentsCannotBeDeleted(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("alice"))
            try await store.insertGroup(Fixture.group("G"))
            try await store.addUserToGroup(accountId: Fixture.accountId, groupName: "G", userName: "alice")
            let arn = try await Fixture.insertPolicy(store, "P")
            try await store.attachPolicy(accountId: Fixture.accountId, owner: .group("G"), policyArn: arn)
            let members = await storeError { try await store.deleteGroup(accountId: Fixture.accountId, groupName: "G") }
            #expect(members?.code == .conflict)
            #expect(members?.detail == "users")
            try await store.removeUserFromGroup(accountId: Fixture.accountId, groupName: "G", userName: "alice")
            let policies = await storeError {
                try await store.deleteGroup(accountId: Fixture.accountId, groupName: "G")
            }
            #expect(policies?.code == .conflict)
            #expect(policies?.detail == "policies")
            try await store.detachPolicy(accountId: Fixture.accountId, owner: .group("G"), policyArn: arn)
            try await store.deleteGroup(accountId: Fixture.accountId, groupName: "g")
            #expect(try await store.group(accountId: Fixture.accountId, groupName: "G") == nil)
            let again = await storeError { try await store.deleteGroup(accountId: Fixture.accountId, groupName: "G") }
            #expect(again?.code == .notFound)
        }
    }
}
