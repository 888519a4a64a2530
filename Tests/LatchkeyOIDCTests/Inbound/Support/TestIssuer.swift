import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A real HTTPS OpenID Connect issuer on 127.0.0.1 (random port) serving discovery and JWKS, with
/// configurable hostile behaviours and request counters.
final class TestIssuer: Sendable {
    enum Behaviour: Sendable {
        case normal
        case neverAnswer
        case hugeBody
        case redirectLoop
        case wrongContentType
        case slowDrip
        case wrongDiscoveryIssuer
        case plainHTTPJWKSURI
    }

    struct State {
        var behaviour: Behaviour
        var jwks: String
        var discoveryRequests = 0
        var jwksRequests = 0
    }

    let port: Int
    let state: Mutex<State>
    private let channel: any Channel

    var issuerURL: String { "https://127.0.0.1:\(port)" }
    var discoveryRequests: Int { state.withLock { $0.discoveryRequests } }
    var jwksRequests: Int { state.withLock { $0.jwksRequests } }

    private init(port: Int, state: State, channel: any Channel) {
        self.port = port
        self.state = Mutex(state)
        self.channel = channel
    }

    static func start(certificates: TestCertificates, jwks: String, behaviour: Behaviour = .normal) async throws
        -> TestIssuer
    {
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try certificates.nioChain(), privateKey: .privateKey(try certificates.nioKey())
        )
        let context = try NIOSSLContext(configuration: tls)
        let box = IssuerBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(IssuerHandler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw TestFailure("no port") }
        let issuer = TestIssuer(port: port, state: State(behaviour: behaviour, jwks: jwks), channel: channel)
        box.issuer.withLock { $0 = issuer }
        return issuer
    }

    func setJWKS(_ jwks: String) { state.withLock { $0.jwks = jwks } }

    func stop() async {
        try? await channel.close()
    }

    /// Runs `body` with a started issuer and stops it afterwards.
    static func with<T>(
        certificates: TestCertificates, jwks: String, behaviour: Behaviour = .normal,
        _ body: (TestIssuer) async throws -> T
    ) async throws -> T {
        let issuer = try await start(certificates: certificates, jwks: jwks, behaviour: behaviour)
        do {
            let result = try await body(issuer)
            await issuer.stop()
            return result
        } catch {
            await issuer.stop()
            throw error
        }
    }
}

final class IssuerBox: Sendable {
    let issuer = Mutex<TestIssuer?>(nil)
}

private final class IssuerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let box: IssuerBox
    private var uri = ""

    init(box: IssuerBox) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): uri = head.uri
        case .body: break
        case .end: respond(context: context)
        }
    }

    private func respond(context: ChannelHandlerContext) {
        guard let issuer = box.issuer.withLock({ $0 }) else { return }
        let isDiscovery = uri == "/.well-known/openid-configuration"
        let (behaviour, jwks) = issuer.state.withLock { state -> (TestIssuer.Behaviour, String) in
            if isDiscovery { state.discoveryRequests += 1 } else if uri == "/jwks" { state.jwksRequests += 1 }
            return (state.behaviour, state.jwks)
        }
        switch behaviour {
        case .neverAnswer:
            return
        case .redirectLoop:
            send(
                context: context, status: .found, contentType: "application/json", body: "{}", extra: ["Location": uri])
        case .wrongContentType:
            send(context: context, status: .ok, contentType: "text/html", body: "<html>hello</html>")
        case .hugeBody:
            var head = HTTPResponseHead(version: .http1_1, status: .ok)
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: "\(4 * 1024 * 1024)")
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            let chunk = context.channel.allocator.buffer(repeating: UInt8(ascii: " "), count: 64 * 1024)
            for _ in 0..<64 { context.write(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil) }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case .slowDrip:
            var head = HTTPResponseHead(version: .http1_1, status: .ok)
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: "1000")
            context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
            let channel = context.channel
            channel.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(50), delay: .milliseconds(50)) { task in
                guard channel.isActive else {
                    task.cancel()
                    return
                }
                let byte = channel.allocator.buffer(string: " ")
                channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(byte)), promise: nil)
            }
        case .normal, .wrongDiscoveryIssuer, .plainHTTPJWKSURI:
            if isDiscovery {
                let iss = behaviour == .wrongDiscoveryIssuer ? "https://evil.example" : issuer.issuerURL
                let jwksURI =
                    behaviour == .plainHTTPJWKSURI
                    ? "http://127.0.0.1:\(issuer.port)/jwks" : "\(issuer.issuerURL)/jwks"
                send(
                    context: context, status: .ok, contentType: "application/json",
                    body: #"{"issuer":"\#(iss)","jwks_uri":"\#(jwksURI)"}"#)
            } else if uri == "/jwks" {
                send(context: context, status: .ok, contentType: "application/jwk-set+json", body: jwks)
            } else {
                send(context: context, status: .notFound, contentType: "application/json", body: "{}")
            }
        }
    }

    private func send(
        context: ChannelHandlerContext, status: HTTPResponseStatus, contentType: String, body: String,
        extra: [String: String] = [:]
    ) {
        var head = HTTPResponseHead(version: .http1_1, status: status)
        head.headers.add(name: "Content-Type", value: contentType)
        head.headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        for (name, value) in extra { head.headers.add(name: name, value: value) }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
