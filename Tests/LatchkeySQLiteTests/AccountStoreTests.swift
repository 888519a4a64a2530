import Foundation
import LatchkeyDomain
import LatchkeySQLite
import Testing

@Suite struct AccountStoreTests {
    @Test("an inserted account reads back equal, date to the millisecond")
    func insertedAccountReadsBack() async throws {
        try await withStore { store throws in
            let account = try #require(try await store.account(id: Fixture.accountId))
            #expect(account == Fixture.account)
            #expect(account.createDate.timeIntervalSince1970 == 1_700_000_000.123)
        }
    }

    @Test("a missing account reads as nil")
    func missingAccountIsNil() async throws {
        try await withStore { store throws in
            #expect(try await store.account(id: Fixture.otherAccountId) == nil)
        }
    }

    @Test("a duplicate account ID is rejected with alreadyExists")
    func duplicateAccountIsRejected() async throws {
        try await withStore { store throws in
            let error = await storeError { try await store.insertAccount(Fixture.account) }
            #expect(error?.code == .alreadyExists)
        }
    }

    @Test("accounts are listed ordered by ID")
    func accountsAreOrderedByID() async throws {
        try await withStore { store throws in
            for id in ["999999999999", "000000000001", "555555555555"] {
                try await store.insertAccount(Account(id: id, createDate: Fixture.epoch))
            }
            let ids = try await store.accounts().map(\.id)
            #expect(ids == ["000000000001", Fixture.accountId, "555555555555", "999999999999"])
        }
    }
}
