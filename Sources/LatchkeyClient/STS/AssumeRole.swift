/// The input of `AssumeRole` (the model's `AssumeRoleRequest`).
public struct AssumeRoleRequest: STSOperationRequest, Hashable {
    public static let action = "AssumeRole"
    /// `RoleArn` (required).
    public var roleArn: String
    /// `RoleSessionName` (required), 2–64 characters of `[\w+=,.@-]`.
    public var roleSessionName: String
    /// `PolicyArns`: managed policies used as session policies.
    public var policyArns: [PolicyDescriptorType]?
    /// `Policy`: an inline session policy (JSON).
    public var policy: String?
    /// `DurationSeconds`, 900–43200.
    public var durationSeconds: Int?
    /// `Tags`: session tags.
    public var tags: [Tag]?
    /// `TransitiveTagKeys`.
    public var transitiveTagKeys: [String]?
    /// `ExternalId`.
    public var externalId: String?
    /// `SerialNumber` of the caller's MFA device.
    public var serialNumber: String?
    /// `TokenCode`: the current six-digit MFA code.
    public var tokenCode: String?
    /// `SourceIdentity`.
    public var sourceIdentity: String?
    /// `ProvidedContexts`.
    public var providedContexts: [ProvidedContext]?

    /// Creates the request.
    public init(
        roleArn: String, roleSessionName: String, policyArns: [PolicyDescriptorType]? = nil, policy: String? = nil,
        durationSeconds: Int? = nil, tags: [Tag]? = nil, transitiveTagKeys: [String]? = nil, externalId: String? = nil,
        serialNumber: String? = nil, tokenCode: String? = nil, sourceIdentity: String? = nil,
        providedContexts: [ProvidedContext]? = nil
    ) {
        self.roleArn = roleArn
        self.roleSessionName = roleSessionName
        self.policyArns = policyArns
        self.policy = policy
        self.durationSeconds = durationSeconds
        self.tags = tags
        self.transitiveTagKeys = transitiveTagKeys
        self.externalId = externalId
        self.serialNumber = serialNumber
        self.tokenCode = tokenCode
        self.sourceIdentity = sourceIdentity
        self.providedContexts = providedContexts
    }

    public var queryParameters: [(name: String, value: String)] {
        var writer = QueryWriter()
        writer.add("RoleArn", roleArn)
        writer.add("RoleSessionName", roleSessionName)
        writer.add("PolicyArns", structures: policyArns)
        writer.add("Policy", policy)
        writer.add("DurationSeconds", durationSeconds)
        writer.add("Tags", structures: tags)
        writer.add("TransitiveTagKeys", strings: transitiveTagKeys)
        writer.add("ExternalId", externalId)
        writer.add("SerialNumber", serialNumber)
        writer.add("TokenCode", tokenCode)
        writer.add("SourceIdentity", sourceIdentity)
        writer.add("ProvidedContexts", structures: providedContexts)
        return writer.pairs
    }
}

/// The output of `AssumeRole` (the model's `AssumeRoleResponse`).
public struct AssumeRoleResponse: Sendable, Hashable {
    /// `Credentials` of the role session.
    public var credentials: Credentials?
    /// `AssumedRoleUser`.
    public var assumedRoleUser: AssumedRoleUser?
    /// `PackedPolicySize`: percentage of the packed session policies and tags limit used.
    public var packedPolicySize: Int?
    /// `SourceIdentity`.
    public var sourceIdentity: String?
    /// `ResponseMetadata/RequestId`.
    public var requestId: String?

    /// Creates the response.
    public init(
        credentials: Credentials? = nil, assumedRoleUser: AssumedRoleUser? = nil, packedPolicySize: Int? = nil,
        sourceIdentity: String? = nil, requestId: String? = nil
    ) {
        self.credentials = credentials
        self.assumedRoleUser = assumedRoleUser
        self.packedPolicySize = packedPolicySize
        self.sourceIdentity = sourceIdentity
        self.requestId = requestId
    }

    init(reading result: ResultReader, requestId: String?) throws(ResponseShapeError) {
        self.init(
            credentials: try result.credentials(), assumedRoleUser: try result.assumedRoleUser(),
            packedPolicySize: try result.int("PackedPolicySize"), sourceIdentity: result.string("SourceIdentity"),
            requestId: requestId)
    }
}
