extension OperationSchema {
    /// IAM `SimulatePrincipalPolicy` (`SimulatePrincipalPolicyRequest`).
    public static let simulatePrincipalPolicy = OperationSchema(
        .iam, "SimulatePrincipalPolicy",
        input: .structure(
            "SimulatePrincipalPolicyRequest",
            [
                MemberSchema("PolicySourceArn", IAMShapes.arnType, required: true),
                MemberSchema("PolicyInputList", SimulationShapes.simulationPolicyListType),
                MemberSchema("PermissionsBoundaryPolicyInputList", SimulationShapes.simulationPolicyListType),
                MemberSchema("ActionNames", SimulationShapes.actionNameListType, required: true),
                MemberSchema("ResourceArns", SimulationShapes.resourceNameListType),
                MemberSchema("ResourcePolicy", IAMShapes.policyDocumentType),
                MemberSchema("ResourceOwner", SimulationShapes.resourceNameType),
                MemberSchema("CallerArn", SimulationShapes.resourceNameType),
                MemberSchema("ContextEntries", SimulationShapes.contextEntryListType),
                MemberSchema("ResourceHandlingOption", SimulationShapes.resourceHandlingOptionType),
                MemberSchema("MaxItems", IAMShapes.maxItemsType),
                MemberSchema("Marker", IAMShapes.markerType),
            ]))
}

/// Shapes only the policy simulator uses, as declared in `iam-2010-05-08.json`.
enum SimulationShapes {
    /// Policies to simulate; each element is a redacted ``IAMShapes/policyDocumentType``.
    static let simulationPolicyListType = ShapeSchema.list(
        "SimulationPolicyListType", of: IAMShapes.policyDocumentType)
    static let actionNameType = ShapeSchema.string("ActionNameType", min: 3, max: 128)
    static let actionNameListType = ShapeSchema.list("ActionNameListType", of: actionNameType)
    static let resourceNameType = ShapeSchema.string("ResourceNameType", min: 1, max: 2048)
    static let resourceNameListType = ShapeSchema.list("ResourceNameListType", of: resourceNameType)
    static let resourceHandlingOptionType = ShapeSchema.string("ResourceHandlingOptionType", min: 1, max: 64)

    static let contextKeyNameType = ShapeSchema.string("ContextKeyNameType", min: 5, max: 256)
    static let contextKeyValueType = ShapeSchema.string("ContextKeyValueType")
    static let contextKeyValueListType = ShapeSchema.list("ContextKeyValueListType", of: contextKeyValueType)
    static let contextKeyTypeEnum = ShapeSchema.string(
        "ContextKeyTypeEnum",
        enumValues: [
            "string", "stringList", "numeric", "numericList", "boolean", "booleanList", "ip", "ipList", "binary",
            "binaryList", "date", "dateList",
        ])
    static let contextEntry = ShapeSchema.structure(
        "ContextEntry",
        [
            MemberSchema("ContextKeyName", contextKeyNameType),
            MemberSchema("ContextKeyValues", contextKeyValueListType),
            MemberSchema("ContextKeyType", contextKeyTypeEnum),
        ])
    static let contextEntryListType = ShapeSchema.list("ContextEntryListType", of: contextEntry)
}
