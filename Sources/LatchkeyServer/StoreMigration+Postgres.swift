public import Foundation
public import LatchkeyPostgres
import LatchkeySQLite
public import Logging

// MARK: latchkey migrate-store

extension StoreMigration {
    /// `latchkey migrate-store --from sqlite:PATH --to postgres://...`: checks both arguments and the source file
    /// before connecting anywhere, then migrates as the overload taking a configuration does.
    ///
    /// - Throws: ``Failure`` with a message for the operator: a bad `--from` or `--to`, a missing file or one that
    ///   is not a Latchkey store, a store migrated by a newer Latchkey, an unreachable database, a non-empty target,
    ///   a copy that does not read back equal.
    public static func migrate(from: String, to: String, now: Date, logger: Logger) async throws -> Counts {
        let path = try sqlitePath(from)
        let configuration: PostgresStore.Configuration
        do {
            configuration = try PostgresStore.Configuration(url: to)
        } catch {
            throw Failure("--to: \(error) (expected postgres://USER:PASSWORD@HOST:PORT/DB)")
        }
        return try await migrate(from: "sqlite:" + path, to: configuration, now: now, logger: logger)
    }

    /// Opens the SQLite store named by `from` (``openSource(_:)``), connects to PostgreSQL (which applies its
    /// migrations), refuses a target that is not empty, copies, then compares everything the two stores hold
    /// (``verify()``). Both stores are closed afterwards.
    public static func migrate(
        from: String, to configuration: PostgresStore.Configuration, now: Date, logger: Logger
    ) async throws -> Counts {
        let opened = try openSource(from)
        let source = opened.store
        defer {
            try? source.close()
            withExtendedLifetime(opened) {}
        }
        let target: PostgresStore
        do {
            target = try await PostgresStore.connect(configuration, logger: logger)
        } catch {
            throw Failure("--to: \(error)")
        }
        do {
            let migration = StoreMigration(source: source, target: target, now: now)
            let counts = try await migration.run()
            try await migration.verify()
            await target.close()
            return counts
        } catch {
            await target.close()
            throw error
        }
    }
}
