import LatchkeyDomain
import LatchkeyTestSupport

/// The store fixtures, under the name the store tests have always used.
typealias Fixture = StoreFixture

/// A new store of `kind` holding account `Fixture.accountId`, passed to `body`, then discarded.
func withStore(_ kind: StoreKind, _ body: (any LatchkeyStore) async throws -> Void) async throws {
    try await kind.withEmptyStore { store in
        try await store.insertAccount(Fixture.account)
        try await body(store)
    }
}
