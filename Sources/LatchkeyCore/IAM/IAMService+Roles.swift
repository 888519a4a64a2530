public import Foundation
public import LatchkeyModel
import LatchkeyPolicy
public import LatchkeyDomain
import LatchkeyTokens

extension IAMService {
    /// `CreateRole`: the trust policy is parsed as a resource-based policy (`MalformedPolicyDocument`, or
    /// `LimitExceeded` over 2,048 characters without white space); a permissions boundary must name a managed
    /// policy of the account. IDs are `AROA...`.
    public func createRole(
        caller: Caller, roleName: String, path: String?, assumeRolePolicyDocument: String, description: String?,
        maxSessionDuration: Int?, permissionsBoundary: String?, tags: [ResourceTag], now: Date
    ) async throws(STSError) -> IAMRole {
        let path = path ?? "/"
        try await authorize(caller, action: "CreateRole", resource: roleArn(caller.accountId, roleName, path: path))
        try Self.checkTagKeysUnique(tags)
        try Self.validatePolicyDocument(assumeRolePolicyDocument, as: .roleTrust)
        var boundary: String?
        if let permissionsBoundary {
            boundary = try await boundaryPolicyArn(caller.accountId, permissionsBoundary)
        }
        let role = IAMRole(
            accountId: caller.accountId, roleName: roleName,
            roleId: UniqueID.generate(prefix: UniqueID.rolePrefix, account: caller.accountId), path: path,
            assumeRolePolicyDocument: assumeRolePolicyDocument, description: description.flatMap { $0.isEmpty ? nil : $0 },
            maxSessionDuration: maxSessionDuration ?? IAMRole.defaultMaxSessionDuration,
            permissionsBoundaryArn: boundary, tags: tags, createDate: now.wholeSeconds)
        try await storeCall({ try await store.insertRole(role) }) { error in
            error.code == .alreadyExists
                ? STSError(.entityAlreadyExists, "Role with name \(roleName) already exists.") : nil
        }
        return role
    }

    /// `GetRole`.
    public func getRole(caller: Caller, roleName: String) async throws(STSError) -> IAMRole {
        try await authorize(caller, action: "GetRole", resource: try await roleResource(caller.accountId, roleName))
        return try await requireRole(caller.accountId, roleName)
    }

    /// `ListRoles`, ordered by name, paginated.
    public func listRoles(caller: Caller, pathPrefix: String?, marker: String?, maxItems: Int?) async throws(STSError)
        -> Page<IAMRole>
    {
        try await authorize(caller, action: "ListRoles", resource: "arn:aws:iam::\(caller.accountId):role/")
        let roles = try await storeCall({ try await store.roles(accountId: caller.accountId, pathPrefix: pathPrefix ?? "/") })
        return try page(roles, listing: "ListRoles", key: { $0.roleName.lowercased() }, marker: marker, maxItems: maxItems)
    }

    /// `UpdateRole`: the description (an empty one removes it) and the maximum session duration; parameters left
    /// out keep their values.
    public func updateRole(caller: Caller, roleName: String, description: String?, maxSessionDuration: Int?)
        async throws(STSError)
    {
        try await authorize(caller, action: "UpdateRole", resource: try await roleResource(caller.accountId, roleName))
        try await modifyRole(caller.accountId, roleName) { role in
            if let description { role.description = description.isEmpty ? nil : description }
            if let maxSessionDuration { role.maxSessionDuration = maxSessionDuration }
        }
    }

    /// `UpdateRoleDescription`: returns the updated role.
    public func updateRoleDescription(caller: Caller, roleName: String, description: String) async throws(STSError)
        -> IAMRole
    {
        try await authorize(
            caller, action: "UpdateRoleDescription", resource: try await roleResource(caller.accountId, roleName))
        return try await modifyRole(caller.accountId, roleName) { role in
            role.description = description.isEmpty ? nil : description
        }
    }

    /// `UpdateAssumeRolePolicy`: replaces the trust policy (parsed as a resource-based policy first).
    public func updateAssumeRolePolicy(caller: Caller, roleName: String, policyDocument: String) async throws(STSError) {
        try await authorize(
            caller, action: "UpdateAssumeRolePolicy", resource: try await roleResource(caller.accountId, roleName))
        try Self.validatePolicyDocument(policyDocument, as: .roleTrust)
        try await modifyRole(caller.accountId, roleName) { role in
            role.assumeRolePolicyDocument = policyDocument
        }
    }

    /// `DeleteRole`: refused while managed policies are attached or inline policies remain.
    public func deleteRole(caller: Caller, roleName: String) async throws(STSError) {
        try await authorize(caller, action: "DeleteRole", resource: try await roleResource(caller.accountId, roleName))
        let accountId = caller.accountId
        let attached = try await storeCall({ try await store.attachedPolicies(accountId: accountId, owner: .role(roleName)) }) {
            error in error.code == .notFound ? noSuchRole(roleName) : nil
        }
        guard attached.isEmpty else {
            throw STSError(.deleteConflict, "Cannot delete entity, must detach all policies first.")
        }
        try await storeCall({ try await store.deleteRole(accountId: accountId, roleName: roleName) }) { error in
            if error.code == .notFound { return noSuchRole(roleName) }
            if error.code == .conflict {
                return STSError(.deleteConflict, "Cannot delete entity, must delete policies first.")
            }
            return nil
        }
    }

    /// `TagRole`: adds or replaces tags (keys case-insensitive); at most 50 tags on a role.
    public func tagRole(caller: Caller, roleName: String, tags: [ResourceTag]) async throws(STSError) {
        try await authorize(caller, action: "TagRole", resource: try await roleResource(caller.accountId, roleName))
        try Self.checkTagKeysUnique(tags)
        try await modifyRole(caller.accountId, roleName) { role in
            // Counted against the tags actually stored, inside the store's transaction.
            let merged = Self.merge(role.tags, with: tags)
            guard merged.count <= 50 else {
                throw Self.tooManyTags
            }
            role.tags = merged
        }
    }

    /// `UntagRole`: removes the named keys (case-insensitively); absent keys are ignored.
    public func untagRole(caller: Caller, roleName: String, tagKeys: [String]) async throws(STSError) {
        try await authorize(caller, action: "UntagRole", resource: try await roleResource(caller.accountId, roleName))
        let removed = Set(tagKeys.map { $0.lowercased() })
        try await modifyRole(caller.accountId, roleName) { role in
            role.tags.removeAll { removed.contains($0.key.lowercased()) }
        }
    }

    /// `ListRoleTags`.
    public func listRoleTags(caller: Caller, roleName: String, marker: String?, maxItems: Int?) async throws(STSError)
        -> Page<ResourceTag>
    {
        try await authorize(caller, action: "ListRoleTags", resource: try await roleResource(caller.accountId, roleName))
        let role = try await requireRole(caller.accountId, roleName)
        let sorted = role.tags.sorted { $0.key.lowercased() < $1.key.lowercased() }
        return try page(sorted, listing: "ListRoleTags", key: { $0.key.lowercased() }, marker: marker, maxItems: maxItems)
    }

    /// `PutRolePermissionsBoundary`: the policy must be a managed policy of the account.
    public func putRolePermissionsBoundary(caller: Caller, roleName: String, permissionsBoundary: String)
        async throws(STSError)
    {
        try await authorize(
            caller, action: "PutRolePermissionsBoundary", resource: try await roleResource(caller.accountId, roleName))
        let arn = try await boundaryPolicyArn(caller.accountId, permissionsBoundary)
        try await setRoleBoundary(caller.accountId, roleName, arn)
    }

    /// `DeleteRolePermissionsBoundary`: removing a boundary the role does not have changes nothing.
    public func deleteRolePermissionsBoundary(caller: Caller, roleName: String) async throws(STSError) {
        try await authorize(
            caller, action: "DeleteRolePermissionsBoundary", resource: try await roleResource(caller.accountId, roleName))
        try await setRoleBoundary(caller.accountId, roleName, nil)
    }

    // MARK: Helpers

    /// `arn:aws:iam::ACCOUNT:role/PATH/NAME`.
    func roleArn(_ accountId: String, _ name: String, path: String = "/") -> String {
        "arn:aws:iam::\(accountId):role\(path)\(name)"
    }

    /// The ARN an operation on the named role is authorized against: the stored role's (with its path), or
    /// `role/NAME` when there is no such role.
    func roleResource(_ accountId: String, _ name: String) async throws(STSError) -> String {
        let role = try await storeCall({ try await store.role(accountId: accountId, roleName: name) })
        return role?.arn ?? roleArn(accountId, name)
    }

    func noSuchRole(_ name: String) -> STSError {
        STSError(.noSuchEntity, "The role with name \(name) cannot be found.")
    }

    /// Loads a role of the account or throws `NoSuchEntity`.
    func requireRole(_ accountId: String, _ name: String) async throws(STSError) -> IAMRole {
        guard let role = try await storeCall({ try await store.role(accountId: accountId, roleName: name) }) else {
            throw noSuchRole(name)
        }
        return role
    }

    /// The canonical ARN of a permissions boundary: a well-formed policy ARN (`InvalidInput`) naming a managed
    /// policy of the account (`NoSuchEntity`).
    private func boundaryPolicyArn(_ accountId: String, _ arn: String) async throws(STSError) -> String {
        try Self.checkPolicyArn(arn)
        guard arn.hasPrefix("arn:aws:iam::\(accountId):"),
            let policy = try await storeCall({ try await store.managedPolicy(arn: arn) })
        else {
            throw Self.policyNotAttachable(arn)
        }
        return policy.arn
    }

    private func setRoleBoundary(_ accountId: String, _ roleName: String, _ arn: String?) async throws(STSError) {
        try await storeCall({ try await store.setPermissionsBoundary(accountId: accountId, principal: .role(roleName), policyArn: arn) }) {
            error in
            guard error.code == .notFound else { return nil }
            return error.detail.hasPrefix("policy ") ? Self.policyNotAttachable(arn ?? "") : noSuchRole(roleName)
        }
    }

    /// Changes the role atomically (read, `change`, write in one store transaction, so concurrent updates are not
    /// lost); an `STSError` thrown by `change` comes back as it is, a missing role is `NoSuchEntity`.
    @discardableResult
    private func modifyRole(
        _ accountId: String, _ roleName: String, _ change: @escaping @Sendable (inout IAMRole) throws -> Void
    ) async throws(STSError) -> IAMRole {
        try await storeCall({ try await store.modifyRole(accountId: accountId, roleName: roleName, change) }) { error in
            error.code == .notFound ? noSuchRole(roleName) : nil
        }
    }
}
