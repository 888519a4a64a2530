/// Shapes shared by the IAM operations Latchkey serves, as declared in `iam-2010-05-08.json`.
///
/// IAM's shapes differ from STS shapes of the same name (IAM's `arnType` has no pattern, its
/// `userNameType` is 1…64 with `+`), so each service has its own declarations.
enum IAMShapes {
    static let pathType = ShapeSchema.string(
        "pathType", min: 1, max: 512, pattern: #"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"#)
    static let pathPrefixType = ShapeSchema.string("pathPrefixType", min: 1, max: 512, pattern: #"\u002F[\u0021-\u007F]*"#)
    static let userNameType = ShapeSchema.string("userNameType", min: 1, max: 64, pattern: #"[\w+=,.@-]+"#)
    static let existingUserNameType = ShapeSchema.string(
        "existingUserNameType", min: 1, max: 128, pattern: #"[\w+=,.@-]+"#)
    static let arnType = ShapeSchema.string("arnType", min: 20, max: 2048)
    static let markerType = ShapeSchema.string("markerType", min: 1, max: 320, pattern: #"[\u0020-\u00FF]+"#)
    static let maxItemsType = ShapeSchema.integer("maxItemsType", min: 1, max: 1000)
    static let accessKeyIdType = ShapeSchema.string("accessKeyIdType", min: 16, max: 128, pattern: #"[\w]+"#)
    static let statusType = ShapeSchema.string("statusType", enumValues: ["Active", "Inactive", "Expired"])
    static let serialNumberType = ShapeSchema.string("serialNumberType", min: 9, max: 256, pattern: #"[\w+=/:,.@-]+"#)
    /// A one-time MFA code: not `sensitive` in the model, redacted by Latchkey.
    static let authenticationCodeType = ShapeSchema.string(
        "authenticationCodeType", min: 6, max: 6, pattern: #"[\d]+"#, redacted: true)
    static let virtualMFADeviceName = ShapeSchema.string("virtualMFADeviceName", min: 1, pattern: #"[\w+=,.@-]+"#)
    static let assignmentStatusType = ShapeSchema.string(
        "assignmentStatusType", enumValues: ["Assigned", "Unassigned", "Any"])
    static let booleanType = ShapeSchema.boolean("booleanType")

    static let roleNameType = ShapeSchema.string("roleNameType", min: 1, max: 64, pattern: #"[\w+=,.@-]+"#)
    static let roleDescriptionType = ShapeSchema.string(
        "roleDescriptionType", max: 1000, pattern: #"[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*"#)
    static let roleMaxSessionDurationType = ShapeSchema.integer("roleMaxSessionDurationType", min: 3600, max: 43200)
    static let groupNameType = ShapeSchema.string("groupNameType", min: 1, max: 128, pattern: #"[\w+=,.@-]+"#)

    static let policyNameType = ShapeSchema.string("policyNameType", min: 1, max: 128, pattern: #"[\w+=,.@-]+"#)
    static let policyPathType = ShapeSchema.string(
        "policyPathType", min: 1, max: 512, pattern: #"((/[A-Za-z0-9\.,\+@=_-]+)*)/"#)
    static let policyDescriptionType = ShapeSchema.string("policyDescriptionType", max: 1000)
    static let policyVersionIdType = ShapeSchema.string(
        "policyVersionIdType", pattern: #"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?"#)
    static let policyScopeType = ShapeSchema.string("policyScopeType", enumValues: ["All", "AWS", "Local"])
    static let policyUsageType = ShapeSchema.string(
        "PolicyUsageType", enumValues: ["PermissionsPolicy", "PermissionsBoundary"])
    /// Permission, trust and resource policies: not `sensitive` in the model, redacted by Latchkey (they
    /// describe permissions), like the STS session policies.
    static let policyDocumentType = ShapeSchema.string(
        "policyDocumentType", min: 1, max: 131072, pattern: #"[\u0009\u000A\u000D\u0020-\u00FF]+"#, redacted: true)

    static let tagKeyType = ShapeSchema.string("tagKeyType", min: 1, max: 128, pattern: #"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"#)
    static let tagValueType = ShapeSchema.string("tagValueType", min: 0, max: 256, pattern: #"[\p{L}\p{Z}\p{N}_.:/=+\-@]*"#)
    static let tag = ShapeSchema.structure(
        "Tag",
        [
            MemberSchema("Key", tagKeyType, required: true),
            MemberSchema("Value", tagValueType, required: true),
        ])
    static let tagListType = ShapeSchema.list("tagListType", of: tag, max: 50)
    static let tagKeyListType = ShapeSchema.list("tagKeyListType", of: tagKeyType, max: 50)

    /// The `Marker`/`MaxItems` pair every paginated IAM list operation ends with.
    static let pagination = [
        MemberSchema("Marker", markerType),
        MemberSchema("MaxItems", maxItemsType),
    ]
}
