import Foundation
public import JWTKit

/// The JSON payload of an outbound token, as signed and as a verifier decodes it.
///
/// `aud` is a string when there is one audience and an array otherwise (both decode); times are integer
/// seconds since the epoch. ``verify(using:)`` checks only the payload's shape: the time and audience checks
/// belong to the verifier, which has an injected clock.
public struct OutboundTokenPayload: JWTPayload, Hashable {
    /// The namespace claim name.
    public static let namespace = "https://sts.amazonaws.com/"

    /// The object under ``namespace``.
    public struct AWSClaims: Codable, Sendable, Hashable {
        public var awsAccount: String
        public var sourceRegion: String?
        public var orgID: String?
        public var ouPath: String?
        public var principalTags: [String: String]?
        public var requestTags: [String: String]?

        enum CodingKeys: String, CodingKey {
            case awsAccount = "aws_account"
            case sourceRegion = "source_region"
            case orgID = "org_id"
            case ouPath = "ou_path"
            case principalTags = "principal_tags"
            case requestTags = "request_tags"
        }
    }

    public var iss: String
    public var sub: String
    public var aud: [String]
    public var iat: Int
    public var nbf: Int?
    public var exp: Int
    public var jti: String
    public var aws: AWSClaims

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, iat, nbf, exp, jti
        case aws = "https://sts.amazonaws.com/"
    }

    init(claims: OutboundTokenClaims, issuedAt: Int, tokenID: String) {
        iss = claims.issuer
        sub = claims.subject
        aud = claims.audiences
        iat = issuedAt
        nbf = claims.includesNotBefore ? issuedAt : nil
        exp = issuedAt + claims.durationSeconds
        jti = tokenID
        aws = AWSClaims(
            awsAccount: claims.account, sourceRegion: claims.sourceRegion, orgID: claims.organizationID,
            ouPath: claims.organizationalUnitPath,
            principalTags: claims.principalTags.isEmpty ? nil : claims.principalTags,
            requestTags: claims.requestTags.isEmpty ? nil : claims.requestTags)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decode(String.self, forKey: .iss)
        sub = try container.decode(String.self, forKey: .sub)
        if let single = try? container.decode(String.self, forKey: .aud) {
            aud = [single]
        } else {
            aud = try container.decode([String].self, forKey: .aud)
        }
        iat = try container.decode(Int.self, forKey: .iat)
        nbf = try container.decodeIfPresent(Int.self, forKey: .nbf)
        exp = try container.decode(Int.self, forKey: .exp)
        jti = try container.decode(String.self, forKey: .jti)
        aws = try container.decode(AWSClaims.self, forKey: .aws)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(iss, forKey: .iss)
        try container.encode(sub, forKey: .sub)
        if aud.count == 1, let single = aud.first {
            try container.encode(single, forKey: .aud)
        } else {
            try container.encode(aud, forKey: .aud)
        }
        try container.encode(iat, forKey: .iat)
        try container.encodeIfPresent(nbf, forKey: .nbf)
        try container.encode(exp, forKey: .exp)
        try container.encode(jti, forKey: .jti)
        try container.encode(aws, forKey: .aws)
    }

    /// Shape checks only: at least one audience, `exp` after `iat`.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        guard !aud.isEmpty, exp > iat else {
            throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "malformed outbound token payload")
        }
    }
}
