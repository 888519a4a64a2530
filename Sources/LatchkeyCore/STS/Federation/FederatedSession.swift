import Foundation
import LatchkeyDomain
import LatchkeyModel
import LatchkeyPolicy
import LatchkeyTokens

/// What every federated `AssumeRoleWith*` call returns besides its protocol's own fields.
struct FederatedSessionResult {
    var credentials: Credentials
    var assumedRoleUser: AssumedRoleUser
    /// Present when the request or the identity provider passed session policies or tags.
    var packedPolicySize: Int?
    var sourceIdentity: String?
}

/// A role session asked for by a federated principal (an OIDC or SAML provider), after its token or assertion was
/// verified: the role's trust policy decides, with the provider as the `Federated` principal and the identity
/// provider's claims as condition keys.
struct FederatedSessionRequest {
    var role: IAMRole
    /// `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`.
    var action: String
    var providerArn: String
    var sessionName: String
    var durationSeconds: Int
    var policy: String?
    var policyArns: [String]
    /// Principal tags passed by the identity provider, and which of them are transitive.
    var tags: [SessionTag]
    var transitiveTagKeys: [String]
    var sourceIdentity: String?
    /// The provider's condition keys (`HOST/PATH:sub`, `saml:aud`, ...).
    var conditionKeys: [String: [String]]
    var request: RequestMetadata
}

extension SecurityTokenService {
    /// The role `name` of `account` (parsed from `roleArn`), or `AccessDenied` saying that `action` is not allowed
    /// (AWS does not reveal whether a role exists to a federated caller).
    func federatedRole(_ roleArn: String, account: String, name: String, action: String) async throws(STSError)
        -> IAMRole
    {
        do {
            guard let role = try await authorizer.role(accountId: account, roleName: name), role.arn == roleArn else {
                throw STSError(.accessDenied, "Not authorized to perform \(action)")
            }
            return role
        } catch let error as STSError {
            throw error
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
    }

    /// Checks the duration, session policies and tags, asks the trust policy, and seals the session.
    func federatedSession(_ request: FederatedSessionRequest, now: Date) async throws(STSError)
        -> FederatedSessionResult
    {
        let role = request.role
        if request.durationSeconds > role.maxSessionDuration {
            throw STSError(
                .validationError, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }
        let tags = try SessionTagRules.combine(
            requested: request.tags, transitiveKeys: request.transitiveTagKeys, inherited: nil)
        let packed = try await checkSessionPolicies(
            policy: request.policy, policyArns: request.policyArns, tags: request.tags, account: role.accountId)

        var context = Authorizer.requestContext(request.request, now: now)
        context.set(.federatedProvider, request.providerArn)
        context.set(.roleSessionName, request.sessionName)
        for (key, values) in request.conditionKeys { context.set(key, values) }
        if !request.tags.isEmpty {
            for tag in request.tags { context.set("aws:RequestTag/\(tag.key)", [tag.value]) }
            context.set(.tagKeys, request.tags.map(\.key))
        }
        if !request.transitiveTagKeys.isEmpty { context.set(.transitiveTagKeys, request.transitiveTagKeys) }
        if let sourceIdentity = request.sourceIdentity { context.set(.stsSourceIdentity, sourceIdentity) }

        // Built once: the getter builds a new string on every call.
        let roleArn = role.arn
        let trust = NamedPolicy(
            id: "\(roleArn) (trust policy)",
            document: try authorizer.cache.document(role.assumeRolePolicyDocument, kind: .resource))
        var actions = [request.action]
        if !request.tags.isEmpty { actions.append("sts:TagSession") }
        if request.sourceIdentity != nil { actions.append("sts:SetSourceIdentity") }
        for action in actions {
            let decision = Authorization.decide(
                AuthorizationInput(
                    request: PolicyRequest(
                        action: action, resource: roleArn,
                        principal: .federated(request.providerArn, account: role.accountId), context: context),
                    principalAccount: role.accountId, resourceAccount: role.accountId, identityPolicies: [],
                    resourcePolicy: trust, permissionsBoundary: nil, sessionPolicies: nil, resourceKind: .roleTrust))
            guard decision.isAllowed else {
                throw STSError(.accessDenied, "Not authorized to perform \(action)")
            }
        }

        let issued = now.wholeSeconds
        let sessionArn = "arn:aws:sts::\(role.accountId):assumed-role/\(role.roleName)/\(request.sessionName)"
        let sessionId = "\(role.roleId):\(request.sessionName)"
        var claims = SessionTokenClaims(
            accessKeyId: AccessKeyID.generate(kind: .temporary, account: role.accountId),
            secretAccessKey: Self.generateSecretAccessKey(),
            accountId: role.accountId, kind: .assumedRole, principalArn: sessionArn, userId: sessionId,
            sourcePrincipalArn: request.providerArn, issuedAt: issued,
            expiresAt: issued.addingTimeInterval(TimeInterval(request.durationSeconds)))
        claims.sourceIdentity = request.sourceIdentity
        claims.sessionPolicy = request.policy
        claims.policyArns = request.policyArns
        claims.tags = SessionTagRules.principalTags(roleTags: role.tags, sessionTags: tags.tags)
        claims.transitiveTagKeys = tags.transitiveKeys
        claims.roleArn = roleArn
        claims.roleId = role.roleId
        claims.sessionName = request.sessionName
        let passedSomething = request.policy != nil || !request.policyArns.isEmpty || !request.tags.isEmpty
        return FederatedSessionResult(
            credentials: try seal(claims), assumedRoleUser: AssumedRoleUser(assumedRoleId: sessionId, arn: sessionArn),
            packedPolicySize: passedSomething ? packed : nil, sourceIdentity: request.sourceIdentity)
    }
}
