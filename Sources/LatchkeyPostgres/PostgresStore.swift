import LatchkeyDomain
public import Logging
import NIOCore
import PostgresNIO
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A store kept in one PostgreSQL database, shared by any number of Latchkey nodes.
///
/// Every protocol method runs in one transaction on a connection leased from a `PostgresClient` pool: writes in a
/// `SERIALIZABLE` transaction (re-run from the start when PostgreSQL reports a serialization failure or a
/// deadlock), multi-statement reads in one `REPEATABLE READ READ ONLY` snapshot. Every call races a deadline
/// (``Configuration/operationDeadline``): when the database cannot be reached the pool waits for a connection, and
/// the call fails with `StoreError` `.unavailable` instead of hanging; once the database is back the pool connects
/// again by itself. PostgreSQL failures become `StoreError`s; statement arguments (sealed secrets among them) are
/// never put in error details or logs.
///
/// Dates are stored as BIGINT milliseconds since 1970-01-01T00:00:00Z, rounded to the nearest millisecond, as in
/// the SQLite store; names are unique case-insensitively through a lowercased `name_key`; listings are ordered by
/// the byte order of the folded name (`COLLATE "C"`).
public final class PostgresStore: Sendable {
    /// How many times a write transaction runs when PostgreSQL keeps reporting serialization failures: enough for
    /// dozens of callers changing one row at once (each round commits one of them); the deadline bounds the time.
    static let maximumWriteAttempts = 64

    let configuration: Configuration
    let client: PostgresClient
    let logger: Logger
    private let runTask: Task<Void, Never>
    private let isClosed = Atomic<Bool>(false)
    /// Each call's duration, by kind; nil without a metrics factory.
    private let latency: PostgresStoreLatency?

    private init(configuration: Configuration, client: PostgresClient, logger: Logger) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        self.latency = configuration.metrics.map { PostgresStoreLatency(factory: $0) }
        self.runTask = Task { await client.run() }
    }

    deinit {
        runTask.cancel()
    }

    /// Connects (starting the `PostgresClient`'s run loop in a task the store owns), checks that the server
    /// answers, and applies pending migrations under an advisory lock.
    ///
    /// - Throws: `StoreError` `.unavailable` with a clear reason when the server cannot be reached, refuses the
    ///   credentials or TLS, or the database was migrated by a newer Latchkey (migrations this build does not know:
    ///   nothing is written then).
    public static func connect(_ configuration: Configuration, logger: Logger) async throws -> PostgresStore {
        let tls = try configuration.makeTLS()
        try await withDeadline(configuration.connectTimeout, "connect to \(configuration.endpointDescription)") {
            try await migrate(configuration, tls: tls, logger: logger)
        }
        return PostgresStore(
            configuration: configuration,
            client: PostgresClient(
                configuration: configuration.clientConfiguration(tls: tls), backgroundLogger: logger),
            logger: logger
        )
    }

    /// Ends the pool's run loop and closes its connections; later calls fail with `.unavailable`. Closing twice is
    /// harmless.
    public func close() async {
        isClosed.store(true, ordering: .sequentiallyConsistent)
        runTask.cancel()
        await runTask.value
    }

    // MARK: Transactions

    /// Runs `body` in one `SERIALIZABLE` write transaction, mapping every failure to a `StoreError`.
    ///
    /// The transaction is run again from the start (up to ``maximumWriteAttempts`` times) when PostgreSQL reports a
    /// serialization failure (40001) or a deadlock (40P01), so `body` must only depend on what it reads. A
    /// `StoreError` thrown by `body`, and an error thrown by a caller's `change` (through ``apply(_:to:)``), pass
    /// through unchanged; a constraint violation goes through `constraint`, and what it does not claim becomes
    /// `.unavailable`.
    func write<T: Sendable>(
        _ operation: StaticString,
        constraint: @escaping @Sendable (PostgresConstraintViolation) -> StoreError? = { _ in nil },
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try checkOpen(operation)
        let started = latency == nil ? nil : ContinuousClock.now
        defer { PostgresStoreLatency.record(latency?.write, since: started) }
        let client = self.client
        let logger = self.logger
        return try await Self.withDeadline(configuration.operationDeadline, "\(operation)") {
            var attempt = 1
            while true {
                do {
                    return try await client.withConnection { connection in
                        try await Self.transaction(
                            connection, begin: "BEGIN ISOLATION LEVEL SERIALIZABLE", logger: logger, body)
                    }
                } catch {
                    if attempt < Self.maximumWriteAttempts, Self.isRetryable(error) {
                        attempt += 1
                        // A short, growing (up to 20 ms), jittered pause spreads the callers that lost the conflict.
                        try await Task.sleep(for: .milliseconds(Int.random(in: 0...min(2 * attempt, 20))))
                        continue
                    }
                    throw Self.map(error, operation: operation, constraint: constraint)
                }
            }
        }
    }

    /// Runs `body` in one `REPEATABLE READ READ ONLY` transaction (one snapshot), mapping every failure to a
    /// `StoreError`.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try checkOpen("read")
        let started = latency == nil ? nil : ContinuousClock.now
        defer { PostgresStoreLatency.record(latency?.read, since: started) }
        let client = self.client
        let logger = self.logger
        return try await Self.withDeadline(configuration.operationDeadline, "read") {
            do {
                return try await client.withConnection { connection in
                    try await Self.transaction(
                        connection, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger, body)
                }
            } catch {
                throw Self.map(error, operation: "read", constraint: { _ in nil })
            }
        }
    }

    /// Runs `body`, which must issue a single statement, outside an explicit transaction (the statement is its own
    /// transaction): one round trip instead of three for a one-row read.
    func readStatement<T: Sendable>(
        _ operation: StaticString = "read",
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try checkOpen(operation)
        let started = latency == nil ? nil : ContinuousClock.now
        defer { PostgresStoreLatency.record(latency?.read, since: started) }
        let client = self.client
        return try await Self.withDeadline(configuration.operationDeadline, "\(operation)") {
            do {
                return try await client.withConnection { connection in try await body(connection) }
            } catch {
                throw Self.map(error, operation: operation, constraint: { _ in nil })
            }
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

    private func checkOpen(_ operation: StaticString) throws {
        if isClosed.load(ordering: .sequentiallyConsistent) {
            throw StoreError(.unavailable, "\(operation): the PostgreSQL store is closed")
        }
    }

    static func transaction<T>(
        _ connection: PostgresConnection,
        begin: PostgresQuery,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await connection.query(begin, logger: logger)
        do {
            let value = try await body(connection)
            try await connection.query("COMMIT", logger: logger)
            return value
        } catch {
            // After a failed COMMIT the transaction is already over; the ROLLBACK then only draws a warning.
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// Runs `body` in a task of its own and answers with its result, or with `.unavailable` once `deadline` has
    /// passed (the task is then cancelled and left to finish on its own: a leased connection that never comes must
    /// not hold the caller).
    static func withDeadline<T: Sendable>(
        _ deadline: Duration,
        _ operation: String,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                race.start(continuation)
                let work = Task {
                    do {
                        race.finish(.success(try await body()))
                    } catch {
                        race.finish(.failure(error))
                    }
                }
                let timer = Task {
                    try? await Task.sleep(for: deadline)
                    if race.finish(
                        .failure(
                            StoreError(
                                .unavailable,
                                "\(operation): the database did not answer within \(Self.describe(deadline))"
                            )
                        )
                    ) {
                        work.cancel()
                    }
                }
                race.setTasks(work: work, timer: timer)
            }
        } onCancel: {
            race.finish(.failure(StoreError(.unavailable, "\(operation): cancelled")))
        }
    }

    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}

/// The first of a call's outcome, its deadline and its caller's cancellation, delivered once.
private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var finished = false
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            if let early = state.early {
                state.early = nil
                return early
            }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func setTasks(work: Task<Void, Never>, timer: Task<Void, Never>) {
        let finished = state.withLock { state in
            state.work = work
            state.timer = timer
            return state.finished
        }
        if finished {
            work.cancel()
            timer.cancel()
        }
    }

    /// Delivers `result` if nothing was delivered yet; returns whether it was.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (continuation, tasks, delivered): (CheckedContinuation<T, any Error>?, [Task<Void, Never>], Bool) =
            state.withLock { state in
                guard !state.finished else { return (nil, [], false) }
                state.finished = true
                let tasks = [state.work, state.timer].compactMap { $0 }
                let continuation = state.continuation
                state.continuation = nil
                if continuation == nil { state.early = result }
                return (continuation, tasks, true)
            }
        guard delivered else { return false }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
        return true
    }
}

/// An error thrown by a `modify...` caller's `change` closure, carried out of the transaction so that
/// ``PostgresStore/write(_:constraint:_:)`` rethrows it as it was.
struct ChangeFailure: Error {
    let error: any Error
}
