public import CoreMetrics
import LatchkeyDomain
import NIOSSL
import PostgresNIO

extension PostgresStore {
    /// Where the database is and how to talk to it, usually read from a URL (``init(url:)``).
    public struct Configuration: Sendable {
        /// libpq's `sslmode`, with libpq's meanings.
        public enum SSLMode: String, Sendable, CaseIterable {
            /// Never TLS.
            case disable
            /// TLS if the server offers it, without verifying its certificate; plain otherwise (libpq's default).
            case prefer
            /// TLS or fail, without verifying the certificate (unless `sslrootcert` is given: then as `verify-ca`).
            case require
            /// TLS, the server's chain verified against `sslrootcert` (or the system's roots), any host name.
            case verifyCA = "verify-ca"
            /// TLS, the chain verified and the certificate's name matching the host.
            case verifyFull = "verify-full"
        }

        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String
        public var sslMode: SSLMode
        /// A PEM file of the certificates trusted as roots (`sslrootcert`); nil: the system's roots.
        public var sslRootCertificatePath: String?
        /// The most connections the pool opens (`--database-pool-size`).
        public var maximumConnections: Int = 10
        /// How long a store call may wait (for a connection and for its statements) before it fails `.unavailable`.
        public var operationDeadline: Duration = .milliseconds(1500)
        /// How long ``PostgresStore/connect(_:logger:)`` waits for the server (and for the migrations) before
        /// failing.
        public var connectTimeout: Duration = .seconds(10)
        /// The schema Latchkey's tables live in (the connections' `search_path`, created if missing); nil: the
        /// database's default (`public`).
        public var schema: String?
        /// Reported to the server (`pg_stat_activity.application_name`).
        public var applicationName: String = "latchkey"
        /// Where each call's duration is recorded (``PostgresStoreLatency``: the server's metrics); nil records
        /// nothing.
        public var metrics: (any MetricsFactory)?

        public init(
            host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
            sslMode: SSLMode = .prefer, sslRootCertificatePath: String? = nil
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.sslMode = sslMode
            self.sslRootCertificatePath = sslRootCertificatePath
        }

        /// `host:port/database` (and the schema), for messages: never the password.
        public var endpointDescription: String {
            let host = self.host.contains(":") ? "[\(self.host)]" : self.host
            return "PostgreSQL at \(host):\(port)/\(database)" + (schema.map { " (schema \($0))" } ?? "")
        }

        /// The URL without its password, for logs.
        public var redactedURL: String {
            let host = self.host.contains(":") ? "[\(self.host)]" : self.host
            var url = "postgres://\(PostgresURL.percentEncode(username))"
            if password != nil { url += ":***" }
            url += "@\(host):\(port)/\(PostgresURL.percentEncode(database))?sslmode=\(sslMode.rawValue)"
            if let sslRootCertificatePath { url += "&sslrootcert=\(PostgresURL.percentEncode(sslRootCertificatePath))" }
            return url
        }

        func makeTLSConfiguration() -> TLSConfiguration? {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let sslRootCertificatePath {
                tls.trustRoots = .file(sslRootCertificatePath)
            }
            switch sslMode {
            case .disable:
                return nil
            case .prefer:
                tls.certificateVerification = .none
            case .require:
                tls.certificateVerification = sslRootCertificatePath == nil ? .none : .noHostnameVerification
            case .verifyCA:
                tls.certificateVerification = .noHostnameVerification
            case .verifyFull:
                tls.certificateVerification = .fullVerification
            }
            return tls
        }

        /// The pool's TLS setting; throws `.unavailable` when the root certificate file cannot be loaded.
        func makeTLS() throws -> TLSChoice {
            guard let tls = makeTLSConfiguration() else { return TLSChoice(configuration: nil, context: nil) }
            do {
                return TLSChoice(configuration: tls, context: try NIOSSLContext(configuration: tls))
            } catch {
                throw StoreError(
                    .unavailable,
                    "cannot set up TLS (sslmode=\(sslMode.rawValue))"
                        + (sslRootCertificatePath.map { ", sslrootcert \($0)" } ?? "") + ": \(error)"
                )
            }
        }

        var startupParameters: [(String, String)] {
            var parameters = [("application_name", applicationName)]
            if let schema { parameters.append(("search_path", PostgresSchema.quoteIdentifier(schema))) }
            return parameters
        }

        func clientConfiguration(tls: TLSChoice) -> PostgresClient.Configuration {
            let clientTLS: PostgresClient.Configuration.TLS =
                switch (sslMode, tls.configuration) {
                case (_, nil): .disable
                case (.prefer, let configuration?): .prefer(configuration)
                case (_, let configuration?): .require(configuration)
                }
            var configuration = PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database, tls: clientTLS)
            configuration.options.maximumConnections = max(1, maximumConnections)
            configuration.options.connectTimeout = connectTimeout
            configuration.options.additionalStartupParameters = startupParameters
            return configuration
        }

        func connectionConfiguration(tls: TLSChoice) -> PostgresConnection.Configuration {
            let connectionTLS: PostgresConnection.Configuration.TLS =
                switch (sslMode, tls.context) {
                case (_, nil): .disable
                case (.prefer, let context?): .prefer(context)
                case (_, let context?): .require(context)
                }
            var configuration = PostgresConnection.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: connectionTLS)
            let components = connectTimeout.components
            configuration.options.connectTimeout = .nanoseconds(
                components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
            configuration.options.additionalStartupParameters = startupParameters
            return configuration
        }
    }

    /// The TLS configuration (for the pool) and context (for a single connection) of a configuration.
    struct TLSChoice: Sendable {
        var configuration: TLSConfiguration?
        var context: NIOSSLContext?
    }
}
