public import LatchkeyDomain
public import LatchkeyModel

extension IAMService {
    /// `PutGroupPolicy`: creates or replaces an inline policy; the document is parsed as an identity policy.
    public func putGroupPolicy(_ input: PutGroupPolicyInput, caller: Caller) async throws(STSError)
        -> PutGroupPolicyOutput
    {
        try await authorize(
            caller, PutGroupPolicyInput.operation, resource: groupArn(caller.accountId, input.groupName))
        try await putOwnedInlinePolicy(
            caller: caller, owner: .group(input.groupName), policyName: input.policyName,
            document: input.policyDocument, maxTotalSize: Self.maxGroupInlinePolicySize)
        return PutGroupPolicyOutput()
    }

    /// `GetGroupPolicy`: the document as stored (as the caller gave it), URL-encoded as IAM sends it.
    public func getGroupPolicy(_ input: GetGroupPolicyInput, caller: Caller) async throws(STSError)
        -> GetGroupPolicyOutput
    {
        try await authorize(
            caller, GetGroupPolicyInput.operation, resource: groupArn(caller.accountId, input.groupName))
        let policy = try await ownedInlinePolicy(
            caller: caller, owner: .group(input.groupName), policyName: input.policyName)
        return GetGroupPolicyOutput(
            groupName: policy.owner.name, policyName: policy.policyName,
            policyDocument: PolicyDocumentEncoding.encode(policy.document))
    }

    /// `DeleteGroupPolicy`.
    public func deleteGroupPolicy(_ input: DeleteGroupPolicyInput, caller: Caller) async throws(STSError)
        -> DeleteGroupPolicyOutput
    {
        try await authorize(
            caller, DeleteGroupPolicyInput.operation, resource: groupArn(caller.accountId, input.groupName))
        try await deleteOwnedInlinePolicy(caller: caller, owner: .group(input.groupName), policyName: input.policyName)
        return DeleteGroupPolicyOutput()
    }

    /// `ListGroupPolicies`: inline policy names, ordered, paginated.
    public func listGroupPolicies(_ input: ListGroupPoliciesInput, caller: Caller) async throws(STSError)
        -> ListGroupPoliciesOutput
    {
        try await authorize(
            caller, ListGroupPoliciesInput.operation, resource: groupArn(caller.accountId, input.groupName))
        let page = try await ownedInlinePolicyNames(
            caller: caller, owner: .group(input.groupName), marker: input.marker, maxItems: input.maxItems)
        return ListGroupPoliciesOutput(policyNames: page.items, isTruncated: page.isTruncated, marker: page.marker)
    }

    /// `AttachGroupPolicy`: at most 10 managed policies per group.
    public func attachGroupPolicy(_ input: AttachGroupPolicyInput, caller: Caller) async throws(STSError)
        -> AttachGroupPolicyOutput
    {
        try await authorize(
            caller, AttachGroupPolicyInput.operation, resource: groupArn(caller.accountId, input.groupName))
        try await attachOwnedPolicy(caller: caller, owner: .group(input.groupName), policyArn: input.policyArn)
        return AttachGroupPolicyOutput()
    }

    /// `DetachGroupPolicy`.
    public func detachGroupPolicy(_ input: DetachGroupPolicyInput, caller: Caller) async throws(STSError)
        -> DetachGroupPolicyOutput
    {
        try await authorize(
            caller, DetachGroupPolicyInput.operation, resource: groupArn(caller.accountId, input.groupName))
        try await detachOwnedPolicy(caller: caller, owner: .group(input.groupName), policyArn: input.policyArn)
        return DetachGroupPolicyOutput()
    }

    /// `ListAttachedGroupPolicies`, ordered by policy name, filtered by the policies' path.
    public func listAttachedGroupPolicies(_ input: ListAttachedGroupPoliciesInput, caller: Caller)
        async throws(STSError) -> ListAttachedGroupPoliciesOutput
    {
        try await authorize(
            caller, ListAttachedGroupPoliciesInput.operation, resource: groupArn(caller.accountId, input.groupName))
        let page = try await ownedAttachedPolicies(
            caller: caller, owner: .group(input.groupName), pathPrefix: input.pathPrefix, marker: input.marker,
            maxItems: input.maxItems)
        return ListAttachedGroupPoliciesOutput(
            attachedPolicies: page.items.map(\.wire), isTruncated: page.isTruncated, marker: page.marker)
    }
}
