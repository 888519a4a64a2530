import AsyncHTTPClient
public import Foundation
public import LatchkeyClient
import LatchkeyCore
import LatchkeyMemoryStore
import LatchkeyQuery
public import LatchkeyServer
import LatchkeySigV4
public import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A Latchkey server running in this process on a free loopback port, for tests.
///
/// ```swift
/// try await LatchkeyTestServer.withServer { server in
///     let identity = try await server.client.getCallerIdentity()
///     #expect(identity.arn == "arn:aws:iam::\(server.rootCredentials.accountId):root")
/// }
/// ```
///
/// ``withServer(seed:accountId:store:logLevel:clock:configure:_:)`` builds the same application `latchkey serve`
/// runs (`LatchkeyApplication.build`), on port 0 of 127.0.0.1, with a fresh master key, a temporary data folder, a
/// store of its own (in memory unless asked for SQLite) and an account whose root access key is generated for this
/// server; it runs the body, then shuts the server down gracefully and removes the folder, also when the body
/// throws. Servers are independent: many can run at once in one test process.
public struct LatchkeyTestServer: Sendable {
    /// The account created when the caller names none.
    public static let defaultAccountId = "123456789012"

    /// The root access key of the server's account: the credentials every other identity is created with.
    public struct RootCredentials: Sendable, Hashable, CustomStringConvertible {
        public var accessKeyId: String
        public var secretAccessKey: String
        /// The account the key is the root key of.
        public var accountId: String

        public init(accessKeyId: String, secretAccessKey: String, accountId: String) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.accountId = accountId
        }

        /// The same key as the client's credentials.
        public var awsCredentials: AWSCredentials {
            AWSCredentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey)
        }

        /// The key ID and account only: the secret is never printed.
        public var description: String { "RootCredentials(\(accessKeyId), account \(accountId))" }
    }

    /// Where the test server keeps its data.
    public enum Store: Sendable, Hashable {
        /// In memory (the fastest start); it passes the same store contract as SQLite.
        case memory
        /// SQLite in the server's temporary data folder, as `latchkey serve` keeps it.
        case sqlite
    }

    /// What a raw signed call received.
    public struct Response: Sendable, Hashable {
        /// The HTTP status.
        public var status: Int
        /// The body (awsQuery XML, or an AWS error document).
        public var body: String

        /// The text of the element at `path` under the document's root, e.g. `value(at: "CreateUserResult", "User",
        /// "Arn")` or `value(at: "Error", "Code")`; nil when the body is not XML or has no such element.
        public func value(at path: String...) -> String? {
            guard let root = try? XMLReader.parse(body) else { return nil }
            var element = root
            for name in path {
                guard let child = element.child(name) else { return nil }
                element = child
            }
            return element.text
        }
    }

    /// `http://127.0.0.1:PORT`: the endpoint URL to give an SDK or the AWS CLI (`--endpoint-url`).
    public let endpoint: String
    /// The bound loopback port.
    public let port: Int
    /// The root key of ``rootCredentials``'s account.
    public let rootCredentials: RootCredentials
    /// The server's data folder (removed when ``withServer(seed:accountId:store:logLevel:clock:configure:_:)``
    /// returns).
    public let dataDirectory: String
    /// How long building and starting the server took, until it listened.
    public let startupDuration: Duration

    /// The endpoint as a `URL`.
    public var endpointURL: URL {
        guard let url = URL(string: endpoint) else { preconditionFailure("\(endpoint) is a valid URL") }
        return url
    }

    /// An STS client for this server, signing with the root credentials (on `HTTPClient.shared`, no retries).
    public var client: STSClient { client(credentials: rootCredentials.awsCredentials) }

    /// An STS client for this server signing with `credentials` (nil: only the unsigned operations,
    /// `AssumeRoleWithWebIdentity` and `AssumeRoleWithSAML`, work).
    public func client(credentials: AWSCredentials?, region: String = "us-east-1") -> STSClient {
        STSClient(configuration: clientConfiguration(credentials: credentials, region: region), httpClient: .shared)
    }

    /// The configuration of ``client(credentials:region:)``, for a client on an `HTTPClient` of your own.
    public func clientConfiguration(
        credentials: AWSCredentials?, region: String = "us-east-1"
    ) -> STSClient.Configuration {
        STSClient.Configuration(
            region: region, endpoint: endpoint,
            credentialProvider: credentials.map { StaticCredentialProvider(credentials: $0) },
            retryPolicy: .none, timeout: .seconds(30), environment: [:])
    }

    /// A raw awsQuery call: `Action`, `Version` (IAM's `2010-05-08` or STS's `2011-06-15`) and `parameters`,
    /// form-encoded and signed with SigV4 for `service` with `credentials` (the root key by default). Answers
    /// whatever the server answered, errors included, for the IAM calls ``STSClient`` does not offer.
    public func call(
        _ action: String, _ parameters: [(String, String)] = [], service: String = "iam",
        credentials: AWSCredentials? = nil, region: String = "us-east-1"
    ) async throws -> Response {
        let credentials = credentials ?? rootCredentials.awsCredentials
        let version = service == "iam" ? "2010-05-08" : "2011-06-15"
        var body = ""
        for (index, pair) in ([("Action", action), ("Version", version)] + parameters).enumerated() {
            if index > 0 { body += "&" }
            QueryParameters.percentEncode(pair.0, into: &body)
            body += "="
            QueryParameters.percentEncode(pair.1, into: &body)
        }
        let unsigned = SignableRequest(
            method: "POST", rawPath: "/",
            headers: [
                .init(name: "Host", value: "127.0.0.1:\(port)"),
                .init(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
            ],
            payloadHash: SignableRequest.hashPayload(Array(body.utf8)))
        let signer = SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
                sessionToken: credentials.sessionToken),
            region: region, service: service)
        var request = HTTPClientRequest(url: endpoint + "/")
        request.method = .POST
        for header in try signer.sign(unsigned, date: Date()).request.headers {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        return Response(status: Int(response.status.code), body: String(buffer: bytes))
    }

    /// Creates the IAM user `userName` (as the root) with one access key, and answers the key.
    /// - Throws: ``LatchkeyTestServerError`` with the server's answer when a call fails.
    public func createUser(_ userName: String, path: String = "/") async throws -> AWSCredentials {
        let created = try await call("CreateUser", [("UserName", userName), ("Path", path)])
        guard created.status == 200 else {
            throw LatchkeyTestServerError(description: "CreateUser \(userName): \(created.status) \(created.body)")
        }
        let key = try await call("CreateAccessKey", [("UserName", userName)])
        guard key.status == 200,
            let id = key.value(at: "CreateAccessKeyResult", "AccessKey", "AccessKeyId"),
            let secret = key.value(at: "CreateAccessKeyResult", "AccessKey", "SecretAccessKey")
        else {
            throw LatchkeyTestServerError(description: "CreateAccessKey \(userName): \(key.status)")
        }
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret)
    }

    /// Starts a server, runs `body` with it and stops it.
    ///
    /// - Parameters:
    ///   - seed: the YAML text of a configuration file (the `--config` file of `latchkey serve`, parsed by
    ///     `ConfigurationFile.parse`), applied at start: accounts, their root keys and whatever else the file
    ///     declares. If it declares root keys for `accountId`, the first is ``rootCredentials``; otherwise a root
    ///     key is generated for that account.
    ///   - accountId: the account of ``rootCredentials`` (12 digits).
    ///   - store: ``Store/memory`` (default) or ``Store/sqlite``.
    ///   - logLevel: the server's log level (default `.critical`: quiet).
    ///   - clock: the server's clock (signatures are checked against it; the client signs with the real time).
    ///   - configure: last changes to the server's configuration (audit, limits...), before it is built.
    ///   - body: the test.
    /// - Throws: `ConfigurationFile.ParseError` for a bad seed, what the start threw, or what `body` threw.
    public static func withServer<T>(
        seed: String? = nil,
        accountId: String = LatchkeyTestServer.defaultAccountId,
        store: Store = .memory,
        logLevel: Logger.Level = .critical,
        clock: @escaping @Sendable () -> Date = { Date() },
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: (LatchkeyTestServer) async throws -> T
    ) async throws -> T {
        let started = ContinuousClock.now
        var file = try seed.map { try ConfigurationFile.parse($0) } ?? ConfigurationFile()
        let root = rootKey(for: accountId, in: &file)
        let directory = (NSTemporaryDirectory() as NSString)
            .appendingPathComponent("latchkey-testing-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, dataDirectory: directory, file: file,
            masterKeyOverride: Data(randomBytes(32)).base64EncodedString(), logLevel: logLevel)
        configure(&configuration)
        var logger = Logger(label: "latchkey-test-server")
        logger.logLevel = configuration.logLevel
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let (application, _) = try await LatchkeyApplication.build(
            configuration: configuration, logger: logger,
            store: store == .memory ? InMemoryStore() : nil, clock: clock,
            onListening: { _, port in portContinuation.yield(port) })
        let group = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        let running = Task {
            defer { portContinuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await running.value
            throw LatchkeyTestServerError(description: "the server stopped before it listened")
        }
        let server = LatchkeyTestServer(
            endpoint: "http://127.0.0.1:\(port)", port: port, rootCredentials: root, dataDirectory: directory,
            startupDuration: ContinuousClock.now - started)
        let result: T
        do {
            result = try await body(server)
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
        await group.triggerGracefulShutdown()
        try await running.value
        return result
    }

    /// The root key of `accountId`: the first the file declares for it, else one generated and added to the file.
    static func rootKey(for accountId: String, in file: inout ConfigurationFile) -> RootCredentials {
        let index = file.bootstrap.accounts.firstIndex { $0.id == accountId }
        if let index, let declared = file.bootstrap.accounts[index].rootAccessKeys.first {
            return RootCredentials(
                accessKeyId: declared.accessKeyId, secretAccessKey: declared.secretAccessKey, accountId: accountId)
        }
        let key = generatedRootKey()
        let entry = BootstrapPlan.RootKey(accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey)
        if let index {
            file.bootstrap.accounts[index].rootAccessKeys.append(entry)
        } else {
            file.bootstrap.accounts.insert(.init(id: accountId, rootAccessKeys: [entry]), at: 0)
        }
        return RootCredentials(
            accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, accountId: accountId)
    }

    /// A fresh root key: `AKIA` and 16 of A–Z and 2–7 (AWS's alphabet), and a 40-character secret.
    static func generatedRootKey() -> (accessKeyId: String, secretAccessKey: String) {
        let idAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let id = "AKIA" + String(randomBytes(16).map { idAlphabet[Int($0) % idAlphabet.count] })
        let secret = String(randomBytes(40).map { secretAlphabet[Int($0) % secretAlphabet.count] })
        return (id, secret)
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}

/// The test server could not start.
public struct LatchkeyTestServerError: Error, CustomStringConvertible {
    public var description: String
}
