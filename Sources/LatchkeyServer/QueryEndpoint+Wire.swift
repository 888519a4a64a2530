import HTTPTypes
import Hummingbird
import LatchkeyModel
import LatchkeyQuery
import NIOCore

// The wire side of the endpoint: the request's parameters in, the XML (or JSON) document out.
extension QueryEndpoint {
    /// Parameters from the query string and, for POST, the form body; a key in both is a duplicate.
    func parseParameters(request: Request, body: ByteBuffer) throws(STSError) -> QueryParameters {
        var parameters: QueryParameters
        do {
            parameters = try QueryParameters.parse(Array((request.uri.query ?? "").utf8))
        } catch {
            throw error.stsError
        }
        guard body.readableBytes > 0 else { return parameters }
        if request.method == .get {
            throw STSError(.invalidParameterValue, "A GET request must not carry a body.")
        }
        if let contentType = request.headers[.contentType],
            !contentType.lowercased().hasPrefix("application/x-www-form-urlencoded")
        {
            throw STSError(
                .invalidParameterValue,
                "Unsupported Content-Type \(contentType.prefix(100)). The Query protocol takes application/x-www-form-urlencoded."
            )
        }
        do {
            let form = try QueryParameters.parse(body.readableBytesView)
            for parameter in form {
                try parameters.append(key: parameter.key, value: parameter.value)
            }
        } catch {
            throw error.stsError
        }
        return parameters
    }

    // MARK: Responses

    func success(action: String, api: QueryAPI, result: ResponseNode?, requestId: String, json: Bool)
        -> Response
    {
        let text: String
        let contentType: String
        if json {
            text = QueryResponse.json(action: action, result: result, requestId: requestId)
            contentType = "application/json"
        } else {
            text = QueryResponse.xml(action: action, namespace: api.namespace, result: result, requestId: requestId)
            contentType = "text/xml"
        }
        return Response(
            status: .ok,
            headers: [.contentType: contentType, Self.requestIdHeader: requestId],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func failure(_ error: STSError, api: QueryAPI, requestId: String, json: Bool) -> Response {
        let text: String
        let contentType: String
        if json {
            text = QueryResponse.errorJSON(error, requestId: requestId)
            contentType = "application/json"
        } else {
            text = Self.errorDocument(error, api: api, requestId: requestId)
            contentType = "text/xml"
        }
        return Response(
            status: HTTPResponse.Status(code: error.code.httpStatus),
            headers: [.contentType: contentType, Self.requestIdHeader: requestId],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The XML error document of `error`: every error answer, including the faults found below the endpoint
    /// (timeouts, HTTP parse errors; STS's namespace, the API being unknown there).
    static func errorDocument(_ error: STSError, api: QueryAPI = .sts, requestId: String) -> String {
        QueryResponse.errorXML(error, namespace: api.namespace, requestId: requestId)
    }
}
