extension OperationSchema {
    /// IAM `CreateAccessKey` (`CreateAccessKeyRequest`).
    public static let createAccessKey = OperationSchema(
        .iam, "CreateAccessKey",
        input: .structure("CreateAccessKeyRequest", [MemberSchema("UserName", IAMShapes.existingUserNameType)]))

    /// IAM `ListAccessKeys` (`ListAccessKeysRequest`).
    public static let listAccessKeys = OperationSchema(
        .iam, "ListAccessKeys",
        input: .structure(
            "ListAccessKeysRequest", [MemberSchema("UserName", IAMShapes.existingUserNameType)] + IAMShapes.pagination))

    /// IAM `UpdateAccessKey` (`UpdateAccessKeyRequest`).
    public static let updateAccessKey = OperationSchema(
        .iam, "UpdateAccessKey",
        input: .structure(
            "UpdateAccessKeyRequest",
            [
                MemberSchema("UserName", IAMShapes.existingUserNameType),
                MemberSchema("AccessKeyId", IAMShapes.accessKeyIdType, required: true),
                MemberSchema("Status", IAMShapes.statusType, required: true),
            ]))

    /// IAM `DeleteAccessKey` (`DeleteAccessKeyRequest`).
    public static let deleteAccessKey = OperationSchema(
        .iam, "DeleteAccessKey",
        input: .structure(
            "DeleteAccessKeyRequest",
            [
                MemberSchema("UserName", IAMShapes.existingUserNameType),
                MemberSchema("AccessKeyId", IAMShapes.accessKeyIdType, required: true),
            ]))

    /// IAM `GetAccessKeyLastUsed` (`GetAccessKeyLastUsedRequest`).
    public static let getAccessKeyLastUsed = OperationSchema(
        .iam, "GetAccessKeyLastUsed",
        input: .structure(
            "GetAccessKeyLastUsedRequest", [MemberSchema("AccessKeyId", IAMShapes.accessKeyIdType, required: true)]))
}
