public import Foundation
public import LatchkeyModel
import LatchkeyPolicy
public import LatchkeyDomain
import LatchkeyTokens

extension IAMService {
    /// `ListPolicies`' `Scope`: Latchkey has no AWS managed policies, so `AWS` lists nothing.
    public enum PolicyScope: String, Sendable {
        case all = "All"
        case aws = "AWS"
        case local = "Local"
    }

    /// `ListPolicies`' `PolicyUsageFilter`.
    public enum PolicyUsage: String, Sendable {
        case permissionsPolicy = "PermissionsPolicy"
        case permissionsBoundary = "PermissionsBoundary"
    }

    /// The most tags a managed policy may carry.
    static let maxTagsPerPolicy = 50

    /// `CreatePolicy`: the document (parsed as an identity policy, at most 6144 characters without white space)
    /// becomes version `v1`, the default.
    public func createPolicy(
        caller: Caller, policyName: String, path: String?, document: String, description: String?,
        tags: [ResourceTag], now: Date
    ) async throws(STSError) -> ManagedPolicy {
        let path = path ?? "/"
        let arn = ManagedPolicy.arn(accountId: caller.accountId, path: path, policyName: policyName)
        try await authorize(caller, action: "CreatePolicy", resource: arn)
        try Self.checkTagKeysUnique(tags)
        try Self.validatePolicyDocument(document, as: .managed)
        let policy = ManagedPolicy(
            accountId: caller.accountId, policyName: policyName,
            policyId: UniqueID.generate(prefix: "ANPA", account: caller.accountId), path: path,
            description: description, createDate: now.wholeSeconds, tags: tags)
        try await storeCall({ try await store.insertManagedPolicy(policy, document: document) }) { error in
            error.code == .alreadyExists
                ? STSError(
                    .entityAlreadyExists, "A policy called \(policyName) already exists. Duplicate names are not allowed.")
                : nil
        }
        return policy
    }

    /// `GetPolicy`.
    public func getPolicy(caller: Caller, policyArn: String) async throws(STSError) -> ManagedPolicy {
        try await authorize(caller, action: "GetPolicy", resource: policyArn)
        return try await requireManagedPolicy(policyArn)
    }

    /// `DeletePolicy`: refused while the policy is attached, used as a boundary, or has non-default versions.
    public func deletePolicy(caller: Caller, policyArn: String) async throws(STSError) {
        try await authorize(caller, action: "DeletePolicy", resource: policyArn)
        try Self.checkPolicyArn(policyArn)
        try await storeCall({ try await store.deleteManagedPolicy(arn: policyArn) }) { error in
            if error.code == .notFound { return Self.policyNotFound(policyArn) }
            guard error.code == .conflict else { return nil }
            if error.detail == "versions" {
                return STSError(
                    .deleteConflict,
                    "This policy has more than one version. Before you delete a policy, you must delete the policy's "
                        + "versions. The default version is deleted with the policy.")
            }
            return STSError(.deleteConflict, "Cannot delete a policy attached to entities.")
        }
    }

    /// `ListPolicies`, ordered by name, paginated. `OnlyAttached` keeps policies attached to a user, group or role;
    /// `PolicyUsageFilter=PermissionsBoundary` keeps policies some user or role uses as its boundary (every customer
    /// managed policy can serve as a permissions policy, so `PermissionsPolicy` keeps all).
    public func listPolicies(
        caller: Caller, scope: PolicyScope?, onlyAttached: Bool?, pathPrefix: String?, usage: PolicyUsage?,
        marker: String?, maxItems: Int?
    ) async throws(STSError) -> Page<ManagedPolicy> {
        try await authorize(caller, action: "ListPolicies", resource: "arn:aws:iam::\(caller.accountId):policy/")
        var policies: [ManagedPolicy] = []
        if scope != .aws {
            policies = try await storeCall({
                try await store.managedPolicies(
                    accountId: caller.accountId, pathPrefix: pathPrefix ?? "/", onlyAttached: onlyAttached ?? false)
            })
        }
        if usage == .permissionsBoundary {
            policies.removeAll { $0.permissionsBoundaryUsageCount == 0 }
        }
        return try page(policies, listing: "ListPolicies", key: { $0.policyName.lowercased() }, marker: marker, maxItems: maxItems)
    }

    // MARK: Versions

    /// `GetPolicyVersion`.
    public func getPolicyVersion(caller: Caller, policyArn: String, versionId: String) async throws(STSError)
        -> LatchkeyDomain.PolicyVersion
    {
        try await authorize(caller, action: "GetPolicyVersion", resource: policyArn)
        try Self.checkPolicyArn(policyArn)
        let version = try await storeCall({ try await store.policyVersion(policyArn: policyArn, versionId: versionId) }) {
            error in error.code == .notFound ? Self.policyNotFound(policyArn) : nil
        }
        guard let version else { throw Self.noSuchVersion(policyArn, versionId) }
        return version
    }

    /// `CreatePolicyVersion`: at most five versions; with `SetAsDefault` the new version is in force at once.
    public func createPolicyVersion(
        caller: Caller, policyArn: String, document: String, setAsDefault: Bool, now: Date
    ) async throws(STSError) -> LatchkeyDomain.PolicyVersion {
        try await authorize(caller, action: "CreatePolicyVersion", resource: policyArn)
        try Self.checkPolicyArn(policyArn)
        try Self.validatePolicyDocument(document, as: .managed)
        return try await storeCall({
            try await store.createPolicyVersion(
                policyArn: policyArn, document: document, setAsDefault: setAsDefault, createDate: now.wholeSeconds)
        }) { error in
            switch error.code {
            case .notFound: return Self.policyNotFound(policyArn)
            case .limitExceeded:
                return STSError(
                    .limitExceeded,
                    "A managed policy can have up to \(PolicyVersion.maxVersionsPerPolicy) versions. Before you create "
                        + "a new version, you must delete an existing version.")
            default: return nil
            }
        }
    }

    /// `DeletePolicyVersion`: the default version cannot be deleted.
    public func deletePolicyVersion(caller: Caller, policyArn: String, versionId: String) async throws(STSError) {
        try await authorize(caller, action: "DeletePolicyVersion", resource: policyArn)
        try Self.checkPolicyArn(policyArn)
        try await storeCall({ try await store.deletePolicyVersion(policyArn: policyArn, versionId: versionId) }) { error in
            switch error.code {
            case .notFound:
                return error.detail.hasPrefix("version")
                    ? Self.noSuchVersion(policyArn, versionId) : Self.policyNotFound(policyArn)
            case .conflict: return STSError(.deleteConflict, "Cannot delete the default version of a policy.")
            default: return nil
            }
        }
    }

    /// `SetDefaultPolicyVersion`.
    public func setDefaultPolicyVersion(caller: Caller, policyArn: String, versionId: String) async throws(STSError) {
        try await authorize(caller, action: "SetDefaultPolicyVersion", resource: policyArn)
        try Self.checkPolicyArn(policyArn)
        try await storeCall({ try await store.setDefaultPolicyVersion(policyArn: policyArn, versionId: versionId) }) {
            error in
            guard error.code == .notFound else { return nil }
            return error.detail.hasPrefix("version")
                ? Self.noSuchVersion(policyArn, versionId) : Self.policyNotFound(policyArn)
        }
    }

    /// `ListPolicyVersions`, newest first, paginated.
    public func listPolicyVersions(caller: Caller, policyArn: String, marker: String?, maxItems: Int?)
        async throws(STSError) -> Page<LatchkeyDomain.PolicyVersion>
    {
        try await authorize(caller, action: "ListPolicyVersions", resource: policyArn)
        try Self.checkPolicyArn(policyArn)
        let versions = try await storeCall({ try await store.policyVersions(policyArn: policyArn) }) { error in
            error.code == .notFound ? Self.policyNotFound(policyArn) : nil
        }
        // Newest first: the page key counts down so that it still grows along the list.
        return try page(
            versions, listing: "ListPolicyVersions", key: { Self.descendingKey($0.versionId) }, marker: marker, maxItems: maxItems)
    }

    // MARK: Tags

    /// `TagPolicy`: adds or replaces tags (keys case-insensitive); at most 50 tags on a policy.
    public func tagPolicy(caller: Caller, policyArn: String, tags: [ResourceTag]) async throws(STSError) {
        try await authorize(caller, action: "TagPolicy", resource: policyArn)
        try Self.checkTagKeysUnique(tags)
        try await modifyManagedPolicyTags(policyArn) { stored in
            // Counted against the tags actually stored, inside the store's transaction.
            let merged = Self.merge(stored, with: tags)
            guard merged.count <= Self.maxTagsPerPolicy else {
                throw Self.tooManyTags
            }
            stored = merged
        }
    }

    /// `UntagPolicy`: removes the named keys (case-insensitively); absent keys are ignored.
    public func untagPolicy(caller: Caller, policyArn: String, tagKeys: [String]) async throws(STSError) {
        try await authorize(caller, action: "UntagPolicy", resource: policyArn)
        let removed = Set(tagKeys.map { $0.lowercased() })
        try await modifyManagedPolicyTags(policyArn) { tags in
            tags.removeAll { removed.contains($0.key.lowercased()) }
        }
    }

    /// `ListPolicyTags`, ordered by key.
    public func listPolicyTags(caller: Caller, policyArn: String, marker: String?, maxItems: Int?)
        async throws(STSError) -> Page<ResourceTag>
    {
        try await authorize(caller, action: "ListPolicyTags", resource: policyArn)
        let policy = try await requireManagedPolicy(policyArn)
        let sorted = policy.tags.sorted { $0.key.lowercased() < $1.key.lowercased() }
        return try page(sorted, listing: "ListPolicyTags", key: { $0.key.lowercased() }, marker: marker, maxItems: maxItems)
    }

    // MARK: Helpers

    /// Loads a managed policy of the caller's account or throws `NoSuchEntity` (`ValidationError` for a malformed ARN).
    /// Changes the policy's tags atomically (read, `change`, write in one store transaction); a malformed ARN is
    /// `ValidationError`, a missing policy `NoSuchEntity`, an `STSError` thrown by `change` comes back as it is.
    private func modifyManagedPolicyTags(
        _ policyArn: String, _ change: @escaping @Sendable (inout [ResourceTag]) throws -> Void
    ) async throws(STSError) {
        try Self.checkPolicyArn(policyArn)
        _ = try await storeCall({ try await store.modifyManagedPolicyTags(policyArn: policyArn, change) }) { error in
            error.code == .notFound ? Self.policyNotFound(policyArn) : nil
        }
    }

    func requireManagedPolicy(_ policyArn: String) async throws(STSError) -> ManagedPolicy {
        try Self.checkPolicyArn(policyArn)
        guard let policy = try await storeCall({ try await store.managedPolicy(arn: policyArn) }) else {
            throw Self.policyNotFound(policyArn)
        }
        return policy
    }

    /// `ValidationError` unless `arn` is a policy ARN (`PolicyArn` of every operation, and `PermissionsBoundary`).
    static func checkPolicyArn(_ arn: String) throws(STSError) {
        guard isPolicyArn(arn) else { throw STSError(.validationError, "ARN \(arn) is not valid.") }
    }

    /// IAM's `NoSuchEntity` for a policy named by an operation on the policy itself.
    static func policyNotFound(_ arn: String) -> STSError {
        STSError(.noSuchEntity, "Policy \(arn) was not found.")
    }

    /// IAM's `NoSuchEntity` for a policy to attach or to use as a boundary.
    static func policyNotAttachable(_ arn: String) -> STSError {
        STSError(.noSuchEntity, "Policy \(arn) does not exist or is not attachable.")
    }

    static func noSuchVersion(_ arn: String, _ versionId: String) -> STSError {
        STSError(.noSuchEntity, "Policy \(arn) version \(versionId) does not exist or is not attachable.")
    }

    /// A key that decreases as the version number grows (`v1` → the largest), for paging newest first.
    static func descendingKey(_ versionId: String) -> String {
        let number = Int(versionId.dropFirst()) ?? 0
        let text = String(max(0, 999_999_999 - number))
        return String(repeating: "0", count: max(0, 9 - text.count)) + text
    }
}
