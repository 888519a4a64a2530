public import Foundation
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeyOIDC

extension SecurityTokenService {
    /// `AssumeRoleWithWebIdentity` (an unsigned call): the token's issuer must be registered as an OIDC provider in
    /// the role's account, the token must verify against it, and the role's trust policy must allow the provider
    /// (`Federated`) to perform `sts:AssumeRoleWithWebIdentity` with the token's claims as condition keys
    /// (`IDENTITY:aud`, `IDENTITY:sub`, `IDENTITY:amr`, `IDENTITY:oaud`, `aws:FederatedProvider`).
    public func assumeRoleWithWebIdentity(
        _ input: AssumeRoleWithWebIdentityInput, metadata: RequestMetadata, now: Date
    ) async throws(STSError) -> AssumeRoleWithWebIdentityOutput {
        let action = "sts:AssumeRoleWithWebIdentity"
        guard let verifier = webIdentity else {
            throw STSError(.invalidAction, "AssumeRoleWithWebIdentity is not enabled on this server.")
        }
        if let providerId = input.providerId {
            throw STSError(
                .invalidParameterValue,
                "ProviderId \(providerId) is not supported: Latchkey verifies OpenID Connect ID tokens only, not OAuth 2.0 access tokens."
            )
        }
        guard let (account, roleName) = Self.parseRoleArn(input.roleArn) else {
            throw STSError(.validationError, Self.invalidRoleArnMessage)
        }
        let verified: VerifiedWebIdentity
        let provider: OIDCProvider
        do {
            let token = try WebIdentityTokenVerifier.parse(input.webIdentityToken)
            guard let identity = OIDCProviderIdentity(tokenIssuer: token.issuer),
                let found = try await authorizer.oidcProvider(accountId: account, identity: identity.identity)
            else { throw WebIdentityError.unknownProvider(issuer: token.issuer) }
            provider = found
            verified = try await verifier.verify(
                token,
                provider: RegisteredOIDCProvider(
                    identity: identity, clientIDs: provider.clientIDs, thumbprints: provider.thumbprints),
                now: now)
        } catch let error as WebIdentityError {
            throw error.stsError
        } catch let error as STSError {
            throw error
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
        let role = try await federatedRole(input.roleArn, account: account, name: roleName, action: action)
        let session = try await federatedSession(
            FederatedSessionRequest(
                role: role, action: action, providerArn: provider.arn, sessionName: input.roleSessionName,
                durationSeconds: input.durationSeconds ?? 3600, policy: input.policy,
                policyArns: input.policyArns?.compactMap(\.arn) ?? [],
                tags: verified.sessionTags?.tags.map { SessionTag(key: $0.key, value: $0.value) } ?? [],
                transitiveTagKeys: verified.sessionTags?.transitiveTagKeys ?? [],
                sourceIdentity: verified.claims["https://aws.amazon.com/source_identity"]?.stringValue,
                conditionKeys: verified.conditionKeys(providerARN: provider.arn), request: metadata),
            now: now)
        return AssumeRoleWithWebIdentityOutput(
            credentials: session.credentials, subjectFromWebIdentityToken: verified.subject,
            assumedRoleUser: session.assumedRoleUser, packedPolicySize: session.packedPolicySize,
            provider: verified.issuer, audience: verified.audience, sourceIdentity: session.sourceIdentity)
    }

}

extension WebIdentityError {
    /// The AWS error: `InvalidIdentityToken`, `ExpiredTokenException` (400, as AWS answers an expired token:
    /// "Token expired: current date/time … must be before the expiration date/time …"), `IDPCommunicationError`,
    /// `IDPRejectedClaim`.
    var stsError: STSError {
        switch code {
        case .expired: STSError(.expiredTokenException, message, cause: self)
        case .communication: STSError(.idpCommunicationError, message, cause: self)
        case .rejectedClaim: STSError(.idpRejectedClaim, message, cause: self)
        default: STSError(.invalidIdentityToken, message, cause: self)
        }
    }
}
