public import CoreMetrics
import Dispatch
import GRDB
public import LatchkeyDomain
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An `IdentityStore` kept in one SQLite file through a GRDB `DatabasePool`.
///
/// The file is opened in WAL mode (readers never block the single writer) with foreign keys enforced and a busy
/// timeout, and the schema migrations in ``migrationIdentifiers`` are applied when the store opens. Every protocol
/// method runs in one transaction: writes in one `BEGIN IMMEDIATE` transaction, multi-statement reads in one
/// snapshot. SQLite failures become `StoreError`s; statement arguments are never put in error details, so sealed
/// secrets and seeds cannot leak into logs.
///
/// Dates are stored as integer milliseconds since 1970-01-01T00:00:00Z, rounded to the nearest millisecond: a
/// date with whole milliseconds reads back equal to the one written.
public final class SQLiteIdentityStore: IdentityStore, Sendable {
    /// How long a statement waits for a lock held by another connection (or process) before failing.
    public static let busyTimeout: Double = 5

    let pool: DatabasePool
    /// Set by ``close()``: every later call fails at once with `.unavailable`.
    private let closed = Atomic<Bool>(false)
    /// Each transaction's duration, by kind; nil without a metrics factory.
    private let latency: SQLiteStoreLatency?

    /// Opens (creating it if needed) the database file at `path` and applies pending migrations.
    ///
    /// - Parameter metrics: where each transaction's duration is recorded (``SQLiteStoreLatency``); nil records
    ///   nothing.
    /// - Throws: `StoreError` `.unavailable` if the file cannot be opened or migrated (the detail says why).
    public init(path: String, metrics: (any MetricsFactory)? = nil) throws {
        latency = metrics.map { SQLiteStoreLatency(factory: $0) }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "latchkey"
        // Statement arguments (sealed secrets among them) must never appear in error descriptions.
        configuration.publicStatementArguments = false
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.barrierWriteWithoutTransaction { db in
                // A file migrated by a newer build has a schema this build does not know: refuse to touch it.
                let unknown = try Self.migrator.appliedIdentifiers(db).subtracting(Self.migrationIdentifiers)
                guard unknown.isEmpty else {
                    throw StoreError(
                        .unavailable,
                        "the SQLite store at \(path) has migrations this build does not know: "
                            + unknown.sorted().joined(separator: ", ")
                    )
                }
            }
            try Self.migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "cannot open the SQLite store at \(path): \(Self.describe(error))")
        }
    }

    /// Closes the store: every later call fails at once with `.unavailable`, and the database connections are
    /// closed on a Dispatch thread once the calls in flight have returned them. Closing twice is harmless.
    ///
    /// It does not wait for the connections: GRDB's `DatabasePool.close()` blocks until every connection in use is
    /// given back, and a connection is given back by the task that holds it. Called on one of Swift concurrency's
    /// threads (there are as many as cores: two on CI) while requests are reading, the blocked callers could hold
    /// every thread those tasks need, and the process hung (seen in CI: two tests closing a store under a running
    /// server). Without `close()` the connections close when the store is deallocated.
    public func close() throws {
        guard closed.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
        else { return }
        let pool = self.pool
        DispatchQueue.global().async { try? pool.close() }
    }

    private func checkOpen() throws(StoreError) {
        if closed.load(ordering: .relaxed) { throw StoreError(.unavailable, "the SQLite store is closed") }
    }

    /// The identifiers of the migrations already applied to the file, in the order they were applied.
    public func appliedMigrations() async throws -> [String] {
        try await read { db in try Self.migrator.completedMigrations(db) }
    }

    // MARK: Transactions

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`), mapping every failure to a `StoreError`.
    ///
    /// `constraint` translates a SQLite constraint violation (unique, primary key, foreign key) into the error the
    /// protocol names for this operation; violations it does not claim become `.unavailable`.
    func write<T: Sendable>(
        _ operation: StaticString,
        constraint: @escaping @Sendable (ConstraintViolation) -> StoreError? = { _ in nil },
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        let started = latency == nil ? nil : ContinuousClock.now
        defer { SQLiteStoreLatency.record(latency?.write, since: started) }
        try checkOpen()
        do {
            return try await pool.write(body)
        } catch let failure as ChangeFailure {
            throw failure.error
        } catch {
            throw Self.map(error, operation: operation, constraint: constraint)
        }
    }

    /// Applies a caller's `change` inside a transaction: an error it throws rolls the transaction back and leaves
    /// ``write(_:constraint:_:)`` unchanged (not mapped to `.unavailable`), as the `modify...` contract requires.
    static func apply<Value>(_ change: (inout Value) throws -> Void, to value: inout Value) throws {
        do {
            try change(&value)
        } catch {
            throw ChangeFailure(error: error)
        }
    }

    /// Runs `body` in one read-only snapshot transaction, mapping every failure to a `StoreError`.
    func read<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        let started = latency == nil ? nil : ContinuousClock.now
        defer { SQLiteStoreLatency.record(latency?.read, since: started) }
        try checkOpen()
        do {
            return try await pool.read(body)
        } catch {
            throw Self.map(error, operation: "read", constraint: { _ in nil })
        }
    }
}

/// An error thrown by a `modify...` caller's `change` closure, carried out of the GRDB transaction so that
/// ``SQLiteIdentityStore/write(_:constraint:_:)`` rethrows it as it was.
struct ChangeFailure: Error {
    let error: any Error
}
