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

/// The real Latchkey application on loopback (`LatchkeyTestSupport.LoopbackServer`), driven over HTTP by
/// HummingbirdTesting's live client, with the server tests' clock and request helpers.
struct TestServer: Sendable {
    /// The account the test configuration declares.
    static let accountId = LoopbackServer.accountId
    /// The root key the test configuration declares for `accountId`.
    static let root = SigV4Credentials(
        accessKeyID: LoopbackServer.rootAccessKeyId, secretAccessKey: LoopbackServer.rootSecretAccessKey)
    /// The authority the live test client sends (and therefore the `host` every signature covers).
    static let host = "localhost"
    static let stsVersion = "2011-06-15"
    static let iamVersion = "2010-05-08"

    /// The configuration file the tests start with, parsed as the CLI would parse it.
    static let configurationText = LoopbackServer.configurationText

    /// The server's connection settings in tests: the defaults, but a 10-minute idle timeout, since the test client
    /// holds one connection for the whole test and does not reconnect (a slow test may pause over a minute).
    static let connections = LoopbackServer.connections

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
        try await LoopbackServer.run(
            clock: clock.closure, dataDirectory: dataDirectory, masterKey: masterKey, configuration: configuration,
            connections: connections
        ) { server in
            try await body(
                TestServer(
                    client: server.client, clock: clock, dataDirectory: server.dataDirectory, report: server.report))
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
