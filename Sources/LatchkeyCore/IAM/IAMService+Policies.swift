public import Foundation
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeyPolicy
import LatchkeyTokens

extension IAMService {
    /// `ListPolicies`' `Scope`: Latchkey has no AWS managed policies, so `AWS` lists nothing.
    enum PolicyScope: String, Sendable {
        case all = "All"
        case aws = "AWS"
        case local = "Local"
    }

    /// `ListPolicies`' `PolicyUsageFilter`.
    enum PolicyUsage: String, Sendable {
        case permissionsPolicy = "PermissionsPolicy"
        case permissionsBoundary = "PermissionsBoundary"
    }

    /// The most tags a managed policy may carry.
    static let maxTagsPerPolicy = 50

    /// `CreatePolicy`: the document (parsed as an identity policy, at most 6144 characters without white space)
    /// becomes version `v1`, the default.
    public func createPolicy(_ input: CreatePolicyInput, caller: Caller, now: Date) async throws(STSError)
        -> CreatePolicyOutput
    {
        let policyName = input.policyName
        let path = input.path ?? "/"
        let document = input.policyDocument
        let tags = (input.tags ?? []).map(ResourceTag.init)
        let arn = ManagedPolicy.arn(accountId: caller.accountId, path: path, policyName: policyName)
        try await authorize(caller, CreatePolicyInput.operation, resource: arn)
        try Self.checkTagKeysUnique(tags)
        try Self.validatePolicyDocument(document, as: .managed)
        let policy = ManagedPolicy(
            accountId: caller.accountId, policyName: policyName,
            policyId: UniqueID.generate(prefix: "ANPA", account: caller.accountId), path: path,
            description: input.description, createDate: now.wholeSeconds, tags: tags)
        try await storeCall({ try await store.insertManagedPolicy(policy, document: document) }) { error in
            error.code == .alreadyExists
                ? STSError(
                    .entityAlreadyExists,
                    "A policy called \(policyName) already exists. Duplicate names are not allowed.")
                : nil
        }
        return CreatePolicyOutput(policy: policy.wire(.created))
    }

    /// `GetPolicy`.
    public func getPolicy(_ input: GetPolicyInput, caller: Caller) async throws(STSError) -> GetPolicyOutput {
        try await authorize(caller, GetPolicyInput.operation, resource: input.policyArn)
        return GetPolicyOutput(policy: try await requireManagedPolicy(input.policyArn).wire(.get))
    }

    /// `DeletePolicy`: refused while the policy is attached, used as a boundary, or has non-default versions.
    public func deletePolicy(_ input: DeletePolicyInput, caller: Caller) async throws(STSError) -> DeletePolicyOutput {
        let policyArn = input.policyArn
        try await authorize(caller, DeletePolicyInput.operation, resource: policyArn)
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
        return DeletePolicyOutput()
    }

    /// `ListPolicies`, ordered by name, paginated. `OnlyAttached` keeps policies attached to a user, group or role;
    /// `PolicyUsageFilter=PermissionsBoundary` keeps policies some user or role uses as its boundary (every customer
    /// managed policy can serve as a permissions policy, so `PermissionsPolicy` keeps all).
    public func listPolicies(_ input: ListPoliciesInput, caller: Caller) async throws(STSError) -> ListPoliciesOutput {
        // The schema admits only the model's enum values.
        let scope = input.scope.flatMap(PolicyScope.init(rawValue:))
        let usage = input.policyUsageFilter.flatMap(PolicyUsage.init(rawValue:))
        try await authorize(caller, ListPoliciesInput.operation, resource: "arn:aws:iam::\(caller.accountId):policy/")
        var policies: [ManagedPolicy] = []
        if scope != .aws {
            policies = try await storeCall({
                try await store.managedPolicies(
                    accountId: caller.accountId, pathPrefix: input.pathPrefix ?? "/",
                    onlyAttached: input.onlyAttached ?? false)
            })
        }
        if usage == .permissionsBoundary {
            policies.removeAll { $0.permissionsBoundaryUsageCount == 0 }
        }
        let page = try page(
            policies, listing: "ListPolicies", key: { $0.policyName.lowercased() }, marker: input.marker,
            maxItems: input.maxItems)
        return ListPoliciesOutput(
            policies: page.items.map { $0.wire(.listing) }, isTruncated: page.isTruncated, marker: page.marker)
    }

    // MARK: Versions

    /// `GetPolicyVersion`.
    public func getPolicyVersion(_ input: GetPolicyVersionInput, caller: Caller) async throws(STSError)
        -> GetPolicyVersionOutput
    {
        let policyArn = input.policyArn
        let versionId = input.versionId
        try await authorize(caller, GetPolicyVersionInput.operation, resource: policyArn)
        try Self.checkPolicyArn(policyArn)
        let version = try await storeCall({ try await store.policyVersion(policyArn: policyArn, versionId: versionId) })
        {
            error in error.code == .notFound ? Self.policyNotFound(policyArn) : nil
        }
        guard let version else { throw Self.noSuchVersion(policyArn, versionId) }
        return GetPolicyVersionOutput(policyVersion: version.wire(withDocument: true))
    }

    /// `CreatePolicyVersion`: at most five versions; with `SetAsDefault` the new version is in force at once.
    public func createPolicyVersion(_ input: CreatePolicyVersionInput, caller: Caller, now: Date) async throws(STSError)
        -> CreatePolicyVersionOutput
    {
        let policyArn = input.policyArn
        let document = input.policyDocument
        let setAsDefault = input.setAsDefault ?? false
        try await authorize(caller, CreatePolicyVersionInput.operation, resource: policyArn)
        try Self.checkPolicyArn(policyArn)
        try Self.validatePolicyDocument(document, as: .managed)
        let version = try await storeCall({
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
        return CreatePolicyVersionOutput(policyVersion: version.wire(withDocument: false))
    }

    /// `DeletePolicyVersion`: the default version cannot be deleted.
    public func deletePolicyVersion(_ input: DeletePolicyVersionInput, caller: Caller) async throws(STSError)
        -> DeletePolicyVersionOutput
    {
        let policyArn = input.policyArn
        let versionId = input.versionId
        try await authorize(caller, DeletePolicyVersionInput.operation, resource: policyArn)
        try Self.checkPolicyArn(policyArn)
        try await storeCall({ try await store.deletePolicyVersion(policyArn: policyArn, versionId: versionId) }) {
            error in
            switch error.code {
            case .notFound:
                return error.detail.hasPrefix("version")
                    ? Self.noSuchVersion(policyArn, versionId) : Self.policyNotFound(policyArn)
            case .conflict: return STSError(.deleteConflict, "Cannot delete the default version of a policy.")
            default: return nil
            }
        }
        return DeletePolicyVersionOutput()
    }

    /// `SetDefaultPolicyVersion`.
    public func setDefaultPolicyVersion(_ input: SetDefaultPolicyVersionInput, caller: Caller) async throws(STSError)
        -> SetDefaultPolicyVersionOutput
    {
        let policyArn = input.policyArn
        let versionId = input.versionId
        try await authorize(caller, SetDefaultPolicyVersionInput.operation, resource: policyArn)
        try Self.checkPolicyArn(policyArn)
        try await storeCall({ try await store.setDefaultPolicyVersion(policyArn: policyArn, versionId: versionId) }) {
            error in
            guard error.code == .notFound else { return nil }
            return error.detail.hasPrefix("version")
                ? Self.noSuchVersion(policyArn, versionId) : Self.policyNotFound(policyArn)
        }
        return SetDefaultPolicyVersionOutput()
    }

    /// `ListPolicyVersions`, newest first, paginated.
    public func listPolicyVersions(_ input: ListPolicyVersionsInput, caller: Caller) async throws(STSError)
        -> ListPolicyVersionsOutput
    {
        let policyArn = input.policyArn
        try await authorize(caller, ListPolicyVersionsInput.operation, resource: policyArn)
        try Self.checkPolicyArn(policyArn)
        let versions = try await storeCall({ try await store.policyVersions(policyArn: policyArn) }) { error in
            error.code == .notFound ? Self.policyNotFound(policyArn) : nil
        }
        // Newest first: the page key counts down so that it still grows along the list.
        let page = try page(
            versions, listing: "ListPolicyVersions", key: { Self.descendingKey($0.versionId) }, marker: input.marker,
            maxItems: input.maxItems)
        return ListPolicyVersionsOutput(
            versions: page.items.map { $0.wire(withDocument: false) }, isTruncated: page.isTruncated,
            marker: page.marker)
    }

    // MARK: Helpers

    /// Loads a managed policy of the caller's account or throws `NoSuchEntity` (`ValidationError` for a malformed ARN).
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
