public import LatchkeyModel
import LatchkeyQuery

/// An STS operation's input that ``STSClient`` sends: one of the generated `…Input` types of `sts-2011-06-15`
/// (`AssumeRoleInput`, `GetSessionTokenInput`, …), whose declaration gives the `Action` name and whether AWS serves it
/// unsigned, and whose `queryParameters` are the request's members.
public protocol STSOperationRequest: OperationInput {}

extension STSOperationRequest {
    /// Whether AWS serves the operation without a signature (`AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`).
    public static var isUnsigned: Bool { operation.isUnsigned }

    /// The request body: `Action=…&Version=2011-06-15&…`, percent-encoded as the SDKs send it (RFC 3986
    /// unreserved characters kept, everything else `%XX`).
    public var formEncodedBody: String { formEncodedBody(version: STSClient.apiVersion) }
}

extension OperationInput {
    /// The request body of the operation under API `version` (`Action=…&Version=…&…`), percent-encoded as the SDKs
    /// send it.
    func formEncodedBody(version: String) -> String {
        let pairs =
            [("Action", Self.operation.name), ("Version", version)]
            + queryParameters.map { ($0.name, $0.value) }
        var output = ""
        for (index, pair) in pairs.enumerated() {
            if index > 0 { output += "&" }
            QueryParameters.percentEncode(pair.0, into: &output)
            output += "="
            QueryParameters.percentEncode(pair.1, into: &output)
        }
        return output
    }
}

extension AssumeRoleInput: STSOperationRequest {}
extension AssumeRoleWithWebIdentityInput: STSOperationRequest {}
extension AssumeRoleWithSAMLInput: STSOperationRequest {}
extension AssumeRootInput: STSOperationRequest {}
extension GetSessionTokenInput: STSOperationRequest {}
extension GetFederationTokenInput: STSOperationRequest {}
extension GetCallerIdentityInput: STSOperationRequest {}
extension GetAccessKeyInfoInput: STSOperationRequest {}
extension DecodeAuthorizationMessageInput: STSOperationRequest {}
extension GetWebIdentityTokenInput: STSOperationRequest {}
extension GetDelegatedAccessTokenInput: STSOperationRequest {}
