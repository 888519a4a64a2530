public import LatchkeyDomain
public import LatchkeyModel

extension IAMService {
    /// IAM's aggregate quota for a role's inline policies, in characters without white space.
    public static let maxRoleInlinePolicySize = 10_240

    /// `PutRolePolicy`: creates or replaces an inline policy. The document is parsed as an identity-based policy
    /// first; a malformed one is `MalformedPolicyDocument` and nothing is stored.
    public func putRolePolicy(_ input: PutRolePolicyInput, caller: Caller) async throws(STSError) -> PutRolePolicyOutput
    {
        let roleName = input.roleName
        try await authorize(
            caller, PutRolePolicyInput.operation, resource: try await roleResource(caller.accountId, roleName))
        try await putOwnedInlinePolicy(
            caller: caller, owner: .role(roleName), policyName: input.policyName, document: input.policyDocument,
            maxTotalSize: Self.maxRoleInlinePolicySize)
        return PutRolePolicyOutput()
    }

    /// `GetRolePolicy`: the inline policy, with its document URL-encoded as IAM returns it.
    public func getRolePolicy(_ input: GetRolePolicyInput, caller: Caller) async throws(STSError) -> GetRolePolicyOutput
    {
        let roleName = input.roleName
        try await authorize(
            caller, GetRolePolicyInput.operation, resource: try await roleResource(caller.accountId, roleName))
        let policy = try await ownedInlinePolicy(caller: caller, owner: .role(roleName), policyName: input.policyName)
        return policy.rolePolicyOutput
    }

    /// `DeleteRolePolicy`.
    public func deleteRolePolicy(_ input: DeleteRolePolicyInput, caller: Caller) async throws(STSError)
        -> DeleteRolePolicyOutput
    {
        let roleName = input.roleName
        try await authorize(
            caller, DeleteRolePolicyInput.operation, resource: try await roleResource(caller.accountId, roleName))
        try await deleteOwnedInlinePolicy(caller: caller, owner: .role(roleName), policyName: input.policyName)
        return DeleteRolePolicyOutput()
    }

    /// `ListRolePolicies`: the names of the role's inline policies, ordered, paginated.
    public func listRolePolicies(_ input: ListRolePoliciesInput, caller: Caller) async throws(STSError)
        -> ListRolePoliciesOutput
    {
        let roleName = input.roleName
        try await authorize(
            caller, ListRolePoliciesInput.operation, resource: try await roleResource(caller.accountId, roleName))
        let page = try await ownedInlinePolicyNames(
            caller: caller, owner: .role(roleName), marker: input.marker, maxItems: input.maxItems)
        return ListRolePoliciesOutput(policyNames: page.items, isTruncated: page.isTruncated, marker: page.marker)
    }

    /// `AttachRolePolicy`: the policy must be a managed policy of the account; at most 10 per role. Attaching a
    /// policy again changes nothing.
    public func attachRolePolicy(_ input: AttachRolePolicyInput, caller: Caller) async throws(STSError)
        -> AttachRolePolicyOutput
    {
        let roleName = input.roleName
        try await authorize(
            caller, AttachRolePolicyInput.operation, resource: try await roleResource(caller.accountId, roleName))
        try await attachOwnedPolicy(caller: caller, owner: .role(roleName), policyArn: input.policyArn)
        return AttachRolePolicyOutput()
    }

    /// `DetachRolePolicy`.
    public func detachRolePolicy(_ input: DetachRolePolicyInput, caller: Caller) async throws(STSError)
        -> DetachRolePolicyOutput
    {
        let roleName = input.roleName
        try await authorize(
            caller, DetachRolePolicyInput.operation, resource: try await roleResource(caller.accountId, roleName))
        try await detachOwnedPolicy(caller: caller, owner: .role(roleName), policyArn: input.policyArn)
        return DetachRolePolicyOutput()
    }

    /// `ListAttachedRolePolicies`: ordered by policy name; `PathPrefix` filters on the policies' paths.
    public func listAttachedRolePolicies(_ input: ListAttachedRolePoliciesInput, caller: Caller) async throws(STSError)
        -> ListAttachedRolePoliciesOutput
    {
        let roleName = input.roleName
        try await authorize(
            caller, ListAttachedRolePoliciesInput.operation,
            resource: try await roleResource(caller.accountId, roleName))
        let page = try await ownedAttachedPolicies(
            caller: caller, owner: .role(roleName), pathPrefix: input.pathPrefix, marker: input.marker,
            maxItems: input.maxItems)
        return ListAttachedRolePoliciesOutput(
            attachedPolicies: page.items.map(\.wire),
            isTruncated: page.isTruncated, marker: page.marker)
    }
}
