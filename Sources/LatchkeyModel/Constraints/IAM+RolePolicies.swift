extension OperationSchema {
    /// IAM `PutRolePolicy` (`PutRolePolicyRequest`).
    public static let putRolePolicy = OperationSchema(
        .iam, "PutRolePolicy",
        input: .structure(
            "PutRolePolicyRequest",
            [
                MemberSchema("RoleName", IAMShapes.roleNameType, required: true),
                MemberSchema("PolicyName", IAMShapes.policyNameType, required: true),
                MemberSchema("PolicyDocument", IAMShapes.policyDocumentType, required: true),
            ]))

    /// IAM `GetRolePolicy` (`GetRolePolicyRequest`).
    public static let getRolePolicy = OperationSchema(
        .iam, "GetRolePolicy",
        input: .structure(
            "GetRolePolicyRequest",
            [
                MemberSchema("RoleName", IAMShapes.roleNameType, required: true),
                MemberSchema("PolicyName", IAMShapes.policyNameType, required: true),
            ]))

    /// IAM `DeleteRolePolicy` (`DeleteRolePolicyRequest`).
    public static let deleteRolePolicy = OperationSchema(
        .iam, "DeleteRolePolicy",
        input: .structure(
            "DeleteRolePolicyRequest",
            [
                MemberSchema("RoleName", IAMShapes.roleNameType, required: true),
                MemberSchema("PolicyName", IAMShapes.policyNameType, required: true),
            ]))

    /// IAM `ListRolePolicies` (`ListRolePoliciesRequest`).
    public static let listRolePolicies = OperationSchema(
        .iam, "ListRolePolicies",
        input: .structure(
            "ListRolePoliciesRequest",
            [MemberSchema("RoleName", IAMShapes.roleNameType, required: true)] + IAMShapes.pagination))

    /// IAM `AttachRolePolicy` (`AttachRolePolicyRequest`).
    public static let attachRolePolicy = OperationSchema(
        .iam, "AttachRolePolicy",
        input: .structure(
            "AttachRolePolicyRequest",
            [
                MemberSchema("RoleName", IAMShapes.roleNameType, required: true),
                MemberSchema("PolicyArn", IAMShapes.arnType, required: true),
            ]))

    /// IAM `DetachRolePolicy` (`DetachRolePolicyRequest`).
    public static let detachRolePolicy = OperationSchema(
        .iam, "DetachRolePolicy",
        input: .structure(
            "DetachRolePolicyRequest",
            [
                MemberSchema("RoleName", IAMShapes.roleNameType, required: true),
                MemberSchema("PolicyArn", IAMShapes.arnType, required: true),
            ]))

    /// IAM `ListAttachedRolePolicies` (`ListAttachedRolePoliciesRequest`).
    public static let listAttachedRolePolicies = OperationSchema(
        .iam, "ListAttachedRolePolicies",
        input: .structure(
            "ListAttachedRolePoliciesRequest",
            [
                MemberSchema("RoleName", IAMShapes.roleNameType, required: true),
                MemberSchema("PathPrefix", IAMShapes.policyPathType),
            ] + IAMShapes.pagination))
}
