/// The issuer URL of one account's outbound tokens, under Latchkey's configurable public base URL.
///
/// The issuer is `<base>/<issuerID>` (`https://sts.example.com/outbound/0123456789abcdef`); its documents are
/// served at `<issuer>/.well-known/openid-configuration` and `<issuer>/.well-known/jwks.json` (the paths AWS
/// documents for `IssuerIdentifier`). AWS gives each account an opaque host name instead; Latchkey uses a path
/// segment so one server and one certificate serve every account. `issuerID` is chosen by the caller (an
/// opaque random ID made at `EnableOutboundWebIdentityFederation`, or the account ID).
public struct OutboundIssuer: Sendable, Hashable {
    /// The path of the discovery document below the issuer.
    public static let configurationPath = "/.well-known/openid-configuration"
    /// The path of the JWKS below the issuer.
    public static let jwksPath = "/.well-known/jwks.json"

    /// The issuer URL, the `iss` claim: no trailing slash.
    public let url: String
    /// The last path segment of ``url``.
    public let issuerID: String

    /// The issuer of `issuerID` under `baseURL` (`https://host[:port][/path]`, a trailing slash ignored).
    ///
    /// Returns `nil` when `baseURL` is not `https://` or `http://` followed by a host, or has a query or
    /// fragment, or when `issuerID` is not 1–64 characters of `[A-Za-z0-9_-]`.
    public init?(baseURL: String, issuerID: String) {
        guard (1...64).contains(issuerID.utf8.count),
            issuerID.utf8.allSatisfy({ Self.isIDByte($0) })
        else { return nil }
        var base = Substring(baseURL)
        while base.hasSuffix("/") { base.removeLast() }
        let scheme = base.hasPrefix("https://") ? "https://" : base.hasPrefix("http://") ? "http://" : nil
        guard let scheme else { return nil }
        let rest = base.dropFirst(scheme.count)
        guard let host = rest.split(separator: "/", omittingEmptySubsequences: false).first, !host.isEmpty,
            !rest.contains("?"), !rest.contains("#"), !rest.contains(" ")
        else { return nil }
        self.url = String(base) + "/" + issuerID
        self.issuerID = issuerID
    }

    /// `<issuer>/.well-known/openid-configuration`.
    public var configurationURL: String { url + Self.configurationPath }
    /// `<issuer>/.well-known/jwks.json`, the discovery document's `jwks_uri`.
    public var jwksURL: String { url + Self.jwksPath }

    /// Which document a request path asks for, given the path of the base URL (`/outbound`, or empty).
    public enum Document: Sendable, Hashable {
        case configuration, jwks
    }

    /// Reads a server request path `<basePath>/<issuerID>/.well-known/(openid-configuration|jwks.json)`
    /// into the issuer ID and the document; `nil` for any other path. No URL parsing: exact segments only.
    public static func route(path: String, basePath: String) -> (issuerID: String, document: Document)? {
        var prefix = Substring(basePath)
        while prefix.hasSuffix("/") { prefix.removeLast() }
        guard path.hasPrefix(prefix + "/") else { return nil }
        let rest = path.dropFirst(prefix.count + 1)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let issuerID = rest[..<slash]
        let document: Document
        switch String(rest[slash...]) {
        case configurationPath: document = .configuration
        case jwksPath: document = .jwks
        default: return nil
        }
        guard (1...64).contains(issuerID.utf8.count), issuerID.utf8.allSatisfy({ isIDByte($0) }) else { return nil }
        return (String(issuerID), document)
    }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
