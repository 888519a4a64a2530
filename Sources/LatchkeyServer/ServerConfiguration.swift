import Foundation
public import Logging

/// Everything the server needs to start. Only the CLI reads flags and the environment; tests build this directly.
public struct ServerConfiguration: Sendable {
    /// Address to bind. Default `127.0.0.1`.
    public var host: String
    /// Port to bind; 0 picks a free port (printed once listening). Default 8080.
    public var port: Int
    /// Folder for the SQLite database and the generated master key, created if missing and locked while the server
    /// runs. With ``database`` it only holds `master.key` (when the key is given no other way), is created only to
    /// write a generated key, and is not locked.
    public var dataDirectory: String
    /// The parsed `--config` file, if any.
    public var file: ConfigurationFile?
    /// A master key given through the environment (`LATCHKEY_MASTER_KEY`, base64); wins over the file's.
    public var masterKeyOverride: String?
    /// Request limits.
    public var limits: Limits
    /// Timeouts, the connection limit and the shutdown grace period.
    public var connections: ConnectionSettings
    public var logLevel: Logger.Level
    /// The shared PostgreSQL store; nil keeps the SQLite store in the data folder.
    public var database: Database?
    /// The audit trail: the JSON-lines file, the store's copy and its retention.
    public var audit = AuditSettings()
    /// HTTPS served directly and the proxies trusted for `X-Forwarded-For` / `X-Forwarded-Proto`.
    public var transport = TransportSettings()
    /// `text` (default) or `json` log lines.
    public var logFormat: LogFormat = .text
    /// Whether `GET /metrics` is served and anything counted (docs/metrics.md). Default on.
    public var metrics = MetricsSettings()

    /// Where the PostgreSQL store is and how to reach it (`--database-url`, `--database-pool-size`,
    /// `--database-wait`).
    public struct Database: Sendable {
        /// `postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=...&sslrootcert=...` (parsed by `PostgresStore`).
        public var url: String
        /// Connections held to the database at most; nil leaves the store's default.
        public var poolSize: Int?
        /// How long a start keeps retrying while the database is unreachable; zero fails at once.
        public var wait: Duration
        /// The retry delays: the first, doubled after each attempt, up to the last.
        public var backoff: Backoff

        public struct Backoff: Sendable, Equatable {
            public var initial: Duration
            public var maximum: Duration

            public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(5)) {
                self.initial = initial
                self.maximum = maximum
            }
        }

        public init(url: String, poolSize: Int? = nil, wait: Duration = .seconds(60), backoff: Backoff = .init()) {
            self.url = url
            self.poolSize = poolSize
            self.wait = wait
            self.backoff = backoff
        }
    }

    public struct Limits: Sendable {
        /// Largest request body accepted. A SAML assertion may be 100,000 characters, percent-encoded: 512 KiB.
        public var maxBodyBytes: Int = 512 * 1024
        public init() {}
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "./latchkey-data",
        file: ConfigurationFile? = nil, masterKeyOverride: String? = nil, limits: Limits = .init(),
        connections: ConnectionSettings = .init(), logLevel: Logger.Level = .info, database: Database? = nil
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.file = file
        self.masterKeyOverride = masterKeyOverride
        self.limits = limits
        self.connections = connections
        self.logLevel = logLevel
        self.database = database
    }
}
