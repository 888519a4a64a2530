import Foundation

/// The PostgreSQL settings of `latchkey serve`: each from its flag, else its environment variable, else the
/// configuration file, else the default (the rule the connection settings follow).
///
/// | setting | flag | environment | file key | default |
/// |---|---|---|---|---|
/// | database URL | `--database-url` | `LATCHKEY_DATABASE_URL` | `databaseURL` | none: SQLite in the data folder |
/// | pool size | `--database-pool-size` | `LATCHKEY_DATABASE_POOL_SIZE` | `databasePoolSize` | the store's |
/// | start-up wait | `--database-wait` | `LATCHKEY_DATABASE_WAIT` | `databaseWait` | 60 s |
///
/// The URL is `postgres://USER:PASSWORD@HOST:PORT/DB`, with libpq's `sslmode` (`disable`, `require`, `verify-full`)
/// and `sslrootcert` as query parameters; `PostgresStore` parses it fully when the server starts. Its password is
/// never logged: ``redacted(_:)`` replaces it with `***`.
public enum DatabaseSettings {
    /// A bad value for a database setting; the message names the setting and what a valid value looks like.
    public struct InvalidValue: Error, CustomStringConvertible, Equatable {
        public var message: String
        public var description: String { message }
    }

    /// The most connections a pool may be given.
    public static let maxPoolSize = 1000

    /// Combines the three sources; nil when no URL is given anywhere (the SQLite store).
    public static func resolve(
        url flagURL: String?, poolSize flagPoolSize: String?, wait flagWait: String?,
        environment: [String: String], file: ConfigurationFile?
    ) throws(InvalidValue) -> ServerConfiguration.Database? {
        let url: String
        if let flagURL {
            try checkURLShape(flagURL, source: "--database-url")
            url = flagURL
        } else if let text = environment["LATCHKEY_DATABASE_URL"], !text.isEmpty {
            try checkURLShape(text, source: "LATCHKEY_DATABASE_URL")
            url = text
        } else if let text = file?.databaseURL {
            url = text
        } else {
            // Pool size and wait are still checked, so a typo is never silently ignored.
            if let flagPoolSize { _ = try parsePoolSize(flagPoolSize, source: "--database-pool-size") }
            if let flagWait { _ = try parseWait(flagWait, source: "--database-wait") }
            return nil
        }
        var database = ServerConfiguration.Database(url: url)
        if let flagPoolSize {
            database.poolSize = try parsePoolSize(flagPoolSize, source: "--database-pool-size")
        } else if let text = environment["LATCHKEY_DATABASE_POOL_SIZE"] {
            database.poolSize = try parsePoolSize(text, source: "LATCHKEY_DATABASE_POOL_SIZE")
        } else {
            database.poolSize = file?.databasePoolSize
        }
        if let flagWait {
            database.wait = try parseWait(flagWait, source: "--database-wait")
        } else if let text = environment["LATCHKEY_DATABASE_WAIT"] {
            database.wait = try parseWait(text, source: "LATCHKEY_DATABASE_WAIT")
        } else if let wait = file?.databaseWait {
            database.wait = wait
        }
        return database
    }

    /// A first check of a URL's shape (scheme, no spaces), so a typo is named where it was written; the full parse
    /// (user, host, port, database, sslmode: `PostgresStore.Configuration(url:)`) happens when the server starts,
    /// before anything is created.
    public static func checkURLShape(_ text: String, source: String) throws(InvalidValue) {
        let lowered = text.lowercased()
        guard lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") else {
            throw InvalidValue(
                message:
                    "\(source) must be a URL like postgres://USER:PASSWORD@HOST:PORT/DB, not '\(redacted(text).prefix(200))'"
            )
        }
        guard text.utf8.count <= 4096, !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F })
        else {
            throw InvalidValue(message: "\(source) must not contain spaces or control characters")
        }
    }

    /// A pool size: a whole number from 1 to ``maxPoolSize``.
    public static func parsePoolSize(_ text: String, source: String) throws(InvalidValue) -> Int {
        guard let size = Int(text.trimmingCharacters(in: .whitespaces)), (1...maxPoolSize).contains(size) else {
            throw InvalidValue(message: "\(source) must be a whole number from 1 to \(maxPoolSize), not '\(text)'")
        }
        return size
    }

    /// How long to wait for the database at start: `0` (fail at once) or a duration up to 24 hours (`60`, `90s`,
    /// `5m`).
    public static func parseWait(_ text: String, source: String) throws(InvalidValue) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if ["0", "0s", "0ms", "0m", "0h"].contains(trimmed) { return .zero }
        guard let duration = ConnectionSettings.parseDuration(trimmed) else {
            throw InvalidValue(
                message:
                    "\(source) must be 0 or a duration up to 24h: seconds (60) or with a unit (500ms, 90s, 5m), not '\(text)'"
            )
        }
        return duration
    }

    /// The URL with its password (in the user part or a `password=` parameter) replaced by `***`, for logs and
    /// messages.
    public static func redacted(_ url: String) -> String {
        var text = url
        if let schemeEnd = text.range(of: "://") {
            let authorityEnd = text[schemeEnd.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" })
            let authority = text[schemeEnd.upperBound..<(authorityEnd ?? text.endIndex)]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        guard let query = text.firstIndex(of: "?") else { return text }
        let parameters = text[text.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false)
        let cleaned = parameters.map { parameter -> String in
            parameter.lowercased().hasPrefix("password=") ? "password=***" : String(parameter)
        }
        return String(text[...query]) + cleaned.joined(separator: "&")
    }

    /// The host and port a URL names (5432 when it names none), for log lines; nil when it has no authority.
    public static func endpoint(_ url: String) -> (host: String, port: Int)? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest[..<(rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex)]
        let hostStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let hostPort = authority[hostStart...]
        if hostPort.hasPrefix("[") {
            // [IPv6]:port
            guard let close = hostPort.firstIndex(of: "]") else { return nil }
            let host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return nil }
            let port = after.isEmpty ? 5432 : Int(after.dropFirst())
            return port.map { (host, $0) }
        }
        guard let colon = hostPort.lastIndex(of: ":") else { return (String(hostPort), 5432) }
        guard let port = Int(hostPort[hostPort.index(after: colon)...]) else { return nil }
        return (String(hostPort[..<colon]), port)
    }

    /// `HOST:PORT` of a URL, for log lines (`[::1]:5432` for IPv6).
    public static func describeEndpoint(_ url: String) -> String {
        guard let (host, port) = endpoint(url) else { return "(no host)" }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
