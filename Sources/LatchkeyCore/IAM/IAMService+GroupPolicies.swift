public import Foundation
public import LatchkeyModel
public import LatchkeyDomain

extension IAMService {
    /// `PutGroupPolicy`: creates or replaces an inline policy; the document is parsed as an identity policy.
    public func putGroupPolicy(caller: Caller, groupName: String, policyName: String, document: String)
        async throws(STSError)
    {
        try await authorize(caller, action: "PutGroupPolicy", resource: groupArn(caller.accountId, groupName))
        try await putOwnedInlinePolicy(
            caller: caller, owner: .group(groupName), policyName: policyName, document: document,
            maxTotalSize: Self.maxGroupInlinePolicySize)
    }

    /// `GetGroupPolicy`.
    public func getGroupPolicy(caller: Caller, groupName: String, policyName: String) async throws(STSError)
        -> InlinePolicy
    {
        try await authorize(caller, action: "GetGroupPolicy", resource: groupArn(caller.accountId, groupName))
        return try await ownedInlinePolicy(caller: caller, owner: .group(groupName), policyName: policyName)
    }

    /// `DeleteGroupPolicy`.
    public func deleteGroupPolicy(caller: Caller, groupName: String, policyName: String) async throws(STSError) {
        try await authorize(caller, action: "DeleteGroupPolicy", resource: groupArn(caller.accountId, groupName))
        try await deleteOwnedInlinePolicy(caller: caller, owner: .group(groupName), policyName: policyName)
    }

    /// `ListGroupPolicies`: inline policy names, ordered, paginated.
    public func listGroupPolicies(caller: Caller, groupName: String, marker: String?, maxItems: Int?)
        async throws(STSError) -> Page<String>
    {
        try await authorize(caller, action: "ListGroupPolicies", resource: groupArn(caller.accountId, groupName))
        return try await ownedInlinePolicyNames(
            caller: caller, owner: .group(groupName), marker: marker, maxItems: maxItems)
    }

    /// `AttachGroupPolicy`: at most 10 managed policies per group.
    public func attachGroupPolicy(caller: Caller, groupName: String, policyArn: String) async throws(STSError) {
        try await authorize(caller, action: "AttachGroupPolicy", resource: groupArn(caller.accountId, groupName))
        try await attachOwnedPolicy(caller: caller, owner: .group(groupName), policyArn: policyArn)
    }

    /// `DetachGroupPolicy`.
    public func detachGroupPolicy(caller: Caller, groupName: String, policyArn: String) async throws(STSError) {
        try await authorize(caller, action: "DetachGroupPolicy", resource: groupArn(caller.accountId, groupName))
        try await detachOwnedPolicy(caller: caller, owner: .group(groupName), policyArn: policyArn)
    }

    /// `ListAttachedGroupPolicies`, ordered by policy name, filtered by the policies' path.
    public func listAttachedGroupPolicies(
        caller: Caller, groupName: String, pathPrefix: String?, marker: String?, maxItems: Int?
    ) async throws(STSError) -> Page<AttachedPolicy> {
        try await authorize(caller, action: "ListAttachedGroupPolicies", resource: groupArn(caller.accountId, groupName))
        return try await ownedAttachedPolicies(
            caller: caller, owner: .group(groupName), pathPrefix: pathPrefix, marker: marker, maxItems: maxItems)
    }
}
