public import LatchkeyModel
import LatchkeyQuery

extension STSClient {
    /// Sends any IAM operation of the generated model (`CreateRoleInput`, `GetPolicyInput`, …) to the endpoint, which
    /// serves IAM next to STS (as `latchkey seed` does), signed for the service `iam`, with the same validation,
    /// retries and errors as the STS calls. An operation whose output the client cannot read is refused with
    /// ``STSClientError/invalidRequest(code:message:)`` before anything is sent.
    public func sendIAM<Input: OperationInput>(_ input: Input) async throws -> STSResponse<Input.Output> {
        guard let outputType = Input.Output.self as? any (ResponseDecodable & OperationOutput).Type else {
            throw STSClientError.invalidRequest(
                code: STSServiceError.Code(rawValue: "InvalidAction"),
                message: "\(Input.operation.name) has no readable response in this client")
        }
        return try await sendIAM(input, reading: outputType)
    }

    private func sendIAM<Input: OperationInput, Output: ResponseDecodable & OperationOutput>(
        _ input: Input, reading _: Output.Type
    ) async throws -> STSResponse<Input.Output> {
        try validate(input)
        let response = try await send(
            Output.self, action: Input.operation.name, body: input.formEncodedBody(version: Self.iamAPIVersion),
            signingService: "iam")
        guard let output = response.output as? Input.Output else {
            throw STSClientError.invalidRequest(
                code: STSServiceError.Code(rawValue: "InvalidAction"),
                message: "\(Input.operation.name) answered another type")
        }
        return STSResponse(output, requestId: response.requestId)
    }
}
