#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Verifies `AssumeRoleWithWebIdentity` tokens against registered OpenID Connect providers.
///
/// Order: bounded compact parsing (≤ 20,000 characters, three base64url parts, JSON objects); `alg` must be
/// RS/PS/ES 256/384/512 (never `none`, never HMAC) before any key lookup; `iss` must name the provider; the
/// key is chosen by `kid` (required when the JWKS has several keys; an unknown `kid` causes at most one
/// rate-limited refresh) and must match `alg`; the signature is verified with jwt-kit; then `exp` (required),
/// `nbf`, `iat` with a 5-minute skew, `sub` (required), and the audience against the ClientIDList.
public struct WebIdentityTokenVerifier: Sendable {
    /// The clock skew AWS allows on `exp`, `nbf` and `iat`.
    public static let allowedClockSkew: TimeInterval = 300

    private let cache: JWKSCache

    /// Creates a verifier over a shared key cache.
    public init(cache: JWKSCache) {
        self.cache = cache
    }

    /// A token split and decoded but not yet verified: its `iss` names the provider to look up.
    public struct UnverifiedToken: Sendable {
        let text: String
        let jwt: CompactJWT
        /// The `iss` claim, untrusted until ``verify(_:provider:now:)`` succeeds.
        public let issuer: String
        /// The provider identity ``issuer`` maps to (`OIDCProviderIdentity(tokenIssuer:)`), parsed once; nil
        /// when the issuer cannot name a provider.
        public let providerIdentity: OIDCProviderIdentity?
    }

    /// Splits and decodes a token once, for the provider lookup and then ``verify(_:provider:now:)``.
    public static func parse(_ token: String) throws(WebIdentityError) -> UnverifiedToken {
        let jwt = try CompactJWT(parsing: token)
        guard case .string(let issuer)? = jwt.claims["iss"], !issuer.isEmpty else {
            throw .invalidToken("The token has no issuer (iss) claim")
        }
        return UnverifiedToken(
            text: token, jwt: jwt, issuer: issuer, providerIdentity: OIDCProviderIdentity(tokenIssuer: issuer))
    }

    /// Verifies `token` against `provider` at time `now`.
    public func verify(
        token: String, provider: RegisteredOIDCProvider, now: Date
    ) async throws(WebIdentityError) -> VerifiedWebIdentity {
        try await verify(try Self.parse(token), provider: provider, now: now)
    }

    /// Verifies a parsed token against `provider` at time `now`.
    public func verify(
        _ token: UnverifiedToken, provider: RegisteredOIDCProvider, now: Date
    ) async throws(WebIdentityError) -> VerifiedWebIdentity {
        guard token.providerIdentity == provider.identity else {
            throw .unknownProvider(issuer: token.issuer)
        }
        try await verifySignature(of: token.text, jwt: token.jwt, provider: provider, now: now)
        return try Self.checkClaims(token.jwt.claims, issuer: token.issuer, provider: provider, now: now)
    }

    private func verifySignature(
        of token: String, jwt: CompactJWT, provider: RegisteredOIDCProvider, now: Date
    ) async throws(WebIdentityError) {
        var snapshot =
            if let fresh = cache.freshKeys(for: provider, now: now) { fresh } else {
                try await cache.keys(for: provider, now: now)
            }
        var selection = try snapshot.keys.select(keyID: jwt.keyID, algorithm: jwt.algorithm)
        if case .unknownKeyID = selection {
            if let newer = try await cache.refreshed(for: provider, after: snapshot, now: now) {
                snapshot = newer
                selection = try snapshot.keys.select(keyID: jwt.keyID, algorithm: jwt.algorithm)
            }
        }
        guard case .key(let key) = selection else {
            throw .invalidToken("The token's key ID (kid) is not in the identity provider's key set")
        }
        try snapshot.keys.verifySignature(
            of: token, signingInputLength: jwt.signingInputLength, signature: jwt.signature, key: key,
            algorithm: jwt.algorithm)
    }
}
