/// A parsed policy with the identifier it is reported under.
public struct NamedPolicy: Sendable, Hashable {
    /// How the policy is named in results and failure messages (an ARN, or `user/alice/inline/P`-style).
    public var id: String
    /// The parsed policy.
    public var document: PolicyDocument

    /// Names `document` as `id`.
    public init(id: String, document: PolicyDocument) {
        self.id = id
        self.document = document
    }
}

/// Everything ``Authorization/decide(_:)`` weighs for one request.
public struct AuthorizationInput: Sendable {
    /// The request: action, resource, principal and condition context.
    public var request: PolicyRequest
    /// The 12-digit account of the principal making the request.
    public var principalAccount: String
    /// The 12-digit account that owns the resource.
    public var resourceAccount: String
    /// All identity-based policies of the principal: inline, attached managed, and those of its groups (for a
    /// role session, the role's).
    public var identityPolicies: [NamedPolicy]
    /// The resource's policy (a role's trust policy for `sts:AssumeRole`), if it has one.
    public var resourcePolicy: NamedPolicy?
    /// The permissions boundary of the user or role, if any.
    public var permissionsBoundary: NamedPolicy?
    /// Session policies: nil when the principal is not a session or none were passed (no limit); an empty list
    /// for a session created with no policy where that means "nothing" (a `GetFederationToken` session without
    /// policies).
    public var sessionPolicies: [NamedPolicy]?
    /// What the resource is, which decides whether its resource-based policy must allow the request.
    public var resourceKind: ResourceKind

    /// Everything to decide `request`; session policies default to none (nil), the resource to a standard one.
    public init(
        request: PolicyRequest, principalAccount: String, resourceAccount: String, identityPolicies: [NamedPolicy],
        resourcePolicy: NamedPolicy? = nil, permissionsBoundary: NamedPolicy? = nil,
        sessionPolicies: [NamedPolicy]? = nil, resourceKind: ResourceKind = .standard
    ) {
        self.request = request
        self.principalAccount = principalAccount
        self.resourceAccount = resourceAccount
        self.identityPolicies = identityPolicies
        self.resourcePolicy = resourcePolicy
        self.permissionsBoundary = permissionsBoundary
        self.sessionPolicies = sessionPolicies
        self.resourceKind = resourceKind
    }
}

/// The final decision for a request.
public struct AuthorizationDecision: Sendable, Hashable {
    /// Whether the request is allowed.
    public var isAllowed: Bool
    /// Whether a `Deny` statement decided (otherwise a denial is implicit).
    public var isExplicitDeny: Bool
    /// The statements that decided: the denying ones for an explicit deny, the allowing ones that granted an
    /// allow, none for an implicit deny.
    public var matchedStatements: [StatementReference]
    /// Why, in AWS's words, to follow "User: ARN is not authorized to perform: ACTION on resource: RESOURCE "
    /// in an access-denied message (for example "because no identity-based policy allows the sts:AssumeRole
    /// action", "with an explicit deny in a resource-based policy"). For an allow, which grant allowed.
    public var reason: String

    /// A decision with its deciding statements and reason.
    public init(isAllowed: Bool, isExplicitDeny: Bool, matchedStatements: [StatementReference], reason: String) {
        self.isAllowed = isAllowed
        self.isExplicitDeny = isExplicitDeny
        self.matchedStatements = matchedStatements
        self.reason = reason
    }
}
