public import Foundation
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeyPolicy
import LatchkeyTokens

extension IAMService {
    /// How long a revocation is kept after it is made: the longest session (36 hours, GetSessionToken) plus room
    /// for the nodes' clocks. Every session it can name was issued (or derived from one issued) before it was made,
    /// so all have expired by then.
    public static let revocationLifetime: TimeInterval = 36 * 3600 + 300

    /// `RevokeSessions`, a Latchkey extension beyond AWS: every session named by `AccessKeyId` (one `ASIA` session,
    /// or every session derived from an `AKIA` key) or by `PrincipalArn` (a user, a role, an assumed-role session,
    /// a federated user or the root of this account), issued before `IssuedBefore` (default now), is refused on
    /// every node, and so is every session derived from one (role chaining, GetSessionToken, GetFederationToken).
    ///
    /// Authorized as `iam:RevokeSessions` on the principal's ARN (for an `AKIA` key, its owner's ARN; for an `ASIA`
    /// session, whose owner the store does not know, the account's ARN `arn:aws:iam::ACCOUNT:root`). Another
    /// account's principals are refused with AccessDenied (IAM has no resource policies), as AWS answers for a
    /// foreign ARN.
    public func revokeSessions(_ input: RevokeSessionsInput, caller: Caller, now: Date) async throws(STSError)
        -> RevokeSessionsOutput
    {
        let issuedBefore = input.issuedBefore ?? now
        let target: SessionRevocation.Target
        switch (input.accessKeyId, input.principalArn) {
        case (let accessKeyId?, nil):
            target = try await revocationTarget(accessKeyId: accessKeyId, caller: caller, now: now)
        case (nil, let principalArn?):
            target = try await revocationTarget(principalArn: principalArn, caller: caller, now: now)
        default:
            throw STSError(.validationError, "Exactly one of AccessKeyId and PrincipalArn must be specified.")
        }
        guard issuedBefore <= now else {
            throw STSError(.validationError, "IssuedBefore must not be in the future.")
        }
        let revocation = SessionRevocation(
            id: UniqueID.generate(prefix: "ASRV", account: caller.accountId), accountId: caller.accountId,
            target: target, issuedBefore: issuedBefore,
            expiresAt: now.addingTimeInterval(Self.revocationLifetime), createDate: now)
        try await storeCall { try await store.insertSessionRevocation(revocation) }
        // This node refuses the sessions at once; the others when their change feed sees the change the endpoint
        // announces after every IAM write (or at their backstop reload, should the announcement fail: the
        // revocation itself is stored).
        resolver?.revocations.add(revocation)
        return RevokeSessionsOutput(
            revocationId: revocation.id, issuedBefore: revocation.issuedBefore, expiresAt: revocation.expiresAt)
    }

    /// The target for an access key ID, once the caller may revoke it.
    private func revocationTarget(accessKeyId: String, caller: Caller, now: Date) async throws(STSError)
        -> SessionRevocation.Target
    {
        guard accessKeyId.hasPrefix("AKIA") || accessKeyId.hasPrefix("ASIA") else {
            throw STSError(.invalidInput, "The access key ID \(accessKeyId) is not an AKIA or ASIA access key ID.")
        }
        let encodedAccount = AccessKeyID.account(of: accessKeyId)
        if accessKeyId.hasPrefix("ASIA") {
            // Sessions are not stored: the account encoded in the ID is all the server knows of its owner.
            guard let encodedAccount else {
                throw STSError(.invalidInput, "The access key ID \(accessKeyId) is not well formed.")
            }
            try await authorizeRevocation(
                caller, resource: Self.rootArn(encodedAccount), resourceAccount: encodedAccount, now: now)
            return .accessKeyId(accessKeyId)
        }
        let record = try await storeCall { try await store.accessKey(id: accessKeyId) }
        guard let record else {
            // Keys of a bootstrap file may not encode their account: an unknown key is looked for in the caller's.
            let account = encodedAccount ?? caller.accountId
            try await authorizeRevocation(caller, resource: Self.rootArn(account), resourceAccount: account, now: now)
            throw STSError(.noSuchEntity, "The Access Key with id \(accessKeyId) cannot be found.")
        }
        var owner = Self.rootArn(record.accountId)
        if let userName = record.userName {
            let user = try await storeCall { try await store.user(accountId: record.accountId, userName: userName) }
            owner = user?.arn ?? userArn(record.accountId, userName)
        }
        try await authorizeRevocation(caller, resource: owner, resourceAccount: record.accountId, now: now)
        return .accessKeyId(record.accessKeyId)
    }

    /// The target for a principal ARN (as the sessions carry it: the entity's own spelling), once the caller may
    /// revoke it and the principal exists.
    private func revocationTarget(principalArn: String, caller: Caller, now: Date) async throws(STSError)
        -> SessionRevocation.Target
    {
        guard let principal = RevocablePrincipal(arn: principalArn) else {
            throw STSError(
                .invalidInput,
                "PrincipalArn \(principalArn) is not the ARN of a user, a role, an assumed-role session, a federated "
                    + "user or an account root.")
        }
        try await authorizeRevocation(caller, resource: principalArn, resourceAccount: principal.account, now: now)
        guard principal.account == caller.accountId else {
            throw STSError(
                .accessDenied,
                "User: \(caller.arn) is not authorized to perform: iam:RevokeSessions on resource: \(principalArn)")
        }
        let account = principal.account
        switch principal.kind {
        case .root, .federatedUser:
            return .principalArn(principalArn)
        case .user(let name):
            let user = try await storeCall { try await store.user(accountId: account, userName: name) }
            guard let user, user.arn == principalArn else { throw noSuchUser(name) }
            return .principalArn(user.arn)
        case .role(let name):
            let role = try await storeCall { try await store.role(accountId: account, roleName: name) }
            guard let role, role.arn == principalArn else {
                throw STSError(.noSuchEntity, "The role with name \(name) cannot be found.")
            }
            return .principalArn(role.arn)
        case .assumedRole(let roleName, let sessionName):
            let role = try await storeCall { try await store.role(accountId: account, roleName: roleName) }
            guard let role else { throw STSError(.noSuchEntity, "The role with name \(roleName) cannot be found.") }
            return .principalArn("arn:aws:sts::\(account):assumed-role/\(role.roleName)/\(sessionName)")
        }
    }

    /// `iam:RevokeSessions` on `resource` through the authorizer, with IAM's session restrictions.
    private func authorizeRevocation(_ caller: Caller, resource: String, resourceAccount: String, now: Date)
        async throws(STSError)
    {
        if let claims = caller.sessionClaims {
            if (claims.kind == .sessionToken || claims.kind == .rootSession) && !claims.mfaAuthenticated
                || claims.kind == .federatedUser
            {
                throw STSError(.invalidClientTokenId, CredentialResolver.invalidToken)
            }
        }
        let action = RevokeSessionsInput.operation.iamAction
        let (decision, context) = try await authorizer.decide(
            caller: caller, action: action, resource: resource, resourceAccount: resourceAccount, now: now)
        guard decision.isAllowed else {
            throw authorizer.denial(
                caller: caller, action: action, resource: resource, decision: decision, context: context)
        }
    }

    static func rootArn(_ account: String) -> String { "arn:aws:iam::\(account):root" }
}

/// A principal ARN `RevokeSessions` accepts.
struct RevocablePrincipal: Equatable {
    enum Kind: Equatable {
        case root
        case user(name: String)
        case role(name: String)
        case assumedRole(roleName: String, sessionName: String)
        case federatedUser(name: String)
    }

    var account: String
    var kind: Kind

    /// `arn:aws:iam::ACCOUNT:root`, `...:user/PATH/NAME`, `...:role/PATH/NAME`,
    /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, `arn:aws:sts::ACCOUNT:federated-user/NAME`.
    init?(arn: String) {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "aws", parts[3].isEmpty,
            AccessKeyID.isValidAccountID(parts[4])
        else { return nil }
        account = String(parts[4])
        let resource = parts[5]
        let pieces = resource.split(separator: "/", omittingEmptySubsequences: false)
        func valid(_ name: Substring, _ range: ClosedRange<Int>) -> Bool {
            range.contains(name.count)
                && name.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                        || "_+=,.@-".unicodeScalars.contains($0)
                }
        }
        switch (parts[2], pieces.first) {
        case ("iam", "root") where pieces.count == 1:
            kind = .root
        case ("iam", "user"), ("iam", "role"):
            // PATH is `/` or `/a/b/`: no empty piece between the type and the name.
            guard pieces.count >= 2, let name = pieces.last, valid(name, 1...64),
                pieces.dropFirst().dropLast().allSatisfy({ !$0.isEmpty })
            else { return nil }
            kind = pieces.first == "user" ? .user(name: String(name)) : .role(name: String(name))
        case ("sts", "assumed-role") where pieces.count == 3:
            guard valid(pieces[1], 1...64), valid(pieces[2], 2...64) else { return nil }
            kind = .assumedRole(roleName: String(pieces[1]), sessionName: String(pieces[2]))
        case ("sts", "federated-user") where pieces.count == 2:
            guard valid(pieces[1], 2...32) else { return nil }
            kind = .federatedUser(name: String(pieces[1]))
        default:
            return nil
        }
    }
}
