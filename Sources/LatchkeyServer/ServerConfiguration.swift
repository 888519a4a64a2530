import Foundation
public import Logging

/// Everything the server needs to start. Only the CLI reads flags and the environment; tests build this directly.
public struct ServerConfiguration: Sendable {
    /// Address to bind. Default `127.0.0.1`.
    public var host: String
    /// Port to bind; 0 picks a free port (printed once listening). Default 8080.
    public var port: Int
    /// Folder for the SQLite database and the generated master key. Created if missing.
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

    public struct Limits: Sendable {
        /// Largest request body accepted. A SAML assertion may be 100,000 characters, percent-encoded: 512 KiB.
        public var maxBodyBytes: Int = 512 * 1024
        public init() {}
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "./latchkey-data",
        file: ConfigurationFile? = nil, masterKeyOverride: String? = nil, limits: Limits = .init(),
        connections: ConnectionSettings = .init(), logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.file = file
        self.masterKeyOverride = masterKeyOverride
        self.limits = limits
        self.connections = connections
        self.logLevel = logLevel
    }
}
