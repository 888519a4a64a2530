/// Shapes shared by several STS operations, as declared in `sts-2011-06-15.json`.
enum STSShapes {
    static let arnType = ShapeSchema.string(
        "arnType", min: 20, max: 2048,
        pattern: #"[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+"#)
    static let roleSessionNameType = ShapeSchema.string("roleSessionNameType", min: 2, max: 64, pattern: #"[\w+=,.@-]*"#)
    static let sourceIdentityType = ShapeSchema.string("sourceIdentityType", min: 2, max: 64, pattern: #"[\w+=,.@-]*"#)
    static let externalIdType = ShapeSchema.string("externalIdType", min: 2, max: 1224, pattern: #"[\w+=,.@:\/-]*"#)
    static let serialNumberType = ShapeSchema.string("serialNumberType", min: 9, max: 256, pattern: #"[\w+=/:,.@-]*"#)
    /// A one-time MFA code: not `sensitive` in the model, redacted by Latchkey.
    static let tokenCodeType = ShapeSchema.string("tokenCodeType", min: 6, max: 6, pattern: #"[\d]*"#, redacted: true)

    /// Session policies: not `sensitive` in the model, redacted by Latchkey (they describe permissions).
    static let sessionPolicyDocumentType = ShapeSchema.string(
        "sessionPolicyDocumentType", min: 1, max: 2048, pattern: #"[\u0009\u000A\u000D\u0020-\u00FF]+"#, redacted: true)
    static let unrestrictedSessionPolicyDocumentType = ShapeSchema.string(
        "unrestrictedSessionPolicyDocumentType", min: 1, pattern: #"[\u0009\u000A\u000D\u0020-\u00FF]+"#, redacted: true)

    static let roleDurationSecondsType = ShapeSchema.integer("roleDurationSecondsType", min: 900, max: 43200)
    static let durationSecondsType = ShapeSchema.integer("durationSecondsType", min: 900, max: 129600)

    static let policyDescriptorType = ShapeSchema.structure(
        "PolicyDescriptorType",
        [
            MemberSchema("arn", arnType)
        ])
    static let policyDescriptorListType = ShapeSchema.list("policyDescriptorListType", of: policyDescriptorType)
    /// "You can provide up to 10 managed policy ARNs" (API reference, every operation that takes `PolicyArns`);
    /// the model has no `max` for the list.
    static let maxPolicyArns = 10

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
}
