import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

/// `renameUser` (UpdateUser) and the recorded last use of access keys.
@Suite struct UserRenameAndKeyUseStoreTests {
    @Test(
        "a rename carries keys, MFA device, group membership, inline and attached policies to the new name",
        arguments: StoreKind.allCases)
    func renameCarriesChildren(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice", tags: [ResourceTag(key: "team", value: "blue")]))
            try await store.insertAccessKey(Fixture.key("AKIAUSER000000000001", userName: "Alice"))
            try await store.insertMFADevice(Fixture.device("phone"))
            try await store.enableMFADevice(
                accountId: Fixture.accountId, serialNumber: Fixture.serial("phone"), userName: "Alice",
                enableDate: Fixture.epoch, lastUsedStep: 1)
            try await store.insertGroup(Fixture.group("Devs"))
            try await store.addUserToGroup(accountId: Fixture.accountId, groupName: "Devs", userName: "Alice")
            try await store.putInlinePolicy(
                InlinePolicy(
                    accountId: Fixture.accountId, owner: .user("Alice"), policyName: "inline",
                    document: Fixture.document("s3:Get")))
            let attached = try await Fixture.insertPolicy(store, "Attached")
            try await store.attachPolicy(accountId: Fixture.accountId, owner: .user("alice"), policyArn: attached)

            let renamed = try await store.renameUser(
                accountId: Fixture.accountId, userName: "ALICE", newUserName: "Bob", newPath: "/ops/")
            #expect(renamed.userName == "Bob")
            #expect(renamed.path == "/ops/")
            #expect(renamed.userId == Fixture.user("Alice").userId)
            #expect(renamed.createDate == Fixture.user("Alice").createDate)
            #expect(renamed.tags == [ResourceTag(key: "team", value: "blue")])
            #expect(try await store.user(accountId: Fixture.accountId, userName: "bob") == renamed)
            #expect(try await store.user(accountId: Fixture.accountId, userName: "alice") == nil)

            #expect(try await store.accessKey(id: "AKIAUSER000000000001")?.userName == "Bob")
            #expect(try await store.accessKeys(accountId: Fixture.accountId, userName: "bob").count == 1)
            #expect(
                try await store.mfaDevice(accountId: Fixture.accountId, serialNumber: Fixture.serial("phone"))?.userName
                    == "Bob")
            #expect(
                try await store.groupsForUser(accountId: Fixture.accountId, userName: "bob").map(\.groupName) == [
                    "Devs"
                ])
            let effective = try await store.effectivePolicies(accountId: Fixture.accountId, principal: .user("bob"))
            #expect(effective.identityPolicies.count == 2)
            #expect(try await store.attachedPolicies(accountId: Fixture.accountId, owner: .user("bob")).count == 1)
            // The old name is free (for a user with another ID: the ID stays with Bob).
            var newAlice = Fixture.user("alice")
            newAlice.userId = "AIDANEWALICE000000"
            try await store.insertUser(newAlice)
        }
    }

    @Test(
        "renaming onto another user's name (any case) is alreadyExists, a missing user notFound; a case-only rename and nil values work",
        arguments: StoreKind.allCases)
    func renameConflicts(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("alice", path: "/eng/"))
            try await store.insertUser(Fixture.user("bob"))
            await #expect(throws: StoreError(.alreadyExists, "")) {
                try await store.renameUser(
                    accountId: Fixture.accountId, userName: "alice", newUserName: "BOB", newPath: nil)
            }
            await #expect(throws: StoreError(.notFound, "")) {
                try await store.renameUser(
                    accountId: Fixture.accountId, userName: "carol", newUserName: "dave", newPath: nil)
            }
            let cased = try await store.renameUser(
                accountId: Fixture.accountId, userName: "alice", newUserName: "Alice", newPath: nil)
            #expect(cased.userName == "Alice")
            #expect(cased.path == "/eng/")
            let unchanged = try await store.renameUser(
                accountId: Fixture.accountId, userName: "alice", newUserName: nil, newPath: nil)
            #expect(unchanged == cased)
        }
    }

    @Test(
        "recorded uses keep the latest per key, whatever the order; a missing key is skipped",
        arguments: StoreKind.allCases)
    func recordedUsesKeepTheLatest(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertAccessKey(Fixture.key("AKIAROOT000000000001"))
            #expect(try await store.accessKeyLastUse(id: "AKIAROOT000000000001") == nil)
            let later = AccessKeyUse(
                accessKeyId: "AKIAROOT000000000001", date: Fixture.date(plusSeconds: 120), serviceName: "iam",
                region: "us-west-2")
            let earlier = AccessKeyUse(
                accessKeyId: "AKIAROOT000000000001", date: Fixture.date(plusSeconds: 60), serviceName: "sts",
                region: "eu-west-1")
            let missing = AccessKeyUse(
                accessKeyId: "AKIAMISSING000000000", date: Fixture.date(plusSeconds: 60), serviceName: "sts",
                region: "eu-west-1")
            try await store.recordAccessKeyUses([later, missing])
            try await store.recordAccessKeyUses([earlier])
            #expect(try await store.accessKeyLastUse(id: "AKIAROOT000000000001") == later)
            #expect(try await store.accessKeyLastUse(id: "AKIAMISSING000000000") == nil)
            // The key itself reads back unchanged.
            #expect(try await store.accessKey(id: "AKIAROOT000000000001") == Fixture.key("AKIAROOT000000000001"))
        }
    }
}
