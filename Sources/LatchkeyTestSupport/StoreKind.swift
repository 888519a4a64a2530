public import LatchkeyDomain
import LatchkeyMemoryStore
import LatchkeySQLite

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The store implementations the store-contract tests run against; PostgreSQL will be one more case.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case memory

    public var description: String { rawValue }

    /// A new, empty store of this kind, passed to `body`; its files (if any) are removed afterwards.
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
        }
    }

    /// A new, empty store of this kind that lives as long as the process (an SQLite file is left in a temporary
    /// folder): for fixtures that cannot scope it.
    public func makeStore() throws -> any LatchkeyStore {
        switch self {
        case .sqlite:
            let directory = try makeTemporaryDirectory()
            return try SQLiteIdentityStore(path: directory + "/latchkey.sqlite")
        case .memory:
            return InMemoryStore()
        }
    }
}
