/// The input of `AssumeRoleWithWebIdentity` (the model's `AssumeRoleWithWebIdentityRequest`). Sent unsigned.
public struct AssumeRoleWithWebIdentityRequest: STSOperationRequest, Hashable, CustomStringConvertible {
    public static let action = "AssumeRoleWithWebIdentity"
    public static var isUnsigned: Bool { true }
    /// `RoleArn` (required).
    public var roleArn: String
    /// `RoleSessionName` (required).
    public var roleSessionName: String
    /// `WebIdentityToken` (required): the OIDC token. Never shown in `description`.
    public var webIdentityToken: String
    /// `ProviderId` (OAuth 2.0 providers only).
    public var providerId: String?
    /// `PolicyArns`.
    public var policyArns: [PolicyDescriptorType]?
    /// `Policy`.
    public var policy: String?
    /// `DurationSeconds`, 900–43200.
    public var durationSeconds: Int?

    /// Creates the request.
    public init(
        roleArn: String, roleSessionName: String, webIdentityToken: String, providerId: String? = nil,
        policyArns: [PolicyDescriptorType]? = nil, policy: String? = nil, durationSeconds: Int? = nil
    ) {
        self.roleArn = roleArn
        self.roleSessionName = roleSessionName
        self.webIdentityToken = webIdentityToken
        self.providerId = providerId
        self.policyArns = policyArns
        self.policy = policy
        self.durationSeconds = durationSeconds
    }

    public var description: String {
        "AssumeRoleWithWebIdentityRequest(roleArn: \(roleArn), roleSessionName: \(roleSessionName), webIdentityToken: <redacted>)"
    }

    public var queryParameters: [(name: String, value: String)] {
        var writer = QueryWriter()
        writer.add("RoleArn", roleArn)
        writer.add("RoleSessionName", roleSessionName)
        writer.add("WebIdentityToken", webIdentityToken)
        writer.add("ProviderId", providerId)
        writer.add("PolicyArns", structures: policyArns)
        writer.add("Policy", policy)
        writer.add("DurationSeconds", durationSeconds)
        return writer.pairs
    }
}

/// The output of `AssumeRoleWithWebIdentity` (the model's `AssumeRoleWithWebIdentityResponse`).
public struct AssumeRoleWithWebIdentityResponse: Sendable, Hashable {
    /// `Credentials`.
    public var credentials: Credentials?
    /// `SubjectFromWebIdentityToken`.
    public var subjectFromWebIdentityToken: String?
    /// `AssumedRoleUser`.
    public var assumedRoleUser: AssumedRoleUser?
    /// `PackedPolicySize`.
    public var packedPolicySize: Int?
    /// `Provider`: the token's issuer.
    public var provider: String?
    /// `Audience`.
    public var audience: String?
    /// `SourceIdentity`.
    public var sourceIdentity: String?
    /// `ResponseMetadata/RequestId`.
    public var requestId: String?

    /// Creates the response.
    public init(
        credentials: Credentials? = nil, subjectFromWebIdentityToken: String? = nil,
        assumedRoleUser: AssumedRoleUser? = nil, packedPolicySize: Int? = nil, provider: String? = nil,
        audience: String? = nil, sourceIdentity: String? = nil, requestId: String? = nil
    ) {
        self.credentials = credentials
        self.subjectFromWebIdentityToken = subjectFromWebIdentityToken
        self.assumedRoleUser = assumedRoleUser
        self.packedPolicySize = packedPolicySize
        self.provider = provider
        self.audience = audience
        self.sourceIdentity = sourceIdentity
        self.requestId = requestId
    }

    init(reading result: ResultReader, requestId: String?) throws(ResponseShapeError) {
        self.init(
            credentials: try result.credentials(),
            subjectFromWebIdentityToken: result.string("SubjectFromWebIdentityToken"),
            assumedRoleUser: try result.assumedRoleUser(), packedPolicySize: try result.int("PackedPolicySize"),
            provider: result.string("Provider"), audience: result.string("Audience"),
            sourceIdentity: result.string("SourceIdentity"), requestId: requestId)
    }
}

/// The input of `AssumeRoleWithSAML` (the model's `AssumeRoleWithSAMLRequest`). Sent unsigned.
public struct AssumeRoleWithSAMLRequest: STSOperationRequest, Hashable, CustomStringConvertible {
    public static let action = "AssumeRoleWithSAML"
    public static var isUnsigned: Bool { true }
    /// `RoleArn` (required).
    public var roleArn: String
    /// `PrincipalArn` (required): the SAML provider.
    public var principalArn: String
    /// `SAMLAssertion` (required): the base64 SAML response. Never shown in `description`.
    public var samlAssertion: String
    /// `PolicyArns`.
    public var policyArns: [PolicyDescriptorType]?
    /// `Policy`.
    public var policy: String?
    /// `DurationSeconds`, 900–43200.
    public var durationSeconds: Int?

    /// Creates the request.
    public init(
        roleArn: String, principalArn: String, samlAssertion: String, policyArns: [PolicyDescriptorType]? = nil,
        policy: String? = nil, durationSeconds: Int? = nil
    ) {
        self.roleArn = roleArn
        self.principalArn = principalArn
        self.samlAssertion = samlAssertion
        self.policyArns = policyArns
        self.policy = policy
        self.durationSeconds = durationSeconds
    }

    public var description: String {
        "AssumeRoleWithSAMLRequest(roleArn: \(roleArn), principalArn: \(principalArn), samlAssertion: <redacted>)"
    }

    public var queryParameters: [(name: String, value: String)] {
        var writer = QueryWriter()
        writer.add("RoleArn", roleArn)
        writer.add("PrincipalArn", principalArn)
        writer.add("SAMLAssertion", samlAssertion)
        writer.add("PolicyArns", structures: policyArns)
        writer.add("Policy", policy)
        writer.add("DurationSeconds", durationSeconds)
        return writer.pairs
    }
}

/// The output of `AssumeRoleWithSAML` (the model's `AssumeRoleWithSAMLResponse`).
public struct AssumeRoleWithSAMLResponse: Sendable, Hashable {
    /// `Credentials`.
    public var credentials: Credentials?
    /// `AssumedRoleUser`.
    public var assumedRoleUser: AssumedRoleUser?
    /// `PackedPolicySize`.
    public var packedPolicySize: Int?
    /// `Subject`.
    public var subject: String?
    /// `SubjectType`.
    public var subjectType: String?
    /// `Issuer`.
    public var issuer: String?
    /// `Audience`.
    public var audience: String?
    /// `NameQualifier`.
    public var nameQualifier: String?
    /// `SourceIdentity`.
    public var sourceIdentity: String?
    /// `ResponseMetadata/RequestId`.
    public var requestId: String?

    /// Creates the response.
    public init(
        credentials: Credentials? = nil, assumedRoleUser: AssumedRoleUser? = nil, packedPolicySize: Int? = nil,
        subject: String? = nil, subjectType: String? = nil, issuer: String? = nil, audience: String? = nil,
        nameQualifier: String? = nil, sourceIdentity: String? = nil, requestId: String? = nil
    ) {
        self.credentials = credentials
        self.assumedRoleUser = assumedRoleUser
        self.packedPolicySize = packedPolicySize
        self.subject = subject
        self.subjectType = subjectType
        self.issuer = issuer
        self.audience = audience
        self.nameQualifier = nameQualifier
        self.sourceIdentity = sourceIdentity
        self.requestId = requestId
    }

    init(reading result: ResultReader, requestId: String?) throws(ResponseShapeError) {
        self.init(
            credentials: try result.credentials(), assumedRoleUser: try result.assumedRoleUser(),
            packedPolicySize: try result.int("PackedPolicySize"), subject: result.string("Subject"),
            subjectType: result.string("SubjectType"), issuer: result.string("Issuer"),
            audience: result.string("Audience"), nameQualifier: result.string("NameQualifier"),
            sourceIdentity: result.string("SourceIdentity"), requestId: requestId)
    }
}
