#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension WebIdentityTokenVerifier {
    /// The claim that carries session tags.
    static let tagsClaim = "https://aws.amazon.com/tags"

    static func checkClaims(
        _ claims: [String: JSONClaimValue], issuer: String, provider: RegisteredOIDCProvider, now: Date
    ) throws(WebIdentityError) -> VerifiedWebIdentity {
        let current = now.timeIntervalSince1970
        guard case .number(let exp)? = claims["exp"], exp.isFinite else {
            throw .invalidToken("The token has no expiration (exp) claim")
        }
        guard current <= exp + allowedClockSkew else {
            throw .expired(
                "Token expired: current date/time \(Int64(current)) must be before the expiration date/time \(Int64(exp))"
            )
        }
        if let nbf = claims["nbf"] {
            guard case .number(let value) = nbf, value.isFinite else {
                throw .invalidToken("The nbf claim is not a number")
            }
            guard value <= current + allowedClockSkew else { throw .invalidToken("The token is not valid yet (nbf)") }
        }
        var issuedAt: Date? = nil
        if let iat = claims["iat"] {
            guard case .number(let value) = iat, value.isFinite else {
                throw .invalidToken("The iat claim is not a number")
            }
            guard value <= current + allowedClockSkew else {
                throw .invalidToken("The token was issued in the future (iat)")
            }
            issuedAt = Date(timeIntervalSince1970: value)
        }
        guard case .string(let subject)? = claims["sub"], !subject.isEmpty else {
            throw .invalidToken("The token has no subject (sub) claim")
        }
        guard let audiences = claims["aud"]?.stringList, !audiences.isEmpty else {
            throw .invalidToken("The token has no audience (aud) claim")
        }
        let audience: String
        var originalAudiences: [String] = []
        if let azp = claims["azp"] {
            guard case .string(let presenter) = azp, provider.clientIDs.contains(presenter) else {
                throw .incorrectAudience
            }
            audience = presenter
            originalAudiences = audiences
        } else {
            guard let match = audiences.first(where: provider.clientIDs.contains) else { throw .incorrectAudience }
            audience = match
        }
        var methods: [String] = []
        if let amr = claims["amr"] {
            guard let list = amr.stringList else { throw .invalidToken("The amr claim is not a list of strings") }
            methods = list
        }
        return VerifiedWebIdentity(
            issuer: issuer, provider: provider.identity, subject: subject, audience: audience,
            audiences: audiences, originalAudiences: originalAudiences, authenticationMethods: methods,
            sessionTags: try claims[tagsClaim].map(parseSessionTags), expiration: Date(timeIntervalSince1970: exp),
            issuedAt: issuedAt, claims: claims
        )
    }

    /// Parses `{"principal_tags": {"K": ["V"]}, "transitive_tag_keys": ["K"]}`. A malformed claim is
    /// `InvalidIdentityToken`; well-formed tags beyond STS's limits (50 tags, keys 1...128, values ≤ 256
    /// characters, transitive keys that are not tags) are `IDPRejectedClaim`.
    static func parseSessionTags(_ value: JSONClaimValue) throws(WebIdentityError) -> WebIdentitySessionTags {
        guard case .object(let fields) = value else { throw .invalidToken("The session tags claim is not an object") }
        var tags: [WebIdentitySessionTag] = []
        if let principal = fields["principal_tags"] {
            guard case .object(let entries) = principal else {
                throw .invalidToken("principal_tags in the session tags claim is not an object")
            }
            for (key, entry) in entries {
                guard case .array(let values) = entry, values.count == 1, case .string(let text) = values[0] else {
                    throw .invalidToken("Each principal tag must have exactly one string value")
                }
                tags.append(WebIdentitySessionTag(key: key, value: text))
            }
        }
        tags.sort { $0.key < $1.key }
        var transitive: [String] = []
        if let keys = fields["transitive_tag_keys"] {
            guard let list = keys.stringList else {
                throw .invalidToken("transitive_tag_keys in the session tags claim is not a list of strings")
            }
            transitive = list
        }
        guard tags.count <= 50 else { throw .rejectedClaim("The token carries more than 50 session tags") }
        for tag in tags where tag.key.isEmpty || tag.key.count > 128 || tag.value.count > 256 {
            throw .rejectedClaim("A session tag key or value in the token is too long or empty")
        }
        let tagKeys = Set(tags.map { $0.key.lowercased() })
        for key in transitive where !tagKeys.contains(key.lowercased()) {
            throw .rejectedClaim("A transitive tag key in the token is not one of its principal tags")
        }
        return WebIdentitySessionTags(tags: tags, transitiveTagKeys: transitive)
    }
}
