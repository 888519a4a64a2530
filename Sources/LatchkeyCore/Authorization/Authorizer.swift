public import CoreMetrics
public import Foundation
import LatchkeyBase
public import LatchkeyDomain
public import LatchkeyModel
public import LatchkeyPolicy

/// Decides requests with AWS's evaluation logic: gathers the caller's identity policies (user, groups, role),
/// permissions boundary and session policies, describes the caller and the request as condition keys, and asks
/// `LatchkeyPolicy.Authorization` for the decision. Policies are parsed once (`PolicyCache`).
public struct Authorizer: Sendable {
    let store: any LatchkeyStore
    let cache: PolicyCache
    let messages: AuthorizationMessageCodec?
    let snapshots: IAMSnapshotCache

    /// - Parameter freshness: the node's cache rules (shared with its ``ChangeFeed``); nil for rules of its own
    ///   (``CacheFreshness/standaloneTTL``).
    /// - Parameter metrics: where the IAM snapshot caches count their hits and misses; nil counts nothing.
    public init(
        store: any LatchkeyStore, cache: PolicyCache = PolicyCache(), messages: AuthorizationMessageCodec? = nil,
        freshness: CacheFreshness? = nil, metrics: (any MetricsFactory)? = nil
    ) {
        self.store = store
        self.cache = cache
        self.messages = messages
        self.snapshots = IAMSnapshotCache(freshness: freshness ?? CacheFreshness(), metrics: metrics)
    }

    /// Forgets cached roles, providers and policies: after every IAM write on this node, and on every change the
    /// node's ``ChangeFeed`` sees.
    public func invalidate() {
        snapshots.invalidateAll()
    }

    /// A role, from memory unless IAM changed since it was read (see ``IAMSnapshotCache``).
    func role(accountId: String, roleName: String) async throws -> IAMRole? {
        try await snapshots.value(in: snapshots.roles, "\(accountId)|\(roleName.lowercased())") {
            try await store.role(accountId: accountId, roleName: roleName)
        }
    }

    /// An OIDC provider, from memory unless IAM changed since it was read.
    func oidcProvider(accountId: String, identity: String) async throws -> OIDCProvider? {
        try await snapshots.value(in: snapshots.oidcProviders, "\(accountId)|\(identity)") {
            try await store.oidcProvider(accountId: accountId, identity: identity)
        }
    }

    /// The principal as policies name it: its own ARN first, then the ARNs it derives from (a role session's role,
    /// a federated user's IAM user). `callerArn` is `caller.arn`, built once by the caller of this function.
    static func principal(of caller: Caller, arn callerArn: String) -> LatchkeyPolicy.PolicyPrincipal {
        switch caller.credentials {
        case .root, .user:
            return .aws(callerArn, account: caller.accountId)
        case .temporary(let claims):
            if claims.kind == .rootSession {
                return .aws("arn:aws:iam::\(caller.accountId):root", account: caller.accountId)
            }
            let derivesFromSource =
                (claims.kind == .federatedUser || claims.kind == .sessionToken)
                && claims.sourcePrincipalArn != claims.principalArn
            var identifiers: [String] = []
            identifiers.reserveCapacity(3)
            identifiers.append(claims.principalArn)
            if let roleArn = claims.roleArn { identifiers.append(roleArn) }
            if derivesFromSource { identifiers.append(claims.sourcePrincipalArn) }
            return PolicyPrincipal(kind: .aws, identifiers: identifiers, account: caller.accountId)
        }
    }

    /// The principal as policies name it (``principal(of:arn:)`` with the caller's ARN built here).
    static func principal(of caller: Caller) -> LatchkeyPolicy.PolicyPrincipal {
        principal(of: caller, arn: caller.arn)
    }

    /// `aws:PrincipalArn`: the role for role sessions, the user for users, the root for the root.
    static func principalArn(of caller: Caller) -> String {
        principalArn(of: caller, arn: caller.arn)
    }

    /// `aws:PrincipalArn` when the caller's ARN (`caller.arn`) is already built.
    static func principalArn(of caller: Caller, arn callerArn: String) -> String {
        if let claims = caller.sessionClaims {
            if claims.kind == .assumedRole, let roleArn = claims.roleArn { return roleArn }
            if claims.kind == .rootSession { return "arn:aws:iam::\(caller.accountId):root" }
        }
        return callerArn
    }

    /// The IAM user name behind a user ARN (`arn:aws:iam::A:user/path/NAME`).
    static func lastPathComponent(_ arn: String) -> String {
        arn.split(separator: "/").last.map(String.init) ?? arn
    }

    /// The condition keys that describe the caller and the request (`aws:*`).
    static func context(of caller: Caller, tags principalTags: [ResourceTag], now: Date) -> ConditionContext {
        context(of: caller, arn: caller.arn, tags: principalTags, now: now)
    }

    /// The condition keys that describe the caller and the request (`aws:*`), the caller's ARN already built. The
    /// well-known keys go to the context's table (no hashing, times formatted only if a policy reads them).
    static func context(of caller: Caller, arn callerArn: String, tags principalTags: [ResourceTag], now: Date)
        -> ConditionContext
    {
        var context = requestContext(caller.request, now: now)
        context.set(.principalArn, principalArn(of: caller, arn: callerArn))
        context.set(.principalAccount, caller.accountId)
        context.set(.userid, caller.userId)
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        for tag in principalTags { context.set("aws:PrincipalTag/\(tag.key)", [tag.value]) }
        switch caller.credentials {
        case .root:
            context.set(.principalType, "Account")
        case .user(let user):
            context.set(.principalType, "User")
            context.set(.username, user.userName)
        case .temporary(let claims):
            switch claims.kind {
            case .assumedRole: context.set(.principalType, "AssumedRole")
            case .federatedUser: context.set(.principalType, "FederatedUser")
            case .rootSession: context.set(.principalType, "Account")
            default:
                context.set(.principalType, "User")
                context.set(.username, lastPathComponent(claims.principalArn))
            }
            context.set(.tokenIssueTime, timestamp: Int64(claims.issuedAt.timeIntervalSince1970))
            context.set(.multiFactorAuthPresent, claims.mfaAuthenticated ? "true" : "false")
            if claims.mfaAuthenticated, let at = claims.mfaAuthenticatedAt {
                context.set(.multiFactorAuthAge, integer: max(0, seconds - Int64(at.timeIntervalSince1970)))
            }
            if let sourceIdentity = claims.sourceIdentity { context.set(.sourceIdentity, sourceIdentity) }
        }
        return context
    }

    /// The condition keys that describe the request itself: time, transport, source address, user agent, region.
    static func requestContext(_ request: RequestMetadata, now: Date) -> ConditionContext {
        var context = ConditionContext()
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        context.set(.currentTime, timestamp: seconds)
        context.set(.epochTime, integer: seconds)
        context.set(.secureTransport, request.secureTransport ? "true" : "false")
        if let ip = request.sourceIp { context.set(.sourceIp, ip) }
        if let agent = request.userAgent { context.set(.userAgent, agent) }
        if let region = request.requestedRegion { context.set(.requestedRegion, region) }
        return context
    }

    /// The caller's principal tags: a user's tags, or a role session's tags (role tags overridden by session tags,
    /// as sealed into the token).
    func principalTags(of caller: Caller) -> [ResourceTag] {
        switch caller.credentials {
        case .root: return []
        case .user(let user): return user.tags
        case .temporary(let claims): return claims.tags.map { ResourceTag(key: $0.key, value: $0.value) }
        }
    }

    /// The identity side of a caller: identity policies, boundary and session policies (nil when the session has
    /// none; an empty list when it must be limited to nothing, as a federation token without policies is).
    func identitySide(of caller: Caller) async throws(STSError)
        -> (identity: [NamedPolicy], boundary: NamedPolicy?, session: [NamedPolicy]?)
    {
        let principal: LatchkeyDomain.PolicyPrincipal
        var session: [NamedPolicy]?
        switch caller.credentials {
        case .root:
            return ([], nil, nil)
        case .user(let user):
            principal = .user(user.userName)
        case .temporary(let claims):
            switch claims.kind {
            case .assumedRole:
                principal = .role(Self.lastPathComponent(claims.roleArn ?? ""))
                session = try await sessionPolicies(claims, accountId: caller.accountId)
            case .federatedUser:
                principal = .user(Self.lastPathComponent(claims.sourcePrincipalArn))
                session = try await sessionPolicies(claims, accountId: caller.accountId) ?? []
            case .rootSession:
                return ([], nil, nil)
            default:
                principal = .user(Self.lastPathComponent(claims.principalArn))
            }
        }
        let effective: EffectivePolicies
        let snapshotKey: String =
            switch principal {
            case .user(let name): "\(caller.accountId)|user|\(name.lowercased())"
            case .role(let name): "\(caller.accountId)|role|\(name.lowercased())"
            }
        do {
            effective = try await snapshots.value(in: snapshots.policies, snapshotKey) {
                try await store.effectivePolicies(accountId: caller.accountId, principal: principal)
            }
        } catch let error as StoreError where error.code == .notFound {
            // The session's role or user was deleted: it has no policies left, so nothing is allowed.
            effective = EffectivePolicies(identityPolicies: [])
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
        var identity: [NamedPolicy] = []
        for policy in effective.identityPolicies {
            identity.append(
                NamedPolicy(
                    id: policy.identifier,
                    document: try cache.document(policy.document, kind: .identity, limits: PolicyCache.storedDocument)))
        }
        var boundary: NamedPolicy?
        if let document = effective.permissionsBoundary {
            boundary = NamedPolicy(
                id: document.identifier,
                document: try cache.document(
                    document.document, kind: .permissionsBoundary, limits: PolicyCache.storedDocument))
        } else if let arn = effective.permissionsBoundaryArn {
            // A boundary naming a policy that no longer exists allows nothing.
            boundary = NamedPolicy(id: arn, document: try cache.document(Self.allowNothing, kind: .permissionsBoundary))
        }
        return (identity, boundary, session)
    }

    /// A policy that allows nothing (IAM refuses an empty statement list).
    static let allowNothing = #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","NotResource":"*"}}"#

    /// The session policies sealed into a token: the inline policy and the managed policies it names.
    func sessionPolicies(_ claims: SessionTokenClaims, accountId: String) async throws(STSError) -> [NamedPolicy]? {
        guard claims.sessionPolicy != nil || !claims.policyArns.isEmpty else { return nil }
        var policies: [NamedPolicy] = []
        if let inline = claims.sessionPolicy {
            policies.append(NamedPolicy(id: "session-policy", document: try cache.document(inline, kind: .session)))
        }
        for arn in claims.policyArns {
            if let document = try await managedPolicyDocument(arn) {
                policies.append(
                    NamedPolicy(
                        id: arn,
                        document: try cache.document(document, kind: .session, limits: PolicyCache.storedDocument)))
            }
        }
        return policies
    }

    /// The default version's document of a managed policy, nil if the policy does not exist; from memory unless
    /// IAM changed since it was read.
    func managedPolicyDocument(_ arn: String) async throws(STSError) -> String? {
        do {
            return try await snapshots.value(in: snapshots.managedPolicyDocuments, arn) {
                guard let policy = try await store.managedPolicy(arn: arn) else { return nil }
                return try await store.policyVersion(policyArn: arn, versionId: policy.defaultVersionId)?.document
            }
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
    }

    /// Decides whether `caller` may perform `action` on `resource`.
    /// - Parameters:
    ///   - resourcePolicy: the resource's policy (a role's trust policy), if it has one.
    ///   - resourceKind: what the resource is; `.roleTrust` makes its policy required (a role's trust policy).
    ///   - extraContext: request-specific keys (`sts:ExternalId`, `aws:RequestTag/...`).
    public func decide(
        caller: Caller, action: String, resource: String, resourceAccount: String, resourcePolicy: NamedPolicy? = nil,
        resourceKind: ResourceKind = .standard, extraContext: [String: [String]] = [:], now: Date
    ) async throws(STSError) -> (decision: AuthorizationDecision, context: ConditionContext) {
        let callerArn = caller.arn
        var context = Self.context(of: caller, arn: callerArn, tags: principalTags(of: caller), now: now)
        for (key, values) in extraContext { context.set(key, values) }
        return try await decide(
            caller: caller, callerArn: callerArn, action: action, resource: resource, resourceAccount: resourceAccount,
            resourcePolicy: resourcePolicy, resourceKind: resourceKind, context: context)
    }

    /// Decides whether `caller` may perform `action` on `resource`, with the request-specific keys (`sts:ExternalId`,
    /// `aws:RequestTag/...`) given as a context: its keys replace the caller's and the request's of the same name.
    public func decide(
        caller: Caller, action: String, resource: String, resourceAccount: String, resourcePolicy: NamedPolicy? = nil,
        resourceKind: ResourceKind = .standard, extra: ConditionContext, now: Date
    ) async throws(STSError) -> (decision: AuthorizationDecision, context: ConditionContext) {
        let callerArn = caller.arn
        var context = Self.context(of: caller, arn: callerArn, tags: principalTags(of: caller), now: now)
        context.merge(extra)
        return try await decide(
            caller: caller, callerArn: callerArn, action: action, resource: resource, resourceAccount: resourceAccount,
            resourcePolicy: resourcePolicy, resourceKind: resourceKind, context: context)
    }

    private func decide(
        caller: Caller, callerArn: String, action: String, resource: String, resourceAccount: String,
        resourcePolicy: NamedPolicy?, resourceKind: ResourceKind, context: ConditionContext
    ) async throws(STSError) -> (decision: AuthorizationDecision, context: ConditionContext) {
        if caller.isRoot, resourceAccount == caller.accountId, resourcePolicy == nil,
            !resourceKind.requiresResourcePolicy
        {
            return (
                AuthorizationDecision(
                    isAllowed: true, isExplicitDeny: false, matchedStatements: [], reason: "the account's root"),
                context
            )
        }
        let side = try await identitySide(of: caller)
        let request = PolicyRequest(
            action: action, resource: resource, principal: Self.principal(of: caller, arn: callerArn),
            context: context)
        let decision = Authorization.decide(
            AuthorizationInput(
                request: request, principalAccount: caller.accountId, resourceAccount: resourceAccount,
                identityPolicies: side.identity, resourcePolicy: resourcePolicy, permissionsBoundary: side.boundary,
                sessionPolicies: side.session, resourceKind: resourceKind))
        return (decision, context)
    }

    /// AWS's `AccessDenied` for a denial, with the encoded authorization failure message appended.
    public func denial(
        caller: Caller, action: String, resource: String, decision: AuthorizationDecision, context: ConditionContext,
        message: String? = nil
    ) -> STSError {
        let text =
            message
            ?? "User: \(caller.arn) is not authorized to perform: \(action) on resource: \(resource) \(decision.reason)"
        guard let messages else { return STSError(.accessDenied, text) }
        let failure = AuthorizationFailure(
            explicitDeny: decision.isExplicitDeny,
            matchedStatements: decision.matchedStatements.map {
                .init(policyId: $0.policyId, sid: $0.sid, effect: $0.effect.rawValue)
            },
            failures: [decision.reason],
            principalId: caller.userId, principalName: Self.principalName(caller), principalArn: caller.arn,
            action: action, resource: resource,
            conditions: context.keys.map { (key: $0, values: context[$0] ?? []) })
        return STSError(.accessDenied, messages.deniedMessage(text, failure: failure))
    }

    static func principalName(_ caller: Caller) -> String? {
        switch caller.credentials {
        case .root: return nil
        case .user(let user): return user.userName
        case .temporary(let claims): return claims.sessionName ?? lastPathComponent(claims.principalArn)
        }
    }
}
