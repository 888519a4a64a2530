public import Foundation
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeyPolicy
import LatchkeyTokens

extension IAMService {
    /// `CreateRole`: the trust policy is parsed as a resource-based policy (`MalformedPolicyDocument`, or
    /// `LimitExceeded` over 2,048 characters without white space); a permissions boundary must name a managed
    /// policy of the account. IDs are `AROA...`.
    public func createRole(_ input: CreateRoleInput, caller: Caller, now: Date) async throws(STSError)
        -> CreateRoleOutput
    {
        let roleName = input.roleName
        let path = input.path ?? "/"
        let tags = (input.tags ?? []).map(ResourceTag.init)
        let assumeRolePolicyDocument = input.assumeRolePolicyDocument
        try await authorize(
            caller, CreateRoleInput.operation, resource: roleArn(caller.accountId, roleName, path: path))
        try Self.checkTagKeysUnique(tags)
        try Self.validatePolicyDocument(assumeRolePolicyDocument, as: .roleTrust)
        var boundary: String?
        if let permissionsBoundary = input.permissionsBoundary {
            boundary = try await boundaryPolicyArn(caller.accountId, permissionsBoundary)
        }
        let role = IAMRole(
            accountId: caller.accountId, roleName: roleName,
            roleId: UniqueID.generate(prefix: UniqueID.rolePrefix, account: caller.accountId), path: path,
            assumeRolePolicyDocument: assumeRolePolicyDocument,
            description: input.description.flatMap { $0.isEmpty ? nil : $0 },
            maxSessionDuration: input.maxSessionDuration ?? IAMRole.defaultMaxSessionDuration,
            permissionsBoundaryArn: boundary, tags: tags, createDate: now.wholeSeconds)
        try await storeCall({ try await store.insertRole(role) }) { error in
            error.code == .alreadyExists
                ? STSError(.entityAlreadyExists, "Role with name \(roleName) already exists.") : nil
        }
        return CreateRoleOutput(role: role.wire(.created))
    }

    /// `GetRole`.
    public func getRole(_ input: GetRoleInput, caller: Caller) async throws(STSError) -> GetRoleOutput {
        let roleName = input.roleName
        try await authorize(
            caller, GetRoleInput.operation, resource: try await roleResource(caller.accountId, roleName))
        return GetRoleOutput(role: try await requireRole(caller.accountId, roleName).wire(.withLastUsed))
    }

    /// `ListRoles`, ordered by name, paginated.
    public func listRoles(_ input: ListRolesInput, caller: Caller) async throws(STSError) -> ListRolesOutput {
        try await authorize(caller, ListRolesInput.operation, resource: "arn:aws:iam::\(caller.accountId):role/")
        let roles = try await storeCall({
            try await store.roles(accountId: caller.accountId, pathPrefix: input.pathPrefix ?? "/")
        })
        let page = try page(
            roles, listing: "ListRoles", key: { $0.roleName.lowercased() }, marker: input.marker,
            maxItems: input.maxItems)
        return ListRolesOutput(
            roles: page.items.map { $0.wire(.listing) }, isTruncated: page.isTruncated, marker: page.marker)
    }

    /// `UpdateRole`: the description (an empty one removes it) and the maximum session duration; parameters left
    /// out keep their values.
    public func updateRole(_ input: UpdateRoleInput, caller: Caller) async throws(STSError) -> UpdateRoleOutput {
        let roleName = input.roleName
        let description = input.description
        let maxSessionDuration = input.maxSessionDuration
        try await authorize(
            caller, UpdateRoleInput.operation, resource: try await roleResource(caller.accountId, roleName))
        try await modifyRole(caller.accountId, roleName) { role in
            if let description { role.description = description.isEmpty ? nil : description }
            if let maxSessionDuration { role.maxSessionDuration = maxSessionDuration }
        }
        return UpdateRoleOutput()
    }

    /// `UpdateRoleDescription`: returns the updated role.
    public func updateRoleDescription(_ input: UpdateRoleDescriptionInput, caller: Caller) async throws(STSError)
        -> UpdateRoleDescriptionOutput
    {
        let roleName = input.roleName
        let description = input.description
        try await authorize(
            caller, UpdateRoleDescriptionInput.operation, resource: try await roleResource(caller.accountId, roleName))
        let role = try await modifyRole(caller.accountId, roleName) { role in
            role.description = description.isEmpty ? nil : description
        }
        return UpdateRoleDescriptionOutput(role: role.wire(.descriptionUpdated))
    }

    /// `UpdateAssumeRolePolicy`: replaces the trust policy (parsed as a resource-based policy first).
    public func updateAssumeRolePolicy(_ input: UpdateAssumeRolePolicyInput, caller: Caller) async throws(STSError)
        -> UpdateAssumeRolePolicyOutput
    {
        let roleName = input.roleName
        let policyDocument = input.policyDocument
        try await authorize(
            caller, UpdateAssumeRolePolicyInput.operation, resource: try await roleResource(caller.accountId, roleName))
        try Self.validatePolicyDocument(policyDocument, as: .roleTrust)
        try await modifyRole(caller.accountId, roleName) { role in
            role.assumeRolePolicyDocument = policyDocument
        }
        return UpdateAssumeRolePolicyOutput()
    }

    /// `DeleteRole`: refused while managed policies are attached or inline policies remain.
    public func deleteRole(_ input: DeleteRoleInput, caller: Caller) async throws(STSError) -> DeleteRoleOutput {
        let roleName = input.roleName
        try await authorize(
            caller, DeleteRoleInput.operation, resource: try await roleResource(caller.accountId, roleName))
        let accountId = caller.accountId
        let attached = try await storeCall({
            try await store.attachedPolicies(accountId: accountId, owner: .role(roleName))
        }) {
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
        return DeleteRoleOutput()
    }

    /// `PutRolePermissionsBoundary`: the policy must be a managed policy of the account.
    public func putRolePermissionsBoundary(_ input: PutRolePermissionsBoundaryInput, caller: Caller)
        async throws(STSError) -> PutRolePermissionsBoundaryOutput
    {
        let roleName = input.roleName
        try await authorize(
            caller, PutRolePermissionsBoundaryInput.operation,
            resource: try await roleResource(caller.accountId, roleName))
        let arn = try await boundaryPolicyArn(caller.accountId, input.permissionsBoundary)
        try await setRoleBoundary(caller.accountId, roleName, arn)
        return PutRolePermissionsBoundaryOutput()
    }

    /// `DeleteRolePermissionsBoundary`: removing a boundary the role does not have changes nothing.
    public func deleteRolePermissionsBoundary(_ input: DeleteRolePermissionsBoundaryInput, caller: Caller)
        async throws(STSError) -> DeleteRolePermissionsBoundaryOutput
    {
        let roleName = input.roleName
        try await authorize(
            caller, DeleteRolePermissionsBoundaryInput.operation,
            resource: try await roleResource(caller.accountId, roleName))
        try await setRoleBoundary(caller.accountId, roleName, nil)
        return DeleteRolePermissionsBoundaryOutput()
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
        try await storeCall({
            try await store.setPermissionsBoundary(accountId: accountId, principal: .role(roleName), policyArn: arn)
        }) {
            error in
            guard error.code == .notFound else { return nil }
            // Only setting a boundary names a policy the store may not find.
            if let arn, error.detail.hasPrefix("policy ") { return Self.policyNotAttachable(arn) }
            return noSuchRole(roleName)
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
