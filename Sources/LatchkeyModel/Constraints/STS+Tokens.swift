extension OperationSchema {
    /// `GetFederationToken` (`GetFederationTokenRequest`).
    public static let getFederationToken = OperationSchema(
        .sts, "GetFederationToken",
        input: .structure(
            "GetFederationTokenRequest",
            [
                MemberSchema("Name", TokenShapes.userNameType, required: true),
                MemberSchema("Policy", STSShapes.sessionPolicyDocumentType),
                MemberSchema("PolicyArns", STSShapes.policyDescriptorListType, documentedMaxItems: STSShapes.maxPolicyArns),
                MemberSchema("DurationSeconds", STSShapes.durationSecondsType),
                MemberSchema("Tags", STSShapes.tagListType),
            ]))

    /// `GetSessionToken` (`GetSessionTokenRequest`).
    public static let getSessionToken = OperationSchema(
        .sts, "GetSessionToken",
        input: .structure(
            "GetSessionTokenRequest",
            [
                MemberSchema("DurationSeconds", STSShapes.durationSecondsType),
                MemberSchema("SerialNumber", STSShapes.serialNumberType),
                MemberSchema("TokenCode", STSShapes.tokenCodeType),
            ]))

    /// `GetWebIdentityToken` (`GetWebIdentityTokenRequest`).
    public static let getWebIdentityToken = OperationSchema(
        .sts, "GetWebIdentityToken",
        input: .structure(
            "GetWebIdentityTokenRequest",
            [
                MemberSchema("Audience", TokenShapes.webIdentityTokenAudienceListType, required: true),
                MemberSchema("DurationSeconds", TokenShapes.webIdentityTokenDurationSecondsType),
                MemberSchema("SigningAlgorithm", TokenShapes.jwtAlgorithmType, required: true),
                MemberSchema("Tags", STSShapes.tagListType),
            ]))

    /// `GetDelegatedAccessToken` (`GetDelegatedAccessTokenRequest`).
    public static let getDelegatedAccessToken = OperationSchema(
        .sts, "GetDelegatedAccessToken",
        input: .structure(
            "GetDelegatedAccessTokenRequest",
            [
                MemberSchema("TradeInToken", TokenShapes.tradeInTokenType, required: true)
            ]))
}

/// Shapes of the token-issuing operations.
enum TokenShapes {
    static let userNameType = ShapeSchema.string("userNameType", min: 2, max: 32, pattern: #"[\w+=,.@-]*"#)
    static let webIdentityTokenAudienceStringType = ShapeSchema.string(
        "webIdentityTokenAudienceStringType", min: 1, max: 1000)
    static let webIdentityTokenAudienceListType = ShapeSchema.list(
        "webIdentityTokenAudienceListType", of: webIdentityTokenAudienceStringType, min: 1, max: 10)
    static let webIdentityTokenDurationSecondsType = ShapeSchema.integer(
        "webIdentityTokenDurationSecondsType", min: 60, max: 3600)
    static let jwtAlgorithmType = ShapeSchema.string("jwtAlgorithmType", min: 5, max: 5)
    static let tradeInTokenType = ShapeSchema.string("tradeInTokenType", sensitive: true)
}
