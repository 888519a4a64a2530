import GRDB
import LatchkeyDomain

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What `latchkey migrate-store` reads from an SQLite store beyond the store protocols.
extension SQLiteIdentityStore {
    /// The migrations applied to the SQLite file at `path`, read without changing the file (opened read-only, no
    /// migration run); nil when the file is an SQLite database that Latchkey never migrated.
    ///
    /// - Throws: `StoreError` `.unavailable` if the file is missing or is not an SQLite database.
    public static func appliedMigrations(atPath path: String) throws -> [String]? {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.unavailable, "no file at \(path)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.publicStatementArguments = false
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                guard try db.tableExists("grdb_migrations") else { return nil }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            }
        } catch {
            throw StoreError(.unavailable, "\(path) is not a readable SQLite database: \(describe(error))")
        }
    }

    /// The number the managed policy's next version will get (one past the highest ever used, even when that
    /// version was deleted); nil if the account has no policy with this name (compared case-insensitively).
    public func nextPolicyVersionNumber(accountId: String, policyName: String) async throws -> Int64? {
        let nameKey = Stored.nameKey(policyName)
        return try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT next_version FROM managed_policies WHERE account_id = ? AND name_key = ?",
                arguments: [accountId, nameKey]
            ).map { try StoredRow(row: $0, table: "managed_policies").int64(0) }
        }
    }
}
