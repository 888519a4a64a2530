/// A SigV4 parsing, canonicalization or verification failure.
///
/// `message` is AWS's wire text and is safe to return to the caller: it never contains the secret access key,
/// a signature, a session token or the `Authorization` header. Equality and hashing use ``code`` only, so tests
/// can match on the code and check ``message`` separately.
public struct SigV4Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure, with the wire code and HTTP status it maps to.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case missingAuthenticationToken
            case incompleteSignature
            case signatureDoesNotMatch
            case missingDate
            case malformedQueryString
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The request carries no usable authentication (`MissingAuthenticationToken`, 403).
        public static let missingAuthenticationToken = Code(.missingAuthenticationToken)
        /// The `Authorization` header or presigned query parameters are malformed or incomplete
        /// (`IncompleteSignature`, 400).
        public static let incompleteSignature = Code(.incompleteSignature)
        /// The signature, its scope or its time window is wrong (`SignatureDoesNotMatch`, 403).
        public static let signatureDoesNotMatch = Code(.signatureDoesNotMatch)
        /// Neither `X-Amz-Date` nor an ISO 8601 basic `Date` header is present (`IncompleteSignature`, 400).
        public static let missingDate = Code(.missingDate)
        /// The query string has invalid percent-encoding, so it cannot be canonicalized
        /// (`MalformedQueryString`, 404, as in AWS's common errors).
        public static let malformedQueryString = Code(.malformedQueryString)

        /// The AWS error code sent on the wire.
        public var wireCode: String {
            switch base {
            case .missingAuthenticationToken: "MissingAuthenticationToken"
            case .incompleteSignature, .missingDate: "IncompleteSignature"
            case .signatureDoesNotMatch: "SignatureDoesNotMatch"
            case .malformedQueryString: "MalformedQueryString"
            }
        }

        /// The HTTP status AWS uses for this code.
        public var httpStatus: Int {
            switch base {
            case .missingAuthenticationToken, .signatureDoesNotMatch: 403
            case .incompleteSignature, .missingDate: 400
            case .malformedQueryString: 404
            }
        }

        /// A short, stable name for logs and metrics.
        public var description: String {
            switch base {
            case .missingAuthenticationToken: "missingAuthenticationToken"
            case .incompleteSignature: "incompleteSignature"
            case .signatureDoesNotMatch: "signatureDoesNotMatch"
            case .missingDate: "missingDate"
            case .malformedQueryString: "malformedQueryString"
            }
        }
    }

    /// The kind of failure.
    public let code: Code
    /// AWS's exact wire text; never contains secrets, signatures, tokens or the `Authorization` header.
    public let message: String

    /// Creates an error with a code and its wire message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `wireCode: message`.
    public var description: String {
        "\(code.wireCode): \(message)"
    }

    public static func == (lhs: SigV4Error, rhs: SigV4Error) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }
}

extension SigV4Error {
    static let signatureMismatchText =
        "The request signature we calculated does not match the signature you provided. "
        + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

    static let queryParametersText =
        "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', "
        + "'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters."

    static let missingDateText =
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."

    static let hostNotSignedText = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."

    static let invalidCredentialText = "Credential should be scoped to a valid region."

    /// "Request is missing Authentication Token" (`MissingAuthenticationToken`).
    public static let missingAuthenticationToken = SigV4Error(
        .missingAuthenticationToken, "Request is missing Authentication Token")

    /// The standard `SignatureDoesNotMatch` error.
    public static let signatureDoesNotMatch = SigV4Error(.signatureDoesNotMatch, signatureMismatchText)

    static func incomplete(_ message: String) -> SigV4Error {
        SigV4Error(.incompleteSignature, message)
    }

    static func mismatch(_ message: String) -> SigV4Error {
        SigV4Error(.signatureDoesNotMatch, message)
    }

    static let malformedQuery = SigV4Error(.malformedQueryString, "The query string contains a syntax error.")

    /// The message for an unsupported algorithm; the name is echoed only when it looks like a scheme name
    /// (`AWS…` or letters only, at most 32 characters), so that a secret sent by mistake is never reflected.
    static func unsupportedAlgorithm(_ name: some StringProtocol) -> SigV4Error {
        let bytes = name.utf8
        let isSchemeLike =
            (1...32).contains(bytes.count)
            && bytes.allSatisfy {
                ASCII.lower($0) >= 0x61 && ASCII.lower($0) <= 0x7A || $0 == 0x2D || ($0 >= 0x30 && $0 <= 0x39)
            }
            && (name.hasPrefix("AWS") || bytes.allSatisfy { ASCII.lower($0) >= 0x61 && ASCII.lower($0) <= 0x7A })
        return incomplete(isSchemeLike ? "Unsupported AWS 'algorithm': '\(name)'" : "Unsupported AWS 'algorithm'.")
    }

    /// `text` if it is short and made only of characters that are safe to echo, else nil.
    static func echoable(_ text: some StringProtocol, maximumLength: Int = 64) -> String? {
        guard !text.isEmpty, text.utf8.count <= maximumLength else { return nil }
        for byte in text.utf8 where byte < 0x21 || byte > 0x7E || byte == UInt8(ascii: "'") {
            return nil
        }
        return String(text)
    }
}
