import Foundation
import HTTPTypes
import LatchkeyQuery
import LatchkeySigV4
import NIOCore

/// One HTTP request, byte for byte as it goes on the wire (the live client adds `Host: localhost`,
/// `Content-Length` and `Connection: keep-alive`).
struct HTTPCall: Sendable {
    var method: HTTPRequest.Method
    /// Path and query, e.g. `/?Action=GetCallerIdentity&...`.
    var uri: String
    var headers: HTTPFields
    var body: ByteBuffer?
}

struct TestRequestError: Error, CustomStringConvertible {
    var description: String
}

/// Form encoding as the SDKs do it: RFC 3986 unreserved characters kept, everything else `%XX`.
func formEncode(_ pairs: [(String, String)]) -> String {
    var output = ""
    for (index, pair) in pairs.enumerated() {
        if index > 0 { output += "&" }
        QueryParameters.percentEncode(pair.0, into: &output)
        output += "="
        QueryParameters.percentEncode(pair.1, into: &output)
    }
    return output
}

/// The SigV4 service that signs requests for an API version (`sts` for 2011-06-15, `iam` for 2010-05-08).
func signingService(forVersion version: String) -> String {
    version == TestServer.iamVersion ? "iam" : "sts"
}

/// `Action`, `Version` and the operation's parameters, in that order.
func operationPairs(action: String, version: String, params: KeyValuePairs<String, String>) -> [(String, String)] {
    [("Action", action), ("Version", version)] + params.map { ($0.key, $0.value) }
}

/// A form-encoded `POST /` as an SDK sends it, signed with SigV4 in the `Authorization` header (with
/// `X-Amz-Security-Token` for temporary credentials). `credentials: nil` leaves it unsigned.
func signedRequest(
    action: String,
    version: String = TestServer.stsVersion,
    params: KeyValuePairs<String, String> = [:],
    credentials: SigV4Credentials?,
    service: String? = nil,
    date: Date,
    headers extra: [(String, String)] = []
) throws -> HTTPCall {
    try signedPOST(
        body: formEncode(operationPairs(action: action, version: version, params: params)),
        credentials: credentials, service: service ?? signingService(forVersion: version), date: date,
        headers: extra)
}

/// A `POST` with exactly `body` (and `query`), signed like ``signedRequest(action:version:params:credentials:service:date:headers:)``.
func signedPOST(
    body: String,
    query: String = "",
    credentials: SigV4Credentials?,
    service: String = "sts",
    date: Date,
    contentType: String? = "application/x-www-form-urlencoded; charset=utf-8",
    headers extra: [(String, String)] = []
) throws -> HTTPCall {
    var headers: [SignableRequest.Header] = [.init(name: "Host", value: TestServer.host)]
    if let contentType { headers.append(.init(name: "Content-Type", value: contentType)) }
    headers += extra.map { SignableRequest.Header(name: $0.0, value: $0.1) }
    var request = SignableRequest(
        method: "POST", rawPath: "/", rawQuery: query, headers: headers,
        payloadHash: SignableRequest.hashPayload(Array(body.utf8)))
    if let credentials {
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: service)
        request = try signer.sign(request, date: date).request
    }
    return HTTPCall(
        method: .post, uri: query.isEmpty ? "/" : "/?" + query, headers: try httpFields(request.headers),
        body: ByteBuffer(string: body))
}

/// A presigned `GET /?Action=...&X-Amz-...` as `aws sts get-caller-identity` would presign it.
func presignedRequest(
    action: String,
    version: String = TestServer.stsVersion,
    params: KeyValuePairs<String, String> = [:],
    credentials: SigV4Credentials,
    service: String? = nil,
    date: Date,
    expires: Int = 900
) throws -> HTTPCall {
    let query = formEncode(operationPairs(action: action, version: version, params: params))
    let request = SignableRequest(
        method: "GET", rawPath: "/", rawQuery: query, headers: [.init(name: "Host", value: TestServer.host)])
    let signer = SigV4Signer(
        credentials: credentials, region: "us-east-1", service: service ?? signingService(forVersion: version))
    let signed = try signer.presign(request, date: date, expires: expires).request
    return HTTPCall(method: .get, uri: "/?" + signed.rawQuery, headers: try httpFields(signed.headers), body: nil)
}

/// Header fields for the client; `Host` is left out because the live client sends the authority itself.
func httpFields(_ headers: [SignableRequest.Header]) throws -> HTTPFields {
    var fields = HTTPFields()
    for header in headers where header.name.lowercased() != "host" {
        guard let name = HTTPField.Name(header.name) else {
            throw TestRequestError(description: "invalid header name \(header.name)")
        }
        fields.append(HTTPField(name: name, value: header.value))
    }
    return fields
}

/// The same request with one header's value replaced after signing (the signature no longer covers it).
func replacingHeader(_ name: String, with value: String, in call: HTTPCall) throws -> HTTPCall {
    var call = call
    guard let field = HTTPField.Name(name) else { throw TestRequestError(description: "invalid header name \(name)") }
    call.headers[field] = value
    return call
}
