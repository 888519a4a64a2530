public import Foundation
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeyPolicy
import LatchkeyTokens

extension SecurityTokenService {
    /// `AssumeRole` with AWS's semantics: the role's trust policy is a resource policy; a same-account principal it
    /// names directly needs no identity policy, one trusted through the account needs an identity policy allowing
    /// `sts:AssumeRole`; across accounts both sides must allow. Tags need `sts:TagSession`, a source identity
    /// `sts:SetSourceIdentity`. Role chaining caps sessions at one hour and carries transitive tags and the source
    /// identity. Session policies travel in the token and limit the new session.
    ///
    /// `ProvidedContexts` is accepted (validated) and not used: Latchkey has no trusted context providers.
    public func assumeRole(_ input: AssumeRoleInput, caller: Caller, now: Date) async throws(STSError)
        -> AssumeRoleOutput
    {
        if caller.isRoot {
            throw STSError(.accessDenied, "Roles may not be assumed by root accounts.")
        }
        try Self.checkSessionRestrictions(caller, action: "AssumeRole")
        let requestedTags = (input.tags ?? []).map(SessionTag.init)
        let transitiveTagKeys = input.transitiveTagKeys ?? []
        let policyArns = input.policyArns?.compactMap(\.arn) ?? []
        guard let (roleAccount, roleName) = Self.parseRoleArn(input.roleArn) else {
            throw STSError(.validationError, Self.invalidRoleArnMessage)
        }
        // The role's ARN and the caller's are built once here (their getters build a new string on every call).
        let role: IAMRole
        let roleArn: String
        do {
            guard let found = try await authorizer.role(accountId: roleAccount, roleName: roleName) else {
                throw Self.cannotAssume(caller.arn, input.roleArn)
            }
            roleArn = found.arn
            guard roleArn == input.roleArn else { throw Self.cannotAssume(caller.arn, input.roleArn) }
            role = found
        } catch let error as STSError {
            throw error
        } catch {
            throw STSError(.serviceUnavailable, "The identity store is unavailable. Please retry.", cause: error)
        }
        let callerArn = caller.arn

        let callerClaims = caller.sessionClaims
        let isChained = callerClaims?.kind == .assumedRole
        let duration = input.durationSeconds ?? 3600
        if isChained && duration > 3600 {
            throw STSError(
                .validationError,
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
        }
        if duration > role.maxSessionDuration {
            throw STSError(
                .validationError, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }

        // MFA: a code now, or a caller session that was MFA-authenticated.
        var mfaAuthenticated = callerClaims?.mfaAuthenticated ?? false
        var mfaAt = callerClaims?.mfaAuthenticatedAt
        if input.serialNumber != nil || input.tokenCode != nil {
            guard let serial = input.serialNumber, let code = input.tokenCode else {
                throw STSError(.accessDenied, MFAVerifier.unableToValidate)
            }
            let userName: String? = if case .user(let user) = caller.credentials { user.userName } else { nil }
            try await mfa.verifySessionCode(
                accountId: caller.accountId, userName: userName, serialNumber: serial, code: code, now: now)
            mfaAuthenticated = true
            mfaAt = now.wholeSeconds
        }

        // Session tags and source identity.
        let tags = try SessionTagRules.combine(
            requested: requestedTags, transitiveKeys: transitiveTagKeys, inherited: callerClaims)
        if let existing = callerClaims?.sourceIdentity, let requested = input.sourceIdentity, existing != requested {
            throw STSError(
                .invalidParameterValue,
                "The source identity cannot be changed: the calling session's source identity is \(existing).")
        }
        let sourceIdentity = callerClaims?.sourceIdentity ?? input.sourceIdentity

        let packed = try await checkSessionPolicies(
            policy: input.policy, policyArns: policyArns, tags: requestedTags, account: roleAccount)

        // Authorization: the trust policy and the caller's identity side.
        var extra = ConditionContext()
        extra.set(.roleSessionName, input.roleSessionName)
        if let externalId = input.externalId { extra.set(.externalId, externalId) }
        if let requested = input.sourceIdentity { extra.set(.stsSourceIdentity, requested) }
        if !requestedTags.isEmpty {
            for tag in requestedTags { extra.set("aws:RequestTag/\(tag.key)", [tag.value]) }
            extra.set(.tagKeys, requestedTags.map(\.key))
        }
        if !transitiveTagKeys.isEmpty { extra.set(.transitiveTagKeys, transitiveTagKeys) }
        if mfaAuthenticated {
            extra.set(.multiFactorAuthPresent, "true")
            if let mfaAt {
                extra.set(
                    .multiFactorAuthAge,
                    integer: max(0, Int64(now.timeIntervalSince1970) - Int64(mfaAt.timeIntervalSince1970)))
            }
        }
        let trust = NamedPolicy(
            id: "\(roleArn) (trust policy)",
            document: try authorizer.cache.document(role.assumeRolePolicyDocument, kind: .resource))
        var actions = ["sts:AssumeRole"]
        if !requestedTags.isEmpty || !transitiveTagKeys.isEmpty { actions.append("sts:TagSession") }
        if input.sourceIdentity != nil && callerClaims?.sourceIdentity == nil {
            actions.append("sts:SetSourceIdentity")
        }
        for action in actions {
            let (decision, context) = try await authorizer.decide(
                caller: caller, action: action, resource: roleArn, resourceAccount: role.accountId,
                resourcePolicy: trust, resourceKind: .roleTrust, extra: extra, now: now)
            guard decision.isAllowed else {
                throw authorizer.denial(
                    caller: caller, action: action, resource: roleArn, decision: decision, context: context,
                    message: "User: \(callerArn) is not authorized to perform: \(action) on resource: \(roleArn)")
            }
        }

        // The session: role tags overridden by session tags become the principal tags.
        let issued = now.wholeSeconds
        let sessionArn = "arn:aws:sts::\(role.accountId):assumed-role/\(role.roleName)/\(input.roleSessionName)"
        let sessionId = "\(role.roleId):\(input.roleSessionName)"
        var claims = SessionTokenClaims(
            accessKeyId: AccessKeyID.generate(kind: .temporary, account: role.accountId),
            secretAccessKey: Self.generateSecretAccessKey(),
            accountId: role.accountId, kind: .assumedRole, principalArn: sessionArn, userId: sessionId,
            sourcePrincipalArn: callerArn, issuedAt: issued,
            expiresAt: issued.addingTimeInterval(TimeInterval(duration)))
        claims.mfaAuthenticated = mfaAuthenticated
        claims.mfaAuthenticatedAt = mfaAuthenticated ? mfaAt : nil
        claims.sourceIdentity = sourceIdentity
        claims.sessionPolicy = input.policy
        claims.policyArns = policyArns
        claims.tags = SessionTagRules.principalTags(roleTags: role.tags, sessionTags: tags.tags)
        claims.transitiveTagKeys = tags.transitiveKeys
        claims.isChained = isChained
        claims.roleArn = roleArn
        claims.roleId = role.roleId
        claims.sessionName = input.roleSessionName
        // What the session descends from, so that revoking an ancestor refuses it (SessionRevocations).
        claims.setAncestry(try SessionAncestry.derived(from: caller, callerArn: callerArn, issuedAt: issued))
        let passedSomething = input.policy != nil || !policyArns.isEmpty || !requestedTags.isEmpty
        return AssumeRoleOutput(
            credentials: try seal(claims), assumedRoleUser: AssumedRoleUser(assumedRoleId: sessionId, arn: sessionArn),
            packedPolicySize: passedSomething ? packed : nil, sourceIdentity: sourceIdentity)
    }

    /// AWS's answer to a `RoleArn` that is not a role ARN (`ValidationError`), whichever AssumeRole* is called.
    static let invalidRoleArnMessage = "Request ARN is invalid"

    /// AWS's `AccessDenied` when the role does not exist or its ARN is not the one asked for.
    static func cannotAssume(_ callerArn: String, _ roleArn: String) -> STSError {
        STSError(
            .accessDenied, "User: \(callerArn) is not authorized to perform: sts:AssumeRole on resource: \(roleArn)")
    }

    /// `arn:aws:iam::ACCOUNT:role/PATH/NAME` → (ACCOUNT, NAME).
    ///
    /// ASCII ARNs (every valid role ARN) are read byte by byte: no split into arrays of substrings, no grapheme
    /// walk (1.5% of the server's AssumeRole samples went to the general form below). Anything else takes the
    /// general form, which compares characters, so both agree on every input.
    static func parseRoleArn(_ arn: String) -> (account: String, name: String)? {
        if arn.utf8.allSatisfy({ $0 < 0x80 }) { return parseASCIIRoleArn(arn) }
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "aws", parts[2] == "iam", parts[3].isEmpty,
            Account.isValidID(String(parts[4])), parts[5].hasPrefix("role/")
        else { return nil }
        guard let name = parts[5].split(separator: "/").last, !name.isEmpty, parts[5].count > 5 else { return nil }
        return (String(parts[4]), String(name))
    }

    /// ``parseRoleArn(_:)`` for an all-ASCII `arn`, where bytes are characters (read as one contiguous buffer:
    /// the string views' index arithmetic still cost 0.5% of the AssumeRole samples).
    private static func parseASCIIRoleArn(_ arn: String) -> (account: String, name: String)? {
        var arn = arn
        return arn.withUTF8 { bytes -> (account: String, name: String)? in
            let prefix: StaticString = "arn:aws:iam::"
            let colon = UInt8(ascii: ":")
            let slash = UInt8(ascii: "/")
            // arn:aws:iam:: then 12 digits, a colon, and the resource `role/...` (which may hold further colons).
            let accountStart = prefix.utf8CodeUnitCount
            guard bytes.count > accountStart,
                UnsafeBufferPointer(rebasing: bytes[..<accountStart]).elementsEqual(
                    UnsafeBufferPointer(start: prefix.utf8Start, count: accountStart))
            else { return nil }
            guard let accountEnd = bytes[accountStart...].firstIndex(of: colon),
                accountEnd - accountStart == 12,
                bytes[accountStart..<accountEnd].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            else { return nil }
            let resourceStart = accountEnd + 1
            let role: StaticString = "role/"
            guard bytes.count - resourceStart > role.utf8CodeUnitCount,
                UnsafeBufferPointer(rebasing: bytes[resourceStart..<(resourceStart + role.utf8CodeUnitCount)])
                    .elementsEqual(UnsafeBufferPointer(start: role.utf8Start, count: role.utf8CodeUnitCount))
            else { return nil }
            // The last non-empty `/`-separated component (trailing slashes are skipped, as split drops empty pieces).
            var end = bytes.count
            while end > resourceStart, bytes[end - 1] == slash { end -= 1 }
            var start = end
            while start > resourceStart, bytes[start - 1] != slash { start -= 1 }
            return (
                String(decoding: UnsafeBufferPointer(rebasing: bytes[accountStart..<accountEnd]), as: UTF8.self),
                String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            )
        }
    }

    /// Session policies as AssumeRole and GetFederationToken take them: the inline one parsed now
    /// (`MalformedPolicyDocument`), managed ones existing in `account`, and the packed size of policies and tags
    /// within the limit (`PackedPolicyTooLarge`). Returns the packed size in percent.
    func checkSessionPolicies(policy: String?, policyArns: [String], tags: [SessionTag], account: String)
        async throws(STSError) -> Int
    {
        if let policy {
            _ = try authorizer.cache.document(policy, kind: .session)
        }
        for arn in policyArns {
            guard arn.hasPrefix("arn:aws:iam::\(account):policy/") || arn.hasPrefix("arn:aws:iam::aws:policy/"),
                try await authorizer.managedPolicyDocument(arn) != nil
            else {
                throw STSError(.invalidParameterValue, "Policy \(arn) does not exist or is not attachable.")
            }
        }
        let packed = PackedPolicy.percentage(policy: policy, policyArns: policyArns, tags: tags)
        if packed > 100 {
            throw STSError(
                .packedPolicyTooLarge, "Packed policy consumes \(packed)% of allotted space, please use smaller policy."
            )
        }
        return packed
    }
}
