import AsyncHTTPClient
import Foundation
import LatchkeyClient
import LatchkeyQuery
import LatchkeyServer
import LatchkeySigV4
import LatchkeyTestSupport
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// The real Latchkey server on a loopback port (`LatchkeyTestSupport.LoopbackServer`), for the client to talk to
/// over real HTTP.
///
/// The server's clock is the real clock: the client signs with the current time, as SDKs do, and the server
/// checks the signature date against its own clock.
struct ClientTestServer: Sendable {
    static let accountId = LoopbackServer.accountId
    static let rootKeyId = LoopbackServer.rootAccessKeyId
    static let rootSecret = LoopbackServer.rootSecretAccessKey
    static let configurationText = LoopbackServer.configurationText

    /// `http://127.0.0.1:PORT`.
    let endpoint: String

    static var root: AWSCredentials { AWSCredentials(accessKeyId: rootKeyId, secretAccessKey: rootSecret) }

    /// Builds the server in a temporary data folder, runs `body` and stops it. `clock` is the server's clock (the
    /// real one unless a test needs time to stand still, as TOTP codes do; signatures made with the real time stay
    /// within the 15 minutes of skew SigV4 allows).
    static func run<T: Sendable>(
        clock: @escaping @Sendable () -> Date = { Date() }, _ body: @Sendable (ClientTestServer) async throws -> T
    ) async throws -> T {
        try await LoopbackServer.run(clock: clock, configuration: configurationText) { server in
            try await body(ClientTestServer(endpoint: server.endpoint))
        }
    }

    /// A client configuration for this server, signing with `credentials` (none: unsigned only).
    func configuration(_ credentials: AWSCredentials? = ClientTestServer.root) -> STSClient.Configuration {
        STSClient.Configuration(
            region: "us-east-1", endpoint: endpoint, credentialProvider: credentials.map(FixedCredentialProvider.init),
            retryPolicy: .none, timeout: .seconds(20), environment: [:])
    }

    /// A client for this server on the shared `HTTPClient`.
    func client(_ credentials: AWSCredentials? = ClientTestServer.root) -> STSClient {
        STSClient(configuration: configuration(credentials), httpClient: .shared)
    }

    /// A raw signed call (IAM or STS) that bypasses the client: the oracle for server behaviour. Returns the
    /// status and the body.
    func rawCall(
        _ action: String, _ params: [(String, String)] = [], service: String = "iam",
        as credentials: AWSCredentials = ClientTestServer.root
    ) async throws -> (status: Int, body: String) {
        let version = service == "iam" ? "2010-05-08" : "2011-06-15"
        var body = ""
        for (index, pair) in ([("Action", action), ("Version", version)] + params).enumerated() {
            if index > 0 { body += "&" }
            QueryParameters.percentEncode(pair.0, into: &body)
            body += "="
            QueryParameters.percentEncode(pair.1, into: &body)
        }
        let host = String(endpoint.dropFirst("http://".count))
        let unsigned = SignableRequest(
            method: "POST", rawPath: "/",
            headers: [
                .init(name: "Host", value: host),
                .init(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
            ],
            payloadHash: SignableRequest.hashPayload(Array(body.utf8)))
        let signer = SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
                sessionToken: credentials.sessionToken),
            region: "us-east-1", service: service)
        var request = HTTPClientRequest(url: endpoint + "/")
        request.method = .POST
        for header in try signer.sign(unsigned, date: Date()).request.headers {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }

    /// A raw IAM call that must succeed; returns its `<ActionResult>`.
    @discardableResult
    func iam(_ action: String, _ params: [(String, String)] = [], sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> XMLReader.Element
    {
        let reply = try await rawCall(action, params)
        #expect(reply.status == 200, "\(action) failed: \(reply.body)", sourceLocation: sourceLocation)
        let document = try QueryResponse.parse(xml: reply.body, action: action)
        return document.result ?? XMLReader.Element(name: "\(action)Result")
    }

    /// A user with one access key, created by the root.
    func userWithKey(_ name: String) async throws -> AWSCredentials {
        try await iam("CreateUser", [("UserName", name)])
        let key = try await iam("CreateAccessKey", [("UserName", name)])
        return AWSCredentials(
            accessKeyId: try #require(key.element(at: "AccessKey", "AccessKeyId")?.text),
            secretAccessKey: try #require(key.element(at: "AccessKey", "SecretAccessKey")?.text))
    }
}
