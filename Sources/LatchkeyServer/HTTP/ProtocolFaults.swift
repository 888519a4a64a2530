import HTTPTypes
import LatchkeyModel
import NIOCore
import NIOHTTP1

extension STSError.Code {
    /// The request's header or body did not arrive within its timeout (S3's code; SDKs retry it). 408, as ALB
    /// answers a client that stops sending.
    static let requestTimeout = STSError.Code("RequestTimeout", 408)
    /// The bytes received are not a well-formed HTTP/1.1 request (bad chunked encoding, bad header syntax, not
    /// HTTP at all).
    static let invalidRequest = STSError.Code("InvalidRequest", 400)
    /// Too many header fields, or a header line too long (S3's code).
    static let requestHeaderSectionTooLarge = STSError.Code("RequestHeaderSectionTooLarge", 400)
}

/// Faults below the Query endpoint (timeouts, HTTP parse errors) as AWS error documents, rendered by the same
/// writer as every other error (``QueryEndpoint/errorDocument(_:api:requestId:)``).
enum ProtocolFaults {
    /// The decoder's limits (Hummingbird's defaults, kept): longest header line, largest header section, most
    /// header fields.
    static let maxHeaderFieldSize = 80 * 1024
    static let maxHeaderListSize = 80 * 1024
    static let maxHeaderFieldCount = 1000

    static func headerTimeout() -> STSError {
        STSError(.requestTimeout, "The request header was not received within the header timeout.")
    }

    static func bodyTimeout(cause: any Error) -> STSError {
        STSError(.requestTimeout, "The request body was not received within the body timeout.", cause: cause)
    }

    /// The error for a request the HTTP decoder rejected.
    static func error(for parserError: HTTPParserError) -> STSError {
        switch parserError {
        case .headerOverflow:
            return STSError(
                .requestHeaderSectionTooLarge,
                "The request header section is too large: at most \(maxHeaderFieldCount) fields and \(maxHeaderListSize / 1024) KiB.",
                cause: parserError)
        case .invalidChunkSize:
            return STSError(.invalidRequest, "The request body's chunked encoding is malformed.", cause: parserError)
        case .invalidContentLength, .unexpectedContentLength:
            return STSError(.invalidRequest, "The request's Content-Length is invalid.", cause: parserError)
        case .invalidEOFState, .closedConnection:
            return STSError(.invalidRequest, "The request ended before its body was complete.", cause: parserError)
        default:
            return STSError(.invalidRequest, "The request is not a well-formed HTTP/1.1 request.", cause: parserError)
        }
    }

    /// The head and body of an error answer that closes the connection.
    static func response(_ error: STSError, requestId: String = RequestID.next()) -> (
        head: HTTPResponse, body: ByteBuffer
    ) {
        let body = ByteBuffer(string: QueryEndpoint.errorDocument(error, requestId: requestId))
        let head = HTTPResponse(
            status: .init(code: error.code.httpStatus),
            headerFields: [
                .contentType: "text/xml", QueryEndpoint.requestIdHeader: requestId, .connection: "close",
                .contentLength: String(body.readableBytes),
            ])
        return (head, body)
    }

    /// An error answer as raw HTTP/1.1 bytes, for a connection whose request could not be decoded.
    static func rawResponse(_ error: STSError) -> ByteBuffer {
        let (head, body) = response(error)
        let reason = HTTPResponseStatus(statusCode: head.status.code).reasonPhrase
        var text = "HTTP/1.1 \(head.status.code) \(reason)\r\n"
        for field in head.headerFields {
            text += "\(field.name.rawName): \(field.value)\r\n"
        }
        text += "\r\n"
        var buffer = ByteBuffer(string: text)
        buffer.writeImmutableBuffer(body)
        return buffer
    }
}
