import LatchkeyDomain
import LatchkeyTestSupport
import Testing

@testable import LatchkeyPostgres

/// `sslmode` against the test server, which offers no TLS: `prefer` falls back to plain, the modes that insist on
/// TLS refuse to connect with `.unavailable`, and a root certificate file that cannot be read is named.
@Suite(.enabled(if: PostgresTestDatabase.isEnabled, "needs LATCHKEY_TEST_DATABASE_URL"))
struct TLSTests {
    static func isPlainServer() async throws -> Bool {
        try await PostgresTestDatabase.withStore { store in
            try await store.stringsForTesting("SHOW ssl") == ["off"]
        }
    }

    @Test("sslmode=prefer (the default) connects to a server without TLS")
    func preferFallsBack() async throws {
        try await PostgresTestDatabase.withStore({ $0.sslMode = .prefer }) { store throws in
            #expect(try await store.accounts().isEmpty)
        }
    }

    @Test(
        "the modes that insist on TLS refuse a server without it",
        arguments: [
            PostgresStore.Configuration.SSLMode.require, .verifyCA, .verifyFull,
        ])
    func insistingModesRefusePlain(mode: PostgresStore.Configuration.SSLMode) async throws {
        guard try await Self.isPlainServer() else { return }  // a TLS server: nothing to refuse
        var configuration = try PostgresTestDatabase.configuration()
        configuration.sslMode = mode
        configuration.connectTimeout = .seconds(5)
        await #expect {
            _ = try await PostgresStore.connect(configuration, logger: PostgresTestDatabase.logger)
        } throws: { error in
            (error as? StoreError)?.code == .unavailable
        }
        try? await PostgresStore.dropSchema(configuration, logger: PostgresTestDatabase.logger)
    }

    @Test("an sslrootcert that cannot be read is refused at connect, naming the file")
    func unreadableRootCertificate() async throws {
        var configuration = try PostgresTestDatabase.configuration()
        configuration.sslMode = .verifyFull
        configuration.sslRootCertificatePath = "/nonexistent/latchkey-root.pem"
        await #expect {
            _ = try await PostgresStore.connect(configuration, logger: PostgresTestDatabase.logger)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .unavailable && error.detail.contains("/nonexistent/latchkey-root.pem")
        }
    }
}
