/// An STS endpoint URL, parsed strictly (no Foundation `URL`): `http` or `https`, a host (a name, an IPv4
/// address or a bracketed IPv6 address), an optional port, an optional path; no user info, query or fragment.
public struct STSEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`, lowercased.
    public var scheme: String
    /// The host as written (IPv6 with brackets).
    public var host: String
    /// The port, when given.
    public var port: Int?
    /// The path, `/` when none was given.
    public var path: String

    /// The `Host` header value SigV4 signs: the host, plus `:port` when the port is not the scheme's default.
    public var hostHeader: String {
        guard let port, port != (scheme == "https" ? 443 : 80) else { return host }
        return "\(host):\(port)"
    }

    /// The URL the request goes to.
    public var url: String { "\(scheme)://\(hostHeader)\(path)" }

    public var description: String { url }

    /// Parses an endpoint URL; throws ``STSClientError/invalidEndpoint(_:)`` naming what is wrong.
    public init(parsing text: String) throws(STSClientError) {
        func fail(_ reason: String) -> STSClientError {
            .invalidEndpoint("\(text.prefix(200).debugDescription) \(reason)")
        }
        let trimmed = text.trimmingASCIIWhitespace
        guard let colon = trimmed.firstIndex(of: ":"), trimmed[colon...].hasPrefix("://") else {
            throw fail("has no scheme (expected http:// or https://)")
        }
        let scheme = trimmed[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw fail("has scheme \(scheme.prefix(20)), not http or https")
        }
        let rest = trimmed[colon...].dropFirst(3)
        if rest.contains("?") || rest.contains("#") { throw fail("has a query or fragment") }
        let authority = rest.prefix { $0 != "/" }
        let path = rest[authority.endIndex...]
        if authority.contains("@") { throw fail("has user information") }
        if authority.isEmpty { throw fail("has no host") }
        var host = Substring(authority)
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail("has an unclosed IPv6 address") }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("has text after the IPv6 address") }
                portText = after.dropFirst()
            }
            let inner = host.dropFirst().dropLast()
            guard !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw fail("has an invalid IPv6 address")
            }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                portText = authority[authority.index(after: colon)...]
            }
            guard !host.isEmpty,
                host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") })
            else { throw fail("has an invalid host") }
        }
        var port: Int?
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(portText), (1...65535).contains(value)
            else { throw fail("has an invalid port") }
            port = value
        }
        guard path.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else { throw fail("has an invalid path") }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
        self.path = path.isEmpty ? "/" : String(path)
    }

    /// The endpoint URL the AWS SDKs would use, in their order: `explicit`, then `AWS_ENDPOINT_URL_STS`, then
    /// `AWS_ENDPOINT_URL` from `environment` (empty values count as unset), then the regional endpoint
    /// `https://sts.REGION.amazonaws.com` (`amazonaws.com.cn` for `cn-` regions).
    public static func resolve(explicit: String?, region: String, environment: [String: String]) -> String {
        for candidate in [explicit, environment["AWS_ENDPOINT_URL_STS"], environment["AWS_ENDPOINT_URL"]] {
            if let candidate, !candidate.trimmingASCIIWhitespace.isEmpty { return candidate.trimmingASCIIWhitespace }
        }
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return "https://sts.\(region).\(suffix)"
    }

    /// The region: `configured`, then `AWS_REGION`, then `AWS_DEFAULT_REGION` (empty values count as unset),
    /// else `us-east-1`.
    public static func resolveRegion(configured: String?, environment: [String: String]) -> String {
        for candidate in [configured, environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"]] {
            if let candidate, !candidate.trimmingASCIIWhitespace.isEmpty { return candidate.trimmingASCIIWhitespace }
        }
        return "us-east-1"
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmingASCIIWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
