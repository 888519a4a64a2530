import Crypto
import LatchkeyOIDC
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A one-request HTTPS/1.1 GET client for issuers whose TLS chain does not verify against the trusted roots.
///
/// The server is accepted only when the SHA-1 thumbprint of the last certificate it presents (its top
/// intermediate CA, or its only certificate) is in the provider's ThumbprintList, which is AWS's rule. NIOSSL
/// still checks the leaf's name against the host (or IP address) after the handshake. One connection per
/// request, `Connection: close`, a body cap, a deadline that closes the channel, and cancellation that closes it too.
enum ThumbprintHTTPSClient {
    /// The lowercase hex SHA-1 of a certificate's DER encoding.
    static func thumbprint(of certificate: NIOSSLCertificate) -> String? {
        guard let der = try? certificate.toDERBytes() else { return nil }
        return Insecure.SHA1.hash(data: der).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    static func get(
        _ target: HTTPSTarget, thumbprints: Set<String>, timeout: Duration, maximumBodyBytes: Int
    ) async throws -> FetchedResponse {
        let group = MultiThreadedEventLoopGroup.singleton
        let eventLoop = group.any()
        let context = try NIOSSLContext(configuration: TLSConfiguration.makeClientConfiguration())
        let authority = target.authority
        let serverName = authority.hostIsIPLiteral ? nil : authority.connectHost
        let promise = eventLoop.makePromise(of: FetchedResponse.self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(timeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let tls = try NIOSSLClientHandler(
                        context: context, serverHostname: serverName,
                        customVerificationCallback: { certificates, verification in
                            let presented = certificates.last.flatMap(thumbprint(of:))
                            let accepted = presented.map(thumbprints.contains) ?? false
                            verification.succeed(accepted ? .certificateVerified : .failed)
                        }
                    )
                    try channel.pipeline.syncOperations.addHandler(tls)
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        ResponseCollector(promise: promise, maximumBodyBytes: maximumBodyBytes)
                    )
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: authority.connectHost, port: authority.connectPort).get()
        } catch {
            promise.fail(error)
            throw error
        }
        let deadline = eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            promise.fail(WebIdentityError.communication("\(target) did not answer in time"))
            channel.close(promise: nil)
        }
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target.requestTarget)
        let hostHeader = authority.port.map { "\(authority.host):\($0)" } ?? authority.host
        head.headers.add(name: "Host", value: hostHeader)
        head.headers.add(name: "Accept", value: "application/json")
        head.headers.add(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        // The fetch's overall deadline cancels this task: fail the promise and close the channel at once rather than
        // wait for the per-request timeout.
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            promise.fail(CancellationError())
            channel.close(promise: nil)
        }
    }
}

/// Collects one HTTP response into a ``FetchedResponse``, failing once the body exceeds the cap.
private final class ResponseCollector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<FetchedResponse>
    private let maximumBodyBytes: Int
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    init(promise: EventLoopPromise<FetchedResponse>, maximumBodyBytes: Int) {
        self.promise = promise
        self.maximumBodyBytes = maximumBodyBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let responseHead):
            head = responseHead
        case .body(var buffer):
            guard body.count + buffer.readableBytes <= maximumBodyBytes else {
                promise.fail(WebIdentityError.communication("response body larger than \(maximumBodyBytes) bytes"))
                context.close(promise: nil)
                return
            }
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            promise.succeed(
                FetchedResponse(
                    status: Int(head.status.code), contentType: head.headers.first(name: "Content-Type"), body: body
                )
            )
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(WebIdentityError.communication("connection closed before a complete response"))
        context.fireChannelInactive()
    }
}
