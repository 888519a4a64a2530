/// A database URL that cannot be used: the message names what is wrong and never includes the password.
public struct PostgresURLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "invalid database URL: \(message)" }
}

extension PostgresStore.Configuration {
    /// Reads `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=...&sslrootcert=PATH` (or `postgresql://`), as
    /// libpq spells it: user, password and database are percent-decoded, the port defaults to 5432, the database
    /// to the user's name, `sslmode` to `prefer`; an IPv6 host is written in brackets. The query parameters
    /// understood are `sslmode` (`disable`, `prefer`, `require`, `verify-ca`, `verify-full`), `sslrootcert`,
    /// `application_name` and `connect_timeout` (seconds); any other is refused, as libpq refuses it.
    ///
    /// - Throws: ``PostgresURLError`` naming what is wrong (never quoting the password).
    public init(url: String) throws(PostgresURLError) {
        var rest = Substring(url)
        guard let scheme = ["postgresql://", "postgres://"].first(where: { rest.hasPrefix($0) }) else {
            throw PostgresURLError("it must start with postgres:// or postgresql://")
        }
        rest = rest.dropFirst(scheme.count)

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if let hash = rest.firstIndex(of: "#") {
            rest = rest[..<hash]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }

        // The user information ends at the last "@" (a password may hold an unencoded "@").
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                username = try PostgresURL.percentDecode(userInfo[..<colon], part: "the user name")
                password = try PostgresURL.percentDecode(
                    userInfo[userInfo.index(after: colon)...], part: "the password")
            } else {
                username = try PostgresURL.percentDecode(userInfo, part: "the user name")
            }
        }
        guard let username, !username.isEmpty else {
            throw PostgresURLError("it names no user (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }

        let (host, port) = try PostgresURL.hostAndPort(rest)
        let database = try PostgresURL.percentDecode(path, part: "the database name")
        guard !database.contains("/") else {
            throw PostgresURLError("the database name contains \"/\" (percent-encode it as %2F)")
        }

        self.init(
            host: host, port: port, username: username, password: password,
            database: database.isEmpty ? username : database)

        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: "=") else {
                throw PostgresURLError("the query parameter \"\(pair.prefix(40))\" has no value (NAME=VALUE)")
            }
            let name = try PostgresURL.percentDecode(pair[..<equals], part: "a query parameter's name")
            let value = try PostgresURL.percentDecode(pair[pair.index(after: equals)...], part: "the \(name) value")
            switch name {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw PostgresURLError(
                        "sslmode \"\(value.prefix(40))\" is not one of "
                            + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                sslMode = mode
            case "sslrootcert":
                guard !value.isEmpty else { throw PostgresURLError("sslrootcert is empty") }
                sslRootCertificatePath = value
            case "application_name":
                applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0, seconds <= 3600 else {
                    throw PostgresURLError("connect_timeout must be a whole number of seconds from 1 to 3600")
                }
                connectTimeout = .seconds(seconds)
            default:
                throw PostgresURLError(
                    "unknown query parameter \"\(name.prefix(40))\" (known: sslmode, sslrootcert, application_name, "
                        + "connect_timeout)")
            }
        }
    }
}

/// The pieces of database-URL parsing.
enum PostgresURL {
    static func hostAndPort(_ text: Substring) throws(PostgresURLError) -> (String, Int) {
        var host: String
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw PostgresURLError("the IPv6 host has no closing \"]\"")
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw PostgresURLError("unexpected text after the IPv6 host") }
                portText = after.dropFirst()
            }
        } else if let colon = text.firstIndex(of: ":") {
            host = try percentDecode(text[..<colon], part: "the host")
            portText = text[text.index(after: colon)...]
        } else {
            host = try percentDecode(text, part: "the host")
        }
        guard !host.isEmpty else {
            throw PostgresURLError("it names no host (postgres://USER:PASSWORD@HOST:PORT/DATABASE)")
        }
        guard host.allSatisfy({ !$0.isWhitespace && $0 != "/" && $0 != "@" }) else {
            throw PostgresURLError("the host \"\(host.prefix(60))\" is not a host name or address")
        }
        var port = 5432
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCII),
                portText.allSatisfy(\.isNumber), let value = Int(portText), (1...65535).contains(value)
            else {
                throw PostgresURLError("the port \"\(portText.prefix(20))\" is not a number from 1 to 65535")
            }
            port = value
        }
        return (host, port)
    }

    /// Decodes `%XY` escapes (UTF-8). `part` names what is decoded, for the error: the text itself is not quoted,
    /// since it may be the password.
    static func percentDecode(_ text: Substring, part: String) throws(PostgresURLError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var utf8 = text.utf8[...]
        while let byte = utf8.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = utf8.popFirst().flatMap(hexValue), let low = utf8.popFirst().flatMap(hexValue) else {
                throw PostgresURLError("\(part) has a \"%\" not followed by two hexadecimal digits")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw PostgresURLError("\(part) is not UTF-8 once percent-decoded")
        }
        guard !decoded.utf8.contains(0) else {
            throw PostgresURLError("\(part) contains a NUL character")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Percent-encodes everything but unreserved characters (for the redacted URL).
    static func percentEncode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                encoded += "%"
                encoded.unicodeScalars.append(digits[Int(byte >> 4)])
                encoded.unicodeScalars.append(digits[Int(byte & 0xF)])
            }
        }
        return encoded
    }
}
