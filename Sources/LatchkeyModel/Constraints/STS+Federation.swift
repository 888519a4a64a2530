extension OperationSchema {
    /// `AssumeRoleWithSAML` (`AssumeRoleWithSAMLRequest`).
    public static let assumeRoleWithSAML = OperationSchema(
        .sts, "AssumeRoleWithSAML",
        input: .structure(
            "AssumeRoleWithSAMLRequest",
            [
                MemberSchema("RoleArn", STSShapes.arnType, required: true),
                MemberSchema("PrincipalArn", STSShapes.arnType, required: true),
                MemberSchema("SAMLAssertion", FederationShapes.samlAssertionType, required: true),
                MemberSchema("PolicyArns", STSShapes.policyDescriptorListType, documentedMaxItems: STSShapes.maxPolicyArns),
                MemberSchema("Policy", STSShapes.sessionPolicyDocumentType),
                MemberSchema("DurationSeconds", STSShapes.roleDurationSecondsType),
            ]))

    /// `AssumeRoleWithWebIdentity` (`AssumeRoleWithWebIdentityRequest`).
    public static let assumeRoleWithWebIdentity = OperationSchema(
        .sts, "AssumeRoleWithWebIdentity",
        input: .structure(
            "AssumeRoleWithWebIdentityRequest",
            [
                MemberSchema("RoleArn", STSShapes.arnType, required: true),
                MemberSchema("RoleSessionName", STSShapes.roleSessionNameType, required: true),
                MemberSchema("WebIdentityToken", FederationShapes.clientTokenType, required: true),
                MemberSchema("ProviderId", FederationShapes.urlType),
                MemberSchema("PolicyArns", STSShapes.policyDescriptorListType, documentedMaxItems: STSShapes.maxPolicyArns),
                MemberSchema("Policy", STSShapes.sessionPolicyDocumentType),
                MemberSchema("DurationSeconds", STSShapes.roleDurationSecondsType),
            ]))

    /// `AssumeRoot` (`AssumeRootRequest`). `TaskPolicyArn` is a structure, sent as `TaskPolicyArn.arn`.
    public static let assumeRoot = OperationSchema(
        .sts, "AssumeRoot",
        input: .structure(
            "AssumeRootRequest",
            [
                MemberSchema("TargetPrincipal", FederationShapes.targetPrincipalType, required: true),
                MemberSchema("TaskPolicyArn", STSShapes.policyDescriptorType, required: true),
                MemberSchema("DurationSeconds", FederationShapes.rootDurationSecondsType),
            ]))
}

/// Shapes of the federation and root operations.
enum FederationShapes {
    static let samlAssertionType = ShapeSchema.string("SAMLAssertionType", min: 4, max: 100_000, sensitive: true)
    static let clientTokenType = ShapeSchema.string("clientTokenType", min: 4, max: 20000, sensitive: true)
    static let urlType = ShapeSchema.string("urlType", min: 4, max: 2048)
    static let targetPrincipalType = ShapeSchema.string("TargetPrincipalType", min: 12, max: 2048)
    static let rootDurationSecondsType = ShapeSchema.integer("RootDurationSecondsType", min: 0, max: 900)
}
