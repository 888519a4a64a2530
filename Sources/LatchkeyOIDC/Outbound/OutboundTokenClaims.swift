import Foundation

/// What `GetWebIdentityToken` puts in a token for the calling principal, before the signer adds `iat`,
/// `exp` and `jti`.
///
/// AWS's layout (IAM User Guide, "Understanding token claims"): the registered claims `iss`, `sub` (the
/// principal ARN), `aud`, `iat`, `exp`, `jti`, and one object under `https://sts.amazonaws.com/` holding
/// `aws_account`, `source_region`, `org_id`, `ou_path`, `principal_tags` and `request_tags` (the request's
/// `Tags`), each present only when it has a value. Latchkey has no organizations, so `org_id` and `ou_path`
/// are set only if the caller supplies them; session-context claims (EC2 or Lambda source ARNs) are not made.
public struct OutboundTokenClaims: Sendable, Hashable {
    /// The account's issuer URL (``OutboundIssuer/url``).
    public var issuer: String
    /// The calling principal's ARN.
    public var subject: String
    /// The request's `Audience` list: 1 to 10 values; one value is written as a string, several as an array.
    public var audiences: [String]
    /// The token lifetime, `DurationSeconds`: 60 to 3600, 300 when the request has none.
    public var durationSeconds: Int
    /// Whether to write `nbf` (equal to `iat`). AWS's sample tokens have none; off by default.
    public var includesNotBefore: Bool
    /// `aws_account`: the caller's account ID.
    public var account: String
    /// `source_region`: the region the request was made in.
    public var sourceRegion: String?
    /// `org_id`.
    public var organizationID: String?
    /// `ou_path`.
    public var organizationalUnitPath: String?
    /// `principal_tags`: the tags of the calling principal (and its session).
    public var principalTags: [String: String]
    /// `request_tags`: the request's `Tags`.
    public var requestTags: [String: String]

    public init(
        issuer: String, subject: String, audiences: [String],
        durationSeconds: Int = OutboundTokenSigner.defaultDurationSeconds, includesNotBefore: Bool = false,
        account: String, sourceRegion: String? = nil, organizationID: String? = nil,
        organizationalUnitPath: String? = nil, principalTags: [String: String] = [:],
        requestTags: [String: String] = [:]
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audiences = audiences
        self.durationSeconds = durationSeconds
        self.includesNotBefore = includesNotBefore
        self.account = account
        self.sourceRegion = sourceRegion
        self.organizationID = organizationID
        self.organizationalUnitPath = organizationalUnitPath
        self.principalTags = principalTags
        self.requestTags = requestTags
    }
}
