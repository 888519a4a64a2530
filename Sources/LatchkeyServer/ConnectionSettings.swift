import Foundation

/// How the server treats connections: how long it waits for a request's header and body, how long an idle
/// keep-alive connection stays open, how many connections it holds, and how long shutdown waits for requests in
/// flight.
///
/// Each value comes from its flag, else its environment variable, else the configuration file, else the default:
///
/// | setting | flag | environment | file key | default |
/// |---|---|---|---|---|
/// | header timeout | `--header-timeout` | `LATCHKEY_HEADER_TIMEOUT` | `headerTimeout` | 10 s |
/// | body timeout | `--body-timeout` | `LATCHKEY_BODY_TIMEOUT` | `bodyTimeout` | 30 s |
/// | idle timeout | `--idle-timeout` | `LATCHKEY_IDLE_TIMEOUT` | `idleTimeout` | 60 s |
/// | maximum connections | `--max-connections` | `LATCHKEY_MAX_CONNECTIONS` | `maxConnections` | from the descriptor limit |
/// | shutdown grace | `--shutdown-grace` | `LATCHKEY_SHUTDOWN_GRACE` | `shutdownGrace` | 10 s |
///
/// Durations are seconds (`10`, `0.5`) or a number with a unit (`500ms`, `10s`, `2m`, `1h`).
public struct ConnectionSettings: Sendable, Equatable {
    /// From a connection's first byte (or the end of the previous response) until the request's header has been
    /// read. A slow header sender is cut off after it.
    public var headerTimeout: Duration = .seconds(10)
    /// From the end of the header until the whole body has been read.
    public var bodyTimeout: Duration = .seconds(30)
    /// How long a keep-alive connection may wait for its next request before it is closed.
    public var idleTimeout: Duration = .seconds(60)
    /// The most connections held at once; nil derives it from the process's file-descriptor limit. When it is
    /// reached, the oldest idle connections are closed first.
    public var maxConnections: Int?
    /// How long shutdown (SIGTERM or SIGINT) lets requests in flight finish before every connection is closed.
    public var shutdownGrace: Duration = .seconds(10)

    public init(
        headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(60),
        maxConnections: Int? = nil, shutdownGrace: Duration = .seconds(10)
    ) {
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.shutdownGrace = shutdownGrace
    }

    /// The settings' names, as flags, environment variables and file keys.
    public enum Setting: String, CaseIterable, Sendable {
        case headerTimeout, bodyTimeout, idleTimeout, maxConnections, shutdownGrace

        /// `--header-timeout`, ...
        public var flag: String {
            "--"
                + rawValue.reduce(into: "") { text, character in
                    if character.isUppercase { text += "-" + character.lowercased() } else { text.append(character) }
                }
        }
        /// `LATCHKEY_HEADER_TIMEOUT`, ...
        public var environmentVariable: String {
            "LATCHKEY_" + flag.dropFirst(2).replacingOccurrences(of: "-", with: "_").uppercased()
        }
        /// The configuration file key: `headerTimeout`, ...
        public var fileKey: String { rawValue }
    }

    /// Sets one setting from its text; the error says what a valid value looks like.
    public mutating func set(_ setting: Setting, from text: String, source: String) throws(InvalidValue) {
        switch setting {
        case .maxConnections:
            guard let count = Int(text.trimmingCharacters(in: .whitespaces)), (1...1_000_000).contains(count) else {
                throw InvalidValue(message: "\(source) must be a whole number from 1 to 1000000, not '\(text)'")
            }
            maxConnections = count
        case .headerTimeout, .bodyTimeout, .idleTimeout, .shutdownGrace:
            guard let duration = Self.parseDuration(text) else {
                throw InvalidValue(
                    message:
                        "\(source) must be a duration from 1ms to 24h: seconds (10, 0.5) or with a unit (500ms, 10s, 2m, 1h), not '\(text)'"
                )
            }
            switch setting {
            case .headerTimeout: headerTimeout = duration
            case .bodyTimeout: bodyTimeout = duration
            case .idleTimeout: idleTimeout = duration
            default: shutdownGrace = duration
            }
        }
    }

    /// A bad value for a setting.
    public struct InvalidValue: Error, CustomStringConvertible, Equatable {
        public var message: String
        public var description: String { message }
    }

    /// Applies the configuration file's values; the environment and flags are applied after, so they win.
    public mutating func apply(_ file: ConfigurationFile?) throws(InvalidValue) {
        for (setting, text) in (file?.connectionSettings ?? [:]).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try set(setting, from: text, source: setting.fileKey)
        }
    }

    /// A duration as the settings are written: `10s`, `1.5s`, `500ms`, `2m`, `1h`.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 && milliseconds >= 60_000 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        return "\(Double(milliseconds) / 1000)s"
    }

    /// `10` or `0.5` (seconds), `500ms`, `10s`, `2m`, `1h`; from 1 ms to 24 hours. Nil otherwise.
    public static func parseDuration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let (number, scale): (Substring, Double) =
            if trimmed.hasSuffix("ms") { (trimmed.dropLast(2), 0.001) } else if trimmed.hasSuffix("s") {
                (trimmed.dropLast(), 1)
            } else if trimmed.hasSuffix("m") { (trimmed.dropLast(), 60) } else if trimmed.hasSuffix("h") {
                (trimmed.dropLast(), 3600)
            } else { (Substring(trimmed), 1) }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let value = Double(number)
        else { return nil }
        let milliseconds = (value * scale * 1000).rounded()
        guard milliseconds >= 1, milliseconds <= 86_400_000 else { return nil }
        return .milliseconds(Int64(milliseconds))
    }
}
