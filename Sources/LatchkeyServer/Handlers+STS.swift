import Foundation
import LatchkeyCore
import LatchkeyModel
import LatchkeyQuery
import LatchkeyDomain

extension SecurityTokenService {
    /// The STS operations by `Action`. Operations Latchkey does not offer validate their parameters (the endpoint does
    /// that before calling any handler) and then answer that Latchkey does not offer them, and why.
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
            "AssumeRole": { request in
                let input = request.input
                let result = try await self.assumeRole(
                    caller: try request.signedCaller(),
                    AssumeRoleRequest(
                        roleArn: input.string("RoleArn") ?? "", roleSessionName: input.string("RoleSessionName") ?? "",
                        durationSeconds: input.int("DurationSeconds"), externalId: input.string("ExternalId"),
                        policy: input.string("Policy"), policyArns: input.structures("PolicyArns").compactMap { $0.string("arn") },
                        tags: input.sessionTags("Tags"), transitiveTagKeys: input.strings("TransitiveTagKeys"),
                        sourceIdentity: input.string("SourceIdentity"), serialNumber: input.string("SerialNumber"),
                        tokenCode: input.string("TokenCode")),
                    now: request.now)
                return .result([
                    result.credentials.node,
                    .structure("AssumedRoleUser", [.string("AssumedRoleId", result.assumedRoleId), .string("Arn", result.assumedRoleArn)]),
                    result.packedPolicySize.map { .integer("PackedPolicySize", $0) },
                    result.sourceIdentity.map { .string("SourceIdentity", $0) },
                ])
            },
            "GetFederationToken": { request in
                let input = request.input
                let result = try await self.getFederationToken(
                    caller: try request.signedCaller(), name: input.string("Name") ?? "",
                    durationSeconds: input.int("DurationSeconds"), policy: input.string("Policy"),
                    policyArns: input.structures("PolicyArns").compactMap { $0.string("arn") },
                    tags: input.sessionTags("Tags"), now: request.now)
                return .result([
                    result.credentials.node,
                    .structure("FederatedUser", [
                        .string("FederatedUserId", result.federatedUserId), .string("Arn", result.federatedUserArn),
                    ]),
                    result.packedPolicySize.map { .integer("PackedPolicySize", $0) },
                ])
            },
            "DecodeAuthorizationMessage": { request in
                let decoded = try await self.decodeAuthorizationMessage(
                    caller: try request.signedCaller(), encodedMessage: request.input.string("EncodedMessage") ?? "",
                    now: request.now)
                return .result([.string("DecodedMessage", decoded)])
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
        table.merge(federationHandlers()) { first, _ in first }
        let notOffered: [String: String] = [
            "AssumeRoot":
                "privileged root sessions need an AWS Organization of member accounts and AWS's root task policies, which a self-hosted STS does not have",
            "GetDelegatedAccessToken": "its trade-in tokens are minted only by AWS services",
        ]
        for (action, reason) in notOffered {
            table[action] = { request in
                if let caller = request.caller {
                    try Self.checkSessionRestrictions(caller, action: action)
                }
                throw STSError(
                    .invalidAction,
                    "Latchkey does not offer \(action): \(reason). The request was authenticated and its parameters are valid.")
            }
        }
        return table
    }
}

extension QueryInput {
    /// `Tags.member.N.Key/Value` as session tags.
    func sessionTags(_ name: String) -> [SessionTag] {
        structures(name).map { SessionTag(key: $0.string("Key") ?? "", value: $0.string("Value") ?? "") }
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
