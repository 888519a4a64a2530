import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LatchkeyServer
import LatchkeySigV4
import LatchkeyTestSupport
import Logging
import NIOCore
import Synchronization
import Testing

/// The real Latchkey application on loopback, driven over HTTP by HummingbirdTesting's live client.
struct TestServer: Sendable {
    /// The account the test configuration declares.
    static let accountId = "111122223333"
    /// The root key the test configuration declares for `accountId`.
    static let root = SigV4Credentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    /// The authority the live test client sends (and therefore the `host` every signature covers).
    static let host = "localhost"
    static let stsVersion = "2011-06-15"
    static let iamVersion = "2010-05-08"

    /// The configuration file the tests start with, parsed as the CLI would parse it.
    static let configurationText = """
        accounts:
          - id: "111122223333"
            rootAccessKeys:
              - {accessKeyId: AKIAIOSFODNN7EXAMPLE, secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}
        """

    /// The server's connection settings in tests: the defaults, but a 10-minute idle timeout, since the test client
    /// holds one connection for the whole test and does not reconnect (a slow test may pause over a minute).
    static let connections = ConnectionSettings(idleTimeout: .seconds(600))

    let client: any TestClientProtocol
    let clock: TestClock
    let dataDirectory: String
    let report: LatchkeyApplication.StartupReport

    /// Builds the application on a fresh data folder (or `dataDirectory`), runs `body` against it and shuts it
    /// down. `masterKey` (base64) replaces the generated master key file, as `LATCHKEY_MASTER_KEY` does;
    /// `configuration` is the YAML of the configuration file; `connections` the timeouts and connection limit.
    static func run<T: Sendable>(
        clock: TestClock = TestClock(),
        dataDirectory: String? = nil,
        masterKey: String? = nil,
        configuration: String = TestServer.configurationText,
        connections: ConnectionSettings = TestServer.connections,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        let file = try ConfigurationFile.parse(configuration)
        if let dataDirectory {
            return try await run(
                clock: clock, in: dataDirectory, file: file, masterKey: masterKey, connections: connections, body)
        }
        return try await withTemporaryDirectory { path in
            try await run(clock: clock, in: path, file: file, masterKey: masterKey, connections: connections, body)
        }
    }

    private static func run<T: Sendable>(
        clock: TestClock, in dataDirectory: String, file: ConfigurationFile, masterKey: String?,
        connections: ConnectionSettings, _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        let configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, dataDirectory: dataDirectory, file: file, masterKeyOverride: masterKey,
            connections: connections, logLevel: .critical)
        var logger = Logger(label: "latchkey-e2e")
        logger.logLevel = .critical
        let (application, report) = try await LatchkeyApplication.build(
            configuration: configuration, logger: logger, clock: clock.closure)
        return try await application.test(.live) { client in
            try await body(TestServer(client: client, clock: clock, dataDirectory: dataDirectory, report: report))
        }
    }

    /// Sends a request exactly as built and reads the whole response. Every response is checked not to be a 5xx.
    func send(_ request: HTTPCall, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Reply {
        let response = try await client.execute(
            uri: request.uri, method: request.method, headers: request.headers, body: request.body)
        let reply = Reply(
            status: response.status.code, headers: response.headers, body: String(buffer: response.body))
        #expect(reply.status < 500, "a request produced a server error: \(reply.body)", sourceLocation: sourceLocation)
        return reply
    }
}
