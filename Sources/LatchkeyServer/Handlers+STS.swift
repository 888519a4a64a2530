import Foundation
import LatchkeyCore
import LatchkeyModel
import LatchkeyQuery

extension SecurityTokenService {
    /// The STS operations by `Action`. Operations of later releases validate their parameters (the endpoint does
    /// that before calling any handler) and then answer that Latchkey does not implement them yet.
    func handlers() -> [String: OperationHandler] {
        var table: [String: OperationHandler] = [
            "GetCallerIdentity": { request in
                let identity = self.getCallerIdentity(caller: try request.signedCaller())
                return .result([
                    .string("Arn", identity.arn), .string("UserId", identity.userId), .string("Account", identity.account),
                ])
            },
            "GetAccessKeyInfo": { request in
                let account = try await self.getAccessKeyInfo(
                    caller: try request.signedCaller(), accessKeyId: request.input.string("AccessKeyId") ?? "")
                return .result([.string("Account", account)])
            },
            "GetSessionToken": { request in
                let credentials = try await self.getSessionToken(
                    caller: try request.signedCaller(),
                    durationSeconds: request.input.int("DurationSeconds"),
                    serialNumber: request.input.string("SerialNumber"),
                    tokenCode: request.input.string("TokenCode"),
                    now: request.now)
                return .result([credentials.node])
            },
        ]
        let later: [String: String] = [
            "AssumeRole": "role assumption arrives with the IAM policy engine",
            "GetFederationToken": "federation tokens arrive with the IAM policy engine",
            "DecodeAuthorizationMessage": "authorization messages arrive with the IAM policy engine",
            "AssumeRoleWithWebIdentity": "OIDC federation is not built yet",
            "AssumeRoleWithSAML": "SAML federation is not built yet",
            "GetWebIdentityToken": "Latchkey is not an OIDC issuer yet",
            "AssumeRoot": "privileged root sessions are not built yet",
            "GetDelegatedAccessToken": "delegated access tokens are not built yet",
        ]
        for (action, reason) in later {
            table[action] = { request in
                if let caller = request.caller {
                    try Self.checkSessionRestrictions(caller, action: action)
                }
                throw STSError(
                    .invalidAction,
                    "Latchkey does not implement \(action) yet (\(reason)). The request was authenticated and its parameters are valid.")
            }
        }
        return table
    }
}

extension TemporaryCredentials {
    /// `<Credentials>` as STS renders it.
    var node: ResponseNode {
        .structure("Credentials", [
            .string("AccessKeyId", accessKeyId),
            .string("SecretAccessKey", secretAccessKey),
            .string("SessionToken", sessionToken),
            .timestamp("Expiration", expiration),
        ])
    }
}
