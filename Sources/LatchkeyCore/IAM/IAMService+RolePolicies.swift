public import LatchkeyModel
public import LatchkeyDomain

extension IAMService {
    /// IAM's aggregate quota for a role's inline policies, in characters without white space.
    public static let maxRoleInlinePolicySize = 10_240

    /// `PutRolePolicy`: creates or replaces an inline policy. The document is parsed as an identity-based policy
    /// first; a malformed one is `MalformedPolicyDocument` and nothing is stored.
    public func putRolePolicy(caller: Caller, roleName: String, policyName: String, policyDocument: String)
        async throws(STSError)
    {
        try await authorize(caller, action: "PutRolePolicy", resource: try await roleResource(caller.accountId, roleName))
        try await putOwnedInlinePolicy(
            caller: caller, owner: .role(roleName), policyName: policyName, document: policyDocument,
            maxTotalSize: Self.maxRoleInlinePolicySize)
    }

    /// `GetRolePolicy`: the inline policy, with its document as given.
    public func getRolePolicy(caller: Caller, roleName: String, policyName: String) async throws(STSError)
        -> InlinePolicy
    {
        try await authorize(caller, action: "GetRolePolicy", resource: try await roleResource(caller.accountId, roleName))
        return try await ownedInlinePolicy(caller: caller, owner: .role(roleName), policyName: policyName)
    }

    /// `DeleteRolePolicy`.
    public func deleteRolePolicy(caller: Caller, roleName: String, policyName: String) async throws(STSError) {
        try await authorize(caller, action: "DeleteRolePolicy", resource: try await roleResource(caller.accountId, roleName))
        try await deleteOwnedInlinePolicy(caller: caller, owner: .role(roleName), policyName: policyName)
    }

    /// `ListRolePolicies`: the names of the role's inline policies, ordered, paginated.
    public func listRolePolicies(caller: Caller, roleName: String, marker: String?, maxItems: Int?) async throws(STSError)
        -> Page<String>
    {
        try await authorize(caller, action: "ListRolePolicies", resource: try await roleResource(caller.accountId, roleName))
        return try await ownedInlinePolicyNames(caller: caller, owner: .role(roleName), marker: marker, maxItems: maxItems)
    }

    /// `AttachRolePolicy`: the policy must be a managed policy of the account; at most 10 per role. Attaching a
    /// policy again changes nothing.
    public func attachRolePolicy(caller: Caller, roleName: String, policyArn: String) async throws(STSError) {
        try await authorize(caller, action: "AttachRolePolicy", resource: try await roleResource(caller.accountId, roleName))
        try await attachOwnedPolicy(caller: caller, owner: .role(roleName), policyArn: policyArn)
    }

    /// `DetachRolePolicy`.
    public func detachRolePolicy(caller: Caller, roleName: String, policyArn: String) async throws(STSError) {
        try await authorize(caller, action: "DetachRolePolicy", resource: try await roleResource(caller.accountId, roleName))
        try await detachOwnedPolicy(caller: caller, owner: .role(roleName), policyArn: policyArn)
    }

    /// `ListAttachedRolePolicies`: ordered by policy name; `pathPrefix` filters on the policies' paths.
    public func listAttachedRolePolicies(
        caller: Caller, roleName: String, pathPrefix: String?, marker: String?, maxItems: Int?
    ) async throws(STSError) -> Page<AttachedPolicy> {
        try await authorize(
            caller, action: "ListAttachedRolePolicies", resource: try await roleResource(caller.accountId, roleName))
        return try await ownedAttachedPolicies(
            caller: caller, owner: .role(roleName), pathPrefix: pathPrefix, marker: marker, maxItems: maxItems)
    }
}
