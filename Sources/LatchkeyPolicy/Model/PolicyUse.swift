/// Where IAM or STS is about to store or apply a document that a caller has just written. The use chooses the
/// ``PolicyKind`` the document is parsed as, and adds the checks IAM makes only when a document is written
/// (``PolicyDocument/validate(_:as:limits:)``).
///
/// Documents already stored are read back with ``PolicyDocument/parse(_:kind:limits:)``, which applies only the
/// grammar shared by every use: a document accepted when it was written is always readable later, even if the
/// write-time rules grow.
public enum PolicyUse: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A role's trust policy (`CreateRole`, `UpdateAssumeRolePolicy`). Parsed as a ``PolicyKind/resource`` policy;
    /// on write IAM also refuses invalid JSON with "This policy contains invalid Json", any action outside
    /// ``trustPolicyActions``, and `Resource` or `NotResource`.
    case roleTrust
    /// A customer managed policy version (`CreatePolicy`, `CreatePolicyVersion`). Parsed as
    /// ``PolicyKind/identity``; on write the document must declare `"Version": "2012-10-17"`, and IAM resource ARNs
    /// are checked.
    case managed
    /// An inline policy of a user, group or role (`Put*Policy`). Parsed as ``PolicyKind/identity``; on write IAM
    /// resource ARNs are checked. A document without `Version` (the 2008-10-17 language) is accepted.
    case inline
    /// A session policy passed to STS. Parsed as ``PolicyKind/session``, with the same write-time checks as
    /// ``inline``.
    case session
    /// A managed policy used as a permissions boundary. Same rules as ``managed``.
    case permissionsBoundary

    /// The kind the document is parsed and evaluated as.
    public var kind: PolicyKind {
        switch self {
        case .roleTrust: .resource
        case .managed, .inline: .identity
        case .session: .session
        case .permissionsBoundary: .permissionsBoundary
        }
    }

    public var description: String {
        switch self {
        case .roleTrust: "role trust policy"
        case .managed: "managed policy"
        case .inline: "inline policy"
        case .session: "session policy"
        case .permissionsBoundary: "permissions boundary"
        }
    }

    /// The actions a trust policy may name ("AssumeRole policy may only specify STS AssumeRole actions."), compared
    /// without regard to case. Wildcards, even `sts:*`, are refused.
    public static let trustPolicyActions: Set<String> = [
        "sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity", "sts:tagsession",
        "sts:setsourceidentity", "sts:setcontext",
    ]

    /// Whether the document must declare `"Version": "2012-10-17"`.
    var requiresCurrentVersion: Bool { self == .managed || self == .permissionsBoundary }

    /// Whether this is a permissions policy written through IAM's or STS's policy validator (not a trust policy):
    /// unknown elements and unknown non-empty condition operators are syntax errors, and resource ARNs get IAM's
    /// region, path and legacy checks.
    var isPermissionsPolicy: Bool { self != .roleTrust }
}
