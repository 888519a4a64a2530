/// An `https` URL taken apart for a fetch: the host and port to connect to and the request target.
/// Parsed byte by byte like ``OIDCProviderIdentity``; a fragment is dropped, a query kept.
package struct HTTPSTarget: Sendable, Hashable, CustomStringConvertible {
    package static let maximumLength = 2048

    package let authority: OIDCProviderIdentity
    /// The origin-form request target: the path (at least `/`) and the query, if any.
    package let requestTarget: String

    package var url: String { "https://" + authority.host + (authority.port.map { ":\($0)" } ?? "") + requestTarget }
    package var description: String { url }

    /// The discovery document of a provider.
    package init(discoveryOf provider: OIDCProviderIdentity) {
        authority = OIDCProviderIdentity(host: provider.host, port: provider.port)
        requestTarget = provider.path + "/.well-known/openid-configuration"
    }

    /// Parses an absolute `https` URL such as a discovery document's `jwks_uri`.
    package init?(url: String) {
        guard url.utf8.count <= Self.maximumLength else { return nil }
        var bytes = Array(url.utf8)
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        if let hash = bytes.firstIndex(of: UInt8(ascii: "#")) { bytes = Array(bytes[..<hash]) }
        let prefix = Array("https://".utf8)
        guard bytes.count > prefix.count, bytes[..<prefix.count].map({ $0 | 0x20 }) == prefix.map({ $0 | 0x20 })
        else { return nil }
        let rest = bytes[prefix.count...]
        let end = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
        guard let authority = OIDCProviderIdentity(url: "https://" + String(decoding: rest[..<end], as: UTF8.self))
        else { return nil }
        self.authority = authority
        let target = String(decoding: rest[end...], as: UTF8.self)
        requestTarget = target.hasPrefix("/") ? target : "/" + target
    }
}

extension OIDCProviderIdentity {
    /// An identity with no path, used as the connect-to authority of a URL.
    package init(host: String, port: Int?) {
        self.init(unchecked: host, port: port, path: "")
    }
}
