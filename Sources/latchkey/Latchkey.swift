import ArgumentParser
import Foundation
import Hummingbird
import LatchkeyServer
import Logging
import NIOCore
import NIOPosix

@main
struct Latchkey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latchkey",
        abstract: "An AWS-compatible Security Token Service.",
        discussion: """
            Point the AWS CLI or an SDK at it with --endpoint-url. `latchkey serve` with no options starts on \
            127.0.0.1:8080 with an embedded SQLite store in ./latchkey-data and, on first start, creates an \
            account and prints its root access key once.
            """,
        version: latchkeyVersionLine,
        subcommands: [Serve.self, Creds.self, Admin.self, MigrateStore.self, Seed.self]
    )

    /// Runs Swift concurrency's global executor on SwiftNIO's event loops before anything else starts: a
    /// request's task then resumes on its connection's event-loop thread instead of hopping to a Dispatch worker
    /// thread and back for every read and write (NIO's `EventLoopGroup.any()` is sticky to the current loop).
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await main(nil)
    }
}

extension Latchkey {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the STS and IAM endpoint.",
            discussion: """
                Every option falls back to its environment variable, then to its default. The master key that \
                encrypts secrets at rest comes from LATCHKEY_MASTER_KEY (base64, 32 bytes), else the config file \
                (masterKey or masterKeyFile), else <data-dir>/master.key, created with mode 0600 on first start. \
                With --database-url, every node shares one PostgreSQL store and must have the same master key; \
                GET /healthz and GET /readyz answer health checks.
                """
        )

        @Option(
            help: ArgumentHelp(
                "YAML configuration: accounts and root keys to create, key settings. Env: LATCHKEY_CONFIG.",
                valueName: "file"))
        var config: String?

        @Option(
            name: .customLong("data-dir"),
            help: ArgumentHelp(
                "Folder for the SQLite store and the master key (with --database-url: only master.key, if the key is given no other way; not locked). Env: LATCHKEY_DATA_DIR. Default: ./latchkey-data.",
                valueName: "dir"))
        var dataDir: String?

        @Option(help: ArgumentHelp("Address to listen on. Env: LATCHKEY_HOST. Default: 127.0.0.1.", valueName: "host"))
        var host: String?

        @Option(
            help: ArgumentHelp(
                "Port to listen on; 0 picks a free one. Env: LATCHKEY_PORT. Default: 8080.", valueName: "port"))
        var port: Int?

        @Option(
            name: .customLong("header-timeout"),
            help: ArgumentHelp(
                "How long a request's header may take to arrive, from its first byte or the previous response. Env: LATCHKEY_HEADER_TIMEOUT. File: headerTimeout. Default: 10s.",
                valueName: "duration"))
        var headerTimeout: String?

        @Option(
            name: .customLong("body-timeout"),
            help: ArgumentHelp(
                "How long a request's body may take to arrive after its header. Env: LATCHKEY_BODY_TIMEOUT. File: bodyTimeout. Default: 30s.",
                valueName: "duration"))
        var bodyTimeout: String?

        @Option(
            name: .customLong("idle-timeout"),
            help: ArgumentHelp(
                "How long an idle keep-alive connection stays open. Env: LATCHKEY_IDLE_TIMEOUT. File: idleTimeout. Default: 60s.",
                valueName: "duration"))
        var idleTimeout: String?

        @Option(
            name: .customLong("max-connections"),
            help: ArgumentHelp(
                "Most connections held at once; the oldest idle ones are closed first when it is reached. Env: LATCHKEY_MAX_CONNECTIONS. File: maxConnections. Default: derived from the file-descriptor limit.",
                valueName: "count"))
        var maxConnections: String?

        @Option(
            name: .customLong("shutdown-grace"),
            help: ArgumentHelp(
                "On SIGTERM or SIGINT, how long requests in flight may finish before every connection is closed; a second signal exits at once. Env: LATCHKEY_SHUTDOWN_GRACE. File: shutdownGrace. Default: 10s.",
                valueName: "duration"))
        var shutdownGrace: String?

        @Option(
            name: .customLong("database-url"),
            help: ArgumentHelp(
                "A PostgreSQL store shared by every node: postgres://USER:PASSWORD@HOST:PORT/DB (sslmode and sslrootcert as query parameters). Env: LATCHKEY_DATABASE_URL. File: databaseURL. Default: SQLite in the data folder.",
                valueName: "url"))
        var databaseURL: String?

        @Option(
            name: .customLong("database-pool-size"),
            help: ArgumentHelp(
                "Most connections to PostgreSQL. Env: LATCHKEY_DATABASE_POOL_SIZE. File: databasePoolSize. Default: 10.",
                valueName: "count"))
        var databasePoolSize: String?

        @Option(
            name: .customLong("database-wait"),
            help: ArgumentHelp(
                "How long a start retries while PostgreSQL is unreachable; 0 fails at once. Env: LATCHKEY_DATABASE_WAIT. File: databaseWait. Default: 60s.",
                valueName: "duration"))
        var databaseWait: String?

        @Option(
            name: .customLong("log-level"),
            help: ArgumentHelp(
                "trace, debug, info, notice, warning, error or critical. Env: LATCHKEY_LOG_LEVEL. Default: info.",
                valueName: "level"))
        var logLevel: String?

        @OptionGroup(title: "Audit trail")
        var audit: AuditOptions

        @OptionGroup(title: "TLS, proxies and logs")
        var transport: TransportOptions

        @OptionGroup(title: "Metrics")
        var metrics: MetricsOptions

        func validate() throws {
            let environment = ProcessInfo.processInfo.environment
            if let port = port ?? environment["LATCHKEY_PORT"].flatMap(Int.init), !(0...65535).contains(port) {
                throw ValidationError("--port must be between 0 and 65535")
            }
            if environment["LATCHKEY_PORT"] != nil, port == nil, Int(environment["LATCHKEY_PORT"] ?? "") == nil {
                throw ValidationError("LATCHKEY_PORT must be a number")
            }
            if let level = logLevel ?? environment["LATCHKEY_LOG_LEVEL"], Logger.Level(rawValue: level) == nil {
                throw ValidationError("unknown log level '\(level)'")
            }
            _ = try connectionSettings(file: nil)
            _ = try databaseSettings(file: nil)
        }

        /// The PostgreSQL settings: each from its flag, else its environment variable, else the file; nil without a
        /// URL (SQLite).
        func databaseSettings(file: ConfigurationFile?) throws -> ServerConfiguration.Database? {
            do {
                return try DatabaseSettings.resolve(
                    url: databaseURL, poolSize: databasePoolSize, wait: databaseWait,
                    environment: ProcessInfo.processInfo.environment, file: file)
            } catch {
                throw ValidationError(error.message)
            }
        }

        /// The connection settings: each from its flag, else its environment variable, else the file, else the
        /// default.
        func connectionSettings(file: ConfigurationFile?) throws -> ConnectionSettings {
            let environment = ProcessInfo.processInfo.environment
            let flags: [ConnectionSettings.Setting: String?] = [
                .headerTimeout: headerTimeout, .bodyTimeout: bodyTimeout, .idleTimeout: idleTimeout,
                .maxConnections: maxConnections, .shutdownGrace: shutdownGrace,
            ]
            var settings = ConnectionSettings()
            do {
                try settings.apply(file)
                for setting in ConnectionSettings.Setting.allCases {
                    if let flag = flags[setting] ?? nil {
                        try settings.set(setting, from: flag, source: setting.flag)
                    } else if let value = environment[setting.environmentVariable] {
                        try settings.set(setting, from: value, source: setting.environmentVariable)
                    }
                }
            } catch {
                throw ValidationError(error.message)
            }
            return settings
        }

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let level = Logger.Level(rawValue: logLevel ?? environment["LATCHKEY_LOG_LEVEL"] ?? "info") ?? .info

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
            // SIGHUP reloads the TLS certificate and key (TLSReloadService traps it when TLS is on); a node without TLS
            // has nothing to reload and must not end on `systemctl reload` either: the signal is ignored.
            signal(SIGHUP, SIG_IGN)
            // The log format may come from the file: it is read (reading logs nothing) before logging is set up.
            transport.bootstrapLogging(level: level, environment: environment, file: file)
            var logger = Logger(label: "latchkey")
            logger.logLevel = level
            var configuration = ServerConfiguration(
                host: host ?? environment["LATCHKEY_HOST"] ?? "127.0.0.1",
                port: port ?? environment["LATCHKEY_PORT"].flatMap(Int.init) ?? 8080,
                dataDirectory: dataDir ?? environment["LATCHKEY_DATA_DIR"] ?? "./latchkey-data",
                file: file,
                masterKeyOverride: environment["LATCHKEY_MASTER_KEY"],
                connections: try connectionSettings(file: file),
                logLevel: level,
                database: try databaseSettings(file: file)
            )
            try audit.apply(to: &configuration, environment: environment)
            try transport.apply(to: &configuration, environment: environment)
            try metrics.apply(to: &configuration, environment: environment)
            let scheme = configuration.transport.servesTLS ? "https" : "http"
            // A taken port, a data folder held by another server, a database that cannot be used or a wrong master key
            // is said in one line, with nothing created.
            let (application, report) = try await exitOnStartupError {
                try await LatchkeyApplication.build(
                    configuration: configuration, logger: logger,
                    onListening: { host, port in
                        emit("latchkey listening on \(scheme)://\(host):\(port)")
                    })
            }
            let connections = configuration.connections
            let limit =
                report.connections?.limit
                ?? ConnectionRegistry.effectiveLimit(configured: connections.maxConnections).limit
            let source = connections.maxConnections == nil ? " (from the descriptor limit)" : ""
            let format = ConnectionSettings.format
            logger.info(
                "connections: header timeout \(format(connections.headerTimeout)), body timeout \(format(connections.bodyTimeout)), idle timeout \(format(connections.idleTimeout)), at most \(limit)\(source), shutdown grace \(format(connections.shutdownGrace))"
            )
            if report.createdMasterKey {
                logger.notice(
                    "created a new master key in \(configuration.dataDirectory)/master.key (mode 0600); back it up")
            }
            if let account = report.createdAccount {
                emit(
                    """
                    Created account \(account.accountId) with a root access key. It is shown only this once:
                    LATCHKEY_ACCOUNT_ID=\(account.accountId)
                    AWS_ACCESS_KEY_ID=\(account.accessKeyId)
                    AWS_SECRET_ACCESS_KEY=\(account.secretAccessKey)
                    """)
            }
            do {
                try await ServerLifecycle.run(
                    application, grace: configuration.connections.shutdownGrace, connections: report.connections,
                    logger: logger)
            } catch {
                // The port checked free before startup was taken in between: name it rather than show the raw bind.
                if let startup = StartupError.bindFailure(error, host: configuration.host, port: configuration.port) {
                    fail(startup)
                }
                throw error
            }
        }
    }
}

/// Runs `body`; a ``StartupError`` ends the process through ``fail(_:)``.
func exitOnStartupError<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StartupError {
        fail(error)
    }
}

/// Prints `latchkey: MESSAGE` on stderr and exits with status 1.
func fail(_ error: StartupError) -> Never {
    FileHandle.standardError.write(Data("latchkey: \(error.message)\n".utf8))
    exit(1)
}

/// Writes a line to stdout unbuffered, so scripts reading the pipe see it at once.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
