/// How an `Allow` statement of a resource-based policy named the requesting principal. AssumeRole and the
/// same-account rules of ``Authorization`` depend on it. Ordered from weakest to strongest.
public enum PrincipalMatch: Int, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Through the principal's account (`"AWS": "111122223333"` or `arn:aws:iam::111122223333:root`). This
    /// delegates to the account: the principal's identity-based policies must still allow the request.
    case account
    /// Through an identity the principal derives from (a later entry of ``PolicyPrincipal/identifiers``): the role
    /// of a role session, or the IAM user of a federated user session. Same account, such a grant needs no
    /// identity-based allow but is capped by permissions boundaries and session policies.
    case parent
    /// Through `"Principal": "*"`, `{"AWS": "*"}`, or an `Allow` with `NotPrincipal` not naming the principal.
    case wildcard
    /// Through the principal's own identifier (the first of ``PolicyPrincipal/identifiers``): its IAM user ARN,
    /// role session ARN, federated user ARN, provider or service name.
    case direct

    public static func < (lhs: PrincipalMatch, rhs: PrincipalMatch) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .account: "account"
        case .parent: "parent"
        case .wildcard: "wildcard"
        case .direct: "direct"
        }
    }
}

/// A statement that applied to a request.
public struct StatementReference: Sendable, Hashable {
    /// The policy's identifier, as the caller named it (an ARN, or a path such as `user/alice/inline/P`).
    public var policyId: String
    /// The kind of the policy.
    public var policyKind: PolicyKind
    /// The statement's `Sid`, if any.
    public var sid: String?
    /// The statement's position in its document, from 0.
    public var index: Int
    /// The statement's `Effect`.
    public var effect: PolicyEffect
    /// For `Allow` statements of resource-based policies: how the principal was named.
    public var principalMatch: PrincipalMatch?

    /// A reference to statement `index` (with `sid` and `effect`) of the policy `policyId`.
    public init(
        policyId: String, policyKind: PolicyKind, sid: String?, index: Int, effect: PolicyEffect,
        principalMatch: PrincipalMatch? = nil
    ) {
        self.policyId = policyId
        self.policyKind = policyKind
        self.sid = sid
        self.index = index
        self.effect = effect
        self.principalMatch = principalMatch
    }
}

/// The result of evaluating one document: which statements denied and which allowed the request.
public struct StatementsOutcome: Sendable, Hashable {
    /// `Deny` statements that apply. Any of them denies the request explicitly.
    public var denyingStatements: [StatementReference]
    /// `Allow` statements that apply.
    public var allowingStatements: [StatementReference]

    /// An outcome with the given applying statements.
    public init(denyingStatements: [StatementReference] = [], allowingStatements: [StatementReference] = []) {
        self.denyingStatements = denyingStatements
        self.allowingStatements = allowingStatements
    }

    /// The three results a document can give a request.
    public enum Decision: Sendable, Hashable {
        /// A `Deny` statement applies.
        case explicitDeny
        /// An `Allow` statement applies and no `Deny` does.
        case allow
        /// No statement applies.
        case neither
    }

    /// What this document says about the request.
    public var decision: Decision {
        isExplicitDeny ? .explicitDeny : isAllowed ? .allow : .neither
    }

    /// Whether a `Deny` statement applies (explicit deny).
    public var isExplicitDeny: Bool { !denyingStatements.isEmpty }
    /// Whether an `Allow` statement applies and no `Deny` does.
    public var isAllowed: Bool { denyingStatements.isEmpty && !allowingStatements.isEmpty }
    /// Whether nothing applies (implicit deny as far as this document goes).
    public var isNeither: Bool { denyingStatements.isEmpty && allowingStatements.isEmpty }

    /// The strongest way an applying `Allow` statement named the principal (resource-based policies only).
    public var principalMatch: PrincipalMatch? {
        allowingStatements.compactMap(\.principalMatch).max()
    }
}
