import Foundation
import LatchkeyTestSupport
import Testing

@testable import LatchkeyServer

/// TLS files that cannot be served are refused with a message naming the file, never its content. Serving HTTPS,
/// SIGHUP reloads and clients over TLS are proved against the real binary in Interop/test_tls.py.
@Suite struct TLSTests {
    /// A private key that is not one (PEM armour around junk), as a misplaced file might be.
    static let junkKey = """
        -----BEGIN PRIVATE KEY-----
        c2VjcmV0LWtleS1ieXRlcy10aGF0LW11c3Qtbm90LWJlLWxvZ2dlZA==
        -----END PRIVATE KEY-----

        """

    func loadError(certificate: String, key: String) -> TLSCertificateStore.LoadError? {
        do {
            _ = try TLSCertificateStore(certificateFile: certificate, keyFile: key)
            return nil
        } catch {
            return error
        }
    }

    @Test("a missing certificate file, an empty one and a key that is not PEM are refused by name")
    func unreadableFiles() async throws {
        try await withTemporaryDirectory { folder in
            let empty = folder + "/empty.pem"
            let junk = folder + "/key.pem"
            try Data().write(to: URL(fileURLWithPath: empty))
            try Data(Self.junkKey.utf8).write(to: URL(fileURLWithPath: junk))
            let missing = try #require(loadError(certificate: folder + "/missing.pem", key: junk))
            #expect(missing.message.contains("the TLS certificate \(folder)/missing.pem cannot be read"))
            let none = try #require(loadError(certificate: empty, key: junk))
            #expect(none.message.contains(empty))
            #expect(!none.message.contains("c2VjcmV0"))
        }
    }

    @Test("the start refuses TLS files that cannot be served, with a one-line startup error")
    func startupError() async throws {
        var settings = TransportSettings()
        #expect(try TransportSetup.certificates(settings) == nil)
        settings.tlsCertificateFile = "/nonexistent/cert.pem"
        settings.tlsKeyFile = "/nonexistent/key.pem"
        #expect(settings.servesTLS)
        do {
            _ = try TransportSetup.certificates(settings)
            Issue.record("a missing certificate was accepted")
        } catch {
            #expect(error.message.hasPrefix("the TLS certificate /nonexistent/cert.pem cannot be read as PEM"))
        }
    }

    @Test("tlsCertificateFile and tlsKeyFile in the configuration file")
    func configurationKeys() throws {
        let file = try ConfigurationFile.parse("tlsCertificateFile: /etc/tls/cert.pem\ntlsKeyFile: /etc/tls/key.pem\n")
        #expect(file.transport.tlsCertificateFile == "/etc/tls/cert.pem")
        #expect(file.transport.tlsKeyFile == "/etc/tls/key.pem")
        let error = #expect(throws: ConfigurationFile.ParseError.self) {
            try ConfigurationFile.parse("tlsKeyFile: [a, b]\n")
        }
        #expect(error?.message == "tlsKeyFile must be a single value")
    }

    @Test("the outbound issuer warning is for wildcard listening addresses only")
    func wildcardHosts() {
        #expect(TransportSetup.isWildcard("0.0.0.0"))
        #expect(TransportSetup.isWildcard("::"))
        #expect(!TransportSetup.isWildcard("127.0.0.1"))
        #expect(!TransportSetup.isWildcard("sts.example.internal"))
    }
}
