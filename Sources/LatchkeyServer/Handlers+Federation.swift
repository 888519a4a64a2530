import LatchkeyCore
import LatchkeyModel
import LatchkeyOIDC
import LatchkeyQuery

extension SecurityTokenService {
    /// `AssumeRoleWithWebIdentity` and `AssumeRoleWithSAML` (unsigned calls), and `GetWebIdentityToken`.
    func federationHandlers() -> [String: OperationHandler] {
        [
            "GetWebIdentityToken": { request in
                let input = request.input
                let token = try await self.getWebIdentityToken(
                    caller: try request.signedCaller(), audiences: input.strings("Audience"),
                    durationSeconds: input.int("DurationSeconds"), signingAlgorithm: input.string("SigningAlgorithm"),
                    tags: input.sessionTags("Tags"), now: request.now)
                return .result([.string("WebIdentityToken", token.token), .timestamp("Expiration", token.expiration)])
            },
            "AssumeRoleWithWebIdentity": { request in
                let input = request.input
                let result = try await self.assumeRoleWithWebIdentity(
                    AssumeRoleWithWebIdentityRequest(
                        roleArn: input.string("RoleArn") ?? "", roleSessionName: input.string("RoleSessionName") ?? "",
                        webIdentityToken: input.string("WebIdentityToken") ?? "", providerId: input.string("ProviderId"),
                        durationSeconds: input.int("DurationSeconds"), policy: input.string("Policy"),
                        policyArns: input.structures("PolicyArns").compactMap { $0.string("arn") }),
                    metadata: request.metadata, now: request.now)
                return .result(
                    [
                        result.session.credentials.node,
                        .string("SubjectFromWebIdentityToken", result.subjectFromWebIdentityToken),
                        result.session.assumedRoleUserNode,
                        result.session.packedPolicySize.map { .integer("PackedPolicySize", $0) },
                        .string("Provider", result.provider),
                        .string("Audience", result.audience),
                        result.session.sourceIdentity.map { .string("SourceIdentity", $0) },
                    ])
            },
            "AssumeRoleWithSAML": { request in
                let input = request.input
                let result = try await self.assumeRoleWithSAML(
                    AssumeRoleWithSAMLRequest(
                        roleArn: input.string("RoleArn") ?? "", principalArn: input.string("PrincipalArn") ?? "",
                        samlAssertion: input.string("SAMLAssertion") ?? "", durationSeconds: input.int("DurationSeconds"),
                        policy: input.string("Policy"), policyArns: input.structures("PolicyArns").compactMap { $0.string("arn") }),
                    metadata: request.metadata, now: request.now)
                return .result(
                    [
                        result.session.credentials.node,
                        result.session.assumedRoleUserNode,
                        result.session.packedPolicySize.map { .integer("PackedPolicySize", $0) },
                        .string("Subject", result.subject),
                        result.subjectType.map { .string("SubjectType", $0) },
                        .string("Issuer", result.issuer),
                        .string("Audience", result.audience),
                        .string("NameQualifier", result.nameQualifier),
                        result.session.sourceIdentity.map { .string("SourceIdentity", $0) },
                    ])
            },
        ]
    }
}

extension FederatedSessionResult {
    var assumedRoleUserNode: ResponseNode {
        .structure("AssumedRoleUser", [.string("AssumedRoleId", assumedRoleId), .string("Arn", assumedRoleArn)])
    }
}
