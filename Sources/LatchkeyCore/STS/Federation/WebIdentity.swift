public import Foundation
public import LatchkeyModel
public import LatchkeyOIDC
public import LatchkeyDomain

/// The parameters of `AssumeRoleWithWebIdentity`, validated against the model's constraints already.
public struct AssumeRoleWithWebIdentityRequest: Sendable {
    public var roleArn: String
    public var roleSessionName: String
    public var webIdentityToken: String
    public var providerId: String?
    public var durationSeconds: Int?
    public var policy: String?
    public var policyArns: [String]

    public init(
        roleArn: String, roleSessionName: String, webIdentityToken: String, providerId: String? = nil,
        durationSeconds: Int? = nil, policy: String? = nil, policyArns: [String] = []
    ) {
        self.roleArn = roleArn
        self.roleSessionName = roleSessionName
        self.webIdentityToken = webIdentityToken
        self.providerId = providerId
        self.durationSeconds = durationSeconds
        self.policy = policy
        self.policyArns = policyArns
    }
}

/// What `AssumeRoleWithWebIdentity` returns.
public struct AssumeRoleWithWebIdentityResult: Sendable {
    public var session: FederatedSessionResult
    public var subjectFromWebIdentityToken: String
    public var audience: String
    /// The token's `iss`, as the API reference describes `Provider`.
    public var provider: String
}

extension SecurityTokenService {
    /// `AssumeRoleWithWebIdentity` (an unsigned call): the token's issuer must be registered as an OIDC provider in
    /// the role's account, the token must verify against it, and the role's trust policy must allow the provider
    /// (`Federated`) to perform `sts:AssumeRoleWithWebIdentity` with the token's claims as condition keys
    /// (`IDENTITY:aud`, `IDENTITY:sub`, `IDENTITY:amr`, `IDENTITY:oaud`, `aws:FederatedProvider`).
    public func assumeRoleWithWebIdentity(
        _ request: AssumeRoleWithWebIdentityRequest, metadata: RequestMetadata, now: Date
    ) async throws(STSError) -> AssumeRoleWithWebIdentityResult {
        let action = "sts:AssumeRoleWithWebIdentity"
        guard let verifier = webIdentity else {
            throw STSError(.invalidAction, "AssumeRoleWithWebIdentity is not enabled on this server.")
        }
        if let providerId = request.providerId {
            throw STSError(
                .invalidParameterValue,
                "ProviderId \(providerId) is not supported: Latchkey verifies OpenID Connect ID tokens only, not OAuth 2.0 access tokens.")
        }
        guard let (account, roleName) = Self.parseRoleArn(request.roleArn) else {
            throw STSError(.validationError, Self.invalidRoleArnMessage)
        }
        let verified: VerifiedWebIdentity
        let provider: OIDCProvider
        do {
            let token = try WebIdentityTokenVerifier.parse(request.webIdentityToken)
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
        let role = try await federatedRole(request.roleArn, account: account, name: roleName, action: action)
        let session = try await federatedSession(
            FederatedSessionRequest(
                role: role, action: action, providerArn: provider.arn, sessionName: request.roleSessionName,
                durationSeconds: request.durationSeconds ?? 3600, policy: request.policy, policyArns: request.policyArns,
                tags: verified.sessionTags?.tags.map { SessionTag(key: $0.key, value: $0.value) } ?? [],
                transitiveTagKeys: verified.sessionTags?.transitiveTagKeys ?? [],
                sourceIdentity: verified.claims["https://aws.amazon.com/source_identity"]?.stringValue,
                conditionKeys: verified.conditionKeys(providerARN: provider.arn), request: metadata),
            now: now)
        return AssumeRoleWithWebIdentityResult(
            session: session, subjectFromWebIdentityToken: verified.subject, audience: verified.audience,
            provider: verified.issuer)
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
