public import Foundation
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeyPolicy
import LatchkeyTokens

extension SecurityTokenService {
    /// `GetFederationToken`: long-term credentials of an IAM user (or, as AWS allows, the root: at most one hour),
    /// 900...129600 s, default 43200. The federated user's permissions are the intersection of the user's policies
    /// and the session policies passed: without session policies it may do nothing. Its credentials may call only
    /// GetCallerIdentity in STS and nothing in IAM.
    public func getFederationToken(_ input: GetFederationTokenInput, caller: Caller, now: Date) async throws(STSError)
        -> GetFederationTokenOutput
    {
        if caller.sessionClaims != nil {
            throw STSError(.accessDenied, "Cannot call GetFederationToken with session credentials")
        }
        let name = input.name
        let policy = input.policy
        let policyArns = input.policyArns?.compactMap(\.arn) ?? []
        let tags = (input.tags ?? []).map(SessionTag.init)
        let duration = caller.isRoot ? min(input.durationSeconds ?? 3600, 3600) : input.durationSeconds ?? 43200
        let combined = try SessionTagRules.combine(requested: tags, transitiveKeys: [], inherited: nil)
        let packed = try await checkSessionPolicies(
            policy: policy, policyArns: policyArns, tags: tags, account: caller.accountId)
        let federatedArn = "arn:aws:sts::\(caller.accountId):federated-user/\(name)"
        var actions = ["sts:GetFederationToken"]
        if !tags.isEmpty { actions.append("sts:TagSession") }
        var extra: [String: [String]] = [:]
        for tag in tags { extra["aws:RequestTag/\(tag.key)"] = [tag.value] }
        if !tags.isEmpty { extra["aws:TagKeys"] = tags.map(\.key) }
        for action in actions {
            let (decision, context) = try await authorizer.decide(
                caller: caller, action: action, resource: federatedArn, resourceAccount: caller.accountId,
                extraContext: extra, now: now)
            guard decision.isAllowed else {
                throw authorizer.denial(
                    caller: caller, action: action, resource: federatedArn, decision: decision, context: context)
            }
        }
        let userTags: [ResourceTag] = if case .user(let user) = caller.credentials { user.tags } else { [] }
        let issued = now.wholeSeconds
        var claims = SessionTokenClaims(
            accessKeyId: AccessKeyID.generate(kind: .temporary, account: caller.accountId),
            secretAccessKey: Self.generateSecretAccessKey(), accountId: caller.accountId, kind: .federatedUser,
            principalArn: federatedArn, userId: "\(caller.accountId):\(name)", sourcePrincipalArn: caller.arn,
            issuedAt: issued, expiresAt: issued.addingTimeInterval(TimeInterval(duration)))
        claims.sessionPolicy = policy
        claims.policyArns = policyArns
        claims.tags = SessionTagRules.principalTags(roleTags: userTags, sessionTags: combined.tags)
        claims.sessionName = name
        claims.setAncestry(try SessionAncestry.derived(from: caller, callerArn: caller.arn, issuedAt: issued))
        // AWS returns PackedPolicySize for every federation token, 0 when nothing was passed.
        return GetFederationTokenOutput(
            credentials: try seal(claims),
            federatedUser: FederatedUser(federatedUserId: "\(caller.accountId):\(name)", arn: federatedArn),
            packedPolicySize: packed)
    }
}
