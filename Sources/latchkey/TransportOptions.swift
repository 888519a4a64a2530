import ArgumentParser
import Foundation
import LatchkeyServer
import Logging

/// `serve`'s options for TLS, trusted proxies and the log format.
struct TransportOptions: ParsableArguments {
    @Option(
        name: .customLong("tls-certificate"),
        help: ArgumentHelp(
            "Serve HTTPS with this PEM certificate chain (needs --tls-key; reloaded on SIGHUP). Env: LATCHKEY_TLS_CERTIFICATE. File: tlsCertificateFile. Default: plain HTTP.",
            valueName: "file"))
    var tlsCertificate: String?

    @Option(
        name: .customLong("tls-key"),
        help: ArgumentHelp(
            "The PEM private key of --tls-certificate. Env: LATCHKEY_TLS_KEY. File: tlsKeyFile.", valueName: "file"))
    var tlsKey: String?

    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "A reverse proxy (address or CIDR block, IPv4 or IPv6; repeatable) whose X-Forwarded-For and X-Forwarded-Proto set aws:SourceIp and aws:SecureTransport. Env: LATCHKEY_TRUSTED_PROXIES (comma-separated). File: trustedProxies. Default: none, the headers are ignored.",
            valueName: "cidr"))
    var trustedProxy: [String] = []

    @Option(
        name: .customLong("log-format"),
        help: ArgumentHelp(
            "text or json (one object per line) for the log lines on standard error. Env: LATCHKEY_LOG_FORMAT. File: logFormat. Default: text.",
            valueName: "format"))
    var logFormat: String?

    @Option(
        name: .customLong("access-log"),
        help: ArgumentHelp(
            "on or off: one info line per request on the latchkey.access logger. Env: LATCHKEY_ACCESS_LOG. File: accessLog. Default: on.",
            valueName: "on|off"))
    var accessLog: String?

    func validate() throws {
        _ = try resolve(environment: ProcessInfo.processInfo.environment, file: nil)
    }

    /// The settings from the flags, else the environment, else the file.
    func resolve(
        environment: [String: String], file: ConfigurationFile?
    ) throws -> (transport: TransportSettings, logFormat: LogFormat) {
        let fromFile = file?.transport ?? TransportFileSettings()
        var settings = TransportSettings()
        settings.tlsCertificateFile =
            tlsCertificate ?? environment["LATCHKEY_TLS_CERTIFICATE"] ?? fromFile.tlsCertificateFile
        settings.tlsKeyFile = tlsKey ?? environment["LATCHKEY_TLS_KEY"] ?? fromFile.tlsKeyFile
        if (settings.tlsCertificateFile == nil) != (settings.tlsKeyFile == nil) {
            throw ValidationError(
                "--tls-certificate and --tls-key go together (LATCHKEY_TLS_CERTIFICATE and LATCHKEY_TLS_KEY, tlsCertificateFile and tlsKeyFile)"
            )
        }
        if !trustedProxy.isEmpty {
            settings.trustedProxies = try Self.networks(trustedProxy, source: "--trusted-proxy")
        } else if let listed = environment["LATCHKEY_TRUSTED_PROXIES"] {
            let entries = listed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            settings.trustedProxies = try Self.networks(
                entries.filter { !$0.isEmpty }, source: "LATCHKEY_TRUSTED_PROXIES")
        } else {
            settings.trustedProxies = fromFile.trustedProxies ?? []
        }
        if let text = accessLog ?? environment["LATCHKEY_ACCESS_LOG"] {
            guard let flag = TransportFileSettings.onOff(text) else {
                throw ValidationError("--access-log must be on or off, not '\(text)'")
            }
            settings.accessLog = flag
        } else {
            settings.accessLog = fromFile.accessLog ?? true
        }
        var format = fromFile.logFormat ?? .text
        if let text = logFormat ?? environment["LATCHKEY_LOG_FORMAT"] {
            guard let parsed = LogFormat(rawValue: text) else {
                throw ValidationError("--log-format must be text or json, not '\(text)'")
            }
            format = parsed
        }
        return (settings, format)
    }

    static func networks(_ entries: [String], source: String) throws -> [IPNetwork] {
        try entries.map { entry in
            guard let network = IPNetwork(entry) else {
                throw ValidationError("\(source): '\(entry)' is not an IPv4 or IPv6 address or CIDR block")
            }
            return network
        }
    }

    /// Sets up the logging system in the chosen format, before anything logs. The values were validated by
    /// ``validate()`` and the file's when it was parsed.
    func bootstrapLogging(level: Logger.Level, environment: [String: String], file: ConfigurationFile?) {
        let format = (try? resolve(environment: environment, file: file))?.logFormat ?? .text
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                return JSONLogHandler(label: label, level: level)
            }
        }
    }

    /// Sets the transport settings from the flags, else the environment, else the file.
    func apply(to configuration: inout ServerConfiguration, environment: [String: String]) throws {
        (configuration.transport, configuration.logFormat) = try resolve(
            environment: environment, file: configuration.file)
    }
}
