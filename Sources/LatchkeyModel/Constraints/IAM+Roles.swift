extension OperationSchema {
    /// IAM `CreateRole` (`CreateRoleRequest`).
    public static let createRole = OperationSchema(
        .iam, "CreateRole",
        input: .structure(
            "CreateRoleRequest",
            [
                MemberSchema("Path", IAMShapes.pathType),
                MemberSchema("RoleName", IAMShapes.roleNameType, required: true),
                MemberSchema("AssumeRolePolicyDocument", IAMShapes.policyDocumentType, required: true),
                MemberSchema("Description", IAMShapes.roleDescriptionType),
                MemberSchema("MaxSessionDuration", IAMShapes.roleMaxSessionDurationType),
                MemberSchema("PermissionsBoundary", IAMShapes.arnType),
                MemberSchema("Tags", IAMShapes.tagListType),
            ]))

    /// IAM `GetRole` (`GetRoleRequest`).
    public static let getRole = OperationSchema(
        .iam, "GetRole",
        input: .structure("GetRoleRequest", [MemberSchema("RoleName", IAMShapes.roleNameType, required: true)]))

    /// IAM `ListRoles` (`ListRolesRequest`).
    public static let listRoles = OperationSchema(
        .iam, "ListRoles",
        input: .structure(
            "ListRolesRequest", [MemberSchema("PathPrefix", IAMShapes.pathPrefixType)] + IAMShapes.pagination))

    /// IAM `UpdateRole` (`UpdateRoleRequest`).
    public static let updateRole = OperationSchema(
        .iam, "UpdateRole",
        input: .structure(
            "UpdateRoleRequest",
            [
                MemberSchema("RoleName", IAMShapes.roleNameType, required: true),
                MemberSchema("Description", IAMShapes.roleDescriptionType),
                MemberSchema("MaxSessionDuration", IAMShapes.roleMaxSessionDurationType),
            ]))

    /// IAM `UpdateRoleDescription` (`UpdateRoleDescriptionRequest`).
    public static let updateRoleDescription = OperationSchema(
        .iam, "UpdateRoleDescription",
        input: .structure(
            "UpdateRoleDescriptionRequest",
            [
                MemberSchema("RoleName", IAMShapes.roleNameType, required: true),
                MemberSchema("Description", IAMShapes.roleDescriptionType, required: true),
            ]))

    /// IAM `UpdateAssumeRolePolicy` (`UpdateAssumeRolePolicyRequest`).
    public static let updateAssumeRolePolicy = OperationSchema(
        .iam, "UpdateAssumeRolePolicy",
        input: .structure(
            "UpdateAssumeRolePolicyRequest",
            [
                MemberSchema("RoleName", IAMShapes.roleNameType, required: true),
                MemberSchema("PolicyDocument", IAMShapes.policyDocumentType, required: true),
            ]))

    /// IAM `DeleteRole` (`DeleteRoleRequest`).
    public static let deleteRole = OperationSchema(
        .iam, "DeleteRole",
        input: .structure("DeleteRoleRequest", [MemberSchema("RoleName", IAMShapes.roleNameType, required: true)]))

    /// IAM `TagRole` (`TagRoleRequest`).
    public static let tagRole = OperationSchema(
        .iam, "TagRole",
        input: .structure(
            "TagRoleRequest",
            [
                MemberSchema("RoleName", IAMShapes.roleNameType, required: true),
                MemberSchema("Tags", IAMShapes.tagListType, required: true),
            ]))

    /// IAM `UntagRole` (`UntagRoleRequest`).
    public static let untagRole = OperationSchema(
        .iam, "UntagRole",
        input: .structure(
            "UntagRoleRequest",
            [
                MemberSchema("RoleName", IAMShapes.roleNameType, required: true),
                MemberSchema("TagKeys", IAMShapes.tagKeyListType, required: true),
            ]))

    /// IAM `ListRoleTags` (`ListRoleTagsRequest`).
    public static let listRoleTags = OperationSchema(
        .iam, "ListRoleTags",
        input: .structure(
            "ListRoleTagsRequest",
            [MemberSchema("RoleName", IAMShapes.roleNameType, required: true)] + IAMShapes.pagination))

    /// IAM `PutRolePermissionsBoundary` (`PutRolePermissionsBoundaryRequest`).
    public static let putRolePermissionsBoundary = OperationSchema(
        .iam, "PutRolePermissionsBoundary",
        input: .structure(
            "PutRolePermissionsBoundaryRequest",
            [
                MemberSchema("RoleName", IAMShapes.roleNameType, required: true),
                MemberSchema("PermissionsBoundary", IAMShapes.arnType, required: true),
            ]))

    /// IAM `DeleteRolePermissionsBoundary` (`DeleteRolePermissionsBoundaryRequest`).
    public static let deleteRolePermissionsBoundary = OperationSchema(
        .iam, "DeleteRolePermissionsBoundary",
        input: .structure(
            "DeleteRolePermissionsBoundaryRequest", [MemberSchema("RoleName", IAMShapes.roleNameType, required: true)]))
}
