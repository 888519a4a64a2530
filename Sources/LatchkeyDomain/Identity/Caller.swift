import Foundation

/// The authenticated principal behind a request, as the core sees it: no HTTP types.
public struct Caller: Sendable {
    /// What kind of credentials signed the request.
    public enum Credentials: Sendable {
        /// A long-term key of the account's root.
        case root
        /// A long-term key of an IAM user.
        case user(IAMUser)
        /// Temporary credentials; the claims come from the session token.
        case temporary(SessionTokenClaims)
    }

    public var accountId: String
    public var accessKeyId: String
    public var credentials: Credentials
    /// What the transport knows about this request (source IP, user agent, TLS, region), for conditions.
    public var request: RequestMetadata

    public init(accountId: String, accessKeyId: String, credentials: Credentials, request: RequestMetadata = .init()) {
        self.accountId = accountId
        self.accessKeyId = accessKeyId
        self.credentials = credentials
        self.request = request
    }

    /// The ARN GetCallerIdentity returns.
    public var arn: String {
        switch credentials {
        case .root: return "arn:aws:iam::\(accountId):root"
        case .user(let user): return user.arn
        case .temporary(let claims): return claims.principalArn
        }
    }

    /// The UserId GetCallerIdentity returns (the `aws:userid` value).
    public var userId: String {
        switch credentials {
        case .root: return accountId
        case .user(let user): return user.userId
        case .temporary(let claims): return claims.userId
        }
    }

    /// True for the root's long-term keys and for session credentials the root obtained.
    public var isRoot: Bool {
        switch credentials {
        case .root: return true
        case .user: return false
        case .temporary(let claims): return claims.kind == .rootSession
        }
    }

    /// The claims of temporary credentials, nil for long-term keys.
    public var sessionClaims: SessionTokenClaims? {
        if case .temporary(let claims) = credentials { return claims }
        return nil
    }

    /// Whether this request was authenticated with MFA (only temporary credentials can carry it).
    public var isMFAAuthenticated: Bool { sessionClaims?.mfaAuthenticated ?? false }
}
