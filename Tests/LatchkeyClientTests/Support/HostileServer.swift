import Foundation
import HTTPTypes
import Hummingbird
import LatchkeyClient
import LatchkeyTestSupport
import NIOCore
import Synchronization

/// A loopback HTTP server that answers from a script, to see how the client copes with bad answers.
final class HostileServer: Sendable {
    /// One scripted answer.
    enum Reply: Sendable {
        /// A status, a content type and a body.
        case respond(status: Int, contentType: String?, body: String, headers: [(String, String)] = [])
        /// A `text/xml` body of `count` bytes.
        case huge(count: Int)
        /// Never answers (the handler waits until the server stops, at most 5 s).
        case hang
    }

    /// What the client sent.
    struct Recorded: Sendable {
        var authorization: String?
        var securityToken: String?
        var amzDate: String?
        var contentType: String?
        var host: String?
        var body: String
    }

    private let state: Mutex<(replies: [Reply], recorded: [Recorded])>

    /// Answers with `replies` in order; the last one repeats.
    init(_ replies: [Reply]) {
        state = Mutex((replies, []))
    }

    /// The requests received so far.
    var requests: [Recorded] { state.withLock { $0.recorded } }

    private func next(_ recorded: Recorded) -> Reply {
        state.withLock { state in
            state.recorded.append(recorded)
            return state.replies.count > 1 ? state.replies.removeFirst() : state.replies[0]
        }
    }

    /// Runs the server on a loopback port until `body` returns; `body` gets the endpoint URL.
    func run<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        let router = Router()
        router.on("/", method: .post) { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let recorded = Recorded(
                authorization: request.headers[.authorization],
                securityToken: request.headers[HTTPField.Name("X-Amz-Security-Token")!],
                amzDate: request.headers[HTTPField.Name("X-Amz-Date")!], contentType: request.headers[.contentType],
                host: request.head.authority,
                body: String(buffer: bytes))
            switch self.next(recorded) {
            case .respond(let status, let contentType, let text, let extra):
                var headers = HTTPFields()
                if let contentType { headers[.contentType] = contentType }
                for (name, value) in extra {
                    if let field = HTTPField.Name(name) { headers[field] = value }
                }
                return Response(
                    status: HTTPResponse.Status(code: status), headers: headers,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            case .huge(let count):
                let buffer = ByteBuffer(repeating: UInt8(ascii: "a"), count: count)
                return Response(
                    status: .ok, headers: [.contentType: "text/xml"], body: ResponseBody(byteBuffer: buffer))
            case .hang:
                try? await Task.sleep(for: .seconds(5))
                return Response(status: .serviceUnavailable)
            }
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: quietLogger("hostile"))
        return try await withRunningApplication(application, ports: ports) { port in
            try await body("http://127.0.0.1:\(port)")
        }
    }

    // MARK: Canned documents

    static let callerIdentityXML = """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>\
        <Arn>arn:aws:iam::123456789012:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>\
        </GetCallerIdentityResult><ResponseMetadata><RequestId>req-ok</RequestId></ResponseMetadata>\
        </GetCallerIdentityResponse>
        """

    static func errorXML(_ code: String, _ message: String, type: String = "Sender", requestId: String = "req-err")
        -> String
    {
        """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>\(type)</Type>\
        <Code>\(code)</Code><Message>\(message)</Message></Error><RequestId>\(requestId)</RequestId></ErrorResponse>
        """
    }

    static let ok = Reply.respond(status: 200, contentType: "text/xml", body: callerIdentityXML)
    static let throttled = Reply.respond(
        status: 400, contentType: "text/xml", body: errorXML("Throttling", "Rate exceeded"))
    static let internalFailure = Reply.respond(
        status: 500, contentType: "text/xml", body: errorXML("InternalFailure", "oops", type: "Receiver"))
}
