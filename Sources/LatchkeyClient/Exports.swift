// The STS shapes the client's API is written in are declared once, generated in LatchkeyModel. They are re-exported
// one by one (never the whole module, which also holds the IAM shapes and the server's constraint tables), so
// `import LatchkeyClient` alone is enough to call the client, and a file importing LatchkeyModel too sees each name
// once: `Credentials`, `LatchkeyClient.Credentials` and `LatchkeyModel.Credentials` are the same type.
//
// Exported: the protocols the operation types conform to (`STSOperationRequest` refines `OperationInput`,
// `STSResponse` wraps an `OperationOutput`), the nested shapes, and every STS operation's input and output.

@_exported public import struct LatchkeyModel.AssumeRoleInput
@_exported public import struct LatchkeyModel.AssumeRoleOutput
@_exported public import struct LatchkeyModel.AssumeRoleWithSAMLInput
@_exported public import struct LatchkeyModel.AssumeRoleWithSAMLOutput
@_exported public import struct LatchkeyModel.AssumeRoleWithWebIdentityInput
@_exported public import struct LatchkeyModel.AssumeRoleWithWebIdentityOutput
@_exported public import struct LatchkeyModel.AssumeRootInput
@_exported public import struct LatchkeyModel.AssumeRootOutput
@_exported public import struct LatchkeyModel.AssumedRoleUser
@_exported public import struct LatchkeyModel.Credentials
@_exported public import struct LatchkeyModel.DecodeAuthorizationMessageInput
@_exported public import struct LatchkeyModel.DecodeAuthorizationMessageOutput
@_exported public import struct LatchkeyModel.FederatedUser
@_exported public import struct LatchkeyModel.GetAccessKeyInfoInput
@_exported public import struct LatchkeyModel.GetAccessKeyInfoOutput
@_exported public import struct LatchkeyModel.GetCallerIdentityInput
@_exported public import struct LatchkeyModel.GetCallerIdentityOutput
@_exported public import struct LatchkeyModel.GetDelegatedAccessTokenInput
@_exported public import struct LatchkeyModel.GetDelegatedAccessTokenOutput
@_exported public import struct LatchkeyModel.GetFederationTokenInput
@_exported public import struct LatchkeyModel.GetFederationTokenOutput
@_exported public import struct LatchkeyModel.GetSessionTokenInput
@_exported public import struct LatchkeyModel.GetSessionTokenOutput
@_exported public import struct LatchkeyModel.GetWebIdentityTokenInput
@_exported public import struct LatchkeyModel.GetWebIdentityTokenOutput
@_exported public import protocol LatchkeyModel.OperationInput
@_exported public import protocol LatchkeyModel.OperationOutput
@_exported public import struct LatchkeyModel.PolicyDescriptorType
@_exported public import struct LatchkeyModel.ProvidedContext
// Latchkey's own IAM extension call (`STSClient.revokeSessions`), sent to the same endpoint.
@_exported public import struct LatchkeyModel.RevokeSessionsInput
@_exported public import struct LatchkeyModel.RevokeSessionsOutput
@_exported public import struct LatchkeyModel.Tag
