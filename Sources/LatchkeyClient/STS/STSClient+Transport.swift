import AsyncHTTPClient
import Foundation
import LatchkeyModel
import LatchkeyQuery
import LatchkeySigV4
import NIOCore
import NIOHTTP1

/// What one attempt received: the status, two headers and the body (at most the size limit).
struct RawResponse: Sendable {
    var status: Int
    var contentType: String?
    var requestIdHeader: String?
    var body: [UInt8]
    /// Set when the body could not be read completely (too large, or the connection failed mid-body).
    var bodyFailure: String?

    var bodyPrefix: String { String(decoding: body.prefix(256), as: UTF8.self) }

    func malformed(_ reason: String) -> STSClientError {
        .malformedResponse(
            .init(status: status, contentType: contentType, bodyPrefix: bodyPrefix, reason: reason))
    }
}

/// The result of one attempt, and whether another attempt may do better.
enum AttemptOutcome {
    case success(QueryResultDocument, RawResponse)
    case failure(STSClientError, retryable: Bool)
}

extension STSClient {
    /// Validates, sends (with retries) and decodes one operation.
    func perform<Input: STSOperationRequest>(
        _ input: Input
    ) async throws -> STSResponse<Input.Output> where Input.Output: ResponseDecodable {
        try validate(input)
        return try await send(
            Input.Output.self, action: Input.operation.name, body: input.formEncodedBody,
            signingService: Input.isUnsigned ? nil : "sts")
    }

    /// Sends `body` to the endpoint (with retries), signed for `signingService` (nil: unsigned), and decodes the
    /// answer of `action`.
    func send<Output: ResponseDecodable>(
        _: Output.Type, action: String, body: String, signingService: String?
    ) async throws -> STSResponse<Output> {
        let endpoint = try STSEndpoint(parsing: resolvedEndpoint)
        let policy = configuration.retryPolicy
        var attempt = 0
        while true {
            attempt += 1
            let outcome = try await attemptOnce(
                action, body: body, signingService: signingService, endpoint: endpoint, attempt: attempt)
            switch outcome {
            case .success(let document, let raw):
                do throws(ResponseDecodingError) {
                    let output = try Output(result: document.result)
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

    /// Runs the server's own validation on the parameters (the operation's constraint table), so a bad input fails
    /// as AWS would word it.
    func validate<Input: OperationInput>(_ input: Input) throws(STSClientError) {
        var parameters: [String: String] = [:]
        for pair in input.queryParameters { parameters[pair.name] = pair.value }
        do throws(STSError) {
            _ = try Input.operation.schema.decode(parameters)
        } catch {
            throw .invalidRequest(code: STSServiceError.Code(rawValue: error.code.wireCode), message: error.message)
        }
    }

    /// One POST, signed for `signingService` (nil: unsigned), bounded by the timeout, interpreted.
    func attemptOnce(
        _ action: String, body: String, signingService: String?, endpoint: STSEndpoint, attempt: Int
    ) async throws -> AttemptOutcome {
        var headers: [SignableRequest.Header] = [
            .init(name: "Host", value: endpoint.hostHeader),
            .init(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
        ]
        if let signingService {
            guard let provider = configuration.credentialProvider else {
                throw STSClientError.missingCredentials(
                    "\(action) must be signed, and the configuration has no credential provider")
            }
            let credentials = try await provider.credentials()
            let signer = SigV4Signer(
                credentials: SigV4Credentials(
                    accessKeyID: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey,
                    sessionToken: credentials.sessionToken),
                region: region, service: signingService)
            let unsigned = SignableRequest(
                method: "POST", rawPath: endpoint.path, headers: headers,
                payloadHash: SignableRequest.hashPayload(Array(body.utf8)))
            do {
                headers = try signer.sign(unsigned, date: Date()).request.headers
            } catch {
                throw STSClientError.missingCredentials("the request could not be signed: \(error)")
            }
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

    /// Sends `request` and reads the answer, failing after ``Configuration/timeout``.
    func execute(_ request: HTTPClientRequest) async throws -> RawResponse {
        let timeout = configuration.timeout
        let client = httpClient
        return try await withThrowingTaskGroup(of: RawResponse?.self) { group in
            group.addTask {
                try await Self.exchange(request, client: client, timeout: timeout)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                throw TransportFailureSignal(isTimeout: true, message: "no complete response within \(timeout)")
            }
            return response
        }
    }

    /// The request and its body, as plain values; transport errors become ``TransportFailureSignal``.
    @concurrent
    static func exchange(_ request: HTTPClientRequest, client: HTTPClient, timeout: Duration) async throws
        -> RawResponse
    {
        let response: HTTPClientResponse
        do {
            let (seconds, attoseconds) = timeout.components
            let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
            response = try await client.execute(request, deadline: .now() + .nanoseconds(nanoseconds + 100_000_000))
        } catch {
            throw TransportFailureSignal(error)
        }
        var raw = RawResponse(
            status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
            requestIdHeader: response.headers.first(name: "x-amzn-RequestId"), body: [])
        do {
            for try await chunk in response.body {
                let room = maximumResponseBytes - raw.body.count
                if chunk.readableBytes > room {
                    raw.body.append(contentsOf: chunk.readableBytesView.prefix(room))
                    raw.bodyFailure = "the body is larger than \(maximumResponseBytes) bytes"
                    break
                }
                raw.body.append(contentsOf: chunk.readableBytesView)
            }
        } catch {
            try Task.checkCancellation()
            raw.bodyFailure = "the body was cut off after \(raw.body.count) bytes (\(error))"
        }
        return raw
    }

    /// Turns what was received into a result document or a typed error.
    func interpret(_ raw: RawResponse, action: String) -> AttemptOutcome {
        if let failure = raw.bodyFailure {
            return .failure(
                raw.malformed(failure), retryable: raw.status >= 500 || failure.hasPrefix("the body was cut"))
        }
        let limits = XMLReader.Limits(maxInputLength: Self.maximumResponseBytes)
        switch raw.status {
        case 200:
            let type = raw.contentType?.lowercased() ?? ""
            guard type.hasPrefix("text/xml") || type.hasPrefix("application/xml") else {
                return .failure(raw.malformed("unexpected content type for an XML response"), retryable: false)
            }
            guard !raw.body.isEmpty else { return .failure(raw.malformed("the body is empty"), retryable: false) }
            do {
                return .success(try QueryResponse.parse(xml: raw.body, action: action, limits: limits), raw)
            } catch {
                return .failure(
                    raw.malformed("the body is not a \(action)Response document: \(error)"), retryable: false)
            }
        case 400...599:
            guard let document = try? QueryResponse.parseError(xml: raw.body, limits: limits) else {
                return .failure(
                    raw.malformed("HTTP \(raw.status) without an AWS error document"), retryable: raw.status >= 500)
            }
            let error = STSServiceError(
                code: STSServiceError.Code(rawValue: document.code), message: document.message,
                requestId: document.requestId ?? raw.requestIdHeader, httpStatus: raw.status,
                type: document.type.flatMap(STSServiceError.Fault.init(rawValue:)))
            return .failure(.service(error), retryable: error.isRetryable)
        default:
            return .failure(raw.malformed("unexpected status \(raw.status)"), retryable: false)
        }
    }
}

/// A transport failure inside one attempt: connection refused or reset, or a timeout.
struct TransportFailureSignal: Error {
    var isTimeout: Bool
    var message: String

    init(isTimeout: Bool, message: String) {
        self.isTimeout = isTimeout
        self.message = message
    }

    init(_ error: any Error) {
        if let error = error as? HTTPClientError {
            isTimeout = [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(error)
        } else {
            isTimeout = false
        }
        message = "\(error)"
    }
}
