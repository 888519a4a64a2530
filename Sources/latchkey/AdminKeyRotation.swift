import ArgumentParser
import Foundation
import LatchkeyServer
import Logging

/// The store and master-key options of `latchkey serve`, for commands that open the store themselves.
struct StoreOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The server's YAML configuration (masterKey, masterKeyFile, databaseURL, sessionTokenKeyId). Env: LATCHKEY_CONFIG.",
            valueName: "file"))
    var config: String?

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "The server's data folder (the SQLite store and master.key). Env: LATCHKEY_DATA_DIR. Default: ./latchkey-data.",
            valueName: "dir"))
    var dataDir: String?

    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "The PostgreSQL store of the nodes: postgres://USER:PASSWORD@HOST:PORT/DB. Env: LATCHKEY_DATABASE_URL. File: databaseURL. Default: SQLite in the data folder.",
            valueName: "url"))
    var databaseURL: String?

    @Option(
        name: .customLong("database-wait"),
        help: ArgumentHelp(
            "How long to retry while PostgreSQL is unreachable; 0 fails at once. Env: LATCHKEY_DATABASE_WAIT. Default: 60s.",
            valueName: "duration"))
    var databaseWait: String?

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp("trace, debug, info, notice, warning, error. Default: warning.", valueName: "level"))
    var logLevel: String?

    /// The configuration `serve` would run with (the master key from LATCHKEY_MASTER_KEY, the file, or the data
    /// folder) and a logger on standard error.
    func configuration() throws -> (ServerConfiguration, Logger) {
        let environment = ProcessInfo.processInfo.environment
        var file: ConfigurationFile?
        if let path = config ?? environment["LATCHKEY_CONFIG"] {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read the configuration file \(path)")
            }
            do {
                file = try ConfigurationFile.parse(String(decoding: data, as: UTF8.self))
            } catch {
                throw ValidationError("\(path): \(error)")
            }
        }
        let database: ServerConfiguration.Database?
        do {
            database = try DatabaseSettings.resolve(
                url: databaseURL, poolSize: nil, wait: databaseWait, environment: environment, file: file)
        } catch {
            throw ValidationError(error.message)
        }
        guard let level = Logger.Level(rawValue: logLevel ?? "warning") else {
            throw ValidationError("unknown log level '\(logLevel ?? "")'")
        }
        let configuration = ServerConfiguration(
            dataDirectory: dataDir ?? environment["LATCHKEY_DATA_DIR"] ?? "./latchkey-data", file: file,
            masterKeyOverride: environment["LATCHKEY_MASTER_KEY"], logLevel: level, database: database)
        var logger = Logger(label: "latchkey-admin") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        logger.logLevel = level
        return (configuration, logger)
    }
}

/// Runs an administration step; a refusal or failure is one line on standard error and exit status 1.
func runAdministration<T>(_ body: () async throws -> T) async -> T {
    do {
        return try await body()
    } catch let error as KeyAdministration.Failure {
        failAdministration(error.message)
    } catch let error as StartupError {
        failAdministration(error.message)
    } catch {
        failAdministration("\(error)")
    }
}

/// Prints `latchkey: MESSAGE` on standard error and exits with status 1.
func failAdministration(_ message: String) -> Never {
    FileHandle.standardError.write(Data("latchkey: \(message)\n".utf8))
    exit(1)
}

extension Latchkey.Admin {
    /// `latchkey admin rotate-session-key`: on the store directly (see docs/key-rotation.md).
    struct RotateSessionKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-session-key",
            abstract: "Make a new session-token key active on every node, without a restart.",
            discussion: """
                Works on the store directly, with the store options and master key of `latchkey serve`. Adds a \
                random 256-bit key (sealed under the master key) to the store and makes it the key new session \
                tokens are sealed under; the key it replaces stays accepted for 36 hours and 15 minutes (the \
                longest session plus an allowance), so no live session is refused. Every node reloads the keys \
                within a second; a node that meets a token under a key it does not know yet reloads at once.
                """
        )

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let (configuration, logger) = try store.configuration()
            let report = await runAdministration {
                try await KeyAdministration.rotateSessionKey(configuration: configuration, logger: logger)
            }
            emit(report.summary)
        }
    }

    /// `latchkey admin rotate-master-key --new-key-file FILE`: on the store directly (see docs/key-rotation.md).
    struct RotateMasterKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-master-key",
            abstract: "Re-seal every secret at rest under a new master key.",
            discussion: """
                Works on the store directly, with the store options of `latchkey serve`. The current master key \
                comes from the usual sources (LATCHKEY_MASTER_KEY, the configuration file, <data-dir>/master.key) \
                and must be the store's; the new one from --new-key-file (base64 of 32 bytes, as master.key; make \
                one with: head -c 32 /dev/urandom | base64). Every access-key secret, MFA seed, outbound signing \
                key and session-token key is re-sealed in one transaction; access keys, MFA devices and live \
                sessions keep working. Nodes still running with the old key refuse requests with \
                ServiceUnavailable (and /readyz answers 503) until restarted with the new key. Nothing is written \
                when the new key file is unreadable, not a key, the current key, or when the current key is not \
                the store's.
                """
        )

        @OptionGroup var store: StoreOptions

        @Option(
            name: .customLong("new-key-file"),
            help: ArgumentHelp("The new master key: base64 of 32 bytes.", valueName: "file"))
        var newKeyFile: String

        func run() async throws {
            let (configuration, logger) = try store.configuration()
            let report = await runAdministration {
                try await KeyAdministration.rotateMasterKey(
                    configuration: configuration, newKeyFile: newKeyFile, logger: logger)
            }
            emit(report.summary)
        }
    }
}
