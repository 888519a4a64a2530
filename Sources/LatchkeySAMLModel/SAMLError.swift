/// Why a SAML response, assertion or metadata document was refused.
///
/// Equality and hashing use ``code`` only, so tests can match the kind of failure without the message. The message
/// never contains the assertion, only a short reason that is safe to send to the caller.
public struct SAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. Each kind maps to one STS error code (``stsErrorCode``).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case malformedResponse, oversizedInput, documentTypeDeclaration, signatureMissing, signatureInvalid
            case signatureWrapping, unsupportedAlgorithm, wrongAudience, wrongRecipient, wrongDestination
            case expired, notYetValid, replayed, idpRejected, invalidAttribute, invalidMetadata
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Not base64, not XML, or not a SAML 2.0 Response with the required elements.
        public static let malformedResponse = Code(.malformedResponse)
        /// The input is longer than the model allows.
        public static let oversizedInput = Code(.oversizedInput)
        /// The document has a DOCTYPE, an entity declaration or another markup declaration.
        public static let documentTypeDeclaration = Code(.documentTypeDeclaration)
        /// Neither the assertion nor the response carries a signature.
        public static let signatureMissing = Code(.signatureMissing)
        /// A signature does not verify against any of the provider's certificates.
        public static let signatureInvalid = Code(.signatureInvalid)
        /// The signature does not cover exactly the one assertion (wrapping, duplicate IDs, extra assertions).
        public static let signatureWrapping = Code(.signatureWrapping)
        /// A signature, digest, canonicalisation or transform algorithm outside the allowed set.
        public static let unsupportedAlgorithm = Code(.unsupportedAlgorithm)
        /// No accepted audience in an AudienceRestriction.
        public static let wrongAudience = Code(.wrongAudience)
        /// No bearer SubjectConfirmationData with an accepted Recipient.
        public static let wrongRecipient = Code(.wrongRecipient)
        /// The Response's Destination is not an accepted endpoint.
        public static let wrongDestination = Code(.wrongDestination)
        /// The assertion's validity window has ended.
        public static let expired = Code(.expired)
        /// The assertion's validity window has not started.
        public static let notYetValid = Code(.notYetValid)
        /// The assertion ID has already been used and has not expired.
        public static let replayed = Code(.replayed)
        /// The identity provider reported a non-success status.
        public static let idpRejected = Code(.idpRejected)
        /// An AWS attribute (Role, SessionDuration, ...) has a malformed value.
        public static let invalidAttribute = Code(.invalidAttribute)
        /// The SAML metadata document is malformed or has no signing certificate.
        public static let invalidMetadata = Code(.invalidMetadata)

        /// The STS (or, for metadata, IAM) wire error code the server should answer with.
        public var stsErrorCode: String {
            switch value {
            case .expired: "ExpiredTokenException"
            case .idpRejected: "IDPRejectedClaim"
            case .invalidMetadata: "InvalidInput"
            default: "InvalidIdentityToken"
            }
        }

        /// A stable name for logs and metrics.
        public var description: String { value.rawValue }
    }

    /// AWS's message for a response whose `NotOnOrAfter` has passed.
    public static let expiredMessage = "Response has expired"
    /// AWS's message for a response issued more than five minutes ago.
    public static let redeemWindowMessage = "Token must be redeemed within 5 minutes of issuance"

    /// The kind of failure.
    public let code: Code
    /// The text that may go on the wire.
    public let message: String

    /// Creates an error of the given kind.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    public static func == (lhs: SAMLError, rhs: SAMLError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
