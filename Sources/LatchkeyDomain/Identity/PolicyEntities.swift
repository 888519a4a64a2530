public import Foundation

/// An IAM role.
public struct IAMRole: Sendable, Hashable {
    /// The shortest and longest `MaxSessionDuration` IAM accepts, in seconds.
    public static let sessionDurationRange = 3600...43200
    /// `MaxSessionDuration` when `CreateRole` does not give one.
    public static let defaultMaxSessionDuration = 3600

    public var accountId: String
    public var roleName: String
    /// The unique ID, `AROA...`.
    public var roleId: String
    public var path: String
    /// The trust policy, as the JSON text the caller gave (not re-serialised).
    public var assumeRolePolicyDocument: String
    public var description: String?
    /// The longest session `AssumeRole` may grant, in seconds (3600...43200).
    public var maxSessionDuration: Int
    public var permissionsBoundaryArn: String?
    public var tags: [ResourceTag]
    public var createDate: Date

    public init(
        accountId: String, roleName: String, roleId: String, path: String, assumeRolePolicyDocument: String,
        description: String? = nil, maxSessionDuration: Int = IAMRole.defaultMaxSessionDuration,
        permissionsBoundaryArn: String? = nil, tags: [ResourceTag] = [], createDate: Date
    ) {
        self.accountId = accountId
        self.roleName = roleName
        self.roleId = roleId
        self.path = path
        self.assumeRolePolicyDocument = assumeRolePolicyDocument
        self.description = description
        self.maxSessionDuration = maxSessionDuration
        self.permissionsBoundaryArn = permissionsBoundaryArn
        self.tags = tags
        self.createDate = createDate
    }

    /// `arn:aws:iam::ACCOUNT:role/PATH/NAME` (the path includes its slashes).
    public var arn: String { "arn:aws:iam::\(accountId):role\(path)\(roleName)" }
}

/// A customer managed policy: its metadata. The documents live in its ``PolicyVersion``s.
///
/// `attachmentCount` and `permissionsBoundaryUsageCount` are computed by the store when it reads the policy; the
/// values given to an insert are ignored.
public struct ManagedPolicy: Sendable, Hashable {
    public var accountId: String
    public var policyName: String
    /// The unique ID, `ANPA...`.
    public var policyId: String
    public var path: String
    /// The version whose document is in force, `v1`, `v2`, ...
    public var defaultVersionId: String
    /// How many users, groups and roles the policy is attached to.
    public var attachmentCount: Int
    /// How many users and roles use the policy as their permissions boundary.
    public var permissionsBoundaryUsageCount: Int
    public var isAttachable: Bool
    public var description: String?
    public var createDate: Date
    /// The creation date of the newest version (the creation date while there is only `v1`).
    public var updateDate: Date
    public var tags: [ResourceTag]

    public init(
        accountId: String, policyName: String, policyId: String, path: String, defaultVersionId: String = "v1",
        attachmentCount: Int = 0, permissionsBoundaryUsageCount: Int = 0, isAttachable: Bool = true,
        description: String? = nil, createDate: Date, updateDate: Date? = nil, tags: [ResourceTag] = []
    ) {
        self.accountId = accountId
        self.policyName = policyName
        self.policyId = policyId
        self.path = path
        self.defaultVersionId = defaultVersionId
        self.attachmentCount = attachmentCount
        self.permissionsBoundaryUsageCount = permissionsBoundaryUsageCount
        self.isAttachable = isAttachable
        self.description = description
        self.createDate = createDate
        self.updateDate = updateDate ?? createDate
        self.tags = tags
    }

    /// `arn:aws:iam::ACCOUNT:policy/PATH/NAME` (the path includes its slashes).
    public var arn: String { ManagedPolicy.arn(accountId: accountId, path: path, policyName: policyName) }

    /// `arn:aws:iam::ACCOUNT:policy/PATH/NAME` for these parts.
    public static func arn(accountId: String, path: String, policyName: String) -> String {
        "arn:aws:iam::\(accountId):policy\(path)\(policyName)"
    }
}

/// One version of a managed policy.
public struct PolicyVersion: Sendable, Hashable {
    /// The most versions a managed policy may have at once (an IAM hard limit).
    public static let maxVersionsPerPolicy = 5

    /// `v1`, `v2`, ...: numbers are never reused, even after a version is deleted.
    public var versionId: String
    /// The policy document, as the JSON text the caller gave.
    public var document: String
    public var isDefaultVersion: Bool
    public var createDate: Date

    public init(versionId: String, document: String, isDefaultVersion: Bool, createDate: Date) {
        self.versionId = versionId
        self.document = document
        self.isDefaultVersion = isDefaultVersion
        self.createDate = createDate
    }
}

/// An IAM group.
public struct IAMGroup: Sendable, Hashable {
    public var accountId: String
    public var groupName: String
    /// The unique ID, `AGPA...`.
    public var groupId: String
    public var path: String
    public var createDate: Date

    public init(accountId: String, groupName: String, groupId: String, path: String, createDate: Date) {
        self.accountId = accountId
        self.groupName = groupName
        self.groupId = groupId
        self.path = path
        self.createDate = createDate
    }

    /// `arn:aws:iam::ACCOUNT:group/PATH/NAME` (the path includes its slashes).
    public var arn: String { "arn:aws:iam::\(accountId):group\(path)\(groupName)" }
}

/// The identity that holds an inline policy or a managed-policy attachment.
public enum PolicyOwner: Sendable, Hashable {
    case user(String)
    case role(String)
    case group(String)

    /// The owner's name, as given.
    public var name: String {
        switch self {
        case .user(let name), .role(let name), .group(let name): name
        }
    }

    /// `user`, `role` or `group`: the word IAM uses in ARNs and messages.
    public var kindName: String {
        switch self {
        case .user: "user"
        case .role: "role"
        case .group: "group"
        }
    }
}

/// A principal whose policies can be evaluated and which can carry a permissions boundary.
public enum PolicyPrincipal: Sendable, Hashable {
    case user(String)
    case role(String)

    /// The same identity as a policy owner.
    public var owner: PolicyOwner {
        switch self {
        case .user(let name): .user(name)
        case .role(let name): .role(name)
        }
    }
}

/// An inline policy, embedded in a user, role or group.
public struct InlinePolicy: Sendable, Hashable {
    public var accountId: String
    public var owner: PolicyOwner
    public var policyName: String
    /// The policy document, as the JSON text the caller gave.
    public var document: String

    public init(accountId: String, owner: PolicyOwner, policyName: String, document: String) {
        self.accountId = accountId
        self.owner = owner
        self.policyName = policyName
        self.document = document
    }
}

/// A managed policy attached to a user, role or group, as `ListAttached*Policies` returns it.
public struct AttachedPolicy: Sendable, Hashable {
    public var policyName: String
    public var policyArn: String

    public init(policyName: String, policyArn: String) {
        self.policyName = policyName
        self.policyArn = policyArn
    }
}

/// One policy document that applies to a principal.
public struct EffectivePolicy: Sendable, Hashable {
    /// The managed policy's ARN, or `KIND/OWNER/inline/POLICY` for an inline policy (`user/alice/inline/S3`,
    /// `group/admins/inline/All`).
    public var identifier: String
    /// The document text: the inline document, or the managed policy's default version.
    public var document: String

    public init(identifier: String, document: String) {
        self.identifier = identifier
        self.document = document
    }

    /// The identifier of an inline policy.
    public static func inlineIdentifier(owner: PolicyOwner, policyName: String) -> String {
        "\(owner.kindName)/\(owner.name)/inline/\(policyName)"
    }
}

/// Everything the authorizer needs about a principal's own policies, read in one snapshot.
public struct EffectivePolicies: Sendable, Hashable {
    /// Identity-based policies: for a user its inline policies (by name), its attached policies (by name), then
    /// for each of its groups (by name) the group's inline and attached policies; for a role its inline and
    /// attached policies. A managed policy reached twice (user and group) appears once.
    public var identityPolicies: [EffectivePolicy]
    /// The principal's permissions boundary ARN, if it has one.
    public var permissionsBoundaryArn: String?
    /// The boundary's default version. Nil without a boundary, and also when `permissionsBoundaryArn` names no
    /// stored policy: callers must then deny (fail closed), since the boundary cannot be evaluated.
    public var permissionsBoundary: EffectivePolicy?

    public init(
        identityPolicies: [EffectivePolicy], permissionsBoundaryArn: String? = nil,
        permissionsBoundary: EffectivePolicy? = nil
    ) {
        self.identityPolicies = identityPolicies
        self.permissionsBoundaryArn = permissionsBoundaryArn
        self.permissionsBoundary = permissionsBoundary
    }

    /// True when the principal has a boundary ARN that names no stored policy.
    public var isPermissionsBoundaryMissing: Bool { permissionsBoundaryArn != nil && permissionsBoundary == nil }
}
