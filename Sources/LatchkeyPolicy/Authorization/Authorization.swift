/// AWS's policy evaluation logic across policy types, as a pure function.
///
/// Rules implemented (IAM User Guide, "Policy evaluation logic": "Determining whether a request is allowed or
/// denied within an account" and its table "Resource-based policies and implicit denies in other policy types";
/// "Cross-account policy evaluation logic"; "Permissions boundaries for IAM entities": "Evaluating effective
/// permissions with boundaries"; "Session policies"; "AWS JSON policy elements: Principal": "All principals").
/// Service control policies are outside Latchkey and not modelled.
///
/// 1. **Deny evaluation.** Every document is evaluated (identity, resource, boundary, session). Any applying
///    `Deny` statement decides: explicit deny.
/// 2. **Same account** (principal account == resource account). For a resource whose policy is required (a role's
///    trust policy, ``ResourceKind/roleTrust``), the resource policy must allow first: otherwise the request is
///    denied whatever the identity-based policies say. Then allowed when either path allows:
///    - *resource-based grant*: an `Allow` in the resource policy naming the principal
///      - by its own identifier (``PrincipalMatch/direct``: IAM user ARN, role session ARN, federated user ARN):
///        allowed; implicit denies in identity policies, the boundary and session policies do not matter
///        ("permissions granted directly to a session are not limited by an implicit deny in an identity-based
///        policy, a permissions boundary, or session policy"; an IAM user ARN is not limited by identity policies
///        or the boundary);
///      - through `*` (``PrincipalMatch/wildcard``): allowed likewise ("For IAM users and role principals within
///        your account, no other permissions are required"; boundaries and session policies "do not limit
///        permissions granted using … a wildcard (*) in the Principal element");
///      - through the role of a role session or the IAM user of a federated user (``PrincipalMatch/parent``):
///        allowed only if the boundary (if any) and the session policies (if any) allow ("Resource-based policies
///        that grant permissions to an IAM role ARN are limited by an implicit deny in a permissions boundary or
///        session policy");
///      - through the account (``PrincipalMatch/account``): no grant of its own; the account delegates to its
///        identity-based policies (for a role, the trust policy's statement naming the account must itself apply,
///        conditions included, and the identity path must allow too).
///    - *identity path*: an identity-based policy allows, and the boundary (if any) allows, and the session
///      policies (if any) allow.
/// 3. **Cross account.** The resource policy must allow the principal (any ``PrincipalMatch``) and the identity
///    path must allow too: identity-based policies, capped by the boundary and session policies.
/// 4. **Session policies.** nil means no session policy applies. A non-empty list allows what at least one of
///    them allows. An empty list allows nothing: a federated user session without a session policy ("If there is
///    no session policy, the code checks whether the principal is a role session… Otherwise, the request is
///    implicitly denied").
/// 5. Otherwise the request is implicitly denied.
///
/// The account root user's unrestricted access to its own account is the caller's to apply; `decide` treats the
/// root like any other principal.
public enum Authorization {
    /// Decides `input` by the rules above.
    public static func decide(_ input: AuthorizationInput) -> AuthorizationDecision {
        let request = input.request
        let identity = input.identityPolicies.map { $0.document.evaluate(request, policyId: $0.id) }
        let resource = input.resourcePolicy.map { $0.document.evaluate(request, policyId: $0.id) }
        let boundary = input.permissionsBoundary.map { $0.document.evaluate(request, policyId: $0.id) }
        let sessions = input.sessionPolicies.map { policies in
            policies.map { $0.document.evaluate(request, policyId: $0.id) }
        }

        // 1. Explicit deny anywhere. (The lists below are built only for the outcome that needs them: an allowed
        // request builds just the statements it reports.)
        let anyDeny =
            identity.contains(where: \.isExplicitDeny) || resource?.isExplicitDeny == true
            || boundary?.isExplicitDeny == true || sessions?.contains(where: \.isExplicitDeny) == true
        if anyDeny {
            let denyOrder: [(outcomes: [StatementsOutcome], type: String)] = [
                (identity, "an identity-based policy"), (resource.map { [$0] } ?? [], "a resource-based policy"),
                (boundary.map { [$0] } ?? [], "a permissions boundary"), (sessions ?? [], "a session policy"),
            ]
            var denying: [StatementReference] = []
            var firstDenyType: String?
            for (outcomes, type) in denyOrder {
                let found = outcomes.flatMap(\.denyingStatements)
                if !found.isEmpty, firstDenyType == nil { firstDenyType = type }
                denying += found
            }
            return AuthorizationDecision(
                isAllowed: false, isExplicitDeny: true, matchedStatements: denying,
                reason: "with an explicit deny in \(firstDenyType ?? "")"
            )
        }

        let action = request.action
        let identityAllowsAny = identity.contains { !$0.allowingStatements.isEmpty }
        let boundaryAllows = boundary.map(\.isAllowed) ?? true
        let sessionAllows = sessions.map { $0.contains(where: \.isAllowed) } ?? true
        let boundaryAllowing = boundary?.allowingStatements ?? []
        let resourceAllowing = resource?.allowingStatements ?? []

        func deny(_ reason: String) -> AuthorizationDecision {
            AuthorizationDecision(isAllowed: false, isExplicitDeny: false, matchedStatements: [], reason: reason)
        }
        func allow(_ statements: [StatementReference], _ reason: String) -> AuthorizationDecision {
            AuthorizationDecision(isAllowed: true, isExplicitDeny: false, matchedStatements: statements, reason: reason)
        }
        /// Why the identity path fails, in AWS's words.
        func identityPathFailure() -> String? {
            if !identityAllowsAny { return "because no identity-based policy allows the \(action) action" }
            if !boundaryAllows { return "because no permissions boundary allows the \(action) action" }
            if !sessionAllows { return "because no session policy allows the \(action) action" }
            return nil
        }
        func sessionAllowing() -> [StatementReference] { sessions?.flatMap(\.allowingStatements) ?? [] }
        func identityPath() -> [StatementReference] {
            identity.flatMap(\.allowingStatements) + boundaryAllowing + sessionAllowing()
        }

        // 3. Cross account: both sides.
        guard input.principalAccount == input.resourceAccount else {
            guard resourceAllowing.contains(where: { $0.principalMatch != nil }) else {
                return deny("because no resource-based policy allows the \(action) action")
            }
            if let failure = identityPathFailure() { return deny(failure) }
            return allow(
                resourceAllowing + identityPath(),
                "allowed by the resource-based policy and the identity-based policies")
        }

        // 2. Same account. A role's trust policy must allow whatever else does (``ResourceKind/roleTrust``).
        if input.resourceKind.requiresResourcePolicy, resourceAllowing.isEmpty {
            return deny("because no resource-based policy allows the \(action) action")
        }
        // A resource-based grant, or the identity path (for a role: the account trusted, then its policies).
        func isUnlimited(_ statement: StatementReference) -> Bool {
            statement.principalMatch == .direct || statement.principalMatch == .wildcard
        }
        if resourceAllowing.contains(where: isUnlimited) {
            return allow(
                resourceAllowing.filter(isUnlimited), "allowed by a resource-based policy that names the principal")
        }
        let hasParentGrants = resourceAllowing.contains { $0.principalMatch == .parent }
        if hasParentGrants, boundaryAllows, sessionAllows {
            return allow(
                resourceAllowing.filter { $0.principalMatch == .parent } + boundaryAllowing + sessionAllowing(),
                "allowed by a resource-based policy that names the principal's role or user")
        }
        if let failure = identityPathFailure() {
            if hasParentGrants {
                // The resource grant failed on the boundary or the session policies: say which.
                if !boundaryAllows { return deny("because no permissions boundary allows the \(action) action") }
                if !sessionAllows { return deny("because no session policy allows the \(action) action") }
            }
            return deny(failure)
        }
        return allow(identityPath(), "allowed by an identity-based policy")
    }
}
