import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

@Suite struct UserStoreTests {
    @Test("an inserted user reads back equal, with tags in order and the boundary", arguments: StoreKind.allCases)
    func insertedUserReadsBack(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            var user = Fixture.user(
                "Alice", path: "/engineering/",
                tags: [
                    ResourceTag(key: "z", value: "last"), ResourceTag(key: "a", value: "quote \" and / slash"),
                ])
            user.permissionsBoundaryArn = "arn:aws:iam::123456789012:policy/Boundary"
            try await store.insertUser(user)
            #expect(try await store.user(accountId: Fixture.accountId, userName: "Alice") == user)
        }
    }

    @Test("a lookup by name ignores case and returns the name as created", arguments: StoreKind.allCases)
    func lookupIgnoresCaseKeepsCase(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            let found = try await store.user(accountId: Fixture.accountId, userName: "aLiCe")
            #expect(found?.userName == "Alice")
        }
    }

    @Test("a user name differing only in case is rejected with alreadyExists", arguments: StoreKind.allCases)
    func caseVariantNameIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            var other = Fixture.user("alice")
            other.userId = "AIDAOTHER000000000000"
            let error = await storeError { try await store.insertUser(other) }
            #expect(error?.code == .alreadyExists)
            #expect(try await store.users(accountId: Fixture.accountId, pathPrefix: "/").map(\.userName) == ["Alice"])
        }
    }

    @Test("the same name in another account is allowed", arguments: StoreKind.allCases)
    func sameNameInAnotherAccountIsAllowed(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertAccount(Account(id: Fixture.otherAccountId, createDate: Fixture.epoch))
            try await store.insertUser(Fixture.user("Alice"))
            var other = Fixture.user("Alice", accountId: Fixture.otherAccountId)
            other.userId = "AIDAOTHER000000000000"
            try await store.insertUser(other)
            #expect(try await store.user(accountId: Fixture.otherAccountId, userName: "alice") == other)
        }
    }

    @Test("a duplicate user ID is rejected with alreadyExists", arguments: StoreKind.allCases)
    func duplicateUserIdIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            var bob = Fixture.user("Bob")
            bob.userId = Fixture.user("Alice").userId
            let error = await storeError { try await store.insertUser(bob) }
            #expect(error?.code == .alreadyExists)
        }
    }

    @Test("a user in a missing account is rejected with notFound", arguments: StoreKind.allCases)
    func userInMissingAccountIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError {
                try await store.insertUser(Fixture.user("Alice", accountId: Fixture.otherAccountId))
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test("users are filtered by path prefix and ordered by name case-insensitively", arguments: StoreKind.allCases)
    func usersAreFilteredAndOrdered(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("carol", path: "/eng/"))
            try await store.insertUser(Fixture.user("Bob", path: "/eng/team/"))
            try await store.insertUser(Fixture.user("alice", path: "/eng/"))
            try await store.insertUser(Fixture.user("Dave", path: "/sales/"))
            try await store.insertUser(Fixture.user("Eve", path: "/ENG/"))
            let all = try await store.users(accountId: Fixture.accountId, pathPrefix: "/")
            #expect(all.map(\.userName) == ["alice", "Bob", "carol", "Dave", "Eve"])
            let eng = try await store.users(accountId: Fixture.accountId, pathPrefix: "/eng/")
            #expect(eng.map(\.userName) == ["alice", "Bob", "carol"])
            let team = try await store.users(accountId: Fixture.accountId, pathPrefix: "/eng/team/")
            #expect(team.map(\.userName) == ["Bob"])
            #expect(try await store.users(accountId: Fixture.otherAccountId, pathPrefix: "/").isEmpty)
        }
    }

    @Test("a path prefix is literal: SQL wildcards match nothing", arguments: StoreKind.allCases)
    func pathPrefixWildcardsAreLiteral(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice", path: "/eng/"))
            #expect(try await store.users(accountId: Fixture.accountId, pathPrefix: "/%").isEmpty)
            #expect(try await store.users(accountId: Fixture.accountId, pathPrefix: "/e_g/").isEmpty)
        }
    }

    @Test(
        "modifying a user, matched case-insensitively, writes its tags and ignores changes to its name, ID, path, creation date and boundary",
        arguments: StoreKind.allCases)
    func modifyWritesTags(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            let returned = try await store.modifyUser(accountId: Fixture.accountId, userName: "ALICE") { user in
                user.userName = "Robert"
                user.userId = Fixture.user("Bob").userId
                user.path = "/moved/"
                user.createDate = Fixture.date(plusSeconds: 9999)
                user.permissionsBoundaryArn = "arn:aws:iam::123456789012:policy/B"
                user.tags = [ResourceTag(key: "k", value: "v")]
            }
            let expected = Fixture.user("Alice", tags: [ResourceTag(key: "k", value: "v")])
            #expect(returned == expected)
            #expect(try await store.user(accountId: Fixture.accountId, userName: "alice") == expected)
        }
    }

    @Test(
        "modifying a missing user is rejected with notFound, without calling the change", arguments: StoreKind.allCases)
    func modifyOfMissingUserIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError {
                try await store.modifyUser(accountId: Fixture.accountId, userName: "Ghost") { _ in
                    Issue.record("the change of a missing user was called")
                }
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test("deleting a user removes it; deleting it again is rejected with notFound", arguments: StoreKind.allCases)
    func deleteRemovesUser(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            try await store.deleteUser(accountId: Fixture.accountId, userName: "alice")
            #expect(try await store.user(accountId: Fixture.accountId, userName: "Alice") == nil)
            let error = await storeError {
                try await store.deleteUser(accountId: Fixture.accountId, userName: "Alice")
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test(
        "deleting a user with access keys is refused with conflict \"access keys\", allowed once they are gone",
        arguments: StoreKind.allCases)
    func deleteWithKeysIsRefused(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            try await store.insertAccessKey(Fixture.key("AKIAALICE0000000001", userName: "Alice"))
            let error = await storeError {
                try await store.deleteUser(accountId: Fixture.accountId, userName: "Alice")
            }
            #expect(error?.code == .conflict)
            #expect(error?.detail == "access keys")
            #expect(try await store.user(accountId: Fixture.accountId, userName: "Alice") != nil)
            try await store.deleteAccessKey(id: "AKIAALICE0000000001")
            try await store.deleteUser(accountId: Fixture.accountId, userName: "Alice")
            #expect(try await store.user(accountId: Fixture.accountId, userName: "Alice") == nil)
        }
    }

    @Test(
        "deleting a user with an enabled MFA device is refused with conflict \"MFA devices\", allowed after",
        arguments: StoreKind.allCases)
    func deleteWithEnabledDeviceIsRefused(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            try await store.insertMFADevice(Fixture.device("alice-phone"))
            try await store.enableMFADevice(
                accountId: Fixture.accountId, serialNumber: Fixture.serial("alice-phone"), userName: "alice",
                enableDate: Fixture.epoch, lastUsedStep: 10
            )
            let error = await storeError {
                try await store.deleteUser(accountId: Fixture.accountId, userName: "Alice")
            }
            #expect(error?.code == .conflict)
            #expect(error?.detail == "MFA devices")
            try await store.deactivateMFADevice(
                accountId: Fixture.accountId, serialNumber: Fixture.serial("alice-phone"))
            try await store.deleteUser(accountId: Fixture.accountId, userName: "Alice")
            #expect(try await store.user(accountId: Fixture.accountId, userName: "Alice") == nil)
        }
    }

    @Test("a case-only rename shows on the user's keys and devices", arguments: StoreKind.allCases)
    func caseOnlyRenameFollowsToChildren(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("alice"))
            try await store.insertAccessKey(Fixture.key("AKIAALICE0000000001", userName: "alice"))
            try await store.insertMFADevice(Fixture.device("phone"))
            try await store.enableMFADevice(
                accountId: Fixture.accountId, serialNumber: Fixture.serial("phone"), userName: "alice",
                enableDate: Fixture.epoch, lastUsedStep: 1
            )
            _ = try await store.renameUser(
                accountId: Fixture.accountId, userName: "alice", newUserName: "Alice", newPath: nil)
            #expect(try await store.accessKey(id: "AKIAALICE0000000001")?.userName == "Alice")
            let device = try await store.mfaDevice(accountId: Fixture.accountId, serialNumber: Fixture.serial("phone"))
            #expect(device?.userName == "Alice")
        }
    }
}
