import LatchkeyCore
import LatchkeyModel
import LatchkeyQuery
import LatchkeyDomain

extension IAMService {
    /// Roles, their inline and attached policies, and their permissions boundaries.
    func roleHandlers() -> [String: OperationHandler] {
        roleLifecycleHandlers().merging(rolePolicyHandlers()) { first, _ in first }
    }

    /// Creating, reading, updating, tagging and deleting roles; permissions boundaries.
    private func roleLifecycleHandlers() -> [String: OperationHandler] {
        [
            "CreateRole": { request in
                let input = request.input
                let role = try await self.createRole(
                    caller: try request.signedCaller(), roleName: input.string("RoleName") ?? "",
                    path: input.string("Path"), assumeRolePolicyDocument: input.string("AssumeRolePolicyDocument") ?? "",
                    description: input.string("Description"), maxSessionDuration: input.int("MaxSessionDuration"),
                    permissionsBoundary: input.string("PermissionsBoundary"), tags: input.tags("Tags"), now: request.now)
                return .result([role.roleNode(name: "Role", style: .created)])
            },
            "GetRole": { request in
                let role = try await self.getRole(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "")
                return .result([role.roleNode(name: "Role", style: .withLastUsed)])
            },
            "ListRoles": { request in
                let page = try await self.listRoles(
                    caller: try request.signedCaller(), pathPrefix: request.input.string("PathPrefix"),
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result([.list("Roles", page.items.map { $0.roleNode(name: "member", style: .listing) })] + page.trailer)
            },
            "UpdateRole": { request in
                try await self.updateRole(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    description: request.input.string("Description"),
                    maxSessionDuration: request.input.int("MaxSessionDuration"))
                return .result([])
            },
            "UpdateRoleDescription": { request in
                let role = try await self.updateRoleDescription(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    description: request.input.string("Description") ?? "")
                return .result([role.roleNode(name: "Role", style: .descriptionUpdated)])
            },
            "UpdateAssumeRolePolicy": { request in
                try await self.updateAssumeRolePolicy(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    policyDocument: request.input.string("PolicyDocument") ?? "")
                return nil
            },
            "DeleteRole": { request in
                try await self.deleteRole(caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "")
                return nil
            },
            "TagRole": { request in
                try await self.tagRole(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    tags: request.input.tags("Tags"))
                return nil
            },
            "UntagRole": { request in
                try await self.untagRole(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    tagKeys: request.input.strings("TagKeys"))
                return nil
            },
            "ListRoleTags": { request in
                let page = try await self.listRoleTags(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result([.list("Tags", page.items.map(\.node))] + page.trailer)
            },
            "PutRolePermissionsBoundary": { request in
                try await self.putRolePermissionsBoundary(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    permissionsBoundary: request.input.string("PermissionsBoundary") ?? "")
                return nil
            },
            "DeleteRolePermissionsBoundary": { request in
                try await self.deleteRolePermissionsBoundary(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "")
                return nil
            },
        ]
    }

    /// A role's inline policies and attached managed policies.
    private func rolePolicyHandlers() -> [String: OperationHandler] {
        [
            "PutRolePolicy": { request in
                try await self.putRolePolicy(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    policyName: request.input.string("PolicyName") ?? "",
                    policyDocument: request.input.string("PolicyDocument") ?? "")
                return nil
            },
            "GetRolePolicy": { request in
                let policy = try await self.getRolePolicy(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    policyName: request.input.string("PolicyName") ?? "")
                return .result([
                    .string("RoleName", policy.owner.name), .string("PolicyName", policy.policyName),
                    .string("PolicyDocument", encodedRolePolicyDocument(policy.document)),
                ])
            },
            "DeleteRolePolicy": { request in
                try await self.deleteRolePolicy(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    policyName: request.input.string("PolicyName") ?? "")
                return nil
            },
            "ListRolePolicies": { request in
                let page = try await self.listRolePolicies(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    marker: request.input.string("Marker"), maxItems: request.input.int("MaxItems"))
                return .result([.list("PolicyNames", strings: page.items)] + page.trailer)
            },
            "AttachRolePolicy": { request in
                try await self.attachRolePolicy(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    policyArn: request.input.string("PolicyArn") ?? "")
                return nil
            },
            "DetachRolePolicy": { request in
                try await self.detachRolePolicy(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    policyArn: request.input.string("PolicyArn") ?? "")
                return nil
            },
            "ListAttachedRolePolicies": { request in
                let page = try await self.listAttachedRolePolicies(
                    caller: try request.signedCaller(), roleName: request.input.string("RoleName") ?? "",
                    pathPrefix: request.input.string("PathPrefix"), marker: request.input.string("Marker"),
                    maxItems: request.input.int("MaxItems"))
                let items: [ResponseNode] = page.items.map { policy in
                    .structure("member", [.string("PolicyName", policy.policyName), .string("PolicyArn", policy.policyArn)])
                }
                return .result([.list("AttachedPolicies", items)] + page.trailer)
            },
        ]
    }
}

/// A policy document as IAM returns it: the JSON text percent-encoded (RFC 3986 unreserved characters kept).
private func encodedRolePolicyDocument(_ document: String) -> String {
    var output = ""
    QueryParameters.percentEncode(document, into: &output)
    return output
}

/// Which members of `Role` a response carries, as IAM answers (recorded from AWS in 2026).
private enum RoleNodeStyle {
    /// CreateRole: no `Description` and no `MaxSessionDuration` (IAM echoes neither), the boundary and tags.
    case created
    /// UpdateRoleDescription: the description, no `MaxSessionDuration`, the boundary and tags.
    case descriptionUpdated
    /// GetRole: everything, and `RoleLastUsed` (empty: Latchkey does not record role use).
    case withLastUsed
    /// ListRoles: no permissions boundary, tags or last use, as IAM lists roles.
    case listing
}

extension IAMRole {
    /// `Role` in IAM's member order.
    fileprivate func roleNode(name: String, style: RoleNodeStyle) -> ResponseNode {
        let detailed = style != .listing
        return .structure(name, [
            .string("Path", path), .string("RoleName", roleName), .string("RoleId", roleId), .string("Arn", arn),
            .timestamp("CreateDate", createDate),
            .string("AssumeRolePolicyDocument", encodedRolePolicyDocument(assumeRolePolicyDocument)),
            style == .created ? nil : description.map { .string("Description", $0) },
            style == .created || style == .descriptionUpdated ? nil : .integer("MaxSessionDuration", maxSessionDuration),
            (detailed ? permissionsBoundaryArn : nil).map { arn in
                .structure("PermissionsBoundary", [
                    .string("PermissionsBoundaryType", "PermissionsBoundaryPolicy"), .string("PermissionsBoundaryArn", arn),
                ])
            },
            detailed && !tags.isEmpty ? .list("Tags", tags.map(\.node)) : nil,
            style == .withLastUsed ? .structure("RoleLastUsed", []) : nil,
        ])
    }
}
