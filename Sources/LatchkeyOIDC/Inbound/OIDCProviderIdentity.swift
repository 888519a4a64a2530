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

    /// `HOST[:PORT][/PATH]`: the ARN suffix and condition-key prefix (built once, when the identity is made).
    public let identity: String

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
        let parsed = url.withUTF8Bytes { bytes -> OIDCProviderIdentity? in
            guard Self.hasHTTPSPrefix(bytes) else { return nil }
            return OIDCProviderIdentity(authorityAndPath: UnsafeBufferPointer(rebasing: bytes[8...]))
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// Maps a token's `iss` claim to a provider identity, AWS-style: `https://` is stripped, and an `iss`
    /// without a scheme (as Google's `accounts.google.com`) is taken as-is; any other scheme yields `nil`.
    public init?(tokenIssuer iss: String) {
        guard iss.utf8.count <= Self.maximumURLLength, !iss.isEmpty else { return nil }
        let parsed = iss.withUTF8Bytes { bytes -> OIDCProviderIdentity? in
            if Self.hasHTTPSPrefix(bytes) {
                guard bytes.count > 8 else { return nil }
                return OIDCProviderIdentity(authorityAndPath: UnsafeBufferPointer(rebasing: bytes[8...]))
            }
            guard !Self.containsSchemeSeparator(bytes) else { return nil }
            return OIDCProviderIdentity(authorityAndPath: bytes)
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// A form of an untrusted issuer string safe to put into a message: bounded, printable ASCII only.
    public static func printable(_ issuer: String) -> String {
        let cleaned = issuer.unicodeScalars.prefix(maximumURLLength).map { scalar -> Character in
            (scalar.value >= 0x21 && scalar.value < 0x7F) ? Character(scalar) : "?"
        }
        return String(cleaned)
    }

    private static func hasHTTPSPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let prefix: StaticString = "https://"
        guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
        for index in 0..<prefix.utf8CodeUnitCount where lowercase(bytes[index]) != prefix.utf8Start[index] {
            return false
        }
        return true
    }

    private static func containsSchemeSeparator(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
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
        self.identity = Self.identity(host: host, port: port, path: path)
    }

    private static func identity(host: String, port: Int?, path: String) -> String {
        guard let port else { return path.isEmpty ? host : host + path }
        return "\(host):\(port)\(path)"
    }

    /// Parses `HOST[:PORT][/PATH]` in place: ranges of the bytes, one string for the host and one for the path.
    private init?(authorityAndPath rest: UnsafeBufferPointer<UInt8>) {
        let slash = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.count
        guard let parsed = Self.parseAuthority(UnsafeBufferPointer(rebasing: rest[..<slash])) else { return nil }
        guard let path = Self.parsePath(UnsafeBufferPointer(rebasing: rest[slash...])) else { return nil }
        self.init(unchecked: parsed.host, port: parsed.port, path: path)
    }

    private static func parseAuthority(_ authority: UnsafeBufferPointer<UInt8>) -> (host: String, port: Int?)? {
        guard !authority.isEmpty else { return nil }
        let host: Range<Int>
        var portRange: Range<Int>? = nil
        if authority[0] == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            host = 0..<(close + 1)
            let inner = UnsafeBufferPointer(rebasing: authority[1..<close])
            guard inner.count >= 2, inner.contains(UInt8(ascii: ":")),
                inner.allSatisfy({ isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") })
            else { return nil }
            if close + 1 < authority.count {
                guard authority[close + 1] == UInt8(ascii: ":") else { return nil }
                portRange = (close + 2)..<authority.count
            }
        } else {
            if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
                host = 0..<colon
                portRange = (colon + 1)..<authority.count
            } else {
                host = 0..<authority.count
            }
            guard isValidDNSOrIPv4(UnsafeBufferPointer(rebasing: authority[host])) else { return nil }
        }
        var port: Int? = nil
        if let portRange {
            let digits = UnsafeBufferPointer(rebasing: authority[portRange])
            guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                digits[0] != UInt8(ascii: "0")
            else { return nil }
            let value = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard (1...65535).contains(value) else { return nil }
            port = value
        }
        let hostBytes = UnsafeBufferPointer(rebasing: authority[host])
        let hostText = String(unsafeUninitializedCapacity: hostBytes.count) { output in
            for (index, byte) in hostBytes.enumerated() { output[index] = lowercase(byte) }
            return hostBytes.count
        }
        return (hostText, port)
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    private static func isValidDNSOrIPv4(_ host: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !host.isEmpty, host.count <= 253 else { return false }
        var start = 0
        for end in 0...host.count where end == host.count || host[end] == UInt8(ascii: ".") {
            let label = UnsafeBufferPointer(rebasing: host[start..<end])
            start = end + 1
            guard !label.isEmpty, label.count <= 63, label[0] != UInt8(ascii: "-"),
                label[label.count - 1] != UInt8(ascii: "-")
            else { return false }
            for byte in label {
                let lower = lowercase(byte)
                let allowed = (lower >= 0x61 && lower <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
                guard allowed else { return false }
            }
        }
        return true
    }

    private static func parsePath(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var end = raw.count
        while end > 0, raw[end - 1] == UInt8(ascii: "/") { end -= 1 }
        guard end > 0 else { return "" }
        // `raw` starts with `/`: the segments are what follows each `/`.
        var start = 1
        for index in 1...end where index == end || raw[index] == UInt8(ascii: "/") {
            let segment = UnsafeBufferPointer(rebasing: raw[start..<index])
            start = index + 1
            guard !segment.isEmpty, !(segment.count == 1 && segment[0] == UInt8(ascii: ".")),
                !(segment.count == 2 && segment[0] == UInt8(ascii: ".") && segment[1] == UInt8(ascii: "."))
            else { return nil }
            guard segment.allSatisfy(isPathByte) else { return nil }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: raw[..<end]), as: UTF8.self)
    }

    /// RFC 3986 `pchar` minus `%` escapes' validation: unreserved, sub-delims, `:`, `@`, `%`.
    private static func isPathByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "!"),
            UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="),
            UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }
}
