#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `fd00::/8`; a bare address is a /32 or /128).
/// IPv4 addresses written as IPv4-mapped IPv6 (`::ffff:10.1.2.3`, as a dual-stack socket reports them) match IPv4
/// networks.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network's address bytes (4 or 16), host bits cleared.
    let bytes: [UInt8]
    /// The prefix length in bits.
    let prefixLength: Int
    public let description: String

    /// Parses `ADDRESS[/PREFIX]`; nil when it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPNetwork.addressBytes(String(parts[0])) else { return nil }
        let bits = address.count * 8
        var prefix = bits
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy(\.isASCII), let value = Int(digits),
                (0...bits).contains(value)
            else { return nil }
            prefix = value
        }
        var masked = address
        for index in masked.indices {
            let keep = max(0, min(8, prefix - index * 8))
            masked[index] &= keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        bytes = masked
        prefixLength = prefix
        description = text
    }

    /// Whether `address` (as text) is in this network; false for text that is not an address.
    public func contains(_ address: String) -> Bool {
        guard let candidate = IPNetwork.addressBytes(address) else { return false }
        return contains(bytes: candidate)
    }

    func contains(bytes candidate: [UInt8]) -> Bool {
        guard candidate.count == bytes.count else { return false }
        var remaining = prefixLength
        for index in bytes.indices where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if candidate[index] & mask != bytes[index] { return false }
            remaining -= take
        }
        return true
    }

    /// The bytes of an IPv4 or IPv6 address (4 or 16; an IPv4-mapped IPv6 address gives its 4 IPv4 bytes); nil when
    /// the text is not an address. A zone (`fe80::1%eth0`) is ignored.
    static func addressBytes(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        var host = Substring(text)
        if let percent = host.firstIndex(of: "%") { host = host[..<percent] }
        if host.contains(":") {
            var address = in6_addr()
            guard inet_pton(AF_INET6, String(host), &address) == 1 else { return nil }
            let all = withUnsafeBytes(of: &address) { Array($0) }
            if all[0..<10].allSatisfy({ $0 == 0 }), all[10] == 0xFF, all[11] == 0xFF {
                return Array(all[12..<16])
            }
            return all
        }
        var address = in_addr()
        guard inet_pton(AF_INET, String(host), &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}

/// Where a request comes from and whether it came over TLS, for `aws:SourceIp` and `aws:SecureTransport`.
///
/// Without trusted proxies (the default) it is the connection's peer and whether the server itself serves TLS.
/// When the peer is a trusted proxy: the client is the rightmost `X-Forwarded-For` entry that is not itself a trusted
/// proxy (a malformed entry met on the way falls back to the peer), and the request is secure when the server serves
/// TLS or the last `X-Forwarded-Proto` value (the one the nearest proxy set) is `https`. From an untrusted peer both
/// headers are ignored.
public struct ClientAddressResolver: Sendable {
    public let trustedProxies: [IPNetwork]
    public let servesTLS: Bool

    public init(trustedProxies: [IPNetwork], servesTLS: Bool) {
        self.trustedProxies = trustedProxies
        self.servesTLS = servesTLS
    }

    /// Whether anything but the peer address is ever used (otherwise the request context keeps the peer as is).
    public var isActive: Bool { servesTLS || !trustedProxies.isEmpty }

    /// The client's address and whether the request is secure, for a request from `peer` with these header values
    /// (every `X-Forwarded-For` field, every `X-Forwarded-Proto` field, in order).
    public func resolve(
        peer: String?, forwardedFor: [String], forwardedProto: [String]
    ) -> (sourceIp: String?, secureTransport: Bool) {
        guard let peer, !trustedProxies.isEmpty, isTrusted(peer) else { return (peer, servesTLS) }
        var client = peer
        let hops = forwardedFor.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
        for hop in hops.reversed() {
            let address = hop.trimmingASCIIWhitespace()
            guard IPNetwork.addressBytes(address) != nil else {
                client = peer
                break
            }
            client = address
            if !isTrusted(address) { break }
        }
        let proto = forwardedProto.flatMap { $0.split(separator: ",") }.last?.trimmingASCIIWhitespace()
        let forwardedHTTPS = proto?.lowercased() == "https"
        return (client, servesTLS || forwardedHTTPS)
    }

    func isTrusted(_ address: String) -> Bool {
        guard let bytes = IPNetwork.addressBytes(address) else { return false }
        return trustedProxies.contains { $0.contains(bytes: bytes) }
    }
}

extension Substring {
    fileprivate func trimmingASCIIWhitespace() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
