/// Everything an ``STSClient`` call can throw.
///
/// - ``service(_:)``: the endpoint answered with an AWS error document (after any retries).
/// - ``invalidRequest(code:message:)``: the input broke the model's constraints and was not sent. The code is
///   `ValidationError` (message `N validation error(s) detected: …`, as AWS words it) or
///   `InvalidParameterValue`, exactly what the server would have answered.
/// - ``malformedResponse(_:)``: the endpoint answered something that is not an STS response: an unexpected
///   status, a wrong content type, a truncated or unreadable body, a body over 1 MiB.
/// - ``transport(_:)``: no response: connection refused or reset, timeout (after any retries).
/// - ``missingCredentials(_:)``: a signed operation without a credential provider, or the provider failed.
/// - ``invalidEndpoint(_:)``: the configured endpoint is not an `http` or `https` URL.
public enum STSClientError: Error, Sendable, CustomStringConvertible {
    case service(STSServiceError)
    case invalidRequest(code: STSServiceError.Code, message: String)
    case malformedResponse(MalformedResponse)
    case transport(TransportFailure)
    case missingCredentials(String)
    case invalidEndpoint(String)

    /// What was received when the response could not be read as an STS response.
    public struct MalformedResponse: Sendable, Hashable, CustomStringConvertible {
        /// The HTTP status.
        public var status: Int
        /// The `Content-Type` header, if any.
        public var contentType: String?
        /// Up to the first 256 bytes of the body (invalid UTF-8 replaced), for diagnosis.
        public var bodyPrefix: String
        /// What was wrong, e.g. `unexpected status 302` or `the body is not XML: …`.
        public var reason: String

        /// Creates a description of a bad response.
        public init(status: Int, contentType: String?, bodyPrefix: String, reason: String) {
            self.status = status
            self.contentType = contentType
            self.bodyPrefix = bodyPrefix
            self.reason = reason
        }

        public var description: String {
            "\(reason) (HTTP \(status), Content-Type \(contentType ?? "none"), body starts \(bodyPrefix.debugDescription))"
        }
    }

    /// A failure to get any response.
    public struct TransportFailure: Sendable, Hashable, CustomStringConvertible {
        /// Whether the attempt ran out of the configured timeout.
        public var isTimeout: Bool
        /// What went wrong (the underlying error's description).
        public var message: String
        /// How many attempts were made.
        public var attempts: Int

        /// Creates a transport failure.
        public init(isTimeout: Bool, message: String, attempts: Int) {
            self.isTimeout = isTimeout
            self.message = message
            self.attempts = attempts
        }

        public var description: String {
            (isTimeout ? "timed out" : "transport error") + " after \(attempts) attempt(s): \(message)"
        }
    }

    public var description: String {
        switch self {
        case .service(let error): "STS error \(error)"
        case .invalidRequest(let code, let message): "invalid request, not sent: \(code.rawValue): \(message)"
        case .malformedResponse(let response): "malformed response: \(response)"
        case .transport(let failure): failure.description
        case .missingCredentials(let reason): "missing credentials: \(reason)"
        case .invalidEndpoint(let reason): "invalid endpoint: \(reason)"
        }
    }

    /// The service error, when this is ``service(_:)``.
    public var serviceError: STSServiceError? {
        if case .service(let error) = self { return error }
        return nil
    }
}
