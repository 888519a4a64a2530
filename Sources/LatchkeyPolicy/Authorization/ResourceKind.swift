/// How a resource's policy takes part in ``Authorization/decide(_:)``: the choice is made by what the resource is,
/// never by the action's name.
public enum ResourceKind: Sendable, Hashable {
    /// A resource whose resource-based policy, if it has one, is one way in among two: in the principal's own
    /// account the request is allowed by the resource-based policy *or* by the identity-based policies (IAM User
    /// Guide, "Policy evaluation logic": "Within an account, … an explicit allow in either an identity-based
    /// policy or a resource-based policy grants access").
    case standard
    /// An IAM role as the target of `sts:AssumeRole`, `sts:AssumeRoleWithWebIdentity`, `sts:AssumeRoleWithSAML`,
    /// `sts:TagSession` and `sts:SetSourceIdentity`: its trust policy must allow the request, in every account.
    /// A trust policy that names the principal (or `*`) allows on its own; one that names the principal's account
    /// delegates to the account, whose identity-based policies must then allow too. An identity-based policy alone
    /// never lets anyone assume a role (IAM User Guide, "Terms and concepts for roles": "A trust policy is a
    /// resource-based policy … You must specify a principal in the trust policy"; "Grant a user permissions to
    /// switch roles": "the role's trust policy … [and] a permissions policy that allows the user to call
    /// AssumeRole"; the STS API Reference, AssumeRole: "Attach a policy to the user that allows the user to call
    /// AssumeRole (as long as the role's trust policy trusts the account)").
    case roleTrust

    /// Whether the resource-based policy must allow the request, in the same account as across accounts.
    public var requiresResourcePolicy: Bool {
        switch self {
        case .standard: false
        case .roleTrust: true
        }
    }
}
