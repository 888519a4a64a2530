#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// One session tag passed by the identity provider in the `https://aws.amazon.com/tags` claim.
public struct WebIdentitySessionTag: Sendable, Hashable {
    /// The tag key.
    public let key: String
    /// The tag value.
    public let value: String
}

/// The session tags of the `https://aws.amazon.com/tags` claim: `principal_tags` (each value a
/// single-element array) and `transitive_tag_keys`.
public struct WebIdentitySessionTags: Sendable, Hashable {
    /// The tags, sorted by key.
    public let tags: [WebIdentitySessionTag]
    /// The keys marked transitive; each is one of the tags' keys.
    public let transitiveTagKeys: [String]
}

/// A web identity token whose signature, issuer, audience and validity period have been verified.
public struct VerifiedWebIdentity: Sendable, Hashable {
    /// The token's `iss` claim, as written.
    public let issuer: String
    /// The provider the token was verified against.
    public let provider: OIDCProviderIdentity
    /// The `sub` claim (`SubjectFromWebIdentityToken`).
    public let subject: String
    /// The audience used (the response's `Audience` and the `:aud` key): `azp` when present, else the first
    /// `aud` value registered in the ClientIDList.
    public let audience: String
    /// All values of the `aud` claim.
    public let audiences: [String]
    /// The original `aud` values when `azp` was used as the audience (the `:oaud` key); empty otherwise.
    public let originalAudiences: [String]
    /// The `amr` claim's values (the `:amr` key).
    public let authenticationMethods: [String]
    /// Session tags from the `https://aws.amazon.com/tags` claim, when present.
    public let sessionTags: WebIdentitySessionTags?
    /// The `exp` claim.
    public let expiration: Date
    /// The `iat` claim, when present.
    public let issuedAt: Date?
    /// Every claim of the payload, for condition keys on custom claims.
    public let claims: [String: JSONClaimValue]

    /// The request context keys of `AssumeRoleWithWebIdentity`: `PROVIDER:aud`, `PROVIDER:sub`,
    /// `PROVIDER:amr` (when the token has `amr`), `PROVIDER:oaud` (when `azp` was used) and
    /// `aws:FederatedProvider` (the provider ARN, given by the caller). `PROVIDER` is
    /// `HOST[:PORT][/PATH]`.
    public func conditionKeys(providerARN: String) -> [String: [String]] {
        let prefix = provider.identity
        var keys: [String: [String]] = [
            "\(prefix):aud": [audience],
            "\(prefix):sub": [subject],
            "aws:FederatedProvider": [providerARN],
        ]
        if !authenticationMethods.isEmpty { keys["\(prefix):amr"] = authenticationMethods }
        if !originalAudiences.isEmpty { keys["\(prefix):oaud"] = originalAudiences }
        return keys
    }
}
