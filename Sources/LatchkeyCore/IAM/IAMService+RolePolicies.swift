public import LatchkeyModel
import LatchkeyPolicy

extension IAMService {
    /// IAM's aggregate quota for a role's inline policies, in characters without white space.
    public static let maxRoleInlinePolicySize = 10_240
    /// IAM's quota of managed policies attached to one role.
    public static let maxPoliciesPerRole = 10

    /// `PutRolePolicy`: creates or replaces an inline policy. The document is parsed as an identity-based policy
    /// first; a malformed one is `MalformedPolicyDocument` and nothing is stored.
    public func putRolePolicy(caller: Caller, roleName: String, policyName: String, policyDocument: String)
        async throws(STSError)
    {
        try await authorize(caller, action: "PutRolePolicy", resource: try await roleResource(caller.accountId, roleName))
        _ = try authorizer.cache.document(policyDocument, kind: .identity)
        let policy = InlinePolicy(
            accountId: caller.accountId, owner: .role(roleName), policyName: policyName, document: policyDocument)
        try await storeCall({ try await store.putInlinePolicy(policy, maxTotalSize: Self.maxRoleInlinePolicySize) }) {
            error in
            switch error.code {
            case .notFound: return noSuchRole(roleName)
            case .limitExceeded:
                return STSError(
                    .limitExceeded,
                    "Maximum policy size of \(Self.maxRoleInlinePolicySize) bytes exceeded for role \(roleName)")
            default: return nil
            }
        }
    }

    /// `GetRolePolicy`: the inline policy, with its document as given.
    public func getRolePolicy(caller: Caller, roleName: String, policyName: String) async throws(STSError)
        -> InlinePolicy
    {
        try await authorize(caller, action: "GetRolePolicy", resource: try await roleResource(caller.accountId, roleName))
        let accountId = caller.accountId
        let policy = try await storeCall({
            try await store.inlinePolicy(accountId: accountId, owner: .role(roleName), policyName: policyName)
        }) { error in
            error.code == .notFound ? noSuchRole(roleName) : nil
        }
        guard let policy else { throw noSuchRolePolicy(policyName) }
        return policy
    }

    /// `DeleteRolePolicy`.
    public func deleteRolePolicy(caller: Caller, roleName: String, policyName: String) async throws(STSError) {
        try await authorize(caller, action: "DeleteRolePolicy", resource: try await roleResource(caller.accountId, roleName))
        let accountId = caller.accountId
        try await storeCall({
            try await store.deleteInlinePolicy(accountId: accountId, owner: .role(roleName), policyName: policyName)
        }) { error in
            guard error.code == .notFound else { return nil }
            return error.detail.hasPrefix("inline policy") ? noSuchRolePolicy(policyName) : noSuchRole(roleName)
        }
    }

    /// `ListRolePolicies`: the names of the role's inline policies, ordered, paginated.
    public func listRolePolicies(caller: Caller, roleName: String, marker: String?, maxItems: Int?) async throws(STSError)
        -> Page<String>
    {
        try await authorize(caller, action: "ListRolePolicies", resource: try await roleResource(caller.accountId, roleName))
        let accountId = caller.accountId
        let names = try await storeCall({ try await store.inlinePolicyNames(accountId: accountId, owner: .role(roleName)) }) {
            error in error.code == .notFound ? noSuchRole(roleName) : nil
        }
        return try Page.paginate(names, key: { $0.lowercased() }, marker: marker, maxItems: maxItems)
    }

    /// `AttachRolePolicy`: the policy must be a managed policy of the account; at most 10 per role. Attaching a
    /// policy again changes nothing.
    public func attachRolePolicy(caller: Caller, roleName: String, policyArn: String) async throws(STSError) {
        try await authorize(caller, action: "AttachRolePolicy", resource: try await roleResource(caller.accountId, roleName))
        guard Self.isPolicyArn(policyArn) else { throw STSError(.invalidInput, "ARN \(policyArn) is not valid.") }
        let accountId = caller.accountId
        try await storeCall({
            try await store.attachPolicy(
                accountId: accountId, owner: .role(roleName), policyArn: policyArn,
                maxAttachedPolicies: Self.maxPoliciesPerRole)
        }) { error in
            switch error.code {
            case .notFound:
                return error.detail.hasPrefix("role ") ? noSuchRole(roleName) : noSuchPolicyForRole(policyArn)
            case .limitExceeded:
                return STSError(.limitExceeded, "Cannot exceed quota for PoliciesPerRole: \(Self.maxPoliciesPerRole)")
            default: return nil
            }
        }
    }

    /// `DetachRolePolicy`.
    public func detachRolePolicy(caller: Caller, roleName: String, policyArn: String) async throws(STSError) {
        try await authorize(caller, action: "DetachRolePolicy", resource: try await roleResource(caller.accountId, roleName))
        guard Self.isPolicyArn(policyArn) else { throw STSError(.invalidInput, "ARN \(policyArn) is not valid.") }
        let accountId = caller.accountId
        try await storeCall({ try await store.detachPolicy(accountId: accountId, owner: .role(roleName), policyArn: policyArn) }) {
            error in
            guard error.code == .notFound else { return nil }
            if error.detail.hasPrefix("role ") { return noSuchRole(roleName) }
            if error.detail.hasPrefix("attachment") {
                return STSError(.noSuchEntity, "Policy \(policyArn) was not found.")
            }
            return noSuchPolicyForRole(policyArn)
        }
    }

    /// `ListAttachedRolePolicies`: ordered by policy name; `pathPrefix` filters on the policies' paths.
    public func listAttachedRolePolicies(
        caller: Caller, roleName: String, pathPrefix: String?, marker: String?, maxItems: Int?
    ) async throws(STSError) -> Page<AttachedPolicy> {
        try await authorize(
            caller, action: "ListAttachedRolePolicies", resource: try await roleResource(caller.accountId, roleName))
        let accountId = caller.accountId
        let attached = try await storeCall({ try await store.attachedPolicies(accountId: accountId, owner: .role(roleName)) }) {
            error in error.code == .notFound ? noSuchRole(roleName) : nil
        }
        let prefix = pathPrefix ?? "/"
        let matching = attached.filter { Self.policyPath(ofArn: $0.policyArn).hasPrefix(prefix) }
        return try Page.paginate(matching, key: { $0.policyName.lowercased() }, marker: marker, maxItems: maxItems)
    }

    /// The path of a managed policy ARN (`arn:aws:iam::A:policy/PATH/NAME` → `/PATH/`).
    private static func policyPath(ofArn arn: String) -> String {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[5].hasPrefix("policy/") else { return "/" }
        let resource = parts[5].dropFirst("policy".count)
        guard let lastSlash = resource.lastIndex(of: "/") else { return "/" }
        return String(resource[...lastSlash])
    }

    private func noSuchRolePolicy(_ name: String) -> STSError {
        STSError(.noSuchEntity, "The role policy with name \(name) cannot be found.")
    }
}
