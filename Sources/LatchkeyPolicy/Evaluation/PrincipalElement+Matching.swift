/// Matching the request's principal against `Principal` and `NotPrincipal` (IAM User Guide, "AWS JSON policy
/// elements: Principal" and "NotPrincipal").
extension PrincipalElement {
    /// For `Principal`: the strongest way the element names `principal`, or nil when it does not.
    /// For `NotPrincipal`: ``PrincipalMatch/wildcard`` when the statement applies to `principal`, nil when the
    /// element excludes it.
    ///
    /// A `NotPrincipal` excludes a principal only when it names every identity AWS evaluates for it: each of its
    /// identifiers and its account (the role session, the role and the account, as the `NotPrincipal` page's
    /// examples list them). Naming only the session leaves the role and the account denied.
    func match(_ principal: PolicyPrincipal?) -> PrincipalMatch? {
        negated ? (excludes(principal) ? nil : .wildcard) : names(principal)
    }

    private func names(_ principal: PolicyPrincipal?) -> PrincipalMatch? {
        if everyone { return .wildcard }
        guard let principal else { return aws.contains(.any) ? .wildcard : nil }
        switch principal.kind {
        case .aws:
            var best: PrincipalMatch?
            for value in aws {
                let found: PrincipalMatch?
                switch value {
                case .any:
                    found = .wildcard
                case .account(let account):
                    found = principal.account == account ? .account : nil
                case .arn(let arn):
                    found = principal.identifiers.firstIndex(of: arn).map { $0 == 0 ? .direct : .parent }
                }
                if let found, best.map({ found > $0 }) ?? true { best = found }
                if best == .direct { break }
            }
            return best
        case .federated:
            return federated.contains(where: principal.identifiers.contains) ? .direct : nil
        case .service:
            return service.contains(where: principal.identifiers.contains) ? .direct : nil
        }
    }

    private func excludes(_ principal: PolicyPrincipal?) -> Bool {
        if everyone { return true }
        guard let principal else { return aws.contains(.any) }
        switch principal.kind {
        case .aws:
            if aws.contains(.any) { return true }
            for identifier in principal.identifiers {
                let named =
                    aws.contains(.arn(identifier))
                    || PrincipalElement.rootAccount(of: identifier).map { aws.contains(.account($0)) } ?? false
                if !named { return false }
            }
            if let account = principal.account, !aws.contains(.account(account)) { return false }
            return true
        case .federated:
            return principal.identifiers.allSatisfy(federated.contains)
        case .service:
            return principal.identifiers.allSatisfy(service.contains)
        }
    }

    /// The account of `arn:PARTITION:iam::ACCOUNT:root`, or nil.
    static func rootAccount(of arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[3].isEmpty, parts[5] == "root" else {
            return nil
        }
        return String(parts[4])
    }
}
