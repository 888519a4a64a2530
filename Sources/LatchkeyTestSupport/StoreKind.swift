public import LatchkeyDomain
import LatchkeyMemoryStore
import LatchkeySQLite

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The store implementations the store-contract tests run against.
///
/// `postgres` is among ``allCases`` when `LATCHKEY_TEST_DATABASE_URL` names a server, and always when `CI` is
/// `true`: there the server is always provided, so a missing variable fails every PostgreSQL case loudly instead of
/// skipping them.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case memory
    case postgres

    public static var allCases: [StoreKind] {
        PostgresTestDatabase.isEnabled ? [.sqlite, .memory, .postgres] : [.sqlite, .memory]
    }

    public var description: String { rawValue }

    /// A new, empty store of this kind, passed to `body`; its files or its PostgreSQL schema (if any) are removed
    /// afterwards.
    public func withEmptyStore<T>(_ body: (any LatchkeyStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            return try await withTemporaryDirectory { directory in
                let store = try SQLiteIdentityStore(path: directory + "/latchkey.sqlite")
                defer { try? store.close() }
                return try await body(store)
            }
        case .memory:
            return try await body(InMemoryStore())
        case .postgres:
            return try await PostgresTestDatabase.withStore { store in try await body(store) }
        }
    }

    /// A new, empty store of this kind that lives as long as the process (an SQLite file is left in a temporary
    /// folder, a PostgreSQL schema in the test database): for fixtures that cannot scope it.
    public func makeStore() async throws -> any LatchkeyStore {
        switch self {
        case .sqlite:
            let directory = try makeTemporaryDirectory()
            return try SQLiteIdentityStore(path: directory + "/latchkey.sqlite")
        case .memory:
            return InMemoryStore()
        case .postgres:
            return try await PostgresTestDatabase.makeStore()
        }
    }
}
