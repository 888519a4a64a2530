/// The identity of an OpenID Connect provider: `HOST[:PORT][/PATH]`, as it appears in the provider's ARN
/// (`arn:aws:iam::ACCOUNT:oidc-provider/HOST[:PORT][/PATH]`) and as the prefix of its condition keys
/// (`HOST[:PORT][/PATH]:aud`).
///
/// Parsing is byte-level and strict (no Foundation `URL`): scheme `https` only, no user info, no query or
/// fragment, no empty, `.` or `..` path segments, a DNS name, an IPv4 literal or a bracketed IPv6 literal as
/// host, an optional port 1...65535 kept as written, a lowercased host, trailing slashes removed, and at most
/// 255 characters for the whole URL (IAM's `OpenIDConnectProviderUrlType`).
public struct OIDCProviderIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The lowercased host: a DNS name, an IPv4 literal, or an IPv6 literal in brackets (`[::1]`).
    public let host: String
    /// The port when the URL names one (kept even when it is 443).
    public let port: Int?
    /// The path without its trailing slash, starting with `/`, or empty.
    public let path: String

    /// The longest accepted issuer URL (IAM's `OpenIDConnectProviderUrlType`).
    public static let maximumURLLength = 255

    /// `HOST[:PORT][/PATH]`: the ARN suffix and condition-key prefix.
    public var identity: String {
        var text = host
        if let port { text += ":\(port)" }
        return text + path
    }

    /// The issuer URL, `https://` followed by ``identity``.
    public var issuerURL: String { "https://" + identity }

    /// The host and port to connect to (443 when the URL names none).
    public var connectPort: Int { port ?? 443 }

    /// The host without IPv6 brackets, for connecting and for SNI decisions.
    public var connectHost: String {
        if host.hasPrefix("["), host.hasSuffix("]") { return String(host.dropFirst().dropLast()) }
        return host
    }

    /// Whether the host is an IP literal (no SNI is sent for those).
    public var hostIsIPLiteral: Bool {
        host.hasPrefix("[") || host.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }
    }

    /// ``identity``.
    public var description: String { identity }

    /// Parses a registered provider URL, which must be `https://HOST[:PORT][/PATH]`; `nil` when it is not.
    public init?(url: String) {
        guard url.utf8.count <= Self.maximumURLLength, url.utf8.count > 8 else { return nil }
        let bytes = Array(url.utf8)
        guard Self.hasHTTPSPrefix(bytes) else { return nil }
        self.init(authorityAndPath: bytes[8...])
    }

    /// Maps a token's `iss` claim to a provider identity, AWS-style: `https://` is stripped, and an `iss`
    /// without a scheme (as Google's `accounts.google.com`) is taken as-is; any other scheme yields `nil`.
    public init?(tokenIssuer iss: String) {
        guard iss.utf8.count <= Self.maximumURLLength, !iss.isEmpty else { return nil }
        let bytes = Array(iss.utf8)
        if Self.hasHTTPSPrefix(bytes) {
            guard bytes.count > 8 else { return nil }
            self.init(authorityAndPath: bytes[8...])
        } else {
            guard !Self.containsSchemeSeparator(bytes) else { return nil }
            self.init(authorityAndPath: bytes[...])
        }
    }

    /// A form of an untrusted issuer string safe to put into a message: bounded, printable ASCII only.
    public static func printable(_ issuer: String) -> String {
        let cleaned = issuer.unicodeScalars.prefix(maximumURLLength).map { scalar -> Character in
            (scalar.value >= 0x21 && scalar.value < 0x7F) ? Character(scalar) : "?"
        }
        return String(cleaned)
    }

    private static func hasHTTPSPrefix(_ bytes: [UInt8]) -> Bool {
        let prefix = Array("https://".utf8)
        guard bytes.count >= prefix.count else { return false }
        for (index, expected) in prefix.enumerated() where lowercase(bytes[index]) != expected { return false }
        return true
    }

    private static func containsSchemeSeparator(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 3 else { return false }
        for index in 0..<(bytes.count - 2)
        where bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: "/")
            && bytes[index + 2] == UInt8(ascii: "/")
        {
            return true
        }
        return false
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte + 0x20 : byte
    }

    init(unchecked host: String, port: Int?, path: String) {
        self.host = host
        self.port = port
        self.path = path
    }

    private init?(authorityAndPath rest: ArraySlice<UInt8>) {
        let slash = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
        let authority = rest[rest.startIndex..<slash]
        guard let parsed = Self.parseAuthority(authority) else { return nil }
        guard let path = Self.parsePath(rest[slash...]) else { return nil }
        self.host = parsed.host
        self.port = parsed.port
        self.path = path
    }

    private static func parseAuthority(_ authority: ArraySlice<UInt8>) -> (host: String, port: Int?)? {
        guard !authority.isEmpty else { return nil }
        var hostBytes: ArraySlice<UInt8>
        var portBytes: ArraySlice<UInt8>? = nil
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            hostBytes = authority[authority.startIndex...close]
            let inner = authority[(authority.startIndex + 1)..<close]
            guard inner.count >= 2, inner.contains(UInt8(ascii: ":")),
                inner.allSatisfy({ isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") })
            else { return nil }
            let after = authority[(close + 1)...]
            if !after.isEmpty {
                guard after.first == UInt8(ascii: ":") else { return nil }
                portBytes = after.dropFirst()
            }
        } else {
            if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
                hostBytes = authority[authority.startIndex..<colon]
                portBytes = authority[(colon + 1)...]
            } else {
                hostBytes = authority
            }
            guard isValidDNSOrIPv4(hostBytes) else { return nil }
        }
        var port: Int? = nil
        if let portBytes {
            guard !portBytes.isEmpty, portBytes.count <= 5, portBytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                portBytes.first != UInt8(ascii: "0"), let value = Int(String(decoding: portBytes, as: UTF8.self)),
                (1...65535).contains(value)
            else { return nil }
            port = value
        }
        hostBytes = ArraySlice(hostBytes.map(lowercase))
        return (String(decoding: hostBytes, as: UTF8.self), port)
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    private static func isValidDNSOrIPv4(_ host: ArraySlice<UInt8>) -> Bool {
        guard !host.isEmpty, host.count <= 253 else { return false }
        let labels = host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"),
                label.last != UInt8(ascii: "-")
            else { return false }
            for byte in label {
                let lower = lowercase(byte)
                let allowed = (lower >= 0x61 && lower <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
                guard allowed else { return false }
            }
        }
        return true
    }

    private static func parsePath(_ raw: ArraySlice<UInt8>) -> String? {
        var path = raw
        while path.last == UInt8(ascii: "/") { path = path.dropLast() }
        guard !path.isEmpty else { return "" }
        let segments = path.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for segment in segments {
            guard !segment.isEmpty, !(segment.count == 1 && segment.first == UInt8(ascii: ".")),
                !(segment.count == 2 && segment.allSatisfy { $0 == UInt8(ascii: ".") })
            else { return nil }
            guard segment.allSatisfy(isPathByte) else { return nil }
        }
        return String(decoding: path, as: UTF8.self)
    }

    /// RFC 3986 `pchar` minus `%` escapes' validation: unreserved, sub-delims, `:`, `@`, `%`.
    private static func isPathByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("-._~!$&'()*+,;=:@%".utf8).contains(byte)
        }
    }
}
