/// The input of `AssumeRoot` (the model's `AssumeRootRequest`).
public struct AssumeRootRequest: STSOperationRequest, Hashable {
    public static let action = "AssumeRoot"
    /// `TargetPrincipal` (required): the member account ID.
    public var targetPrincipal: String
    /// `TaskPolicyArn` (required): the root task policy, sent as `TaskPolicyArn.arn`.
    public var taskPolicyArn: PolicyDescriptorType
    /// `DurationSeconds`, 0–900.
    public var durationSeconds: Int?

    /// Creates the request.
    public init(targetPrincipal: String, taskPolicyArn: PolicyDescriptorType, durationSeconds: Int? = nil) {
        self.targetPrincipal = targetPrincipal
        self.taskPolicyArn = taskPolicyArn
        self.durationSeconds = durationSeconds
    }

    public var queryParameters: [(name: String, value: String)] {
        var writer = QueryWriter()
        writer.add("TargetPrincipal", targetPrincipal)
        writer.add("TaskPolicyArn", structure: taskPolicyArn)
        writer.add("DurationSeconds", durationSeconds)
        return writer.pairs
    }
}

/// The output of `AssumeRoot` (the model's `AssumeRootResponse`).
public struct AssumeRootResponse: Sendable, Hashable {
    /// `Credentials`.
    public var credentials: Credentials?
    /// `SourceIdentity`.
    public var sourceIdentity: String?
    /// `ResponseMetadata/RequestId`.
    public var requestId: String?

    /// Creates the response.
    public init(credentials: Credentials? = nil, sourceIdentity: String? = nil, requestId: String? = nil) {
        self.credentials = credentials
        self.sourceIdentity = sourceIdentity
        self.requestId = requestId
    }

    init(reading result: ResultReader, requestId: String?) throws(ResponseShapeError) {
        self.init(
            credentials: try result.credentials(), sourceIdentity: result.string("SourceIdentity"), requestId: requestId)
    }
}
