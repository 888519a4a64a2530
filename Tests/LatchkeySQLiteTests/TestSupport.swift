import Foundation
import LatchkeyDomain
import LatchkeySQLite
import LatchkeyTestSupport
import Testing

/// The store fixtures (`LatchkeyTestSupport`), under the name the store tests have always used.
typealias Fixture = StoreFixture

/// An SQLite store on a fresh file (in a fresh temporary directory) holding account `Fixture.accountId`: for the
/// tests of what only SQLite has (schema, migrations, the file). The protocol's behaviour is tested on every store
/// by `LatchkeyStoreContractTests`.
func withStore(_ body: (SQLiteIdentityStore) async throws -> Void) async throws {
    try await withTemporaryDirectory { directory throws in
        let store = try SQLiteIdentityStore(path: directory + "/latchkey.sqlite")
        try await store.insertAccount(Fixture.account)
        try await body(store)
    }
}
