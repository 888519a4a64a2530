import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

@Suite struct AccountStoreTests {
    @Test("an inserted account reads back equal, date to the millisecond", arguments: StoreKind.allCases)
    func insertedAccountReadsBack(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let account = try #require(try await store.account(id: Fixture.accountId))
            #expect(account == Fixture.account)
            #expect(account.createDate.timeIntervalSince1970 == 1_700_000_000.123)
        }
    }

    @Test("a missing account reads as nil", arguments: StoreKind.allCases)
    func missingAccountIsNil(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            #expect(try await store.account(id: Fixture.otherAccountId) == nil)
        }
    }

    @Test("a duplicate account ID is rejected with alreadyExists", arguments: StoreKind.allCases)
    func duplicateAccountIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError { try await store.insertAccount(Fixture.account) }
            #expect(error?.code == .alreadyExists)
        }
    }

    @Test("accounts are listed ordered by ID", arguments: StoreKind.allCases)
    func accountsAreOrderedByID(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            for id in ["999999999999", "000000000001", "555555555555"] {
                try await store.insertAccount(Account(id: id, createDate: Fixture.epoch))
            }
            let ids = try await store.accounts().map(\.id)
            #expect(ids == ["000000000001", Fixture.accountId, "555555555555", "999999999999"])
        }
    }
}
