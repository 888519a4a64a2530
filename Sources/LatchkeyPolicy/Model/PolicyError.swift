public import LatchkeyModel

/// Why a policy document was refused: an opaque ``Code``, the message AWS puts on the wire, and a precise
/// ``detail`` for logs and tests.
///
/// Equality and hashing consider the code alone, as for `STSError`.
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem. Opaque so new codes can be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case syntax, sizeLimitExceeded, legacyParsing, unknownField, missingField, prohibitedField
            case invalidPrincipal, invalidAction, invalidResource, invalidCondition, invalidSid, duplicateSid
            case oldVersion
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        public var description: String { base.rawValue }

        /// The text is not JSON, breaks the policy grammar (wrong types, duplicate keys, too deep), or exceeds
        /// a structural bound. "Syntax errors in policy."
        public static let syntax = Code(.syntax)
        /// The document is over its size limit. "Cannot exceed quota for PolicySize: 6144"
        public static let sizeLimitExceeded = Code(.sizeLimitExceeded)
        /// A value IAM's legacy parser refuses: an `Effect` in the wrong case, an invalid date.
        /// "The policy failed legacy parsing"
        public static let legacyParsing = Code(.legacyParsing)
        /// An element AWS does not define. "Unknown field Foo"
        public static let unknownField = Code(.unknownField)
        /// A required element is missing: `Statement`, `Effect`, `Principal`, actions or resources.
        public static let missingField = Code(.missingField)
        /// An element the kind of policy must not have (`Principal` in an identity or session policy).
        public static let prohibitedField = Code(.prohibitedField)
        /// A principal that is not an account, user, role, session, federated provider, service or `*`.
        public static let invalidPrincipal = Code(.invalidPrincipal)
        /// An action without a vendor prefix, with two colons, or with an invalid vendor.
        public static let invalidAction = Code(.invalidAction)
        /// A resource that is neither `*` nor an ARN of a known partition.
        public static let invalidResource = Code(.invalidResource)
        /// An unknown condition operator, a condition key without a vendor, or a value the operator cannot read.
        public static let invalidCondition = Code(.invalidCondition)
        /// A `Sid` that is not alphanumeric (identity, session and boundary policies).
        public static let invalidSid = Code(.invalidSid)
        /// Two statements share a `Sid`.
        public static let duplicateSid = Code(.duplicateSid)
        /// A managed policy written without `"Version": "2012-10-17"`. "Policy document must be version 2012-10-17
        /// or greater."
        public static let oldVersion = Code(.oldVersion)
    }

    /// The class of problem.
    public let code: Code
    /// The message as AWS returns it, for the wire.
    public let message: String
    /// What exactly is wrong and where, for logs and tests. Never put on the wire.
    public let detail: String
    /// The kind of document that was being parsed (decides the wire error for size limits).
    public let kind: PolicyKind
    let quota: Int

    init(_ code: Code, _ message: String, detail: String? = nil, kind: PolicyKind, quota: Int = 0) {
        self.code = code
        self.message = message
        self.detail = detail ?? message
        self.kind = kind
        self.quota = quota
    }

    public static func == (lhs: PolicyError, rhs: PolicyError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code): \(message) (\(detail))" }

    /// The error to return to the client.
    ///
    /// `MalformedPolicyDocument` (400) with ``message``, except for size limits: IAM answers `LimitExceeded` (409)
    /// with "Cannot exceed quota for NAME: N", and STS refuses an over-long `Policy` parameter with the model's
    /// `ValidationError` (400).
    public var stsError: STSError {
        guard code == .sizeLimitExceeded else { return STSError(.malformedPolicyDocument, message, cause: self) }
        if kind == .session {
            return STSError(
                .validationError,
                "1 validation error detected: Value at 'policy' failed to satisfy constraint: "
                    + "Member must have length less than or equal to \(quota)",
                cause: self
            )
        }
        return STSError(.limitExceeded, message, cause: self)
    }
}
