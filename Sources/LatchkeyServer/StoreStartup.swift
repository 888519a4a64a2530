import CoreMetrics
import Foundation
import LatchkeyDomain
import LatchkeyPostgres
import LatchkeySQLite
import LatchkeyTokens
import Logging

/// Opens the store a server runs on and checks it against the master key, before anything is written.
///
/// - SQLite (no database URL): `latchkey.sqlite` in the data folder, as before.
/// - PostgreSQL (`--database-url`): connects, retrying with exponential backoff (0.5 s doubling to 5 s by default)
///   while the database is unreachable, for at most `--database-wait` (60 s; 0 fails at once), logging each
///   attempt. A malformed URL, refused credentials, a missing database or a database migrated by a newer Latchkey
///   are not retried: the start fails at once with the reason.
enum StoreStartup {
    /// A store opened for the server, with how to close it when the server stops.
    struct Opened: Sendable {
        var store: any LatchkeyStore
        var close: @Sendable () async -> Void
    }

    static func openSQLite(path: String, metrics: (any MetricsFactory)? = nil) throws(StartupError) -> Opened {
        do {
            // Closed when the process ends, as before (GRDB closes its pool when the store is released).
            return Opened(store: try SQLiteIdentityStore(path: path, metrics: metrics), close: {})
        } catch {
            throw StartupError(message: "cannot open the SQLite store: \(error)")
        }
    }

    /// The store's configuration from the settings: refuses a malformed URL before anything is created.
    static func postgresConfiguration(_ database: ServerConfiguration.Database) throws(StartupError)
        -> PostgresStore.Configuration
    {
        var configuration: PostgresStore.Configuration
        do {
            configuration = try PostgresStore.Configuration(url: database.url)
        } catch {
            throw StartupError(message: "\(error)")
        }
        if let poolSize = database.poolSize { configuration.maximumConnections = poolSize }
        return configuration
    }

    /// Parses `database`'s URL and connects, waiting for the database as `database` says.
    static func openPostgres(_ database: ServerConfiguration.Database, logger: Logger) async throws(StartupError)
        -> Opened
    {
        try await openPostgres(postgresConfiguration(database), database: database, logger: logger)
    }

    /// Connects to PostgreSQL, waiting for it as `database` says.
    static func openPostgres(
        _ configuration: PostgresStore.Configuration, database: ServerConfiguration.Database, logger: Logger
    ) async throws(StartupError) -> Opened {
        let target = configuration.endpointDescription
        let hostPort =
            configuration.host.contains(":")
            ? "[\(configuration.host)]:\(configuration.port)" : "\(configuration.host):\(configuration.port)"
        logger.info("opening the store", metadata: ["database": "\(configuration.redactedURL)"])
        let clock = ContinuousClock()
        let start = clock.now
        var delay = database.backoff.initial
        var attempt = 1
        while true {
            do {
                let store = try await PostgresStore.connect(configuration, logger: logger)
                if attempt > 1 {
                    logger.notice("database reachable at \(hostPort) after \(attempt) attempts")
                }
                return Opened(store: store, close: { await store.close() })
            } catch let error as StartupError {
                throw error
            } catch {
                let reason = describe(error)
                guard isTransient(error) else {
                    throw StartupError(message: "cannot use the \(target): \(reason)")
                }
                let remaining = database.wait - (clock.now - start)
                guard remaining > .zero else {
                    if database.wait == .zero {
                        throw StartupError(
                            message: "the \(target) is unreachable (\(reason)); not waiting (--database-wait 0)")
                    }
                    throw StartupError(
                        message:
                            "the \(target) is still unreachable after \(attempt) attempts in \(ConnectionSettings.format(database.wait)) (--database-wait): \(reason)"
                    )
                }
                let pause = min(delay, remaining)
                logger.warning(
                    "database unreachable at \(hostPort), retrying in \(ConnectionSettings.format(pause))",
                    metadata: ["attempt": "\(attempt)", "reason": "\(reason)"])
                do {
                    try await Task.sleep(for: pause)
                } catch {
                    throw StartupError(message: "stopped while waiting for the \(target)")
                }
                delay = min(delay * 2, database.backoff.maximum)
                attempt += 1
            }
        }
    }

    /// Whether a failed connection may succeed later: the server cannot be reached, is starting or shutting down,
    /// has no free connection slot, or did not answer in time. Refused credentials, a missing database, a TLS
    /// failure or migrations from a newer Latchkey are not (retrying would only delay the error).
    static func isTransient(_ error: any Error) -> Bool {
        let detail: String
        if let error = error as? StoreError {
            guard error.code == .unavailable else { return false }
            detail = error.detail
        } else {
            detail = String(reflecting: error)
        }
        // PostgreSQL's SQLSTATEs: 57P01-57P03 (shutting down, starting up), 53300 (too many connections),
        // class 08 (connection exceptions).
        if let range = detail.range(of: "PostgreSQL error ") {
            let state = detail[range.upperBound...].prefix(5)
            return state.hasPrefix("57P0") || state == "53300" || state.hasPrefix("08")
        }
        let markers = [
            "connectionError", "serverClosedConnection", "uncleanShutdown", "did not answer within",
            "Connection refused", "connection refused", "Connection reset", "timed out", "connectTimeout",
        ]
        return markers.contains { detail.contains($0) }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? StoreError { return error.detail }
        return String(describing: error)
    }
}
