public import Foundation

/// Persistence of IAM roles, customer managed policies and their versions, groups and their members, inline
/// policies, managed-policy attachments and permissions boundaries.
///
/// The conventions are `IdentityStore`'s: every method is one atomic unit (one transaction); role, group, managed
/// policy and inline policy names are unique case-insensitively (per account, per owner for inline policies) but
/// stored and returned with the case they were created with; lookups by name ignore case. Lists are ordered by
/// name, case-insensitively. Errors are `StoreError`; any other error means the store is unavailable.
///
/// The rule of `IdentityStore` ("No lost updates") holds here too: every read-modify-write of an entity happens in
/// one write transaction (or is a targeted update of the changed columns/rows); every quota is checked inside the
/// transaction that inserts. The `modify...` methods follow the contract written there.
///
/// `.notFound` details name what is missing so a caller can tell the owner from the thing it owns: a missing
/// owner's detail starts with its kind and name (`user alice ...`, `role R ...`, `group G ...`), a missing
/// managed policy's with `policy ARN`, a missing version's with `version`, a missing inline policy's with
/// `inline policy`, a missing attachment's with `attachment`, a missing membership's with `membership`, a missing
/// account's with `account`.
///
/// A managed policy is addressed by its ARN, `arn:aws:iam::ACCOUNT:policy/PATH/NAME`: the account and path must
/// match exactly and the name case-insensitively. Only the account's own (customer managed) policies are stored.
public protocol PolicyStore: Sendable {
    // MARK: Roles
    /// Inserts a role; `.alreadyExists` if the name (case-insensitively) or the role ID is taken, `.notFound` if the
    /// account does not exist. The boundary ARN is stored as given (see ``setPermissionsBoundary``).
    func insertRole(_ role: IAMRole) async throws
    /// Case-insensitive lookup by name.
    func role(accountId: String, roleName: String) async throws -> IAMRole?
    /// Roles whose path starts with `pathPrefix` (case-sensitively), ordered by name.
    func roles(accountId: String, pathPrefix: String) async throws -> [IAMRole]
    /// Atomically changes the role (see `IdentityStore`, "No lost updates"): `change` gets the role as stored, and
    /// its description, max session duration, trust policy and tags are written in the same transaction (the
    /// boundary only changes through ``setPermissionsBoundary(accountId:principal:policyArn:)``). Returns the role
    /// as stored after the change. `.notFound` if missing.
    @discardableResult
    func modifyRole(accountId: String, roleName: String, _ change: @escaping @Sendable (inout IAMRole) throws -> Void)
        async throws -> IAMRole
    /// Deletes the role; `.notFound` if missing; `.conflict` with detail "policies" while it has inline or attached
    /// policies.
    func deleteRole(accountId: String, roleName: String) async throws

    // MARK: Managed policies
    /// Inserts a policy with `document` as its version `v1`, the default, created at `policy.createDate`.
    /// `.alreadyExists` if the name (case-insensitively, whatever the path) or the policy ID is taken in the
    /// account; `.notFound` if the account does not exist. The counts and `defaultVersionId` given are ignored.
    func insertManagedPolicy(_ policy: ManagedPolicy, document: String) async throws
    /// The policy with this ARN, with its attachment and boundary usage counts, if any.
    func managedPolicy(arn: String) async throws -> ManagedPolicy?
    /// The account's policies whose path starts with `pathPrefix`, ordered by name; with `onlyAttached`, only
    /// those attached to at least one user, group or role.
    func managedPolicies(accountId: String, pathPrefix: String, onlyAttached: Bool) async throws -> [ManagedPolicy]
    /// Atomically changes the policy's tags (see `IdentityStore`, "No lost updates"): `change` gets the tags as
    /// stored and the result is written in the same transaction. Returns the tags as stored. `.notFound` if the
    /// policy is missing.
    @discardableResult
    func modifyManagedPolicyTags(policyArn: String, _ change: @escaping @Sendable (inout [ResourceTag]) throws -> Void)
        async throws -> [ResourceTag]
    /// Deletes the policy and its default version. `.notFound` if missing; `.conflict` with detail "attachments"
    /// while it is attached to anything, "permissions boundaries" while a user or role uses it as its boundary,
    /// "versions" while it has versions other than the default.
    func deleteManagedPolicy(arn: String) async throws

    // MARK: Policy versions
    /// The version (`v1`, `v2`, ...), or nil if the policy has no such version; `.notFound` if the policy is missing.
    func policyVersion(policyArn: String, versionId: String) async throws -> PolicyVersion?
    /// All versions of the policy, newest first; `.notFound` if the policy is missing.
    func policyVersions(policyArn: String) async throws -> [PolicyVersion]
    /// Adds a version numbered one past the highest ever used, created at `createDate`, which also becomes the
    /// policy's update date; with `setAsDefault` it becomes the default. Returns it. `.notFound` if the policy is
    /// missing; `.limitExceeded` if the policy already has `maxVersions` versions.
    func createPolicyVersion(
        policyArn: String, document: String, setAsDefault: Bool, createDate: Date, maxVersions: Int
    ) async throws -> PolicyVersion
    /// Makes the version the default; `.notFound` if the policy or the version is missing.
    func setDefaultPolicyVersion(policyArn: String, versionId: String) async throws
    /// Deletes a non-default version; `.notFound` if the policy or the version is missing; `.conflict` with detail
    /// "default version" if it is the default.
    func deletePolicyVersion(policyArn: String, versionId: String) async throws

    // MARK: Groups
    /// Inserts a group; `.alreadyExists` if the name (case-insensitively) or the group ID is taken, `.notFound` if
    /// the account does not exist.
    func insertGroup(_ group: IAMGroup) async throws
    /// Case-insensitive lookup by name.
    func group(accountId: String, groupName: String) async throws -> IAMGroup?
    /// Groups whose path starts with `pathPrefix` (case-sensitively), ordered by name.
    func groups(accountId: String, pathPrefix: String) async throws -> [IAMGroup]
    /// Renames the group and/or moves it to another path (nil keeps the current value); members, inline policies
    /// and attachments follow. `.notFound` if missing; `.alreadyExists` if the new name is taken by another group.
    func updateGroup(accountId: String, groupName: String, newGroupName: String?, newPath: String?) async throws
    /// Deletes the group; `.notFound` if missing; `.conflict` with detail "users" while it has members, "policies"
    /// while it has inline or attached policies.
    func deleteGroup(accountId: String, groupName: String) async throws
    /// Adds the user to the group; adding a member again changes nothing. `.notFound` if the group or user is
    /// missing; `.limitExceeded` if the user is already in `maxGroupsPerUser` groups (counted in the same
    /// transaction).
    func addUserToGroup(accountId: String, groupName: String, userName: String, maxGroupsPerUser: Int?) async throws
    /// Removes the user from the group; `.notFound` if the group or user is missing or the user is not a member.
    func removeUserFromGroup(accountId: String, groupName: String, userName: String) async throws
    /// The user's groups, ordered by name; `.notFound` if the user is missing.
    func groupsForUser(accountId: String, userName: String) async throws -> [IAMGroup]
    /// The group's members, ordered by name; `.notFound` if the group is missing.
    func usersInGroup(accountId: String, groupName: String) async throws -> [IAMUser]

    // MARK: Inline policies
    /// Creates or replaces (by name, case-insensitively, taking the new name's case) the owner's inline policy.
    /// `.notFound` if the owner is missing; `.limitExceeded` if the owner's inline documents would together exceed
    /// `maxTotalSize` characters, white space not counted (IAM's aggregate inline policy quota).
    func putInlinePolicy(_ policy: InlinePolicy, maxTotalSize: Int?) async throws
    /// The owner's inline policy with this name, or nil; `.notFound` if the owner is missing.
    func inlinePolicy(accountId: String, owner: PolicyOwner, policyName: String) async throws -> InlinePolicy?
    /// The names of the owner's inline policies, ordered case-insensitively; `.notFound` if the owner is missing.
    func inlinePolicyNames(accountId: String, owner: PolicyOwner) async throws -> [String]
    /// `.notFound` if the owner or the policy is missing.
    func deleteInlinePolicy(accountId: String, owner: PolicyOwner, policyName: String) async throws

    // MARK: Attachments
    /// Attaches the managed policy to the owner; attaching it again changes nothing. `.notFound` if the owner or
    /// the policy is missing or the policy belongs to another account; `.limitExceeded` if the owner already has
    /// `maxAttachedPolicies` attached (counted in the same transaction).
    func attachPolicy(accountId: String, owner: PolicyOwner, policyArn: String, maxAttachedPolicies: Int?)
        async throws
    /// `.notFound` if the owner or the policy is missing or the policy is not attached to the owner.
    func detachPolicy(accountId: String, owner: PolicyOwner, policyArn: String) async throws
    /// The owner's attached policies, ordered by policy name; `.notFound` if the owner is missing.
    func attachedPolicies(accountId: String, owner: PolicyOwner) async throws -> [AttachedPolicy]

    // MARK: Permissions boundaries
    /// Sets (a policy ARN) or clears (nil) the principal's permissions boundary. The policy must exist in the
    /// account and its canonical ARN is stored. `.notFound` if the principal or the policy is missing.
    func setPermissionsBoundary(accountId: String, principal: PolicyPrincipal, policyArn: String?) async throws

    // MARK: Authorization
    /// Every identity-based policy document that applies to the principal, and its boundary, read in one snapshot
    /// (the read behind every authorization decision). `.notFound` if the principal is missing.
    func effectivePolicies(accountId: String, principal: PolicyPrincipal) async throws -> EffectivePolicies
}

extension PolicyStore {
    /// Adds a version with IAM's limit of ``PolicyVersion/maxVersionsPerPolicy`` versions.
    public func createPolicyVersion(
        policyArn: String, document: String, setAsDefault: Bool, createDate: Date
    ) async throws -> PolicyVersion {
        try await createPolicyVersion(
            policyArn: policyArn, document: document, setAsDefault: setAsDefault, createDate: createDate,
            maxVersions: PolicyVersion.maxVersionsPerPolicy
        )
    }

    /// Adds the user to the group with no quota.
    public func addUserToGroup(accountId: String, groupName: String, userName: String) async throws {
        try await addUserToGroup(accountId: accountId, groupName: groupName, userName: userName, maxGroupsPerUser: nil)
    }

    /// Puts an inline policy with no size quota.
    public func putInlinePolicy(_ policy: InlinePolicy) async throws {
        try await putInlinePolicy(policy, maxTotalSize: nil)
    }

    /// Attaches a policy with no quota.
    public func attachPolicy(accountId: String, owner: PolicyOwner, policyArn: String) async throws {
        try await attachPolicy(accountId: accountId, owner: owner, policyArn: policyArn, maxAttachedPolicies: nil)
    }
}
