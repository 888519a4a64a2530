/// An error document returned by an STS endpoint: AWS's `<ErrorResponse>` decoded.
///
/// ``code`` keeps the wire code as sent, so codes this client does not know are not lost; compare it with the
/// static members of ``Code`` (`error.code == .expiredToken`). ``httpStatus`` is the status the response came
/// with, ``requestId`` the `RequestId` of the document (or the `x-amzn-RequestId` header when the document has
/// none).
public struct STSServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An STS error code as it appears on the wire. Unknown codes are kept as raw strings.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible,
        ExpressibleByStringLiteral
    {
        /// The wire code, e.g. `InvalidClientTokenId`.
        public var rawValue: String

        /// A code from its wire text.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A code from a literal.
        public init(stringLiteral value: String) { self.rawValue = value }

        public var description: String { rawValue }

        // Common errors (STS API Reference, "Common Errors"), plus those AWS returns for authentication.
        public static let accessDenied: Code = "AccessDenied"
        public static let accessDeniedException: Code = "AccessDeniedException"
        public static let expiredToken: Code = "ExpiredToken"
        public static let incompleteSignature: Code = "IncompleteSignature"
        public static let internalFailure: Code = "InternalFailure"
        public static let invalidAction: Code = "InvalidAction"
        public static let invalidClientTokenId: Code = "InvalidClientTokenId"
        public static let invalidParameterCombination: Code = "InvalidParameterCombination"
        public static let invalidParameterValue: Code = "InvalidParameterValue"
        public static let invalidQueryParameter: Code = "InvalidQueryParameter"
        public static let malformedQueryString: Code = "MalformedQueryString"
        public static let missingAction: Code = "MissingAction"
        public static let missingAuthenticationToken: Code = "MissingAuthenticationToken"
        public static let missingParameter: Code = "MissingParameter"
        public static let notAuthorized: Code = "NotAuthorized"
        public static let optInRequired: Code = "OptInRequired"
        public static let requestExpired: Code = "RequestExpired"
        public static let requestLimitExceeded: Code = "RequestLimitExceeded"
        public static let serviceUnavailable: Code = "ServiceUnavailable"
        public static let signatureDoesNotMatch: Code = "SignatureDoesNotMatch"
        public static let throttling: Code = "Throttling"
        public static let throttlingException: Code = "ThrottlingException"
        public static let validationError: Code = "ValidationError"

        // Modelled errors (`error.code` of the exception shapes in sts-2011-06-15.json).
        public static let expiredTokenException: Code = "ExpiredTokenException"
        public static let expiredTradeInTokenException: Code = "ExpiredTradeInTokenException"
        public static let idpCommunicationError: Code = "IDPCommunicationError"
        public static let idpRejectedClaim: Code = "IDPRejectedClaim"
        public static let invalidAuthorizationMessageException: Code = "InvalidAuthorizationMessageException"
        public static let invalidIdentityToken: Code = "InvalidIdentityToken"
        public static let jwtPayloadSizeExceededException: Code = "JWTPayloadSizeExceededException"
        public static let malformedPolicyDocument: Code = "MalformedPolicyDocument"
        public static let outboundWebIdentityFederationDisabledException: Code =
            "OutboundWebIdentityFederationDisabledException"
        public static let packedPolicyTooLarge: Code = "PackedPolicyTooLarge"
        public static let regionDisabledException: Code = "RegionDisabledException"
        public static let sessionDurationEscalationException: Code = "SessionDurationEscalationException"

        /// Every code above, the modelled ones included.
        public static let known: [Code] = [
            .accessDenied, .accessDeniedException, .expiredToken, .incompleteSignature, .internalFailure,
            .invalidAction, .invalidClientTokenId, .invalidParameterCombination, .invalidParameterValue,
            .invalidQueryParameter, .malformedQueryString, .missingAction, .missingAuthenticationToken,
            .missingParameter, .notAuthorized, .optInRequired, .requestExpired, .requestLimitExceeded,
            .serviceUnavailable, .signatureDoesNotMatch, .throttling, .throttlingException, .validationError,
            .expiredTokenException, .expiredTradeInTokenException, .idpCommunicationError, .idpRejectedClaim,
            .invalidAuthorizationMessageException, .invalidIdentityToken, .jwtPayloadSizeExceededException,
            .malformedPolicyDocument, .outboundWebIdentityFederationDisabledException, .packedPolicyTooLarge,
            .regionDisabledException, .sessionDurationEscalationException,
        ]

        /// Whether this code is one of ``known``.
        public var isKnown: Bool { Self.known.contains(self) }

        /// Codes the client retries even though they come with a 4xx status: throttling, and
        /// `IDPCommunicationError` (the identity provider could not be reached, as the SDKs retry it).
        public var isRetryable: Bool {
            self == .throttling || self == .throttlingException || self == .requestLimitExceeded
                || self == .idpCommunicationError
        }
    }

    /// Whose fault the error is, from `<Type>`.
    public enum Fault: String, Sendable, Hashable {
        /// The request was wrong (`Sender`).
        case sender = "Sender"
        /// The service failed (`Receiver`).
        case receiver = "Receiver"
    }

    /// The wire code.
    public var code: Code
    /// The message AWS sent (empty when the document had none).
    public var message: String
    /// The request ID of the failed call, when the response carried one.
    public var requestId: String?
    /// The HTTP status of the response.
    public var httpStatus: Int
    /// `<Type>` of the document; `nil` when absent or neither `Sender` nor `Receiver`.
    public var type: Fault?

    /// Creates an error.
    public init(code: Code, message: String, requestId: String? = nil, httpStatus: Int, type: Fault? = nil) {
        self.code = code
        self.message = message
        self.requestId = requestId
        self.httpStatus = httpStatus
        self.type = type
    }

    /// `Code (status): message [request ID]`.
    public var description: String {
        "\(code.rawValue) (HTTP \(httpStatus)): \(message)" + (requestId.map { " [request \($0)]" } ?? "")
    }

    /// Whether the client retries a response carrying this error: any 5xx, and the codes of
    /// ``Code/isRetryable``.
    public var isRetryable: Bool { httpStatus >= 500 || code.isRetryable }
}
