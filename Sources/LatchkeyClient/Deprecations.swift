public import LatchkeyModel

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

// The client's own request and response shapes before the operations were generated in LatchkeyModel (issue 11).
// Kept for one release: the requests are the generated inputs under their old names; each response is an
// `STSResponse` of the generated output, with the old memberwise initializer.

// MARK: Requests

@available(*, deprecated, renamed: "AssumeRoleInput")
public typealias AssumeRoleRequest = AssumeRoleInput
@available(*, deprecated, renamed: "AssumeRoleWithWebIdentityInput")
public typealias AssumeRoleWithWebIdentityRequest = AssumeRoleWithWebIdentityInput
@available(*, deprecated, renamed: "AssumeRoleWithSAMLInput")
public typealias AssumeRoleWithSAMLRequest = AssumeRoleWithSAMLInput
@available(*, deprecated, renamed: "AssumeRootInput")
public typealias AssumeRootRequest = AssumeRootInput
@available(*, deprecated, renamed: "GetSessionTokenInput")
public typealias GetSessionTokenRequest = GetSessionTokenInput
@available(*, deprecated, renamed: "GetFederationTokenInput")
public typealias GetFederationTokenRequest = GetFederationTokenInput
@available(*, deprecated, renamed: "GetCallerIdentityInput")
public typealias GetCallerIdentityRequest = GetCallerIdentityInput
@available(*, deprecated, renamed: "GetAccessKeyInfoInput")
public typealias GetAccessKeyInfoRequest = GetAccessKeyInfoInput
@available(*, deprecated, renamed: "DecodeAuthorizationMessageInput")
public typealias DecodeAuthorizationMessageRequest = DecodeAuthorizationMessageInput
@available(*, deprecated, renamed: "GetWebIdentityTokenInput")
public typealias GetWebIdentityTokenRequest = GetWebIdentityTokenInput
@available(*, deprecated, renamed: "GetDelegatedAccessTokenInput")
public typealias GetDelegatedAccessTokenRequest = GetDelegatedAccessTokenInput

// MARK: Responses

@available(*, deprecated, message: "use STSResponse<AssumeRoleOutput>")
public typealias AssumeRoleResponse = STSResponse<AssumeRoleOutput>

@available(*, deprecated, message: "use STSResponse<AssumeRoleWithWebIdentityOutput>")
public typealias AssumeRoleWithWebIdentityResponse = STSResponse<AssumeRoleWithWebIdentityOutput>

@available(*, deprecated, message: "use STSResponse<AssumeRoleWithSAMLOutput>")
public typealias AssumeRoleWithSAMLResponse = STSResponse<AssumeRoleWithSAMLOutput>

@available(*, deprecated, message: "use STSResponse<AssumeRootOutput>")
public typealias AssumeRootResponse = STSResponse<AssumeRootOutput>

@available(*, deprecated, message: "use STSResponse<GetSessionTokenOutput>")
public typealias GetSessionTokenResponse = STSResponse<GetSessionTokenOutput>

@available(*, deprecated, message: "use STSResponse<GetFederationTokenOutput>")
public typealias GetFederationTokenResponse = STSResponse<GetFederationTokenOutput>

@available(*, deprecated, message: "use STSResponse<GetCallerIdentityOutput>")
public typealias GetCallerIdentityResponse = STSResponse<GetCallerIdentityOutput>

@available(*, deprecated, message: "use STSResponse<GetAccessKeyInfoOutput>")
public typealias GetAccessKeyInfoResponse = STSResponse<GetAccessKeyInfoOutput>

@available(*, deprecated, message: "use STSResponse<DecodeAuthorizationMessageOutput>")
public typealias DecodeAuthorizationMessageResponse = STSResponse<DecodeAuthorizationMessageOutput>

@available(*, deprecated, message: "use STSResponse<GetWebIdentityTokenOutput>")
public typealias GetWebIdentityTokenResponse = STSResponse<GetWebIdentityTokenOutput>

@available(*, deprecated, message: "use STSResponse<GetDelegatedAccessTokenOutput>")
public typealias GetDelegatedAccessTokenResponse = STSResponse<GetDelegatedAccessTokenOutput>

extension STSResponse where Output == AssumeRoleOutput {
    /// The response of `AssumeRole` from the members of its output and the request ID.
    @available(*, deprecated, message: "use STSResponse(AssumeRoleOutput(...), requestId:)")
    public init(
        credentials: Credentials? = nil, assumedRoleUser: AssumedRoleUser? = nil, packedPolicySize: Int? = nil,
        sourceIdentity: String? = nil, requestId: String? = nil
    ) {
        self.init(
            AssumeRoleOutput(
                credentials: credentials, assumedRoleUser: assumedRoleUser, packedPolicySize: packedPolicySize,
                sourceIdentity: sourceIdentity
            ),
            requestId: requestId)
    }
}

extension STSResponse where Output == AssumeRoleWithWebIdentityOutput {
    /// The response of `AssumeRoleWithWebIdentity` from the members of its output and the request ID.
    @available(*, deprecated, message: "use STSResponse(AssumeRoleWithWebIdentityOutput(...), requestId:)")
    public init(
        credentials: Credentials? = nil, subjectFromWebIdentityToken: String? = nil,
        assumedRoleUser: AssumedRoleUser? = nil, packedPolicySize: Int? = nil, provider: String? = nil,
        audience: String? = nil, sourceIdentity: String? = nil, requestId: String? = nil
    ) {
        self.init(
            AssumeRoleWithWebIdentityOutput(
                credentials: credentials, subjectFromWebIdentityToken: subjectFromWebIdentityToken,
                assumedRoleUser: assumedRoleUser, packedPolicySize: packedPolicySize, provider: provider,
                audience: audience, sourceIdentity: sourceIdentity
            ),
            requestId: requestId)
    }
}

extension STSResponse where Output == AssumeRoleWithSAMLOutput {
    /// The response of `AssumeRoleWithSAML` from the members of its output and the request ID.
    @available(*, deprecated, message: "use STSResponse(AssumeRoleWithSAMLOutput(...), requestId:)")
    public init(
        credentials: Credentials? = nil, assumedRoleUser: AssumedRoleUser? = nil, packedPolicySize: Int? = nil,
        subject: String? = nil, subjectType: String? = nil, issuer: String? = nil, audience: String? = nil,
        nameQualifier: String? = nil, sourceIdentity: String? = nil, requestId: String? = nil
    ) {
        self.init(
            AssumeRoleWithSAMLOutput(
                credentials: credentials, assumedRoleUser: assumedRoleUser, packedPolicySize: packedPolicySize,
                subject: subject, subjectType: subjectType, issuer: issuer, audience: audience,
                nameQualifier: nameQualifier, sourceIdentity: sourceIdentity
            ),
            requestId: requestId)
    }
}

extension STSResponse where Output == AssumeRootOutput {
    /// The response of `AssumeRoot` from the members of its output and the request ID.
    @available(*, deprecated, message: "use STSResponse(AssumeRootOutput(...), requestId:)")
    public init(credentials: Credentials? = nil, sourceIdentity: String? = nil, requestId: String? = nil) {
        self.init(AssumeRootOutput(credentials: credentials, sourceIdentity: sourceIdentity), requestId: requestId)
    }
}

extension STSResponse where Output == GetSessionTokenOutput {
    /// The response of `GetSessionToken` from the members of its output and the request ID.
    @available(*, deprecated, message: "use STSResponse(GetSessionTokenOutput(...), requestId:)")
    public init(credentials: Credentials? = nil, requestId: String? = nil) {
        self.init(GetSessionTokenOutput(credentials: credentials), requestId: requestId)
    }
}

extension STSResponse where Output == GetFederationTokenOutput {
    /// The response of `GetFederationToken` from the members of its output and the request ID.
    @available(*, deprecated, message: "use STSResponse(GetFederationTokenOutput(...), requestId:)")
    public init(
        credentials: Credentials? = nil, federatedUser: FederatedUser? = nil, packedPolicySize: Int? = nil,
        requestId: String? = nil
    ) {
        self.init(
            GetFederationTokenOutput(
                credentials: credentials, federatedUser: federatedUser, packedPolicySize: packedPolicySize
            ),
            requestId: requestId)
    }
}

extension STSResponse where Output == GetCallerIdentityOutput {
    /// The response of `GetCallerIdentity` from the members of its output and the request ID.
    @available(*, deprecated, message: "use STSResponse(GetCallerIdentityOutput(...), requestId:)")
    public init(userId: String? = nil, account: String? = nil, arn: String? = nil, requestId: String? = nil) {
        self.init(GetCallerIdentityOutput(userId: userId, account: account, arn: arn), requestId: requestId)
    }
}

extension STSResponse where Output == GetAccessKeyInfoOutput {
    /// The response of `GetAccessKeyInfo` from the members of its output and the request ID.
    @available(*, deprecated, message: "use STSResponse(GetAccessKeyInfoOutput(...), requestId:)")
    public init(account: String? = nil, requestId: String? = nil) {
        self.init(GetAccessKeyInfoOutput(account: account), requestId: requestId)
    }
}

extension STSResponse where Output == DecodeAuthorizationMessageOutput {
    /// The response of `DecodeAuthorizationMessage` from the members of its output and the request ID.
    @available(*, deprecated, message: "use STSResponse(DecodeAuthorizationMessageOutput(...), requestId:)")
    public init(decodedMessage: String? = nil, requestId: String? = nil) {
        self.init(DecodeAuthorizationMessageOutput(decodedMessage: decodedMessage), requestId: requestId)
    }
}

extension STSResponse where Output == GetWebIdentityTokenOutput {
    /// The response of `GetWebIdentityToken` from the members of its output and the request ID.
    @available(*, deprecated, message: "use STSResponse(GetWebIdentityTokenOutput(...), requestId:)")
    public init(webIdentityToken: String? = nil, expiration: Date? = nil, requestId: String? = nil) {
        self.init(
            GetWebIdentityTokenOutput(webIdentityToken: webIdentityToken, expiration: expiration),
            requestId: requestId)
    }
}

extension STSResponse where Output == GetDelegatedAccessTokenOutput {
    /// The response of `GetDelegatedAccessToken` from the members of its output and the request ID.
    @available(*, deprecated, message: "use STSResponse(GetDelegatedAccessTokenOutput(...), requestId:)")
    public init(
        credentials: Credentials? = nil, packedPolicySize: Int? = nil, assumedPrincipal: String? = nil,
        requestId: String? = nil
    ) {
        self.init(
            GetDelegatedAccessTokenOutput(
                credentials: credentials, packedPolicySize: packedPolicySize, assumedPrincipal: assumedPrincipal
            ),
            requestId: requestId)
    }
}

// MARK: Operations

extension STSOperationRequest {
    /// The `Action` parameter, e.g. `AssumeRole`.
    @available(*, deprecated, message: "use operation.name")
    public static var action: String { operation.name }
}
