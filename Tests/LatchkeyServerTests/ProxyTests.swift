import Testing

@testable import LatchkeyServer

/// `--trusted-proxy`: CIDR blocks, and where `aws:SourceIp` and `aws:SecureTransport` come from. The end-to-end
/// proof (a policy condition from a trusted and an untrusted peer) is Interop/test_tls.py.
@Suite struct ProxyTests {
    func network(_ text: String) throws -> IPNetwork { try #require(IPNetwork(text), "\(text)") }

    @Test(
        "IPv4 and IPv6 addresses and CIDR blocks parse",
        arguments: [
            "10.0.0.0/8", "192.168.1.7", "0.0.0.0/0", "127.0.0.1/32", "fd00::/8", "::1", "::/0", "2001:db8::/32",
        ]
    )
    func valid(text: String) throws {
        _ = try network(text)
    }

    @Test(
        "what is not an address or CIDR block is refused",
        arguments: [
            "", "10.0.0.0/33", "::/129", "10.0.0/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "host.example",
            "10.0.0.256", "fd00::/x", "10.0.0.0/ 8", "1.2.3.4:80", "/8",
        ])
    func invalid(text: String) {
        #expect(IPNetwork(text) == nil)
    }

    @Test("membership follows the prefix, IPv4-mapped IPv6 addresses match IPv4 blocks, families do not mix")
    func membership() throws {
        let tens = try network("10.0.0.0/8")
        #expect(tens.contains("10.255.1.2"))
        #expect(tens.contains("::ffff:10.1.2.3"))
        #expect(!tens.contains("11.0.0.1"))
        #expect(!tens.contains("not an address"))
        let odd = try network("192.168.1.128/25")
        #expect(odd.contains("192.168.1.200"))
        #expect(!odd.contains("192.168.1.127"))
        let host = try network("127.0.0.1")
        #expect(host.contains("127.0.0.1"))
        #expect(!host.contains("127.0.0.2"))
        let six = try network("fd00::/8")
        #expect(six.contains("fd12:3456::1"))
        #expect(!six.contains("fe80::1"))
        #expect(!six.contains("10.0.0.1"))
        #expect(try network("::/0").contains("2001:db8::1"))
        #expect(try network("0.0.0.0/0").contains("8.8.8.8"))
        // Host bits in the block are ignored, as `ip route` does.
        #expect(try network("10.1.2.3/8").contains("10.200.0.1"))
    }

    let proxies = ClientAddressResolver(
        trustedProxies: [IPNetwork("127.0.0.1")!, IPNetwork("10.0.0.0/8")!], servesTLS: false)

    @Test("from an untrusted peer the forwarding headers change nothing")
    func untrustedPeer() {
        let resolved = proxies.resolve(peer: "127.0.0.2", forwardedFor: ["203.0.113.9"], forwardedProto: ["https"])
        #expect(resolved.sourceIp == "127.0.0.2")
        #expect(resolved.secureTransport == false)
    }

    @Test("with no trusted proxy the headers are ignored, even from loopback")
    func noProxies() {
        let none = ClientAddressResolver(trustedProxies: [], servesTLS: false)
        #expect(!none.isActive)
        let resolved = none.resolve(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"], forwardedProto: ["https"])
        #expect(resolved.sourceIp == "127.0.0.1")
        #expect(resolved.secureTransport == false)
    }

    @Test("from a trusted peer the client is the rightmost untrusted X-Forwarded-For entry")
    func trustedChain() {
        // A spoofed leftmost entry is skipped: the first untrusted address from the right is the client.
        let chain = proxies.resolve(
            peer: "127.0.0.1", forwardedFor: ["198.51.100.1, 203.0.113.9", "10.1.1.1"], forwardedProto: [])
        #expect(chain.sourceIp == "203.0.113.9")
        let single = proxies.resolve(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"], forwardedProto: [])
        #expect(single.sourceIp == "203.0.113.9")
        let six = proxies.resolve(peer: "127.0.0.1", forwardedFor: ["2001:db8::7"], forwardedProto: [])
        #expect(six.sourceIp == "2001:db8::7")
        // Every entry a trusted proxy: the leftmost.
        let allTrusted = proxies.resolve(peer: "127.0.0.1", forwardedFor: ["10.0.0.5, 10.0.0.6"], forwardedProto: [])
        #expect(allTrusted.sourceIp == "10.0.0.5")
        let absent = proxies.resolve(peer: "127.0.0.1", forwardedFor: [], forwardedProto: [])
        #expect(absent.sourceIp == "127.0.0.1")
    }

    @Test(
        "a malformed entry met from the right falls back to the peer",
        arguments: ["garbage", "203.0.113.9, unknown", "1.2.3.4:5678", "", " , ", "203.0.113.9,,10.0.0.1"])
    func malformed(header: String) {
        let resolved = proxies.resolve(peer: "127.0.0.1", forwardedFor: [header], forwardedProto: [])
        #expect(resolved.sourceIp == "127.0.0.1")
    }

    @Test("a malformed entry left of the client is never reached")
    func malformedBeyondClient() {
        let resolved = proxies.resolve(peer: "127.0.0.1", forwardedFor: ["junk, 203.0.113.9"], forwardedProto: [])
        #expect(resolved.sourceIp == "203.0.113.9")
    }

    @Test("aws:SecureTransport from the last X-Forwarded-Proto value of a trusted peer")
    func forwardedProto() {
        func secure(_ values: [String]) -> Bool {
            proxies.resolve(peer: "10.2.3.4", forwardedFor: [], forwardedProto: values).secureTransport
        }
        #expect(secure(["https"]))
        #expect(secure(["HTTPS"]))
        #expect(secure(["http, https"]))
        #expect(!secure(["https, http"]))
        #expect(!secure(["http"]))
        #expect(!secure([]))
        #expect(!secure(["wss"]))
    }

    @Test("served over TLS, every request is secure, whatever the headers say")
    func directTLS() {
        let tls = ClientAddressResolver(trustedProxies: [], servesTLS: true)
        #expect(tls.isActive)
        #expect(tls.resolve(peer: "127.0.0.2", forwardedFor: [], forwardedProto: ["http"]).secureTransport)
        let both = ClientAddressResolver(trustedProxies: [IPNetwork("127.0.0.1")!], servesTLS: true)
        #expect(both.resolve(peer: "127.0.0.1", forwardedFor: [], forwardedProto: ["http"]).secureTransport)
    }

    @Test("trustedProxies in the configuration file: a list or one entry; a bad entry names its line")
    func configurationKey() throws {
        let file = try ConfigurationFile.parse("trustedProxies:\n  - 10.0.0.0/8\n  - \"fd00::/8\"\n")
        #expect(file.transport.trustedProxies == [try network("10.0.0.0/8"), try network("fd00::/8")])
        let one = try ConfigurationFile.parse("trustedProxies: 127.0.0.1\n")
        #expect(one.transport.trustedProxies == [try network("127.0.0.1")])
        #expect(
            throws: ConfigurationFile.ParseError(
                line: 3, message: "trustedProxies: '10.0.0.0/40' is not an IPv4 or IPv6 address or CIDR block")
        ) {
            try ConfigurationFile.parse("trustedProxies:\n  - 10.0.0.0/8\n  - 10.0.0.0/40\n")
        }
    }
}
