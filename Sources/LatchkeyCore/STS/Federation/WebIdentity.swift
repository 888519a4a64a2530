public import Foundation
public import LatchkeyModel

/// A web identity token whose signature, issuer, audience and times were verified.
public struct VerifiedWebIdentity: Sendable {
    /// The `iss` claim as the token carries it.
    public var issuer: String
    /// The `sub` claim.
    public var subject: String
    /// The client ID the token was accepted for (its `aud`, or its `azp` when it has one).
    public var audience: String
    /// The `aud` values when `azp` was used as the audience (condition key `:oaud`).
    public var originalAudiences: [String]
    /// The `amr` claim's values.
    public var amr: [String]
    /// Session tags from the `https://aws.amazon.com/tags` claim.
    public var principalTags: [SessionTag]
    public var transitiveTagKeys: [String]
    /// The `https://aws.amazon.com/source_identity` claim.
    public var sourceIdentity: String?

    public init(
        issuer: String, subject: String, audience: String, originalAudiences: [String] = [], amr: [String] = [],
        principalTags: [SessionTag] = [], transitiveTagKeys: [String] = [], sourceIdentity: String? = nil
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.originalAudiences = originalAudiences
        self.amr = amr
        self.principalTags = principalTags
        self.transitiveTagKeys = transitiveTagKeys
        self.sourceIdentity = sourceIdentity
    }
}

/// Verifies OpenID Connect tokens: the server composes one from `LatchkeyOIDC` (issuer discovery, JWKS, JWT
/// signatures). Errors are AWS's: `InvalidIdentityToken`, `ExpiredToken`, `IDPCommunicationError`,
/// `IDPRejectedClaim`.
public protocol WebIdentityVerifier: Sendable {
    /// The `iss` claim of a token not yet verified, to find the provider it claims to come from;
    /// `InvalidIdentityToken` when the token is not a JWT.
    func unverifiedIssuer(of token: String) throws(STSError) -> String
    /// Verifies the token against the registered provider: signature with the issuer's published keys, `iss`,
    /// `aud`/`azp` against the provider's client IDs, `exp`/`nbf`/`iat`.
    func verify(token: String, provider: OIDCProvider, now: Date) async throws(STSError) -> VerifiedWebIdentity
}

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
        guard let (account, _) = Self.parseRoleArn(request.roleArn) else {
            throw STSError(.validationError, "\(request.roleArn) is not a valid role ARN.")
        }
        let issuer = try verifier.unverifiedIssuer(of: request.webIdentityToken)
        let notFound = STSError(.invalidIdentityToken, "No OpenIDConnect provider found in your account for \(issuer)")
        guard let identity = OIDCIssuer.identity(ofIssuer: issuer) else { throw notFound }
        let found: OIDCProvider?
        do {
            found = try await store.oidcProvider(accountId: account, identity: identity)
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
        guard let provider = found else { throw notFound }
        let verified = try await verifier.verify(token: request.webIdentityToken, provider: provider, now: now)
        let role = try await federatedRole(request.roleArn, action: action)

        var keys: [String: [String]] = [
            "\(identity):aud": [verified.audience],
            "\(identity):sub": [verified.subject],
        ]
        if !verified.amr.isEmpty { keys["\(identity):amr"] = verified.amr }
        if !verified.originalAudiences.isEmpty { keys["\(identity):oaud"] = verified.originalAudiences }
        let session = try await federatedSession(
            FederatedSessionRequest(
                role: role, action: action, providerArn: provider.arn, sessionName: request.roleSessionName,
                durationSeconds: request.durationSeconds ?? 3600, policy: request.policy, policyArns: request.policyArns,
                tags: verified.principalTags, transitiveTagKeys: verified.transitiveTagKeys,
                sourceIdentity: verified.sourceIdentity, conditionKeys: keys, request: metadata),
            now: now)
        return AssumeRoleWithWebIdentityResult(
            session: session, subjectFromWebIdentityToken: verified.subject, audience: verified.audience,
            provider: verified.issuer)
    }
}
