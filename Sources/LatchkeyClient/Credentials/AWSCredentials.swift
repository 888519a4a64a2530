#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A set of AWS credentials: an access key, its secret, and for temporary credentials a session token and an
/// expiry. `description` never shows the secret or the token.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The access key ID (`AKIA...` for long-term keys, `ASIA...` for temporary ones).
    public var accessKeyId: String
    /// The secret access key.
    public var secretAccessKey: String
    /// The session token of temporary credentials.
    public var sessionToken: String?
    /// When temporary credentials stop working; `nil` for credentials that do not expire.
    public var expiration: Date?

    /// Credentials from their parts.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    public var description: String {
        "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>, sessionToken: \(sessionToken == nil ? "nil" : "<redacted>"), expiration: \(expiration.map { "\($0)" } ?? "nil"))"
    }
}

/// Something that hands out AWS credentials: fixed keys, the environment, a profile, or an STS call that is
/// refreshed before it expires.
public protocol AWSCredentialProvider: Sendable {
    /// Credentials valid now. Refreshing providers renew them before they expire.
    func credentials() async throws -> AWSCredentials
}
