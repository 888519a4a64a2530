/// Evaluating one document against one request (IAM User Guide, "Policy evaluation logic").
///
/// A statement applies when all of these hold, checked in this order:
/// 1. `Action` names the action (`*` and `?` wildcards, case-insensitive), or `NotAction` does not;
/// 2. for resource-based policies, `Principal` names the principal (or `NotPrincipal` does not exclude it);
/// 3. `Resource` matches the resource ARN segment by segment, or `NotResource` does not (no element: any resource);
/// 4. every condition entry holds.
///
/// A policy variable that cannot be resolved (key absent or multi-valued, no default) makes its statement not
/// apply ("If AWS cannot resolve a variable, this might cause the entire statement to be invalid"), whatever its
/// effect. Work is bounded by the document's size times the request's size: every statement is visited once,
/// every pattern is matched once per request value, and wildcard matching is at worst quadratic in the lengths of
/// one pattern and one value.
extension PolicyDocument {
    /// Which statements of this document deny and which allow `request`.
    ///
    /// - Parameters:
    ///   - request: the request.
    ///   - policyId: how the caller names this policy in the result; defaults to the `Id` element or "".
    public func evaluate(_ request: PolicyRequest, policyId: String? = nil) -> StatementsOutcome {
        var outcome = StatementsOutcome()
        let identifier = policyId ?? id ?? ""
        for statement in statements {
            guard case .applies(let principalMatch) = statement.applicability(to: request) else { continue }
            let reference = StatementReference(
                policyId: identifier, policyKind: kind, sid: statement.sid, index: statement.index,
                effect: statement.effect, principalMatch: statement.effect == .allow ? principalMatch : nil
            )
            switch statement.effect {
            case .deny: outcome.denyingStatements.append(reference)
            case .allow: outcome.allowingStatements.append(reference)
            }
        }
        return outcome
    }
}

extension PolicyStatement {
    enum Applicability: Equatable {
        case doesNotApply
        /// The statement applies; for resource-based statements, how the principal was named.
        case applies(PrincipalMatch?)
    }

    func applicability(to request: PolicyRequest) -> Applicability {
        guard actions.matches(folded: request.foldedAction) else { return .doesNotApply }
        var principalMatch: PrincipalMatch?
        if let principal {
            guard let found = principal.match(request.principal) else { return .doesNotApply }
            principalMatch = found
        }
        if let resources {
            guard resources.matches(request.resource, context: request.context) == true else { return .doesNotApply }
        }
        for condition in conditions {
            guard condition.evaluate(request.context) == true else { return .doesNotApply }
        }
        return .applies(principalMatch)
    }
}
