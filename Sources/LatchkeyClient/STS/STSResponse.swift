public import LatchkeyModel

/// What an ``STSClient`` call returns: the operation's output (`AssumeRoleOutput`, …) and the request ID of the
/// response.
///
/// The output's members read and write as the response's own, so `response.credentials` is
/// `response.output.credentials`:
///
/// ```swift
/// let response = try await sts.assumeRole(AssumeRoleInput(roleArn: arn, roleSessionName: "deploy"))
/// let credentials = try #require(response.credentials)
/// print(response.assumedRoleUser?.arn ?? "", response.requestId ?? "")
/// ```
///
/// The outputs are the generated shapes of `LatchkeyModel`, which the Latchkey server renders its responses from;
/// they do not carry the request ID, which is `ResponseMetadata/RequestId` of the document (or the
/// `x-amzn-RequestId` header when the document has none). `description` is the output's (which never shows a
/// secret, a session token or a web identity token) followed by the request ID.
@dynamicMemberLookup
public struct STSResponse<Output: OperationOutput>: Sendable, Hashable, CustomStringConvertible {
    /// The operation's output, as read from the `<ActionResult>` element.
    public var output: Output
    /// `ResponseMetadata/RequestId`, else the `x-amzn-RequestId` header; `nil` when the response had neither.
    public var requestId: String?

    /// A response from its output and request ID.
    public init(_ output: Output, requestId: String? = nil) {
        self.output = output
        self.requestId = requestId
    }

    /// A member of the output: `response.credentials` is `response.output.credentials`.
    public subscript<Value>(dynamicMember member: WritableKeyPath<Output, Value>) -> Value {
        get { output[keyPath: member] }
        set { output[keyPath: member] = newValue }
    }

    public var description: String {
        "\(output)" + (requestId.map { " [request \($0)]" } ?? "")
    }
}
