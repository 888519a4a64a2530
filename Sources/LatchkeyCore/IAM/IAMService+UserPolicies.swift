import Foundation
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeyPolicy

extension IAMService {
    /// The most managed policies attached to one user, group or role (IAM's default quota).
    static let maxAttachedPoliciesPerOwner = 10
    /// The aggregate size of a user's inline policies, white space not counted.
    static let maxUserInlinePolicySize = 2048

    /// `PutUserPolicy`: creates or replaces an inline policy; the document is parsed as an identity policy.
    public func putUserPolicy(_ input: PutUserPolicyInput, caller: Caller) async throws(STSError) -> PutUserPolicyOutput
    {
        try await authorize(caller, PutUserPolicyInput.operation, resource: userArn(caller.accountId, input.userName))
        try await putOwnedInlinePolicy(
            caller: caller, owner: .user(input.userName), policyName: input.policyName, document: input.policyDocument,
            maxTotalSize: Self.maxUserInlinePolicySize)
        return PutUserPolicyOutput()
    }

    /// `GetUserPolicy`: the document as stored (as the caller gave it), URL-encoded as IAM sends it.
    public func getUserPolicy(_ input: GetUserPolicyInput, caller: Caller) async throws(STSError) -> GetUserPolicyOutput
    {
        try await authorize(caller, GetUserPolicyInput.operation, resource: userArn(caller.accountId, input.userName))
        let policy = try await ownedInlinePolicy(
            caller: caller, owner: .user(input.userName), policyName: input.policyName)
        return GetUserPolicyOutput(
            userName: policy.owner.name, policyName: policy.policyName,
            policyDocument: PolicyDocumentEncoding.encode(policy.document))
    }

    /// `DeleteUserPolicy`.
    public func deleteUserPolicy(_ input: DeleteUserPolicyInput, caller: Caller) async throws(STSError)
        -> DeleteUserPolicyOutput
    {
        try await authorize(
            caller, DeleteUserPolicyInput.operation, resource: userArn(caller.accountId, input.userName))
        try await deleteOwnedInlinePolicy(caller: caller, owner: .user(input.userName), policyName: input.policyName)
        return DeleteUserPolicyOutput()
    }

    /// `ListUserPolicies`: inline policy names, ordered, paginated.
    public func listUserPolicies(_ input: ListUserPoliciesInput, caller: Caller) async throws(STSError)
        -> ListUserPoliciesOutput
    {
        try await authorize(
            caller, ListUserPoliciesInput.operation, resource: userArn(caller.accountId, input.userName))
        let page = try await ownedInlinePolicyNames(
            caller: caller, owner: .user(input.userName), marker: input.marker, maxItems: input.maxItems)
        return ListUserPoliciesOutput(policyNames: page.items, isTruncated: page.isTruncated, marker: page.marker)
    }

    /// `AttachUserPolicy`: at most 10 managed policies per user.
    public func attachUserPolicy(_ input: AttachUserPolicyInput, caller: Caller) async throws(STSError)
        -> AttachUserPolicyOutput
    {
        try await authorize(
            caller, AttachUserPolicyInput.operation, resource: userArn(caller.accountId, input.userName))
        try await attachOwnedPolicy(caller: caller, owner: .user(input.userName), policyArn: input.policyArn)
        return AttachUserPolicyOutput()
    }

    /// `DetachUserPolicy`.
    public func detachUserPolicy(_ input: DetachUserPolicyInput, caller: Caller) async throws(STSError)
        -> DetachUserPolicyOutput
    {
        try await authorize(
            caller, DetachUserPolicyInput.operation, resource: userArn(caller.accountId, input.userName))
        try await detachOwnedPolicy(caller: caller, owner: .user(input.userName), policyArn: input.policyArn)
        return DetachUserPolicyOutput()
    }

    /// `ListAttachedUserPolicies`, ordered by policy name, filtered by the policies' path.
    public func listAttachedUserPolicies(_ input: ListAttachedUserPoliciesInput, caller: Caller)
        async throws(STSError) -> ListAttachedUserPoliciesOutput
    {
        try await authorize(
            caller, ListAttachedUserPoliciesInput.operation, resource: userArn(caller.accountId, input.userName))
        let page = try await ownedAttachedPolicies(
            caller: caller, owner: .user(input.userName), pathPrefix: input.pathPrefix, marker: input.marker,
            maxItems: input.maxItems)
        return ListAttachedUserPoliciesOutput(
            attachedPolicies: page.items.map(\.wire), isTruncated: page.isTruncated, marker: page.marker)
    }

    /// `PutUserPermissionsBoundary`: the policy must exist in the account.
    public func putUserPermissionsBoundary(_ input: PutUserPermissionsBoundaryInput, caller: Caller)
        async throws(STSError) -> PutUserPermissionsBoundaryOutput
    {
        let (userName, policyArn) = (input.userName, input.permissionsBoundary)
        try await authorize(
            caller, PutUserPermissionsBoundaryInput.operation, resource: userArn(caller.accountId, userName))
        try Self.checkPolicyArn(policyArn)
        try await storeCall({
            try await store.setPermissionsBoundary(
                accountId: caller.accountId, principal: .user(userName), policyArn: policyArn)
        }) { error in
            error.code == .notFound ? Self.ownedPolicyError(error, owner: .user(userName), policyArn: policyArn) : nil
        }
        resolver?.invalidateAll()
        return PutUserPermissionsBoundaryOutput()
    }

    /// `DeleteUserPermissionsBoundary`: removing a boundary the user does not have changes nothing.
    public func deleteUserPermissionsBoundary(_ input: DeleteUserPermissionsBoundaryInput, caller: Caller)
        async throws(STSError) -> DeleteUserPermissionsBoundaryOutput
    {
        let userName = input.userName
        try await authorize(
            caller, DeleteUserPermissionsBoundaryInput.operation, resource: userArn(caller.accountId, userName))
        try await storeCall({
            try await store.setPermissionsBoundary(
                accountId: caller.accountId, principal: .user(userName), policyArn: nil)
        }) { error in
            error.code == .notFound ? noSuchUser(userName) : nil
        }
        resolver?.invalidateAll()
        return DeleteUserPermissionsBoundaryOutput()
    }

    // MARK: Policies of users, groups and roles

    /// Parses and stores an inline policy of a user, group or role.
    func putOwnedInlinePolicy(
        caller: Caller, owner: PolicyOwner, policyName: String, document: String, maxTotalSize: Int
    ) async throws(STSError) {
        try Self.validatePolicyDocument(document, as: .inline)
        let policy = InlinePolicy(accountId: caller.accountId, owner: owner, policyName: policyName, document: document)
        try await storeCall({ try await store.putInlinePolicy(policy, maxTotalSize: maxTotalSize) }) { error in
            switch error.code {
            case .notFound: return Self.ownedPolicyError(error, owner: owner, policyName: policyName)
            case .limitExceeded:
                return STSError(
                    .limitExceeded,
                    "Maximum policy size of \(maxTotalSize) bytes exceeded for \(owner.kindName) \(owner.name)")
            default: return nil
            }
        }
    }

    /// An inline policy of a user, group or role, or `NoSuchEntity`.
    func ownedInlinePolicy(caller: Caller, owner: PolicyOwner, policyName: String) async throws(STSError)
        -> InlinePolicy
    {
        let policy = try await storeCall({
            try await store.inlinePolicy(accountId: caller.accountId, owner: owner, policyName: policyName)
        }) { error in
            error.code == .notFound ? Self.ownedPolicyError(error, owner: owner, policyName: policyName) : nil
        }
        guard let policy else { throw Self.noSuchInlinePolicy(owner, policyName) }
        return policy
    }

    func deleteOwnedInlinePolicy(caller: Caller, owner: PolicyOwner, policyName: String) async throws(STSError) {
        try await storeCall({
            try await store.deleteInlinePolicy(accountId: caller.accountId, owner: owner, policyName: policyName)
        }) { error in
            error.code == .notFound ? Self.ownedPolicyError(error, owner: owner, policyName: policyName) : nil
        }
    }

    func ownedInlinePolicyNames(caller: Caller, owner: PolicyOwner, marker: String?, maxItems: Int?)
        async throws(STSError) -> Page<String>
    {
        let names = try await storeCall({ try await store.inlinePolicyNames(accountId: caller.accountId, owner: owner) }
        ) {
            error in error.code == .notFound ? Self.ownedPolicyError(error, owner: owner) : nil
        }
        return try page(
            names, listing: "List\(owner.kindName.capitalized)Policies", key: { $0.lowercased() }, marker: marker,
            maxItems: maxItems)
    }

    func attachOwnedPolicy(caller: Caller, owner: PolicyOwner, policyArn: String) async throws(STSError) {
        try Self.checkPolicyArn(policyArn)
        try await storeCall({
            try await store.attachPolicy(
                accountId: caller.accountId, owner: owner, policyArn: policyArn,
                maxAttachedPolicies: Self.maxAttachedPoliciesPerOwner)
        }) { error in
            switch error.code {
            case .notFound: return Self.ownedPolicyError(error, owner: owner, policyArn: policyArn)
            case .limitExceeded:
                let kind = owner.kindName.prefix(1).uppercased() + owner.kindName.dropFirst()
                return STSError(
                    .limitExceeded, "Cannot exceed quota for PoliciesPer\(kind): \(Self.maxAttachedPoliciesPerOwner)")
            default: return nil
            }
        }
    }

    func detachOwnedPolicy(caller: Caller, owner: PolicyOwner, policyArn: String) async throws(STSError) {
        try Self.checkPolicyArn(policyArn)
        try await storeCall({
            try await store.detachPolicy(accountId: caller.accountId, owner: owner, policyArn: policyArn)
        }) {
            error in
            guard error.code == .notFound else { return nil }
            // A policy that does not exist, or is not attached here: IAM says the same of both.
            if error.detail.hasPrefix("policy") || error.detail.hasPrefix("attachment") {
                return Self.policyNotFound(policyArn)
            }
            return Self.ownedPolicyError(error, owner: owner, policyArn: policyArn)
        }
    }

    func ownedAttachedPolicies(
        caller: Caller, owner: PolicyOwner, pathPrefix: String?, marker: String?, maxItems: Int?
    ) async throws(STSError) -> Page<AttachedPolicy> {
        var attached = try await storeCall({
            try await store.attachedPolicies(accountId: caller.accountId, owner: owner)
        }) {
            error in error.code == .notFound ? Self.ownedPolicyError(error, owner: owner) : nil
        }
        if let pathPrefix {
            attached.removeAll { !Self.policyPath(of: $0.policyArn).hasPrefix(pathPrefix) }
        }
        return try page(
            attached, listing: "ListAttached\(owner.kindName.capitalized)Policies", key: { $0.policyName.lowercased() },
            marker: marker, maxItems: maxItems)
    }

    /// IAM's `NoSuchEntity` for a store's `.notFound` about an owner and its policies (see `PolicyStore`'s details).
    static func ownedPolicyError(
        _ error: StoreError, owner: PolicyOwner, policyArn: String? = nil, policyName: String? = nil
    ) -> STSError {
        let detail = error.detail
        if detail.hasPrefix("inline policy"), let policyName { return noSuchInlinePolicy(owner, policyName) }
        if detail.hasPrefix("attachment"), let policyArn { return policyNotFound(policyArn) }
        if detail.hasPrefix("policy"), let policyArn { return policyNotAttachable(policyArn) }
        return noSuchOwner(owner)
    }

    static func noSuchOwner(_ owner: PolicyOwner) -> STSError {
        STSError(.noSuchEntity, "The \(owner.kindName) with name \(owner.name) cannot be found.")
    }

    static func noSuchInlinePolicy(_ owner: PolicyOwner, _ policyName: String) -> STSError {
        STSError(.noSuchEntity, "The \(owner.kindName) policy with name \(policyName) cannot be found.")
    }

    /// The path of a managed policy ARN: `arn:aws:iam::A:policy/team/P` → `/team/`.
    static func policyPath(of arn: String) -> String {
        guard let range = arn.range(of: ":policy/") else { return "/" }
        let resource = arn[range.upperBound...]
        guard let slash = resource.lastIndex(of: "/") else { return "/" }
        return "/" + resource[...slash]
    }
}
