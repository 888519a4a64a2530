/// Why a web identity token was refused, mapped one-to-one onto the STS wire errors of
/// `AssumeRoleWithWebIdentity`.
///
/// `message` is the only text meant for the wire; it never contains the token, a key or a raw `kid`.
public struct WebIdentityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The STS error a ``WebIdentityError`` becomes on the wire.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Backing: Sendable, Hashable {
            case invalidToken, expired, communication, rejectedClaim
        }
        fileprivate let backing: Backing

        /// `InvalidIdentityToken` (HTTP 400): the token could not be validated.
        public static let invalidToken = Code(backing: .invalidToken)
        /// `ExpiredToken` (HTTP 400): the token's `exp` lies in the past (beyond the allowed skew).
        public static let expired = Code(backing: .expired)
        /// `IDPCommunicationError` (HTTP 400): the issuer's discovery document or JWKS could not be fetched.
        public static let communication = Code(backing: .communication)
        /// `IDPRejectedClaim` (HTTP 403): a claim is well formed but not acceptable.
        public static let rejectedClaim = Code(backing: .rejectedClaim)

        /// The AWS wire code, e.g. `InvalidIdentityToken`.
        public var wireCode: String {
            switch backing {
            case .invalidToken: "InvalidIdentityToken"
            case .expired: "ExpiredTokenException"
            case .communication: "IDPCommunicationError"
            case .rejectedClaim: "IDPRejectedClaim"
            }
        }

        /// The HTTP status AWS answers with for this code.
        public var httpStatus: Int { backing == .rejectedClaim ? 403 : 400 }

        /// The wire code.
        public var description: String { wireCode }
    }

    /// The wire error.
    public let code: Code
    /// The AWS-like message sent to the caller.
    public let message: String
    /// A detail for logs only (e.g. the underlying network error); never sent on the wire.
    public let logDetail: String?

    /// Creates an error with a code, a wire message and an optional log-only detail.
    public init(_ code: Code, _ message: String, logDetail: String? = nil) {
        self.code = code
        self.message = message
        self.logDetail = logDetail
    }

    /// `wireCode: message`.
    public var description: String { "\(code.wireCode): \(message)" }

    /// Equality uses the code only, so tests can match on the kind of failure.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// `InvalidIdentityToken` with the given message.
    public static func invalidToken(_ message: String) -> Self { .init(.invalidToken, message) }
    /// `ExpiredToken` with the given message.
    public static func expired(_ message: String) -> Self { .init(.expired, message) }
    /// `IDPRejectedClaim` with the given message.
    public static func rejectedClaim(_ message: String) -> Self { .init(.rejectedClaim, message) }
    /// `IDPCommunicationError` with AWS's message; `detail` goes to logs only.
    public static func communication(_ detail: String) -> Self {
        .init(.communication, communicationMessage, logDetail: detail)
    }

    /// AWS's message for `IDPCommunicationError`.
    public static let communicationMessage =
        "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"

    /// AWS's `InvalidIdentityToken` message for an `iss` with no registered provider.
    public static func unknownProvider(issuer: String) -> Self {
        .invalidToken("No OpenIDConnect provider found in your account for \(OIDCProviderIdentity.printable(issuer))")
    }

    /// AWS's `InvalidIdentityToken` message when no audience matches the provider's client IDs.
    public static let incorrectAudience = Self.invalidToken("Incorrect token audience")
}
