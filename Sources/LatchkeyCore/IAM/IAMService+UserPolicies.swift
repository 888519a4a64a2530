public import Foundation
public import LatchkeyModel
import LatchkeyPolicy
public import LatchkeyDomain

extension IAMService {
    /// The most managed policies attached to one user, group or role (IAM's default quota).
    static let maxAttachedPoliciesPerOwner = 10
    /// The aggregate size of a user's inline policies, white space not counted.
    static let maxUserInlinePolicySize = 2048

    /// `PutUserPolicy`: creates or replaces an inline policy; the document is parsed as an identity policy.
    public func putUserPolicy(caller: Caller, userName: String, policyName: String, document: String)
        async throws(STSError)
    {
        try await authorize(caller, action: "PutUserPolicy", resource: userArn(caller.accountId, userName))
        try await putOwnedInlinePolicy(
            caller: caller, owner: .user(userName), policyName: policyName, document: document,
            maxTotalSize: Self.maxUserInlinePolicySize)
    }

    /// `GetUserPolicy`: the inline policy as stored (the document as the caller gave it).
    public func getUserPolicy(caller: Caller, userName: String, policyName: String) async throws(STSError)
        -> InlinePolicy
    {
        try await authorize(caller, action: "GetUserPolicy", resource: userArn(caller.accountId, userName))
        return try await ownedInlinePolicy(caller: caller, owner: .user(userName), policyName: policyName)
    }

    /// `DeleteUserPolicy`.
    public func deleteUserPolicy(caller: Caller, userName: String, policyName: String) async throws(STSError) {
        try await authorize(caller, action: "DeleteUserPolicy", resource: userArn(caller.accountId, userName))
        try await deleteOwnedInlinePolicy(caller: caller, owner: .user(userName), policyName: policyName)
    }

    /// `ListUserPolicies`: inline policy names, ordered, paginated.
    public func listUserPolicies(caller: Caller, userName: String, marker: String?, maxItems: Int?)
        async throws(STSError) -> Page<String>
    {
        try await authorize(caller, action: "ListUserPolicies", resource: userArn(caller.accountId, userName))
        return try await ownedInlinePolicyNames(caller: caller, owner: .user(userName), marker: marker, maxItems: maxItems)
    }

    /// `AttachUserPolicy`: at most 10 managed policies per user.
    public func attachUserPolicy(caller: Caller, userName: String, policyArn: String) async throws(STSError) {
        try await authorize(caller, action: "AttachUserPolicy", resource: userArn(caller.accountId, userName))
        try await attachOwnedPolicy(caller: caller, owner: .user(userName), policyArn: policyArn)
    }

    /// `DetachUserPolicy`.
    public func detachUserPolicy(caller: Caller, userName: String, policyArn: String) async throws(STSError) {
        try await authorize(caller, action: "DetachUserPolicy", resource: userArn(caller.accountId, userName))
        try await detachOwnedPolicy(caller: caller, owner: .user(userName), policyArn: policyArn)
    }

    /// `ListAttachedUserPolicies`, ordered by policy name, filtered by the policies' path.
    public func listAttachedUserPolicies(
        caller: Caller, userName: String, pathPrefix: String?, marker: String?, maxItems: Int?
    ) async throws(STSError) -> Page<AttachedPolicy> {
        try await authorize(caller, action: "ListAttachedUserPolicies", resource: userArn(caller.accountId, userName))
        return try await ownedAttachedPolicies(
            caller: caller, owner: .user(userName), pathPrefix: pathPrefix, marker: marker, maxItems: maxItems)
    }

    /// `PutUserPermissionsBoundary`: the policy must exist in the account.
    public func putUserPermissionsBoundary(caller: Caller, userName: String, policyArn: String) async throws(STSError) {
        try await authorize(caller, action: "PutUserPermissionsBoundary", resource: userArn(caller.accountId, userName))
        try Self.checkPolicyArn(policyArn)
        try await storeCall({
            try await store.setPermissionsBoundary(accountId: caller.accountId, principal: .user(userName), policyArn: policyArn)
        }) { error in
            error.code == .notFound ? Self.ownedPolicyError(error, owner: .user(userName), policyArn: policyArn) : nil
        }
        resolver?.invalidateAll()
    }

    /// `DeleteUserPermissionsBoundary`: removing a boundary the user does not have changes nothing.
    public func deleteUserPermissionsBoundary(caller: Caller, userName: String) async throws(STSError) {
        try await authorize(caller, action: "DeleteUserPermissionsBoundary", resource: userArn(caller.accountId, userName))
        try await storeCall({
            try await store.setPermissionsBoundary(accountId: caller.accountId, principal: .user(userName), policyArn: nil)
        }) { error in
            error.code == .notFound ? noSuchUser(userName) : nil
        }
        resolver?.invalidateAll()
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
    func ownedInlinePolicy(caller: Caller, owner: PolicyOwner, policyName: String) async throws(STSError) -> InlinePolicy {
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
        let names = try await storeCall({ try await store.inlinePolicyNames(accountId: caller.accountId, owner: owner) }) {
            error in error.code == .notFound ? Self.ownedPolicyError(error, owner: owner) : nil
        }
        return try page(names, listing: "List\(owner.kindName.capitalized)Policies", key: { $0.lowercased() }, marker: marker, maxItems: maxItems)
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
        try await storeCall({ try await store.detachPolicy(accountId: caller.accountId, owner: owner, policyArn: policyArn) }) {
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
        var attached = try await storeCall({ try await store.attachedPolicies(accountId: caller.accountId, owner: owner) }) {
            error in error.code == .notFound ? Self.ownedPolicyError(error, owner: owner) : nil
        }
        if let pathPrefix {
            attached.removeAll { !Self.policyPath(of: $0.policyArn).hasPrefix(pathPrefix) }
        }
        return try page(attached, listing: "ListAttached\(owner.kindName.capitalized)Policies", key: { $0.policyName.lowercased() }, marker: marker, maxItems: maxItems)
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
