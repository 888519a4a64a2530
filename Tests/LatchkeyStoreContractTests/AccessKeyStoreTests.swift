import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

@Suite struct AccessKeyStoreTests {
    @Test("user and root keys read back equal, sealed secret bytes intact", arguments: StoreKind.allCases)
    func insertedKeysReadBack(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            let userKey = Fixture.key("AKIAUSER000000000001", userName: "Alice", status: .inactive)
            let rootKey = Fixture.key("AKIAROOT000000000001")
            try await store.insertAccessKey(userKey)
            try await store.insertAccessKey(rootKey)
            #expect(try await store.accessKey(id: userKey.accessKeyId) == userKey)
            #expect(try await store.accessKey(id: rootKey.accessKeyId) == rootKey)
            #expect(try await store.accessKey(id: "AKIAMISSING000000000") == nil)
        }
    }

    @Test("a key's user name comes back in the user's stored case", arguments: StoreKind.allCases)
    func keyUserNameUsesStoredCase(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            try await store.insertAccessKey(Fixture.key("AKIAUSER000000000001", userName: "ALICE"))
            #expect(try await store.accessKey(id: "AKIAUSER000000000001")?.userName == "Alice")
        }
    }

    @Test("a duplicate key ID is rejected with alreadyExists", arguments: StoreKind.allCases)
    func duplicateKeyIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertAccessKey(Fixture.key("AKIAROOT000000000001"))
            let error = await storeError { try await store.insertAccessKey(Fixture.key("AKIAROOT000000000001")) }
            #expect(error?.code == .alreadyExists)
        }
    }

    @Test("a key for a missing user is rejected with notFound and leaves nothing behind", arguments: StoreKind.allCases)
    func keyForMissingUserLeavesNothing(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError {
                try await store.insertAccessKey(Fixture.key("AKIAGHOST00000000001", userName: "Ghost"))
            }
            #expect(error?.code == .notFound)
            #expect(try await store.accessKey(id: "AKIAGHOST00000000001") == nil)
            #expect(try await store.accessKeys(accountId: Fixture.accountId, userName: "Ghost").isEmpty)
        }
    }

    @Test("a key for a missing account is rejected with notFound", arguments: StoreKind.allCases)
    func keyForMissingAccountIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError {
                try await store.insertAccessKey(Fixture.key("AKIAOTHER00000000001", accountId: Fixture.otherAccountId))
            }
            #expect(error?.code == .notFound)
            #expect(try await store.accessKey(id: "AKIAOTHER00000000001") == nil)
        }
    }

    @Test("keys are listed per owner, ordered by creation date", arguments: StoreKind.allCases)
    func keysAreListedPerOwnerInCreationOrder(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            try await store.insertUser(Fixture.user("Bob"))
            try await store.insertAccessKey(Fixture.key("AKIAA2", userName: "Alice", createdAfter: 20))
            try await store.insertAccessKey(Fixture.key("AKIAA1", userName: "alice", createdAfter: 10))
            try await store.insertAccessKey(Fixture.key("AKIAB1", userName: "Bob", createdAfter: 5))
            try await store.insertAccessKey(Fixture.key("AKIAR2", createdAfter: 30))
            try await store.insertAccessKey(Fixture.key("AKIAR1", createdAfter: 0.001))
            let alice = try await store.accessKeys(accountId: Fixture.accountId, userName: "ALICE")
            #expect(alice.map(\.accessKeyId) == ["AKIAA1", "AKIAA2"])
            #expect(alice.allSatisfy { $0.userName == "Alice" })
            let root = try await store.accessKeys(accountId: Fixture.accountId, userName: nil)
            #expect(root.map(\.accessKeyId) == ["AKIAR1", "AKIAR2"])
            #expect(try await store.accessKeys(accountId: Fixture.otherAccountId, userName: nil).isEmpty)
        }
    }

    @Test("a status update is stored; a missing key is rejected with notFound", arguments: StoreKind.allCases)
    func statusUpdate(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertAccessKey(Fixture.key("AKIAROOT000000000001"))
            try await store.updateAccessKeyStatus(id: "AKIAROOT000000000001", status: .inactive)
            #expect(try await store.accessKey(id: "AKIAROOT000000000001")?.status == .inactive)
            let error = await storeError {
                try await store.updateAccessKeyStatus(id: "AKIAMISSING000000000", status: .active)
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test("a deleted key is gone; deleting a missing key is rejected with notFound", arguments: StoreKind.allCases)
    func deleteKey(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertAccessKey(Fixture.key("AKIAROOT000000000001"))
            try await store.deleteAccessKey(id: "AKIAROOT000000000001")
            #expect(try await store.accessKey(id: "AKIAROOT000000000001") == nil)
            let error = await storeError { try await store.deleteAccessKey(id: "AKIAROOT000000000001") }
            #expect(error?.code == .notFound)
        }
    }

    @Test("putRootAccessKey inserts, then replaces idempotently", arguments: StoreKind.allCases)
    func putRootKeyIsIdempotent(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let key = Fixture.key("AKIABOOT000000000001")
            try await store.putRootAccessKey(key)
            try await store.putRootAccessKey(key)
            #expect(try await store.accessKeys(accountId: Fixture.accountId, userName: nil) == [key])
            var rotated = key
            rotated.sealedSecret = [9, 9, 9]
            rotated.status = .inactive
            rotated.createDate = Fixture.date(plusSeconds: 3600)
            try await store.putRootAccessKey(rotated)
            #expect(try await store.accessKey(id: key.accessKeyId) == rotated)
        }
    }

    @Test("putRootAccessKey refuses an ID owned by another account with conflict", arguments: StoreKind.allCases)
    func putRootKeyOfAnotherAccountIsRefused(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertAccount(Account(id: Fixture.otherAccountId, createDate: Fixture.epoch))
            let theirs = Fixture.key("AKIATHEIRS0000000001", accountId: Fixture.otherAccountId)
            try await store.putRootAccessKey(theirs)
            let error = await storeError { try await store.putRootAccessKey(Fixture.key("AKIATHEIRS0000000001")) }
            #expect(error?.code == .conflict)
            #expect(try await store.accessKey(id: "AKIATHEIRS0000000001") == theirs)
        }
    }

    @Test("putRootAccessKey refuses an ID owned by a user with conflict", arguments: StoreKind.allCases)
    func putRootKeyOfAUserIsRefused(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            let userKey = Fixture.key("AKIAUSER000000000001", userName: "Alice")
            try await store.insertAccessKey(userKey)
            let error = await storeError { try await store.putRootAccessKey(Fixture.key("AKIAUSER000000000001")) }
            #expect(error?.code == .conflict)
            #expect(try await store.accessKey(id: "AKIAUSER000000000001") == userKey)
        }
    }

    @Test(
        "putRootAccessKey refuses a key that names a user with conflict, storing nothing", arguments: StoreKind.allCases
    )
    func putRootKeyNamingAUserIsRefused(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            let error = await storeError {
                try await store.putRootAccessKey(Fixture.key("AKIAUSER000000000001", userName: "Alice"))
            }
            #expect(error?.code == .conflict)
            #expect(try await store.accessKey(id: "AKIAUSER000000000001") == nil)
        }
    }

    @Test("putRootAccessKey for a missing account is rejected with notFound", arguments: StoreKind.allCases)
    func putRootKeyForMissingAccountIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError {
                try await store.putRootAccessKey(Fixture.key("AKIAOTHER00000000001", accountId: Fixture.otherAccountId))
            }
            #expect(error?.code == .notFound)
        }
    }
}
