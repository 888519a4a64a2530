/// What a policy document is for. The kind decides which elements are required or prohibited, the default size
/// limit, and how the document takes part in ``Authorization/decide(_:)``.
public enum PolicyKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A permissions policy attached to a user, group or role (inline or managed). `Principal` is prohibited and
    /// every statement needs `Resource` or `NotResource`.
    case identity
    /// A resource-based policy. A role's trust policy is one: `Principal` or `NotPrincipal` is required and
    /// `Resource` is optional (a statement without it applies to every resource).
    case resource
    /// A session policy passed to `AssumeRole*` or `GetFederationToken`. Same rules as ``identity``.
    case session
    /// A managed policy used as a permissions boundary. Same rules as ``identity``.
    case permissionsBoundary

    public var description: String {
        switch self {
        case .identity: "identity-based policy"
        case .resource: "resource-based policy"
        case .session: "session policy"
        case .permissionsBoundary: "permissions boundary"
        }
    }

    /// Whether statements must name a principal (`Principal` or `NotPrincipal`).
    var requiresPrincipal: Bool { self == .resource }
}

/// The policy language version (`Version` element). Without `Version` a document is `2008-10-17`, in which policy
/// variables do not exist and `${...}` is literal text.
public enum PolicyVersion: String, Sendable, Hashable {
    case v2012_10_17 = "2012-10-17"
    case v2008_10_17 = "2008-10-17"

    /// Whether `${...}` policy variables are substituted.
    public var supportsVariables: Bool { self == .v2012_10_17 }
}

/// Size and structure limits applied while parsing.
///
/// The size check follows IAM's quotas ("IAM and AWS STS quotas" in the IAM User Guide): IAM does not count white
/// space for managed policies and role trust policies, while the STS `Policy` parameter counts every character.
/// The defaults per kind (``defaults(for:)``) are:
/// - identity and permissions boundary: 6,144 characters without white space (managed policy, `PolicySize`);
/// - resource (role trust policy): 2,048 characters without white space (`ACLSizePerRole`; AWS lets an account
///   raise it to 4,096: pass your own limits);
/// - session: 2,048 characters, white space included (the STS `Policy` parameter).
///
/// Inline policies have per-principal aggregate quotas in IAM (user 2,048, group 5,120, role 10,240, white space
/// not counted); the caller checks aggregates and can pass `PolicyLimits(maxCharacters:...)` for one document.
/// Whatever the limit, no document over ``absoluteMaxCharacters`` is read.
public struct PolicyLimits: Sendable, Hashable {
    /// The largest text ever read, in characters (the IAM model's `policyDocumentType` maximum).
    public static let absoluteMaxCharacters = 131_072

    /// The most characters the document may have (counted as ``countsWhitespace`` says).
    public var maxCharacters: Int
    /// Whether spaces, tabs, carriage returns and line feeds count towards ``maxCharacters``.
    public var countsWhitespace: Bool
    /// The IAM quota name used in the "Cannot exceed quota for NAME: N" message.
    public var quotaName: String
    /// The most statements a document may have.
    public var maxStatements: Int
    /// The most values one element may list (an `Action`, `Resource` or principal list, or one condition key's
    /// values), and the most condition entries (operator and key pairs) in one statement.
    public var maxValuesPerElement: Int

    /// Limits of `maxCharacters` (counting white space or not), reported under `quotaName`, with structural bounds.
    public init(
        maxCharacters: Int, countsWhitespace: Bool, quotaName: String = "PolicySize", maxStatements: Int = 500,
        maxValuesPerElement: Int = 1_000
    ) {
        self.maxCharacters = maxCharacters
        self.countsWhitespace = countsWhitespace
        self.quotaName = quotaName
        self.maxStatements = maxStatements
        self.maxValuesPerElement = maxValuesPerElement
    }

    /// A customer managed policy (also used as a permissions boundary): 6,144 characters, white space not counted.
    public static let managedPolicy = PolicyLimits(
        maxCharacters: 6_144, countsWhitespace: false, quotaName: "PolicySize")
    /// A role trust policy: 2,048 characters, white space not counted.
    public static let roleTrustPolicy = PolicyLimits(
        maxCharacters: 2_048, countsWhitespace: false, quotaName: "ACLSizePerRole"
    )
    /// An inline session policy passed to STS: 2,048 characters including white space.
    public static let sessionPolicy = PolicyLimits(maxCharacters: 2_048, countsWhitespace: true, quotaName: "Policy")

    /// The default limits for a kind (see the type's documentation).
    public static func defaults(for kind: PolicyKind) -> PolicyLimits {
        switch kind {
        case .identity, .permissionsBoundary: .managedPolicy
        case .resource: .roleTrustPolicy
        case .session: .sessionPolicy
        }
    }
}
