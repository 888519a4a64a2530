import LatchkeyModel
import Logging
import NIOCore
import NIOHTTP1

/// Bounds one connection's time: how long a request's header and body may take, how long a kept-alive connection
/// may wait for its next request. It also closes the connection after a response whose request cannot be
/// followed by another (HTTP/1.0 without keep-alive, a parse error, a body over the limit or not fully read), and
/// keeps the ``ConnectionRegistry`` informed of what the connection is doing.
///
/// Two handlers share it: ``RawBytes`` at the front of the pipeline sees the first byte of a request (the header
/// timer starts there) and writes the timeout answer; ``Messages`` after the HTTP decoder sees request heads and
/// ends, and response ends.
///
/// | phase | timer | when it fires |
/// |---|---|---|
/// | new, no byte yet | idle timeout from accept | close |
/// | kept alive, no byte yet | idle timeout from the last response | close |
/// | header being read | header timeout from its first byte | 408 `RequestTimeout`, close |
/// | body being read | body timeout from the header | 408 `RequestTimeout` through the endpoint, close |
/// | waiting for the response | none | |
/// | closing | linger (2 s), or 5 s for an answer still to be written | close |
final class ConnectionGuard {
    /// The time limits of a connection.
    struct Limits: Sendable {
        var headerTimeout: TimeAmount
        var bodyTimeout: TimeAmount
        var idleTimeout: TimeAmount
        /// Largest body accepted; a request declaring more is answered at once and its connection closed.
        var maxBodyBytes: Int
        /// How long a connection whose output is shut waits for the peer's close before it is closed.
        var linger: TimeAmount = .seconds(2)
        /// How long an answer to a fault (timeout, parse error) may take to be written before the connection is
        /// closed anyway.
        var answerGrace: TimeAmount = .seconds(5)

        init(_ settings: ConnectionSettings, maxBodyBytes: Int) {
            headerTimeout = TimeAmount(settings.headerTimeout)
            bodyTimeout = TimeAmount(settings.bodyTimeout)
            idleTimeout = TimeAmount(settings.idleTimeout)
            self.maxBodyBytes = maxBodyBytes
        }
    }

    /// Thrown into a request's body when the body timeout passes; the endpoint answers 408 `RequestTimeout`.
    struct BodyTimeout: Error, CustomStringConvertible {
        var description: String { "the request body was not received within the body timeout" }
    }

    enum Phase: Equatable {
        /// No request byte since accept (`fresh`) or since the last response.
        case waiting(fresh: Bool)
        case readingHeader
        case readingBody
        case responding
        case closing
    }

    let limits: Limits
    let registry: ConnectionRegistry
    let id: UInt64?
    let logger: Logger

    private let acceptedAt = NIODeadline.now()
    private var phase: Phase = .waiting(fresh: true)
    /// When the current phase began.
    private var phaseStart = NIODeadline.now()
    private var headsSeen = 0
    private var endsSeen = 0
    private var responseHeadsWritten = 0
    private var responsesEnded = 0
    private var lastHeadAt = NIODeadline.now()
    private var lastResponseAt = NIODeadline.now()
    /// Bytes of a header arrived that the decoder has not turned into a request head yet.
    private var headerBytesPending = false
    private var headerStartedAt = NIODeadline.now()
    /// The number of the response (1 for the connection's first) after which the connection closes, if any.
    private var lastResponse: Int?
    /// Closing: input is dropped, the output shut (or about to be).
    private var closing = false
    private var answerPending = false
    /// Input after a parse error is dropped while the responses in progress are finished.
    private var discardingInput = false
    private var timer: Scheduled<Void>?
    /// When `timer` fires.
    private var timerDeadline = NIODeadline.distantFuture
    private var rawContext: ChannelHandlerContext?
    private var messageContext: ChannelHandlerContext?

    init(limits: Limits, registry: ConnectionRegistry, id: UInt64?, logger: Logger) {
        self.limits = limits
        self.registry = registry
        self.id = id
        self.logger = logger
    }

    // MARK: Events

    private func channelActive() {
        update()
    }

    private func channelInactive() {
        timer?.cancel()
        timer = nil
        rawContext = nil
        messageContext = nil
        if let id { registry.remove(id) }
    }

    private func bytesArrived() {
        if !headerBytesPending, headsSeen == endsSeen {
            headerBytesPending = true
            headerStartedAt = .now()
            update()
        }
    }

    private func requestHead(_ head: HTTPRequestHead) {
        headsSeen += 1
        headerBytesPending = false
        lastHeadAt = .now()
        if !head.isKeepAlive {
            closeAfterRequest(headsSeen)
        }
        if let declared = head.headers.first(name: "content-length").flatMap({ Int($0) }),
            declared > limits.maxBodyBytes
        {
            // The endpoint refuses it before the body arrives; the body is not read.
            closeAfterRequest(headsSeen)
        }
        update()
    }

    private func requestEnd() {
        endsSeen += 1
        update()
    }

    /// A response head is written: if its request was not read to the end, this is the connection's last response.
    private func responseHead(_ head: inout HTTPResponseHead) {
        responseHeadsWritten += 1
        if endsSeen < responseHeadsWritten {
            closeAfterRequest(responseHeadsWritten)
        }
        if let lastResponse, responseHeadsWritten >= lastResponse {
            head.headers.replaceOrAdd(name: "connection", value: "close")
        }
    }

    /// The connection closes after the response to request number `request` (earlier ones are still answered).
    private func closeAfterRequest(_ request: Int) {
        lastResponse = min(lastResponse ?? request, request)
    }

    /// A response was written out: close if it was the last one, else wait for the next request.
    private func responseWritten() {
        responsesEnded += 1
        lastResponseAt = .now()
        if let lastResponse, responsesEnded >= lastResponse {
            startClosing()
        } else {
            update()
        }
    }

    /// The decoder failed: nothing more can be read. Inside a body, the error goes on to the endpoint, which answers
    /// 400; otherwise the guard answers (after the response in progress, if any, which is then the last) and the
    /// error stops here. Returns whether the error goes on.
    private func parseFailed(_ error: HTTPParserError) -> Bool {
        closeAfterRequest(headsSeen)
        if headsSeen > endsSeen {
            awaitAnswer()
            return true
        }
        if responsesEnded < headsSeen {
            // The response being prepared is the last; it takes the time it takes (no grace timer).
            discardingInput = true
        } else {
            answer(ProtocolFaults.error(for: error))
        }
        return false
    }

    // MARK: Timers

    /// The phase from the counters, and its timer.
    private func update() {
        guard !closing, !answerPending else { return }
        let now = NIODeadline.now()
        let next: Phase
        let start: NIODeadline
        if headsSeen > endsSeen {
            (next, start) = (.readingBody, lastHeadAt)
        } else if responsesEnded < headsSeen {
            (next, start) = (.responding, now)
        } else if headerBytesPending {
            (next, start) = (.readingHeader, headerStartedAt)
        } else if headsSeen == 0 {
            (next, start) = (.waiting(fresh: true), acceptedAt)
        } else {
            (next, start) = (.waiting(fresh: false), lastResponseAt)
        }
        guard next != phase || timer == nil else { return }
        let previous = phase
        phase = next
        phaseStart = start
        // The registry orders idle and header-reading connections by age; busy ones only need their class.
        if let id {
            switch next {
            case .waiting: registry.update(id, activity: .idle, since: start)
            case .readingHeader: registry.update(id, activity: .readingHeader, since: start)
            case .readingBody, .responding, .closing:
                if previous != .readingBody, previous != .responding {
                    registry.update(id, activity: .busy, since: start)
                }
            }
        }
        schedule()
    }

    /// Arms the timer for the current phase's deadline. A timer already set to fire no later is kept: when it fires,
    /// ``timerFired()`` finds the deadline not reached yet and sets the timer again. So the common path of a request
    /// (header, body, response, wait) moves the deadline without cancelling and rescheduling a timer each time (a
    /// scheduled task and often a `timerfd` update per reschedule); only a deadline earlier than the armed one (the
    /// header timeout after an idle wait) reschedules.
    private func schedule() {
        guard let deadline = currentDeadline() else { return }
        if timer != nil, timerDeadline <= deadline { return }
        timer?.cancel()
        arm(at: deadline)
    }

    /// When the current phase ends by timeout; nil while a response is being prepared (no timeout).
    private func currentDeadline() -> NIODeadline? {
        switch phase {
        case .waiting: phaseStart + limits.idleTimeout
        case .readingHeader: phaseStart + limits.headerTimeout
        case .readingBody: phaseStart + limits.bodyTimeout
        case .responding: nil
        case .closing: phaseStart + (answerPending ? limits.answerGrace : limits.linger)
        }
    }

    private func arm(at deadline: NIODeadline) {
        guard let context = rawContext ?? messageContext else { return }
        timerDeadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            timerFired()
        }
    }

    private func timerFired() {
        guard let deadline = currentDeadline() else { return }
        if deadline > .now() {
            // Armed for an earlier phase's deadline: the current phase has time left.
            arm(at: deadline)
            return
        }
        switch phase {
        case .waiting:
            logger.trace("closing a connection: no request within the timeout")
            closeNow()
        case .readingHeader:
            logger.debug("closing a connection: request header not received within the header timeout")
            answer(ProtocolFaults.headerTimeout())
        case .readingBody:
            logger.debug("request body not received within the body timeout")
            // The endpoint is reading the body: it gets the error and answers 408; then the connection closes.
            closeAfterRequest(headsSeen)
            awaitAnswer()
            messageContext?.fireErrorCaught(BodyTimeout())
        case .responding:
            break
        case .closing:
            closeNow()
        }
    }

    /// Drops further input and waits at most `answerGrace` for the answer to be written, then closes.
    private func awaitAnswer() {
        guard !closing else { return }
        answerPending = true
        phase = .closing
        phaseStart = .now()
        if let id { registry.update(id, activity: .busy, since: phaseStart) }
        schedule()
    }

    /// An error answer to a request that could not be decoded, written below the HTTP encoder, then close.
    private func answer(_ error: STSError) {
        guard let context = rawContext else { return closeNow() }
        let answer = ProtocolFaults.rawResponse(error)
        closing = true
        context.writeAndFlush(NIOAny(answer)).assumeIsolated().whenComplete { [self] _ in
            startClosing()
        }
        phase = .closing
        phaseStart = .now()
        answerPending = true
        schedule()
    }

    /// Shuts the output (the peer reads to the end of the answer), drops further input, and closes after the
    /// linger time or when the peer closes.
    private func startClosing() {
        beginLinger()
        if let id { registry.update(id, activity: .idle, since: .distantPast) }
        rawContext?.close(mode: .output, promise: nil)
    }

    /// Enters the closing phase: no more input, the linger timer running.
    private func beginLinger() {
        closing = true
        answerPending = false
        phase = .closing
        phaseStart = .now()
        schedule()
    }

    private func closeNow() {
        timer?.cancel()
        timer = nil
        (rawContext ?? messageContext)?.close(promise: nil)
    }

    // MARK: Handlers

    /// At the front of the pipeline: raw bytes.
    final class RawBytes: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        typealias OutboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let owner: ConnectionGuard

        init(_ owner: ConnectionGuard) {
            self.owner = owner
        }

        func handlerAdded(context: ChannelHandlerContext) {
            owner.rawContext = context
            if context.channel.isActive { owner.channelActive() }
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            owner.channelInactive()
        }

        func channelActive(context: ChannelHandlerContext) {
            owner.channelActive()
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            owner.channelInactive()
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            // A closing connection reads nothing more: no request after the last answer, no unbounded body.
            guard !owner.closing, !owner.answerPending, !owner.discardingInput else { return }
            owner.bytesArrived()
            context.fireChannelRead(data)
        }

        func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
            if mode == .output, !owner.closing {
                // The request loop finished (the peer closed its side, or the last response was written).
                owner.beginLinger()
            }
            context.close(mode: mode, promise: promise)
        }
    }

    /// After the HTTP decoder: request heads and ends, response heads and ends.
    final class Messages: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias InboundOut = HTTPServerRequestPart
        typealias OutboundIn = HTTPServerResponsePart
        typealias OutboundOut = HTTPServerResponsePart

        let owner: ConnectionGuard

        init(_ owner: ConnectionGuard) {
            self.owner = owner
        }

        func handlerAdded(context: ChannelHandlerContext) {
            owner.messageContext = context
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): owner.requestHead(head)
            case .body: break
            case .end: owner.requestEnd()
            }
            context.fireChannelRead(data)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if let parserError = error as? HTTPParserError, !owner.parseFailed(parserError) {
                return
            }
            context.fireErrorCaught(error)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            switch unwrapOutboundIn(data) {
            case .head(var head):
                owner.responseHead(&head)
                context.write(wrapOutboundOut(.head(head)), promise: promise)
            case .body:
                context.write(data, promise: promise)
            case .end:
                let written = promise ?? context.eventLoop.makePromise(of: Void.self)
                context.write(data, promise: written)
                let owner = self.owner
                written.futureResult.assumeIsolated().whenComplete { _ in owner.responseWritten() }
            }
        }
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
