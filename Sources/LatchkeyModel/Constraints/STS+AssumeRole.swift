extension OperationSchema {
    /// `AssumeRole` (`AssumeRoleRequest`).
    public static let assumeRole = OperationSchema(
        .sts, "AssumeRole",
        input: .structure(
            "AssumeRoleRequest",
            [
                MemberSchema("RoleArn", STSShapes.arnType, required: true),
                MemberSchema("RoleSessionName", STSShapes.roleSessionNameType, required: true),
                MemberSchema("PolicyArns", STSShapes.policyDescriptorListType, documentedMaxItems: STSShapes.maxPolicyArns),
                MemberSchema("Policy", STSShapes.unrestrictedSessionPolicyDocumentType),
                MemberSchema("DurationSeconds", STSShapes.roleDurationSecondsType),
                MemberSchema("Tags", STSShapes.tagListType),
                MemberSchema("TransitiveTagKeys", STSShapes.tagKeyListType),
                MemberSchema("ExternalId", STSShapes.externalIdType),
                MemberSchema("SerialNumber", STSShapes.serialNumberType),
                MemberSchema("TokenCode", STSShapes.tokenCodeType),
                MemberSchema("SourceIdentity", STSShapes.sourceIdentityType),
                MemberSchema("ProvidedContexts", AssumeRoleShapes.providedContextsListType),
            ]))
}

/// Shapes only `AssumeRole` uses.
enum AssumeRoleShapes {
    /// A signed context assertion: not `sensitive` in the model, redacted by Latchkey.
    static let contextAssertionType = ShapeSchema.string("contextAssertionType", min: 4, max: 2048, redacted: true)
    static let providedContext = ShapeSchema.structure(
        "ProvidedContext",
        [
            MemberSchema("ProviderArn", STSShapes.arnType),
            MemberSchema("ContextAssertion", contextAssertionType),
        ])
    static let providedContextsListType = ShapeSchema.list(
        "ProvidedContextsListType", of: providedContext, min: 1, max: 5)
}
