public import LatchkeyModel
import LatchkeyQuery

extension STSClient {
    /// The IAM API version of Latchkey's IAM extension calls.
    public static let iamAPIVersion = "2010-05-08"

    /// `RevokeSessions`, a Latchkey extension on the IAM API (AWS has no such call): refuses every session named
    /// by `AccessKeyId` or `PrincipalArn` that was issued before `IssuedBefore`. Latchkey serves IAM on the same
    /// endpoint as STS, so the call goes to ``resolvedEndpoint``, signed for the service `iam`, with the same
    /// validation, retries and errors as the STS calls.
    public func revokeSessions(_ input: RevokeSessionsInput) async throws -> STSResponse<RevokeSessionsOutput> {
        try await performIAM(input)
    }

    /// Validates, sends (with retries) and decodes one IAM operation (API version ``iamAPIVersion``), signed for
    /// the service `iam`.
    func performIAM<Input: OperationInput>(_ input: Input) async throws -> STSResponse<Input.Output>
    where Input.Output: ResponseDecodable {
        try validate(input)
        return try await send(
            Input.Output.self, action: Input.operation.name, body: input.formEncodedBody(version: Self.iamAPIVersion),
            signingService: "iam")
    }
}
