import AsyncHTTPClient
import Foundation
public import LatchkeyModel
import LatchkeyQuery
import LatchkeySigV4
import NIOCore
import NIOHTTP1

extension STSClient {
    /// The IAM API version of Latchkey's IAM extension calls.
    public static let iamAPIVersion = "2010-05-08"

    /// `RevokeSessions`, a Latchkey extension on the IAM API (AWS has no such call): refuses every session named
    /// by `AccessKeyId` or `PrincipalArn` that was issued before `IssuedBefore`. Latchkey serves IAM on the same
    /// endpoint as STS, so the call goes to ``resolvedEndpoint``, signed for the service `iam`, with the same
    /// validation, retries and errors as the STS calls.
    public func revokeSessions(_ input: RevokeSessionsInput) async throws -> STSResponse<RevokeSessionsOutput> {
        try await performIAM(input)
    }

    /// Validates, sends (with retries) and decodes one IAM operation (API version ``iamAPIVersion``).
    func performIAM<Input: OperationInput>(_ input: Input) async throws -> STSResponse<Input.Output>
    where Input.Output: ResponseDecodable {
        var parameters: [String: String] = [:]
        for pair in input.queryParameters { parameters[pair.name] = pair.value }
        do throws(STSError) {
            _ = try Input.operation.schema.decode(parameters)
        } catch {
            throw STSClientError.invalidRequest(
                code: STSServiceError.Code(rawValue: error.code.wireCode), message: error.message)
        }
        let endpoint = try STSEndpoint(parsing: resolvedEndpoint)
        let pairs =
            [("Action", Input.operation.name), ("Version", Self.iamAPIVersion)]
            + input.queryParameters.map { ($0.name, $0.value) }
        var body = ""
        for (index, pair) in pairs.enumerated() {
            if index > 0 { body += "&" }
            QueryParameters.percentEncode(pair.0, into: &body)
            body += "="
            QueryParameters.percentEncode(pair.1, into: &body)
        }
        let policy = configuration.retryPolicy
        var attempt = 0
        while true {
            attempt += 1
            let outcome = try await attemptIAM(Input.operation.name, body: body, endpoint: endpoint, attempt: attempt)
            switch outcome {
            case .success(let document, let raw):
                do throws(ResponseDecodingError) {
                    let output = try Input.Output(result: document.result)
                    return STSResponse(output, requestId: document.requestId ?? raw.requestIdHeader)
                } catch {
                    throw raw.malformed(error.reason)
                }
            case .failure(let error, let retryable):
                guard retryable, attempt < policy.maxAttempts else { throw error }
                try await policy.sleep(policy.delay(beforeRetry: attempt))
            }
        }
    }

    /// One signed POST of an IAM action, bounded by the timeout, interpreted.
    private func attemptIAM(_ action: String, body: String, endpoint: STSEndpoint, attempt: Int) async throws
        -> AttemptOutcome
    {
        var headers: [SignableRequest.Header] = [
            .init(name: "Host", value: endpoint.hostHeader),
            .init(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
        ]
        guard let provider = configuration.credentialProvider else {
            throw STSClientError.missingCredentials(
                "\(action) must be signed, and the configuration has no credential provider")
        }
        let credentials = try await provider.credentials()
        let signer = SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
                sessionToken: credentials.sessionToken),
            region: region, service: "iam")
        let unsigned = SignableRequest(
            method: "POST", rawPath: endpoint.path, headers: headers,
            payloadHash: SignableRequest.hashPayload(Array(body.utf8)))
        do {
            headers = try signer.sign(unsigned, date: Date()).request.headers
        } catch {
            throw STSClientError.missingCredentials("the request could not be signed: \(error)")
        }
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.headers.add(name: "User-Agent", value: "latchkey-sts-client/1")
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let raw = try await execute(request)
            return interpret(raw, action: action)
        } catch let failure as TransportFailureSignal {
            try Task.checkCancellation()
            return .failure(
                .transport(.init(isTimeout: failure.isTimeout, message: failure.message, attempts: attempt)),
                retryable: true)
        }
    }
}
