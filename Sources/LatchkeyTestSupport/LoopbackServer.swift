public import Foundation
public import Hummingbird
public import HummingbirdTesting
public import LatchkeyDomain
public import LatchkeyServer
public import Logging

/// The real Latchkey application on a loopback port: the one way tests start the server.
///
/// `run` builds the application as the CLI does (`LatchkeyApplication.build`, on port 0 of 127.0.0.1, in a fresh
/// data folder unless given one), runs it with HummingbirdTesting's live framework, and shuts it down gracefully
/// when `body` returns or throws (so the usage flusher writes and the data folder lock is released before a
/// restart test opens the folder again). The server tests' `TestServer` and the client tests' `ClientTestServer`
/// are thin façades over it.
public struct LoopbackServer: Sendable {
    /// The account the test configuration declares.
    public static let accountId = "111122223333"
    /// The root key the test configuration declares for `accountId`.
    public static let rootAccessKeyId = "AKIAIOSFODNN7EXAMPLE"
    public static let rootSecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    /// The configuration file the tests start with, parsed as the CLI would parse it.
    public static let configurationText = """
        accounts:
          - id: "111122223333"
            rootAccessKeys:
              - {accessKeyId: AKIAIOSFODNN7EXAMPLE, secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}
        """

    /// The server's connection settings in tests: the defaults, but a 10-minute idle timeout, since a test client
    /// may hold one connection for the whole test and not reconnect (a slow test may pause over a minute).
    public static let connections = ConnectionSettings(idleTimeout: .seconds(600))

    /// HummingbirdTesting's live client, connected to the server (it sends `Host: localhost`).
    public let client: any TestClientProtocol
    /// The data folder the server runs in.
    public let dataDirectory: String
    /// What happened while starting.
    public let report: LatchkeyApplication.StartupReport

    /// The bound port.
    public var port: Int {
        guard let port = client.port else { preconditionFailure("the live test client always has a port") }
        return port
    }

    /// `http://127.0.0.1:PORT`, for clients of their own (AsyncHTTPClient, the Swift STS client, raw sockets).
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Builds the application and runs `body` against it.
    /// - Parameter clock: the server's clock (`TestClock.closure`, or the real clock for clients that sign with it).
    /// - Parameter dataDirectory: the data folder; nil uses a fresh temporary one, removed afterwards.
    /// - Parameter masterKey: base64, replacing the generated master key file (as `LATCHKEY_MASTER_KEY` does).
    /// - Parameter configuration: the YAML of the configuration file.
    /// - Parameter connections: the timeouts and connection limit.
    /// - Parameter store: the store; nil opens SQLite in the data folder, as the CLI does.
    public static func run<T: Sendable>(
        clock: @escaping @Sendable () -> Date = { Date() },
        dataDirectory: String? = nil,
        masterKey: String? = nil,
        configuration: String = LoopbackServer.configurationText,
        connections: ConnectionSettings = LoopbackServer.connections,
        store: (any LatchkeyStore)? = nil,
        _ body: @Sendable (LoopbackServer) async throws -> T
    ) async throws -> T {
        let file = try ConfigurationFile.parse(configuration)
        if let dataDirectory {
            return try await run(
                clock: clock, in: dataDirectory, file: file, masterKey: masterKey, connections: connections,
                store: store, body)
        }
        return try await withTemporaryDirectory { path in
            try await run(
                clock: clock, in: path, file: file, masterKey: masterKey, connections: connections, store: store, body)
        }
    }

    private static func run<T: Sendable>(
        clock: @escaping @Sendable () -> Date, in dataDirectory: String, file: ConfigurationFile, masterKey: String?,
        connections: ConnectionSettings, store: (any LatchkeyStore)?,
        _ body: @Sendable (LoopbackServer) async throws -> T
    ) async throws -> T {
        let configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, dataDirectory: dataDirectory, file: file, masterKeyOverride: masterKey,
            connections: connections, logLevel: .critical)
        let (application, report) = try await LatchkeyApplication.build(
            configuration: configuration, logger: quietLogger("latchkey-test-server"), store: store, clock: clock)
        return try await application.test(.live) { client in
            try await body(LoopbackServer(client: client, dataDirectory: dataDirectory, report: report))
        }
    }
}

/// A logger that only reports critical messages, for servers under test.
public func quietLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .critical
    return logger
}

/// Runs `application` (built with an `onServerRunning`/`onListening` hook that feeds `ports`) until `body`
/// returns, then cancels it: for the small stand-in servers tests build themselves (hostile peers, stubs).
/// `body` receives the bound loopback port.
public func withRunningApplication<T: Sendable>(
    _ application: some ApplicationProtocol,
    ports: AsyncStream<Int>,
    _ body: (Int) async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await application.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            throw LoopbackServerFailure("the application stopped before it listened")
        }
        let result = try await body(port)
        group.cancelAll()
        return result
    }
}

/// The test scaffolding could not start a server.
public struct LoopbackServerFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
