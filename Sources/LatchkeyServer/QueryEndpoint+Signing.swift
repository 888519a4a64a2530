import Hummingbird
import LatchkeySigV4
import NIOCore

extension QueryEndpoint {
    /// The request as SigV4 sees it: raw path and query as received, every header (the Host header lives in the
    /// request's authority), and the SHA-256 of the body.
    ///
    /// Header names are HTTPTypes' lowercase `canonicalName`, kept beside the name as received, so nothing is
    /// lowercased per request (SigV4 compares names without case and writes them lowercased); values are the
    /// strings HTTPTypes holds. The body is hashed straight from its buffer and the hex written into the string's
    /// own storage.
    static func signableRequest(_ request: Request, body: ByteBuffer) -> SignableRequest {
        var headers: [SignableRequest.Header] = []
        headers.reserveCapacity(request.headers.count + 1)
        if let authority = request.head.authority {
            headers.append(.init(name: "host", value: authority))
        }
        for field in request.headers {
            headers.append(.init(name: field.name.canonicalName, value: field.value))
        }
        let payloadHash: String
        if body.readableBytes == 0 {
            payloadHash = SigV4.emptyPayloadHash
        } else {
            payloadHash = body.withUnsafeReadableBytes { SignableRequest.hashPayload(bytes: $0) }
        }
        return SignableRequest(
            method: request.method.rawValue, rawPath: request.uri.path, rawQuery: request.uri.query ?? "",
            headers: headers, payloadHash: payloadHash)
    }
}
