import HTTPTypes
import Hummingbird
import LatchkeyModel
import LatchkeyQuery
import NIOCore

// The wire side of the endpoint: the request's parameters in, the XML (or JSON) document out.
extension QueryEndpoint {
    /// Parameters from the query string and, for POST, the form body; a key in both is a duplicate.
    func parseParameters(request: Request, body: ByteBuffer) throws(STSError) -> QueryParameters {
        var parameters = QueryParameters()
        if var query = request.uri.query {
            let parsed = query.withUTF8 { bytes in
                Result { () throws(QueryDecodingError) in try parameters.append(parsing: UnsafeRawBufferPointer(bytes))
                }
            }
            if case .failure(let error) = parsed { throw error.stsError }
        }
        guard body.readableBytes > 0 else { return parameters }
        if request.method == .get {
            throw STSError(.invalidParameterValue, "A GET request must not carry a body.")
        }
        if !Self.isFormContentType(request.headers) {
            let contentType = request.headers[.contentType] ?? ""
            throw STSError(
                .invalidParameterValue,
                "Unsupported Content-Type \(contentType.prefix(100)). The Query protocol takes application/x-www-form-urlencoded."
            )
        }
        let parsed = body.withUnsafeReadableBytes { bytes in
            Result { () throws(QueryDecodingError) in try parameters.append(parsing: bytes) }
        }
        if case .failure(let error) = parsed { throw error.stsError }
        return parameters
    }

    /// Whether the request has no `Content-Type` or one that starts with `application/x-www-form-urlencoded`, in any
    /// case: `headers[.contentType]?.lowercased().hasPrefix(…)` without joining the values or lowercasing a copy
    /// (the profile's `HTTPFields.subscript.getter` and `joined`). An ASCII value compares byte by byte; any other
    /// takes the String comparison it always had, so the answer is the same.
    static func isFormContentType(_ headers: HTTPFields) -> Bool {
        var found: HTTPField?
        for field in headers where field.name == .contentType {
            found = field
            break
        }
        guard let value = found?.value else { return true }
        let expected = "application/x-www-form-urlencoded".utf8
        let ascii = value.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            guard bytes.count >= expected.count else { return false }
            return zip(bytes, expected).allSatisfy { byte, letter in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == letter
            }
        }
        if let ascii = ascii ?? nil { return ascii }
        let joined = headers[.contentType] ?? value
        return joined.lowercased().hasPrefix("application/x-www-form-urlencoded")
    }

    // MARK: Responses

    func success(action: String, api: QueryAPI, result: ResponseNode?, requestId: String, json: Bool)
        -> Response
    {
        let body: ByteBuffer
        let contentType: String
        if json {
            body = ByteBuffer(string: QueryResponse.json(action: action, result: result, requestId: requestId))
            contentType = "application/json"
        } else {
            // The document's bytes, copied once into the response buffer (no String in between).
            body = ByteBuffer(
                bytes: QueryResponse.xmlBytes(
                    action: action, namespace: api.namespace, result: result, requestId: requestId))
            contentType = "text/xml"
        }
        return Response(
            status: .ok,
            headers: [.contentType: contentType, Self.requestIdHeader: requestId],
            body: .init(byteBuffer: body))
    }

    func failure(_ error: STSError, api: QueryAPI, requestId: String, json: Bool) -> Response {
        let body: ByteBuffer
        let contentType: String
        if json {
            body = ByteBuffer(string: QueryResponse.errorJSON(error, requestId: requestId))
            contentType = "application/json"
        } else {
            body = ByteBuffer(bytes: QueryResponse.errorXMLBytes(error, namespace: api.namespace, requestId: requestId))
            contentType = "text/xml"
        }
        return Response(
            status: HTTPResponse.Status(code: error.code.httpStatus),
            headers: [.contentType: contentType, Self.requestIdHeader: requestId],
            body: .init(byteBuffer: body))
    }

    /// The XML error document of `error`: every error answer, including the faults found below the endpoint
    /// (timeouts, HTTP parse errors; STS's namespace, the API being unknown there).
    static func errorDocument(_ error: STSError, api: QueryAPI = .sts, requestId: String) -> String {
        QueryResponse.errorXML(error, namespace: api.namespace, requestId: requestId)
    }
}
