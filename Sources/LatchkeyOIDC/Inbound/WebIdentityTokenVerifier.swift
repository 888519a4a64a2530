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

    /// The `iss` claim of an unverified token, to look the provider up before calling ``verify(token:provider:now:)``.
    public static func unverifiedIssuer(of token: String) throws(WebIdentityError) -> String {
        let jwt = try CompactJWT(parsing: token)
        guard case .string(let issuer)? = jwt.claims["iss"], !issuer.isEmpty else {
            throw .invalidToken("The token has no issuer (iss) claim")
        }
        return issuer
    }

    /// Verifies `token` against `provider` at time `now`.
    public func verify(
        token: String, provider: RegisteredOIDCProvider, now: Date
    ) async throws(WebIdentityError) -> VerifiedWebIdentity {
        let jwt = try CompactJWT(parsing: token)
        guard case .string(let issuer)? = jwt.claims["iss"], !issuer.isEmpty else {
            throw .invalidToken("The token has no issuer (iss) claim")
        }
        guard OIDCProviderIdentity(tokenIssuer: issuer) == provider.identity else {
            throw .unknownProvider(issuer: issuer)
        }
        try await verifySignature(of: token, jwt: jwt, provider: provider, now: now)
        return try Self.checkClaims(jwt.claims, issuer: issuer, provider: provider, now: now)
    }

    private func verifySignature(
        of token: String, jwt: CompactJWT, provider: RegisteredOIDCProvider, now: Date
    ) async throws(WebIdentityError) {
        var snapshot = try await cache.keys(for: provider, now: now)
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
        let bytes = Array(token.utf8)
        guard let lastDot = bytes.lastIndex(of: UInt8(ascii: ".")) else {
            throw .invalidToken("The web identity token is not a JWS in compact serialization")
        }
        let signature = try CompactJWT.base64URLDecode(bytes[(lastDot + 1)...], what: "signature")
        try await snapshot.keys.verifySignature(
            signingInput: bytes[..<lastDot], signature: signature, key: key, algorithm: jwt.algorithm
        )
    }
}
