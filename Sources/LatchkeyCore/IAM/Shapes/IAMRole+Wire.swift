public import LatchkeyDomain
public import LatchkeyModel

extension IAMRole {
    /// Which members of `Role` a response carries, as IAM answers (recorded from AWS in 2026).
    public enum WireStyle: Sendable {
        /// CreateRole: no `Description` and no `MaxSessionDuration` (IAM echoes neither), the boundary and tags.
        case created
        /// UpdateRoleDescription: the description, no `MaxSessionDuration`, the boundary and tags.
        case descriptionUpdated
        /// GetRole: everything, and `RoleLastUsed` (empty: Latchkey does not record role use).
        case withLastUsed
        /// ListRoles: no permissions boundary, tags or last use, as IAM lists roles.
        case listing
    }

    /// The role as `style`'s operation answers it; the trust policy URL-encoded, as IAM sends it.
    public func wire(_ style: WireStyle) -> IAM.Role {
        let detailed = style != .listing
        return IAM.Role(
            path: path, roleName: roleName, roleId: roleId, arn: arn, createDate: createDate,
            assumeRolePolicyDocument: PolicyDocumentEncoding.encode(assumeRolePolicyDocument),
            description: style == .created ? nil : description,
            maxSessionDuration: style == .created || style == .descriptionUpdated ? nil : maxSessionDuration,
            permissionsBoundary: detailed
                ? permissionsBoundaryArn.map(IAM.AttachedPermissionsBoundary.init(policyArn:)) : nil,
            tags: detailed && !tags.isEmpty ? tags.map(IAM.Tag.init) : nil,
            roleLastUsed: style == .withLastUsed ? IAM.RoleLastUsed() : nil)
    }
}

extension InlinePolicy {
    /// `GetRolePolicy`'s answer: the role's name, the policy's name and its URL-encoded document.
    var rolePolicyOutput: GetRolePolicyOutput {
        GetRolePolicyOutput(
            roleName: owner.name, policyName: policyName, policyDocument: PolicyDocumentEncoding.encode(document))
    }
}
