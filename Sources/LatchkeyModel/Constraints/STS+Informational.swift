extension OperationSchema {
    /// `DecodeAuthorizationMessage` (`DecodeAuthorizationMessageRequest`).
    public static let decodeAuthorizationMessage = OperationSchema(
        .sts, "DecodeAuthorizationMessage",
        input: .structure(
            "DecodeAuthorizationMessageRequest",
            [
                MemberSchema(
                    "EncodedMessage", .string("encodedMessageType", min: 1, max: 10240), required: true)
            ]))

    /// `GetAccessKeyInfo` (`GetAccessKeyInfoRequest`).
    public static let getAccessKeyInfo = OperationSchema(
        .sts, "GetAccessKeyInfo",
        input: .structure(
            "GetAccessKeyInfoRequest",
            [
                MemberSchema(
                    "AccessKeyId", .string("accessKeyIdType", min: 16, max: 128, pattern: #"[\w]*"#), required: true)
            ]))

    /// `GetCallerIdentity` (`GetCallerIdentityRequest`): no members.
    public static let getCallerIdentity = OperationSchema(
        .sts, "GetCallerIdentity", input: .structure("GetCallerIdentityRequest", []))
}
