/// The identity of an OpenID Connect issuer: its URL without `https://`, as IAM names providers
/// (`arn:aws:iam::ACCOUNT:oidc-provider/IDENTITY`) and prefixes their condition keys (`IDENTITY:aud`).
///
/// Self-hosted issuers often listen on a port or an IP address: `https://10.0.0.5:8443/realms/ci` has the identity
/// `10.0.0.5:8443/realms/ci`. The host is lowercased (DNS names ignore case), the path keeps its case and loses a
/// trailing slash; user information, a query or a fragment make the URL invalid, as does any scheme but https.
public enum OIDCIssuer {
    /// The longest URL IAM stores (`OpenIDConnectProviderUrlType`).
    public static let maxURLLength = 255

    /// The identity of `https://HOST[:PORT][/PATH]`, or nil when the URL is not one.
    public static func identity(ofURL url: String) -> String? {
        guard url.utf8.count <= maxURLLength, url.lowercased().hasPrefix("https://") else { return nil }
        return identity(withoutScheme: String(url.dropFirst("https://".count)))
    }

    /// The identity a token's `iss` claim names. AWS compares the issuer with the provider's URL; an `iss` without a
    /// scheme is read as if it had `https://` (as AWS accepts for a few providers); any other scheme never matches.
    public static func identity(ofIssuer issuer: String) -> String? {
        if issuer.lowercased().hasPrefix("https://") { return identity(ofURL: issuer) }
        if issuer.contains("://") { return nil }
        return identity(withoutScheme: issuer)
    }

    private static func identity(withoutScheme rest: String) -> String? {
        guard !rest.isEmpty, !rest.contains("?"), !rest.contains("#"), !rest.contains("@"),
            !rest.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\\" })
        else { return nil }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = rest[authorityEnd...]
        while path.hasSuffix("/") { path = path.dropLast() }
        guard let (host, port) = splitAuthority(authority), isValidHost(host) else { return nil }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(\.isASCIIDigit), let number = Int(port),
                (1...65535).contains(number)
            else { return nil }
        }
        guard !path.contains("//"), !path.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) else {
            return nil
        }
        return host.lowercased() + (port.map { ":" + $0 } ?? "") + path
    }

    /// `host` or `host:port`, where host may be a bracketed IPv6 literal.
    private static func splitAuthority(_ authority: Substring) -> (Substring, Substring?)? {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let host = authority[...close]
            let rest = authority[authority.index(after: close)...]
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":") else { return nil }
            return (host, rest.dropFirst())
        }
        let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? (parts[0], parts[1]) : (authority, nil)
    }

    private static func isValidHost(_ host: Substring) -> Bool {
        guard !host.isEmpty else { return false }
        if host.hasPrefix("[") {
            let inner = host.dropFirst().dropLast()
            return !inner.isEmpty && inner.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63
                && label.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
