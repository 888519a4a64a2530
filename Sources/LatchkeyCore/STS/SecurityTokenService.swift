import Crypto
public import Foundation
import LatchkeyBase
public import LatchkeyDomain
public import LatchkeyModel
public import LatchkeyOIDC
import LatchkeyPolicy
public import LatchkeyTokens

/// The STS operations. Transport-free: the server hands in an authenticated `Caller` (or, for the unsigned
/// federation calls, the request's metadata) and the operation's typed input, already validated against its
/// declaration; each operation returns exactly the output that goes on the wire.
public struct SecurityTokenService: Sendable {
    let store: any LatchkeyStore
    let secretBox: SecretBox
    /// The session-token keys (rotated through the store on a cluster; a fixed ring otherwise).
    let sessionKeys: SessionKeys
    let mfa: MFAVerifier
    let messages: AuthorizationMessageCodec?
    let authorizer: Authorizer
    /// Verifies OIDC tokens for `AssumeRoleWithWebIdentity` (issuer discovery, cached JWKS); nil turns it off.
    public var webIdentity: WebIdentityTokenVerifier?
    /// Verifies SAML responses for `AssumeRoleWithSAML` and remembers the assertions already used; nil turns it off.
    public var saml: SAMLFederation?
    /// Latchkey's own OIDC issuer for `GetWebIdentityToken`; nil answers `OutboundWebIdentityFederationDisabled`.
    public var outbound: OutboundIssuerService?

    /// - Parameter mfa: the MFA verifier shared with `IAMService` (its lockout counts failures across both).
    /// - Parameter messages: seals and opens encoded authorization failure messages (`DecodeAuthorizationMessage`).
    /// - Parameter authorizer: decides with the caller's policies; shared with `IAMService` (one policy cache).
    public init(
        store: any LatchkeyStore, secretBox: SecretBox, keyRing: SessionTokenKeyRing, mfa: MFAVerifier? = nil,
        messages: AuthorizationMessageCodec? = nil, authorizer: Authorizer? = nil
    ) {
        self.init(
            store: store, secretBox: secretBox, sessionKeys: SessionKeys(ring: keyRing), mfa: mfa, messages: messages,
            authorizer: authorizer)
    }

    /// - Parameter sessionKeys: the node's session-token keys, shared with its `CredentialResolver`.
    public init(
        store: any LatchkeyStore, secretBox: SecretBox, sessionKeys: SessionKeys, mfa: MFAVerifier? = nil,
        messages: AuthorizationMessageCodec? = nil, authorizer: Authorizer? = nil
    ) {
        self.store = store
        self.secretBox = secretBox
        self.sessionKeys = sessionKeys
        self.mfa = mfa ?? MFAVerifier(store: store, secretBox: secretBox)
        self.messages = messages
        self.authorizer = authorizer ?? Authorizer(store: store, messages: messages)
    }

    // MARK: DecodeAuthorizationMessage

    /// `DecodeAuthorizationMessage`: the JSON behind an "Encoded authorization failure message" of this deployment.
    /// The caller needs `sts:DecodeAuthorizationMessage` (the root always has it).
    public func decodeAuthorizationMessage(_ input: DecodeAuthorizationMessageInput, caller: Caller, now: Date)
        async throws(STSError) -> DecodeAuthorizationMessageOutput
    {
        try Self.checkSessionRestrictions(caller, action: "DecodeAuthorizationMessage")
        let action = "sts:DecodeAuthorizationMessage"
        let (decision, _) = try await authorizer.decide(
            caller: caller, action: action, resource: "*", resourceAccount: caller.accountId, now: now)
        guard decision.isAllowed else {
            // No encoded message here: decoding one must not need another.
            throw STSError(
                .accessDenied, "User: \(caller.arn) is not authorized to perform: \(action) \(decision.reason)")
        }
        guard let messages else {
            throw STSError(.invalidAuthorizationMessage, "The encoded authorization message is invalid.")
        }
        return DecodeAuthorizationMessageOutput(decodedMessage: try messages.decode(input.encodedMessage))
    }

    // MARK: GetCallerIdentity

    /// `GetCallerIdentity`: needs no permission and is never denied.
    public func getCallerIdentity(_ input: GetCallerIdentityInput, caller: Caller) -> GetCallerIdentityOutput {
        GetCallerIdentityOutput(userId: caller.userId, account: caller.accountId, arn: caller.arn)
    }

    // MARK: GetAccessKeyInfo

    /// `GetAccessKeyInfo`: the account of any access key ID. Keys this server stores answer with their account
    /// (a bootstrap file may declare keys that do not encode it); any other well-formed ID is decoded as AWS
    /// encodes accounts into key IDs.
    public func getAccessKeyInfo(_ input: GetAccessKeyInfoInput, caller: Caller) async throws(STSError)
        -> GetAccessKeyInfoOutput
    {
        try Self.checkSessionRestrictions(caller, action: "GetAccessKeyInfo")
        let accessKeyId = input.accessKeyId
        if accessKeyId.hasPrefix("AKIA"), let record = try? await store.accessKey(id: accessKeyId) {
            return GetAccessKeyInfoOutput(account: record.accountId)
        }
        guard let account = AccessKeyID.account(of: accessKeyId) else {
            throw STSError(.invalidParameterValue, "The access key ID '\(accessKeyId)' is not well formed.")
        }
        return GetAccessKeyInfoOutput(account: account)
    }

    // MARK: GetSessionToken

    /// `GetSessionToken`: long-term credentials only; users get 900...129600 s (default 43200), the root at most
    /// 3600 s (longer requests are shortened to one hour, as AWS does). With `SerialNumber` and `TokenCode`, the
    /// code must come from the caller's enabled MFA device and the session is marked MFA-authenticated.
    public func getSessionToken(_ input: GetSessionTokenInput, caller: Caller, now: Date) async throws(STSError)
        -> GetSessionTokenOutput
    {
        if caller.sessionClaims != nil {
            throw STSError(.accessDenied, "Cannot call GetSessionToken with session credentials")
        }
        let duration: Int
        if caller.isRoot {
            duration = min(input.durationSeconds ?? 3600, 3600)
        } else {
            duration = input.durationSeconds ?? 43200
        }
        var mfaAuthenticated = false
        if input.serialNumber != nil || input.tokenCode != nil {
            guard let serialNumber = input.serialNumber, let tokenCode = input.tokenCode else {
                throw STSError(.accessDenied, MFAVerifier.unableToValidate)
            }
            let userName: String?
            if case .user(let user) = caller.credentials { userName = user.userName } else { userName = nil }
            try await mfa.verifySessionCode(
                accountId: caller.accountId, userName: userName, serialNumber: serialNumber, code: tokenCode, now: now)
            mfaAuthenticated = true
        }
        let issued = now.wholeSeconds
        var claims = SessionTokenClaims(
            accessKeyId: AccessKeyID.generate(kind: .temporary, account: caller.accountId),
            secretAccessKey: Self.generateSecretAccessKey(),
            accountId: caller.accountId,
            kind: caller.isRoot ? .rootSession : .sessionToken,
            principalArn: caller.arn,
            userId: caller.userId,
            issuedAt: issued,
            expiresAt: issued.addingTimeInterval(TimeInterval(duration))
        )
        claims.sourcePrincipalArn = caller.arn
        claims.mfaAuthenticated = mfaAuthenticated
        claims.mfaAuthenticatedAt = mfaAuthenticated ? issued : nil
        claims.setAncestry(try SessionAncestry.derived(from: caller, callerArn: caller.arn, issuedAt: issued))
        return GetSessionTokenOutput(credentials: try seal(claims))
    }

    /// The claims sealed into a session token, as the `Credentials` STS returns.
    func seal(_ claims: SessionTokenClaims) throws(STSError) -> Credentials {
        guard !sessionKeys.masterKeyRotatedAway else {
            throw STSError(.serviceUnavailable, SessionKeys.masterKeyRotatedMessage)
        }
        let token: String
        do {
            token = try sessionKeys.seal(claims)
        } catch {
            throw STSError(
                .packedPolicyTooLarge, "The session policies and tags are too large to pack into a session token.",
                cause: error)
        }
        return Credentials(
            accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey, sessionToken: token,
            expiration: claims.expiresAt)
    }

    // MARK: Rules shared by the operations

    /// Credentials from GetSessionToken may call only AssumeRole and GetCallerIdentity in STS.
    public static func checkSessionRestrictions(_ caller: Caller, action: String) throws(STSError) {
        guard action != "GetCallerIdentity" else { return }
        guard let claims = caller.sessionClaims else { return }
        if claims.kind == .federatedUser {
            // Federation tokens may call only GetCallerIdentity in STS.
            throw STSError(.accessDenied, "Cannot call \(action) with session credentials")
        }
        if claims.kind == .assumedRole, action == "GetSessionToken" || action == "GetFederationToken" {
            throw STSError(.accessDenied, "Cannot call \(action) with session credentials")
        }
        guard action != "AssumeRole" else { return }
        if claims.kind == .sessionToken || claims.kind == .rootSession {
            throw STSError(.accessDenied, "Cannot call \(action) with session credentials")
        }
    }

    /// A 40-character secret access key from 30 random bytes, in the base64 alphabet AWS's secrets use.
    public static func generateSecretAccessKey() -> String {
        // From the process's pool of kernel randomness (`SecureRandom`): `SymmetricKey(size:)` made four getrandom
        // calls of 8 bytes for these 30. The temporary buffer is wiped after encoding.
        SecureRandom.shared.withBytes(count: 30) { Base64.encode($0) }
    }
}
