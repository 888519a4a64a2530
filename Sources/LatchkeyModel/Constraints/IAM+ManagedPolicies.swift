extension OperationSchema {
    /// IAM `CreatePolicy` (`CreatePolicyRequest`).
    public static let createPolicy = OperationSchema(
        .iam, "CreatePolicy",
        input: .structure(
            "CreatePolicyRequest",
            [
                MemberSchema("PolicyName", IAMShapes.policyNameType, required: true),
                MemberSchema("Path", IAMShapes.policyPathType),
                MemberSchema("PolicyDocument", IAMShapes.policyDocumentType, required: true),
                MemberSchema("Description", IAMShapes.policyDescriptionType),
                MemberSchema("Tags", IAMShapes.tagListType),
            ]))

    /// IAM `GetPolicy` (`GetPolicyRequest`).
    public static let getPolicy = OperationSchema(
        .iam, "GetPolicy",
        input: .structure("GetPolicyRequest", [MemberSchema("PolicyArn", IAMShapes.arnType, required: true)]))

    /// IAM `GetPolicyVersion` (`GetPolicyVersionRequest`).
    public static let getPolicyVersion = OperationSchema(
        .iam, "GetPolicyVersion",
        input: .structure(
            "GetPolicyVersionRequest",
            [
                MemberSchema("PolicyArn", IAMShapes.arnType, required: true),
                MemberSchema("VersionId", IAMShapes.policyVersionIdType, required: true),
            ]))

    /// IAM `DeletePolicy` (`DeletePolicyRequest`).
    public static let deletePolicy = OperationSchema(
        .iam, "DeletePolicy",
        input: .structure("DeletePolicyRequest", [MemberSchema("PolicyArn", IAMShapes.arnType, required: true)]))

    /// IAM `ListPolicies` (`ListPoliciesRequest`).
    public static let listPolicies = OperationSchema(
        .iam, "ListPolicies",
        input: .structure(
            "ListPoliciesRequest",
            [
                MemberSchema("Scope", IAMShapes.policyScopeType),
                MemberSchema("OnlyAttached", IAMShapes.booleanType),
                MemberSchema("PathPrefix", IAMShapes.policyPathType),
                MemberSchema("PolicyUsageFilter", IAMShapes.policyUsageType),
            ] + IAMShapes.pagination))

    /// IAM `CreatePolicyVersion` (`CreatePolicyVersionRequest`).
    public static let createPolicyVersion = OperationSchema(
        .iam, "CreatePolicyVersion",
        input: .structure(
            "CreatePolicyVersionRequest",
            [
                MemberSchema("PolicyArn", IAMShapes.arnType, required: true),
                MemberSchema("PolicyDocument", IAMShapes.policyDocumentType, required: true),
                MemberSchema("SetAsDefault", IAMShapes.booleanType),
            ]))

    /// IAM `DeletePolicyVersion` (`DeletePolicyVersionRequest`).
    public static let deletePolicyVersion = OperationSchema(
        .iam, "DeletePolicyVersion",
        input: .structure(
            "DeletePolicyVersionRequest",
            [
                MemberSchema("PolicyArn", IAMShapes.arnType, required: true),
                MemberSchema("VersionId", IAMShapes.policyVersionIdType, required: true),
            ]))

    /// IAM `SetDefaultPolicyVersion` (`SetDefaultPolicyVersionRequest`).
    public static let setDefaultPolicyVersion = OperationSchema(
        .iam, "SetDefaultPolicyVersion",
        input: .structure(
            "SetDefaultPolicyVersionRequest",
            [
                MemberSchema("PolicyArn", IAMShapes.arnType, required: true),
                MemberSchema("VersionId", IAMShapes.policyVersionIdType, required: true),
            ]))

    /// IAM `ListPolicyVersions` (`ListPolicyVersionsRequest`).
    public static let listPolicyVersions = OperationSchema(
        .iam, "ListPolicyVersions",
        input: .structure(
            "ListPolicyVersionsRequest",
            [MemberSchema("PolicyArn", IAMShapes.arnType, required: true)] + IAMShapes.pagination))

    /// IAM `TagPolicy` (`TagPolicyRequest`).
    public static let tagPolicy = OperationSchema(
        .iam, "TagPolicy",
        input: .structure(
            "TagPolicyRequest",
            [
                MemberSchema("PolicyArn", IAMShapes.arnType, required: true),
                MemberSchema("Tags", IAMShapes.tagListType, required: true),
            ]))

    /// IAM `UntagPolicy` (`UntagPolicyRequest`).
    public static let untagPolicy = OperationSchema(
        .iam, "UntagPolicy",
        input: .structure(
            "UntagPolicyRequest",
            [
                MemberSchema("PolicyArn", IAMShapes.arnType, required: true),
                MemberSchema("TagKeys", IAMShapes.tagKeyListType, required: true),
            ]))

    /// IAM `ListPolicyTags` (`ListPolicyTagsRequest`).
    public static let listPolicyTags = OperationSchema(
        .iam, "ListPolicyTags",
        input: .structure(
            "ListPolicyTagsRequest",
            [MemberSchema("PolicyArn", IAMShapes.arnType, required: true)] + IAMShapes.pagination))
}
