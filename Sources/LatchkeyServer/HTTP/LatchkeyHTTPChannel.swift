import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOSSL

/// The server's HTTP/1.1 connections: Hummingbird's `HTTP1Channel` with a ``ConnectionGuard`` around the HTTP
/// codec (timeouts, closing after a last response) and registered in a ``ConnectionRegistry`` (the connection
/// limit). With a ``TLSCertificateStore``, a `NIOSSLServerHandler` (the store's context when the connection is
/// accepted) comes first: every timeout and limit applies to the decrypted requests, and the idle timeout of a fresh
/// connection also bounds its handshake.
struct LatchkeyHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let limits: ConnectionGuard.Limits
    let registry: ConnectionRegistry
    /// HTTPS: the certificate and key new connections get; nil serves plain HTTP.
    var tls: TLSCertificateStore? = nil

    /// The server builder for `Application(router:server:...)`.
    static func builder(
        limits: ConnectionGuard.Limits, registry: ConnectionRegistry, tls: TLSCertificateStore? = nil
    ) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            LatchkeyHTTPChannel(responder: responder, limits: limits, registry: registry, tls: tls)
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // Registering may close older idle connections to make room; nil means no room (or shutting down).
            let id = registry.register(channel)
            if let id {
                channel.closeFuture.whenComplete { _ in registry.remove(id) }
            }
            let guardian = ConnectionGuard(limits: limits, registry: registry, id: id, logger: logger)
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderFieldSize = ProtocolFaults.maxHeaderFieldSize
            decoderLimits.maxHeaderListSize = ProtocolFaults.maxHeaderListSize
            decoderLimits.maxHeaderFieldCount = ProtocolFaults.maxHeaderFieldCount
            let pipeline = channel.pipeline.syncOperations
            if let tls {
                try pipeline.addHandler(NIOSSLServerHandler(context: tls.context))
            }
            try pipeline.addHandler(ConnectionGuard.RawBytes(guardian))
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false,
                withErrorHandling: false,
                withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: decoderLimits
            )
            try pipeline.addHandler(ConnectionGuard.Messages(guardian))
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: tls != nil))
            // Only for graceful shutdown: closes idle connections, and busy ones after their response.
            try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
            let value = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
            if id == nil {
                logger.debug("connection limit reached and every connection is busy: closing the new connection")
                channel.close(promise: nil)
            }
            return value
        }
    }

    /// Hummingbird's request loop. Requests the decoder rejects never reach it as a bare 400: the guard answers
    /// them with an error document (or, inside a body, the endpoint does) and closes the connection.
    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}
