extension OperationSchema {
    /// IAM `PutGroupPolicy` (`PutGroupPolicyRequest`).
    public static let putGroupPolicy = OperationSchema(
        .iam, "PutGroupPolicy",
        input: .structure(
            "PutGroupPolicyRequest",
            [
                MemberSchema("GroupName", IAMShapes.groupNameType, required: true),
                MemberSchema("PolicyName", IAMShapes.policyNameType, required: true),
                MemberSchema("PolicyDocument", IAMShapes.policyDocumentType, required: true),
            ]))

    /// IAM `GetGroupPolicy` (`GetGroupPolicyRequest`).
    public static let getGroupPolicy = OperationSchema(
        .iam, "GetGroupPolicy",
        input: .structure(
            "GetGroupPolicyRequest",
            [
                MemberSchema("GroupName", IAMShapes.groupNameType, required: true),
                MemberSchema("PolicyName", IAMShapes.policyNameType, required: true),
            ]))

    /// IAM `DeleteGroupPolicy` (`DeleteGroupPolicyRequest`).
    public static let deleteGroupPolicy = OperationSchema(
        .iam, "DeleteGroupPolicy",
        input: .structure(
            "DeleteGroupPolicyRequest",
            [
                MemberSchema("GroupName", IAMShapes.groupNameType, required: true),
                MemberSchema("PolicyName", IAMShapes.policyNameType, required: true),
            ]))

    /// IAM `ListGroupPolicies` (`ListGroupPoliciesRequest`).
    public static let listGroupPolicies = OperationSchema(
        .iam, "ListGroupPolicies",
        input: .structure(
            "ListGroupPoliciesRequest",
            [MemberSchema("GroupName", IAMShapes.groupNameType, required: true)] + IAMShapes.pagination))

    /// IAM `AttachGroupPolicy` (`AttachGroupPolicyRequest`).
    public static let attachGroupPolicy = OperationSchema(
        .iam, "AttachGroupPolicy",
        input: .structure(
            "AttachGroupPolicyRequest",
            [
                MemberSchema("GroupName", IAMShapes.groupNameType, required: true),
                MemberSchema("PolicyArn", IAMShapes.arnType, required: true),
            ]))

    /// IAM `DetachGroupPolicy` (`DetachGroupPolicyRequest`).
    public static let detachGroupPolicy = OperationSchema(
        .iam, "DetachGroupPolicy",
        input: .structure(
            "DetachGroupPolicyRequest",
            [
                MemberSchema("GroupName", IAMShapes.groupNameType, required: true),
                MemberSchema("PolicyArn", IAMShapes.arnType, required: true),
            ]))

    /// IAM `ListAttachedGroupPolicies` (`ListAttachedGroupPoliciesRequest`).
    public static let listAttachedGroupPolicies = OperationSchema(
        .iam, "ListAttachedGroupPolicies",
        input: .structure(
            "ListAttachedGroupPoliciesRequest",
            [
                MemberSchema("GroupName", IAMShapes.groupNameType, required: true),
                MemberSchema("PathPrefix", IAMShapes.policyPathType),
            ] + IAMShapes.pagination))
}
