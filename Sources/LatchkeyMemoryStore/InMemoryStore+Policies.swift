public import LatchkeyDomain

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

extension InMemoryStore {
    // MARK: Roles

    public func insertRole(_ role: IAMRole) async throws {
        try write { state in
            try state.requireAccount(role.accountId)
            let key = NameKey(role.accountId, name: role.roleName)
            guard state.roles[key] == nil, !state.roles.values.contains(where: { $0.roleId == role.roleId }) else {
                throw StoreError(.alreadyExists, "role \(role.roleName) in account \(role.accountId) already exists")
            }
            var stored = role
            stored.createDate = Names.millis(role.createDate)
            state.roles[key] = stored
        }
    }

    public func role(accountId: String, roleName: String) async throws -> IAMRole? {
        try read { state in state.roles[NameKey(accountId, name: roleName)] }
    }

    public func roles(accountId: String, pathPrefix: String) async throws -> [IAMRole] {
        try read { state in
            state.roles.filter { $0.key.accountId == accountId && Names.hasPrefix($0.value.path, pathPrefix) }
                .sorted { Names.precedes($0.key.key, $1.key.key) }.map(\.value)
        }
    }

    @discardableResult
    public func modifyRole(
        accountId: String, roleName: String, _ change: @escaping @Sendable (inout IAMRole) throws -> Void
    ) async throws -> IAMRole {
        try write { state in
            let key = NameKey(accountId, name: roleName)
            guard let current = state.roles[key] else {
                throw StoreError(.notFound, "role \(roleName) in account \(accountId) does not exist")
            }
            var changed = current
            try change(&changed)
            var stored = current
            stored.description = changed.description
            stored.maxSessionDuration = changed.maxSessionDuration
            stored.assumeRolePolicyDocument = changed.assumeRolePolicyDocument
            stored.tags = changed.tags
            state.roles[key] = stored
            return stored
        }
    }

    public func deleteRole(accountId: String, roleName: String) async throws {
        try write { state in
            try state.requireOwner(accountId, .role(roleName))
            let key = NameKey(accountId, name: roleName)
            if state.hasPolicies(OwnerKey(kind: .role, name: key)) { throw StoreError(.conflict, "policies") }
            state.roles[key] = nil
        }
    }

    // MARK: Managed policies

    public func insertManagedPolicy(_ policy: ManagedPolicy, document: String) async throws {
        try write { state in
            try state.requireAccount(policy.accountId)
            let key = NameKey(policy.accountId, name: policy.policyName)
            guard state.policies[key] == nil,
                !state.policies.values.contains(where: { $0.policy.policyId == policy.policyId })
            else {
                throw StoreError(.alreadyExists, "policy \(policy.arn) already exists")
            }
            let created = Names.millis(policy.createDate)
            var stored = policy
            stored.defaultVersionId = "v1"
            stored.attachmentCount = 0
            stored.permissionsBoundaryUsageCount = 0
            stored.createDate = created
            stored.updateDate = created
            state.policies[key] = StoredPolicy(
                policy: stored, defaultVersion: 1, nextVersion: 2,
                versions: [1: StoredVersion(document: document, createDate: created)])
        }
    }

    public func managedPolicy(arn: String) async throws -> ManagedPolicy? {
        guard let parts = PolicyARN(arn) else { return nil }
        return try read { state in
            guard let stored = state.policy(parts) else { return nil }
            return state.withCounts(stored)
        }
    }

    public func managedPolicies(accountId: String, pathPrefix: String, onlyAttached: Bool) async throws
        -> [ManagedPolicy]
    {
        try read { state in
            state.policies.filter { $0.key.accountId == accountId && Names.hasPrefix($0.value.policy.path, pathPrefix) }
                .sorted { Names.precedes($0.key.key, $1.key.key) }
                .map { state.withCounts($0.value) }
                .filter { !onlyAttached || $0.attachmentCount > 0 }
        }
    }

    @discardableResult
    public func modifyManagedPolicyTags(
        policyArn: String, _ change: @escaping @Sendable (inout [ResourceTag]) throws -> Void
    ) async throws -> [ResourceTag] {
        try write { state in
            let (key, stored) = try state.requirePolicy(policyArn)
            var tags = stored.policy.tags
            try change(&tags)
            state.policies[key]?.policy.tags = tags
            return tags
        }
    }

    public func deleteManagedPolicy(arn: String) async throws {
        try write { state in
            let (key, stored) = try state.requirePolicy(arn)
            if state.attachmentCount(key) > 0 { throw StoreError(.conflict, "attachments") }
            if state.boundaryUsageCount(stored.policy) > 0 { throw StoreError(.conflict, "permissions boundaries") }
            if stored.versions.count > 1 { throw StoreError(.conflict, "versions") }
            state.policies[key] = nil
        }
    }

    // MARK: Policy versions

    public func policyVersion(policyArn: String, versionId: String) async throws -> PolicyVersion? {
        try read { state in
            let (_, stored) = try state.requirePolicy(policyArn)
            guard let number = PolicyARN.versionNumber(versionId), let version = stored.versions[number] else {
                return nil
            }
            return stored.version(number, version)
        }
    }

    public func policyVersions(policyArn: String) async throws -> [PolicyVersion] {
        try read { state in
            let (_, stored) = try state.requirePolicy(policyArn)
            return stored.versions.sorted { $0.key > $1.key }.map { stored.version($0.key, $0.value) }
        }
    }

    public func createPolicyVersion(
        policyArn: String, document: String, setAsDefault: Bool, createDate: Date, maxVersions: Int
    ) async throws -> PolicyVersion {
        try write { state in
            let (key, current) = try state.requirePolicy(policyArn)
            let count = current.versions.count
            guard count < maxVersions else {
                throw StoreError(.limitExceeded, "policy \(policyArn) already has \(count) versions")
            }
            let created = Names.millis(createDate)
            var stored = current
            let next = stored.nextVersion
            stored.versions[next] = StoredVersion(document: document, createDate: created)
            stored.nextVersion = next + 1
            stored.policy.updateDate = created
            if setAsDefault { stored.defaultVersion = next }
            state.policies[key] = stored
            return PolicyVersion(
                versionId: "v\(next)", document: document, isDefaultVersion: setAsDefault, createDate: created)
        }
    }

    public func setDefaultPolicyVersion(policyArn: String, versionId: String) async throws {
        try write { state in
            let (key, number) = try state.requireVersion(policyArn: policyArn, versionId: versionId)
            state.policies[key]?.defaultVersion = number
        }
    }

    public func deletePolicyVersion(policyArn: String, versionId: String) async throws {
        try write { state in
            let (key, number) = try state.requireVersion(policyArn: policyArn, versionId: versionId)
            guard state.policies[key]?.defaultVersion != number else {
                throw StoreError(.conflict, "default version")
            }
            state.policies[key]?.versions[number] = nil
        }
    }

    // MARK: Groups

    public func insertGroup(_ group: IAMGroup) async throws {
        try write { state in
            try state.requireAccount(group.accountId)
            let key = NameKey(group.accountId, name: group.groupName)
            guard state.groups[key] == nil, !state.groups.values.contains(where: { $0.groupId == group.groupId })
            else {
                throw StoreError(
                    .alreadyExists, "group \(group.groupName) in account \(group.accountId) already exists")
            }
            var stored = group
            stored.createDate = Names.millis(group.createDate)
            state.groups[key] = stored
        }
    }

    public func group(accountId: String, groupName: String) async throws -> IAMGroup? {
        try read { state in state.groups[NameKey(accountId, name: groupName)] }
    }

    public func groups(accountId: String, pathPrefix: String) async throws -> [IAMGroup] {
        try read { state in
            state.groups.filter { $0.key.accountId == accountId && Names.hasPrefix($0.value.path, pathPrefix) }
                .sorted { Names.precedes($0.key.key, $1.key.key) }.map(\.value)
        }
    }

    public func updateGroup(accountId: String, groupName: String, newGroupName: String?, newPath: String?)
        async throws
    {
        try write { state in
            let current = try state.requireOwner(accountId, .group(groupName))
            let newName = newGroupName ?? current
            let oldKey = NameKey(accountId, name: groupName)
            let newKey = NameKey(accountId, name: newName)
            if newKey != oldKey, state.groups[newKey] != nil {
                throw StoreError(.alreadyExists, "group \(newName) in account \(accountId) already exists")
            }
            guard var group = state.groups.removeValue(forKey: oldKey) else { return }
            group.groupName = newName
            if let newPath { group.path = newPath }
            state.groups[newKey] = group
            guard newKey != oldKey else { return }
            state.memberships = Set(
                state.memberships.map { membership in
                    guard membership.accountId == accountId, membership.groupKey == oldKey.key else {
                        return membership
                    }
                    var moved = membership
                    moved.groupKey = newKey.key
                    return moved
                })
            state.rekeyOwner(from: OwnerKey(kind: .group, name: oldKey), to: OwnerKey(kind: .group, name: newKey))
        }
    }

    public func deleteGroup(accountId: String, groupName: String) async throws {
        try write { state in
            try state.requireOwner(accountId, .group(groupName))
            let key = NameKey(accountId, name: groupName)
            if state.memberships.contains(where: { $0.accountId == accountId && $0.groupKey == key.key }) {
                throw StoreError(.conflict, "users")
            }
            if state.hasPolicies(OwnerKey(kind: .group, name: key)) { throw StoreError(.conflict, "policies") }
            state.groups[key] = nil
        }
    }

    public func addUserToGroup(accountId: String, groupName: String, userName: String, maxGroupsPerUser: Int?)
        async throws
    {
        try write { state in
            try state.requireOwner(accountId, .group(groupName))
            try state.requireOwner(accountId, .user(userName))
            let membership = Membership(
                accountId: accountId, groupKey: Names.fold(groupName), userKey: Names.fold(userName))
            if state.memberships.contains(membership) { return }
            if let maxGroupsPerUser {
                let count = state.memberships.count {
                    $0.accountId == accountId && $0.userKey == membership.userKey
                }
                guard count < maxGroupsPerUser else {
                    throw StoreError(.limitExceeded, "user \(userName) is already in \(count) groups")
                }
            }
            state.memberships.insert(membership)
        }
    }

    public func removeUserFromGroup(accountId: String, groupName: String, userName: String) async throws {
        try write { state in
            try state.requireOwner(accountId, .group(groupName))
            try state.requireOwner(accountId, .user(userName))
            let membership = Membership(
                accountId: accountId, groupKey: Names.fold(groupName), userKey: Names.fold(userName))
            guard state.memberships.remove(membership) != nil else {
                throw StoreError(.notFound, "membership of user \(userName) in group \(groupName) does not exist")
            }
        }
    }

    public func groupsForUser(accountId: String, userName: String) async throws -> [IAMGroup] {
        try read { state in
            try state.requireOwner(accountId, .user(userName))
            return state.groupKeys(ofUser: NameKey(accountId, name: userName)).compactMap {
                state.groups[NameKey(accountId, $0)]
            }
        }
    }

    public func usersInGroup(accountId: String, groupName: String) async throws -> [IAMUser] {
        try read { state in
            try state.requireOwner(accountId, .group(groupName))
            let groupKey = Names.fold(groupName)
            return state.memberships.filter { $0.accountId == accountId && $0.groupKey == groupKey }
                .map(\.userKey).sorted(by: Names.precedes)
                .compactMap { state.users[NameKey(accountId, $0)] }
        }
    }

    // MARK: Inline policies

    public func putInlinePolicy(_ policy: InlinePolicy, maxTotalSize: Int?) async throws {
        try write { state in
            try state.requireOwner(policy.accountId, policy.owner)
            let owner = OwnerKey(policy.accountId, policy.owner)
            let nameKey = Names.fold(policy.policyName)
            if let maxTotalSize {
                let others = (state.inlinePolicies[owner] ?? [:]).filter { $0.key != nameKey }.map(\.value.document)
                let total = (others + [policy.document]).reduce(0) { $0 + Self.policySize($1) }
                guard total <= maxTotalSize else {
                    throw StoreError(
                        .limitExceeded,
                        "the inline policies of \(policy.owner.kindName) \(policy.owner.name) would total \(total) characters"
                    )
                }
            }
            state.inlinePolicies[owner, default: [:]][nameKey] = StoredInline(
                policyName: policy.policyName, document: policy.document)
        }
    }

    public func inlinePolicy(accountId: String, owner: PolicyOwner, policyName: String) async throws -> InlinePolicy? {
        try read { state in
            let ownerName = try state.requireOwner(accountId, owner)
            guard let stored = state.inlinePolicies[OwnerKey(accountId, owner)]?[Names.fold(policyName)] else {
                return nil
            }
            return InlinePolicy(
                accountId: accountId, owner: owner.named(ownerName), policyName: stored.policyName,
                document: stored.document)
        }
    }

    public func inlinePolicyNames(accountId: String, owner: PolicyOwner) async throws -> [String] {
        try read { state in
            try state.requireOwner(accountId, owner)
            return (state.inlinePolicies[OwnerKey(accountId, owner)] ?? [:])
                .sorted { Names.precedes($0.key, $1.key) }.map(\.value.policyName)
        }
    }

    public func deleteInlinePolicy(accountId: String, owner: PolicyOwner, policyName: String) async throws {
        try write { state in
            try state.requireOwner(accountId, owner)
            let key = OwnerKey(accountId, owner)
            guard state.inlinePolicies[key]?.removeValue(forKey: Names.fold(policyName)) != nil else {
                throw StoreError(
                    .notFound, "inline policy \(policyName) of \(owner.kindName) \(owner.name) does not exist")
            }
            if state.inlinePolicies[key]?.isEmpty == true { state.inlinePolicies[key] = nil }
        }
    }

    /// A policy's size as IAM counts it against quotas: its characters, white space not counted.
    static func policySize(_ document: String) -> Int {
        document.unicodeScalars.reduce(0) { $0 + ($1.properties.isWhitespace ? 0 : 1) }
    }

    // MARK: Attachments

    public func attachPolicy(accountId: String, owner: PolicyOwner, policyArn: String, maxAttachedPolicies: Int?)
        async throws
    {
        try write { state in
            try state.requireOwner(accountId, owner)
            let (policyKey, _) = try state.requirePolicy(policyArn)
            guard policyKey.accountId == accountId else {
                throw StoreError(.notFound, "policy \(policyArn) does not exist")
            }
            let key = OwnerKey(accountId, owner)
            let attached = state.attachments[key] ?? []
            if attached.contains(policyKey.key) { return }
            if let maxAttachedPolicies {
                guard attached.count < maxAttachedPolicies else {
                    throw StoreError(
                        .limitExceeded,
                        "\(owner.kindName) \(owner.name) already has \(attached.count) attached policies")
                }
            }
            state.attachments[key, default: []].insert(policyKey.key)
        }
    }

    public func detachPolicy(accountId: String, owner: PolicyOwner, policyArn: String) async throws {
        try write { state in
            try state.requireOwner(accountId, owner)
            let (policyKey, _) = try state.requirePolicy(policyArn)
            let key = OwnerKey(accountId, owner)
            guard policyKey.accountId == accountId, state.attachments[key]?.remove(policyKey.key) != nil else {
                throw StoreError(
                    .notFound,
                    "attachment of policy \(policyArn) to \(owner.kindName) \(owner.name) does not exist")
            }
            if state.attachments[key]?.isEmpty == true { state.attachments[key] = nil }
        }
    }

    public func attachedPolicies(accountId: String, owner: PolicyOwner) async throws -> [AttachedPolicy] {
        try read { state in
            try state.requireOwner(accountId, owner)
            return state.attachedPolicyKeys(OwnerKey(accountId, owner)).compactMap { key in
                state.policies[key].map { AttachedPolicy(policyName: $0.policy.policyName, policyArn: $0.policy.arn) }
            }
        }
    }

    // MARK: Permissions boundaries

    public func setPermissionsBoundary(accountId: String, principal: PolicyPrincipal, policyArn: String?)
        async throws
    {
        try write { state in
            try state.requireOwner(accountId, principal.owner)
            var canonical: String?
            if let policyArn {
                let (policyKey, stored) = try state.requirePolicy(policyArn)
                guard policyKey.accountId == accountId else {
                    throw StoreError(.notFound, "policy \(policyArn) does not exist")
                }
                canonical = stored.policy.arn
            }
            let key = NameKey(accountId, name: principal.owner.name)
            switch principal {
            case .user: state.users[key]?.permissionsBoundaryArn = canonical
            case .role: state.roles[key]?.permissionsBoundaryArn = canonical
            }
        }
    }

    // MARK: Authorization

    public func effectivePolicies(accountId: String, principal: PolicyPrincipal) async throws -> EffectivePolicies {
        try read { state in
            let key = NameKey(accountId, name: principal.owner.name)
            let found: (name: String, boundary: String?)? =
                switch principal {
                case .user: state.users[key].map { ($0.userName, $0.permissionsBoundaryArn) }
                case .role: state.roles[key].map { ($0.roleName, $0.permissionsBoundaryArn) }
                }
            guard let found else {
                throw StoreError(
                    .notFound,
                    "\(principal.owner.kindName) \(principal.owner.name) in account \(accountId) does not exist")
            }
            var collector = PolicyCollector()
            let ownerKey = OwnerKey(kind: principal.owner.kind, name: key)
            collector.addOwner(state, ownerKey, owner: principal.owner.named(found.name))
            if case .user = principal {
                for groupKey in state.groupKeys(ofUser: key) {
                    guard let group = state.groups[NameKey(accountId, groupKey)] else { continue }
                    collector.addOwner(
                        state, OwnerKey(kind: .group, name: NameKey(accountId, groupKey)),
                        owner: .group(group.groupName))
                }
            }
            let boundary = found.boundary.flatMap { arn -> EffectivePolicy? in
                guard let parts = PolicyARN(arn), parts.accountId == accountId,
                    let stored = state.policy(parts)
                else { return nil }
                return stored.effective
            }
            return EffectivePolicies(
                identityPolicies: collector.policies, permissionsBoundaryArn: found.boundary,
                permissionsBoundary: boundary)
        }
    }
}

/// Accumulates effective policies in order, keeping the first occurrence of each managed policy.
private struct PolicyCollector {
    var policies: [EffectivePolicy] = []
    private var seenArns: Set<String> = []

    /// The owner's inline policies by name, then its attached policies by name.
    mutating func addOwner(_ state: MemoryState, _ key: OwnerKey, owner: PolicyOwner) {
        for (_, inline) in (state.inlinePolicies[key] ?? [:]).sorted(by: { Names.precedes($0.key, $1.key) }) {
            policies.append(
                EffectivePolicy(
                    identifier: EffectivePolicy.inlineIdentifier(owner: owner, policyName: inline.policyName),
                    document: inline.document))
        }
        for policyKey in state.attachedPolicyKeys(key) {
            guard let policy = state.policies[policyKey]?.effective else { continue }
            if seenArns.insert(policy.identifier).inserted { policies.append(policy) }
        }
    }
}

extension MemoryState {
    /// The policy the ARN names: account and path exact, name case-insensitive.
    func policy(_ parts: PolicyARN) -> StoredPolicy? {
        guard let stored = policies[NameKey(parts.accountId, name: parts.policyName)],
            stored.policy.path == parts.path
        else { return nil }
        return stored
    }

    /// The policy the ARN names and its key; `.notFound` ("policy ARN does not exist") otherwise.
    func requirePolicy(_ arn: String) throws -> (NameKey, StoredPolicy) {
        guard let parts = PolicyARN(arn), let stored = policy(parts) else {
            throw StoreError(.notFound, "policy \(arn) does not exist")
        }
        return (NameKey(parts.accountId, name: parts.policyName), stored)
    }

    /// The policy the ARN names, which must have the version; `.notFound` ("policy ..." or "version ...").
    func requireVersion(policyArn: String, versionId: String) throws -> (NameKey, Int64) {
        let (key, stored) = try requirePolicy(policyArn)
        guard let number = PolicyARN.versionNumber(versionId), stored.versions[number] != nil else {
            throw StoreError(.notFound, "version \(versionId) of policy \(policyArn) does not exist")
        }
        return (key, number)
    }

    /// How many users, groups and roles the policy is attached to.
    func attachmentCount(_ policy: NameKey) -> Int {
        attachments.reduce(0) { count, entry in
            count + (entry.key.name.accountId == policy.accountId && entry.value.contains(policy.key) ? 1 : 0)
        }
    }

    /// How many users and roles use the policy (by its canonical ARN) as their boundary.
    func boundaryUsageCount(_ policy: ManagedPolicy) -> Int {
        let arn = policy.arn
        return users.values.count { $0.accountId == policy.accountId && $0.permissionsBoundaryArn == arn }
            + roles.values.count { $0.accountId == policy.accountId && $0.permissionsBoundaryArn == arn }
    }

    /// The policy as read: its default version and its counts.
    func withCounts(_ stored: StoredPolicy) -> ManagedPolicy {
        var policy = stored.policy
        policy.defaultVersionId = "v\(stored.defaultVersion)"
        policy.attachmentCount = attachmentCount(NameKey(policy.accountId, name: policy.policyName))
        policy.permissionsBoundaryUsageCount = boundaryUsageCount(policy)
        return policy
    }

    /// The user's groups' folded names, in order.
    func groupKeys(ofUser user: NameKey) -> [String] {
        memberships.filter { $0.accountId == user.accountId && $0.userKey == user.key }.map(\.groupKey)
            .sorted(by: Names.precedes)
    }

    /// The owner's attached policies' keys, ordered by folded name.
    func attachedPolicyKeys(_ owner: OwnerKey) -> [NameKey] {
        (attachments[owner] ?? []).sorted(by: Names.precedes).map { NameKey(owner.name.accountId, $0) }
    }
}

extension StoredPolicy {
    /// The version as the protocol returns it.
    func version(_ number: Int64, _ version: StoredVersion) -> PolicyVersion {
        PolicyVersion(
            versionId: "v\(number)", document: version.document, isDefaultVersion: number == defaultVersion,
            createDate: version.createDate)
    }

    /// The default version as an effective policy.
    var effective: EffectivePolicy? {
        versions[defaultVersion].map { EffectivePolicy(identifier: policy.arn, document: $0.document) }
    }
}

extension PolicyOwner {
    /// The same kind of owner, with `name`.
    func named(_ name: String) -> PolicyOwner {
        switch self {
        case .user: .user(name)
        case .role: .role(name)
        case .group: .group(name)
        }
    }

    var kind: OwnerKey.Kind {
        switch self {
        case .user: .user
        case .role: .role
        case .group: .group
        }
    }
}

/// The parts of a customer managed policy ARN (the domain's parser, as the SQLite store reads it too).
typealias PolicyARN = ManagedPolicyARN

extension ManagedPolicyARN {
    /// The number of a version ID `vN` (N from 1, no leading zero, at most 9 digits); nil for anything else.
    static func versionNumber(_ versionId: String) -> Int64? {
        let bytes = Array(versionId.utf8)
        guard bytes.count >= 2, bytes.count <= 10, bytes[0] == UInt8(ascii: "v"), bytes[1] != UInt8(ascii: "0")
        else { return nil }
        var number: Int64 = 0
        for byte in bytes.dropFirst() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            number = number * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return number
    }
}
