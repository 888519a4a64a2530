/// An error as AWS puts it on the wire: a code (with its HTTP status and fault), and a message.
///
/// Lower modules keep their own small errors; the core and the server convert them to `STSError`
/// at the boundary. Only `code` and `message` ever reach a client. `cause` is for logs only.
/// Equality and hashing consider the code alone, so tests can compare thrown errors by code.
public struct STSError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The wire code with its HTTP status and fault (`Sender` for 4xx, `Receiver` for 5xx).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public enum Fault: String, Sendable, Hashable {
            case sender = "Sender"
            case receiver = "Receiver"
        }

        public let wireCode: String
        public let httpStatus: Int
        public let fault: Fault

        public init(_ wireCode: String, _ httpStatus: Int, fault: Fault? = nil) {
            self.wireCode = wireCode
            self.httpStatus = httpStatus
            self.fault = fault ?? (httpStatus >= 500 ? .receiver : .sender)
        }

        public var description: String { wireCode }

        // Common errors (AWS STS API Reference, "Common Errors", plus SigV4 errors as AWS returns them).
        public static let accessDenied = Code("AccessDenied", 403)
        public static let accessDeniedException = Code("AccessDeniedException", 400)
        public static let expiredToken = Code("ExpiredToken", 403)
        public static let incompleteSignature = Code("IncompleteSignature", 400)
        public static let internalFailure = Code("InternalFailure", 500)
        public static let invalidAction = Code("InvalidAction", 400)
        public static let invalidClientTokenId = Code("InvalidClientTokenId", 403)
        public static let invalidParameterCombination = Code("InvalidParameterCombination", 400)
        public static let invalidParameterValue = Code("InvalidParameterValue", 400)
        public static let invalidQueryParameter = Code("InvalidQueryParameter", 400)
        public static let malformedQueryString = Code("MalformedQueryString", 404)
        public static let missingAction = Code("MissingAction", 400)
        public static let missingAuthenticationToken = Code("MissingAuthenticationToken", 403)
        public static let missingParameter = Code("MissingParameter", 400)
        public static let notAuthorized = Code("NotAuthorized", 400)
        public static let optInRequired = Code("OptInRequired", 403)
        public static let requestExpired = Code("RequestExpired", 400)
        public static let serviceUnavailable = Code("ServiceUnavailable", 503)
        public static let throttling = Code("Throttling", 400)
        public static let validationError = Code("ValidationError", 400)
        public static let signatureDoesNotMatch = Code("SignatureDoesNotMatch", 403)
        public static let requestEntityTooLarge = Code("RequestEntityTooLarge", 413)

        // STS modelled errors (awsQueryError traits in sts-2011-06-15.json).
        /// `ExpiredTokenException`: the token passed to a federation call has expired (400).
        public static let expiredTokenException = Code("ExpiredTokenException", 400)
        public static let idpCommunicationError = Code("IDPCommunicationError", 400)
        public static let idpRejectedClaim = Code("IDPRejectedClaim", 403)
        public static let invalidAuthorizationMessage = Code("InvalidAuthorizationMessageException", 400)
        public static let invalidIdentityToken = Code("InvalidIdentityToken", 400)
        public static let malformedPolicyDocument = Code("MalformedPolicyDocument", 400)
        public static let packedPolicyTooLarge = Code("PackedPolicyTooLarge", 400)
        public static let regionDisabled = Code("RegionDisabledException", 403)
        public static let expiredTradeInToken = Code("ExpiredTradeInTokenException", 400)
        public static let jwtPayloadSizeExceeded = Code("JWTPayloadSizeExceededException", 400)
        public static let outboundWebIdentityFederationDisabled = Code(
            "OutboundWebIdentityFederationDisabledException", 403)
        public static let sessionDurationEscalation = Code("SessionDurationEscalationException", 403)

        // IAM modelled errors used by the admin API (awsQueryError traits in iam-2010-05-08.json).
        public static let noSuchEntity = Code("NoSuchEntity", 404)
        public static let entityAlreadyExists = Code("EntityAlreadyExists", 409)
        public static let limitExceeded = Code("LimitExceeded", 409)
        public static let deleteConflict = Code("DeleteConflict", 409)
        public static let invalidInput = Code("InvalidInput", 400)
        public static let invalidAuthenticationCode = Code("InvalidAuthenticationCode", 403)
        public static let concurrentModification = Code("ConcurrentModification", 409)
        public static let serviceFailure = Code("ServiceFailure", 500)
        public static let featureEnabled = Code("FeatureEnabled", 409)
        public static let featureDisabled = Code("FeatureDisabled", 404)
        public static let openIdIdpCommunicationError = Code("OpenIdIdpCommunicationError", 400)
    }

    public var code: Code
    /// The only text that goes on the wire. Never holds a secret, token, policy or assertion.
    public var message: String
    /// For logs only; never rendered to a client.
    public var cause: (any Error)?
    public var file: String
    public var line: Int

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.cause = cause
        self.file = file
        self.line = line
    }

    public static func == (lhs: STSError, rhs: STSError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code.wireCode): \(message)" }
    public var debugDescription: String {
        var text = "\(code.wireCode) (\(code.httpStatus)): \(message) at \(file):\(line)"
        if let cause { text += " caused by \(String(reflecting: cause))" }
        return text
    }
}
