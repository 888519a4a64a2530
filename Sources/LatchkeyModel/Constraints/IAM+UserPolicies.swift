extension OperationSchema {
    /// IAM `PutUserPolicy` (`PutUserPolicyRequest`).
    public static let putUserPolicy = OperationSchema(
        .iam, "PutUserPolicy",
        input: .structure(
            "PutUserPolicyRequest",
            [
                MemberSchema("UserName", IAMShapes.existingUserNameType, required: true),
                MemberSchema("PolicyName", IAMShapes.policyNameType, required: true),
                MemberSchema("PolicyDocument", IAMShapes.policyDocumentType, required: true),
            ]))

    /// IAM `GetUserPolicy` (`GetUserPolicyRequest`).
    public static let getUserPolicy = OperationSchema(
        .iam, "GetUserPolicy",
        input: .structure(
            "GetUserPolicyRequest",
            [
                MemberSchema("UserName", IAMShapes.existingUserNameType, required: true),
                MemberSchema("PolicyName", IAMShapes.policyNameType, required: true),
            ]))

    /// IAM `DeleteUserPolicy` (`DeleteUserPolicyRequest`).
    public static let deleteUserPolicy = OperationSchema(
        .iam, "DeleteUserPolicy",
        input: .structure(
            "DeleteUserPolicyRequest",
            [
                MemberSchema("UserName", IAMShapes.existingUserNameType, required: true),
                MemberSchema("PolicyName", IAMShapes.policyNameType, required: true),
            ]))

    /// IAM `ListUserPolicies` (`ListUserPoliciesRequest`).
    public static let listUserPolicies = OperationSchema(
        .iam, "ListUserPolicies",
        input: .structure(
            "ListUserPoliciesRequest",
            [MemberSchema("UserName", IAMShapes.existingUserNameType, required: true)] + IAMShapes.pagination))

    /// IAM `AttachUserPolicy` (`AttachUserPolicyRequest`).
    public static let attachUserPolicy = OperationSchema(
        .iam, "AttachUserPolicy",
        input: .structure(
            "AttachUserPolicyRequest",
            [
                MemberSchema("UserName", IAMShapes.userNameType, required: true),
                MemberSchema("PolicyArn", IAMShapes.arnType, required: true),
            ]))

    /// IAM `DetachUserPolicy` (`DetachUserPolicyRequest`).
    public static let detachUserPolicy = OperationSchema(
        .iam, "DetachUserPolicy",
        input: .structure(
            "DetachUserPolicyRequest",
            [
                MemberSchema("UserName", IAMShapes.userNameType, required: true),
                MemberSchema("PolicyArn", IAMShapes.arnType, required: true),
            ]))

    /// IAM `ListAttachedUserPolicies` (`ListAttachedUserPoliciesRequest`).
    public static let listAttachedUserPolicies = OperationSchema(
        .iam, "ListAttachedUserPolicies",
        input: .structure(
            "ListAttachedUserPoliciesRequest",
            [
                MemberSchema("UserName", IAMShapes.userNameType, required: true),
                MemberSchema("PathPrefix", IAMShapes.policyPathType),
            ] + IAMShapes.pagination))

    /// IAM `PutUserPermissionsBoundary` (`PutUserPermissionsBoundaryRequest`).
    public static let putUserPermissionsBoundary = OperationSchema(
        .iam, "PutUserPermissionsBoundary",
        input: .structure(
            "PutUserPermissionsBoundaryRequest",
            [
                MemberSchema("UserName", IAMShapes.userNameType, required: true),
                MemberSchema("PermissionsBoundary", IAMShapes.arnType, required: true),
            ]))

    /// IAM `DeleteUserPermissionsBoundary` (`DeleteUserPermissionsBoundaryRequest`).
    public static let deleteUserPermissionsBoundary = OperationSchema(
        .iam, "DeleteUserPermissionsBoundary",
        input: .structure(
            "DeleteUserPermissionsBoundaryRequest", [MemberSchema("UserName", IAMShapes.userNameType, required: true)]))
}
