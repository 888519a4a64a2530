public import Foundation
import JWTKit
public import LatchkeyModel

/// A token `GetWebIdentityToken` returns: the compact JWT and its `Expiration`.
public struct OutboundSignedToken: Sendable, Hashable {
    /// The compact JWT, `WebIdentityToken` in the response.
    public let token: String
    /// The `exp` claim as a date, `Expiration` in the response.
    public let expiration: Date
    /// The `kid` of the signing key.
    public let keyID: String
    /// The `jti` claim.
    public let tokenID: String
}

/// Signs outbound tokens with the active key of a ring, through jwt-kit.
///
/// The header is `{"alg":…,"kid":…,"typ":"JWT"}`; the payload is ``OutboundTokenPayload`` encoded with sorted
/// keys. Bounds are enforced again here although the request decoder already checks the model's (defence in
/// depth for callers other than the STS operation).
public enum OutboundTokenSigner {
    /// `Audience` holds 1 to 10 values (`webIdentityTokenAudienceListType`).
    public static let audienceCount = 1...10
    /// `DurationSeconds` (`webIdentityTokenDurationSecondsType`).
    public static let durationRange = 60...3600
    /// The lifetime when the request has no `DurationSeconds`.
    public static let defaultDurationSeconds = 300
    /// The largest payload, in bytes of JSON before base64url, Latchkey signs. AWS does not publish its bound;
    /// 16 KiB admits the 50 request tags of the model at typical sizes and refuses their worst case (50 tags
    /// of 128 + 256 characters are about 20 KB alone) with `JWTPayloadSizeExceededException`, keeping the
    /// compact token under 22 KB, below common HTTP header limits.
    public static let maximumPayloadBytes = 16 * 1024

    /// Signs `claims` with the active `algorithm` key of `keyRing`, issued at `now` (whole seconds).
    ///
    /// Errors (`STSError`): `ValidationError` for an audience count outside 1…10, an empty audience, or a
    /// duration outside 60…3600; `JWTPayloadSizeExceededException` when the payload exceeds
    /// ``maximumPayloadBytes``; `InternalFailure` when the ring has no active key for `algorithm` or signing
    /// fails.
    public static func sign(
        claims: OutboundTokenClaims, algorithm: OutboundSigningAlgorithm, keyRing: OutboundKeyRing, now: Date,
        tokenID: String = UUID().uuidString.lowercased()
    ) async throws(STSError) -> OutboundSignedToken {
        try checkBounds(claims)
        guard let key = keyRing.activeKey(for: algorithm) else {
            throw STSError(.internalFailure, "The outbound issuer has no active \(algorithm.rawValue) signing key.")
        }
        let issuedAt = Int(now.timeIntervalSince1970.rounded(.down))
        let payload = OutboundTokenPayload(claims: claims, issuedAt: issuedAt, tokenID: tokenID)
        let encoder = payloadEncoder()
        let size: Int
        do {
            size = try encoder.encode(payload).count
        } catch {
            throw STSError(.internalFailure, "The token payload could not be encoded.", cause: error)
        }
        guard size <= maximumPayloadBytes else {
            throw STSError(
                .jwtPayloadSizeExceeded,
                "The token payload is \(size) bytes; at most \(maximumPayloadBytes) are allowed. "
                    + "Reduce the number of request tags.")
        }
        let token: String
        do {
            let keys = try await collection(signingWith: key, encoder: encoder)
            var header = JWTHeader()
            header.typ = "JWT"
            header.alg = key.algorithm.rawValue
            token = try await keys.sign(payload, kid: JWKIdentifier(string: key.kid), header: header)
        } catch {
            throw STSError(.internalFailure, "The token could not be signed.", cause: error)
        }
        return OutboundSignedToken(
            token: token, expiration: Date(timeIntervalSince1970: TimeInterval(payload.exp)), keyID: key.kid,
            tokenID: tokenID)
    }

    static func checkBounds(_ claims: OutboundTokenClaims) throws(STSError) {
        var violations: [String] = []
        if !audienceCount.contains(claims.audiences.count) {
            violations.append(
                "Value at 'audience' failed to satisfy constraint: Member must have length between "
                    + "\(audienceCount.lowerBound) and \(audienceCount.upperBound)")
        }
        if claims.audiences.contains(where: { $0.isEmpty || $0.utf16.count > 1000 }) {
            violations.append(
                "Value at 'audience' failed to satisfy constraint: Member must have length between 1 and 1000")
        }
        if !durationRange.contains(claims.durationSeconds) {
            violations.append(
                "Value '\(claims.durationSeconds)' at 'durationSeconds' failed to satisfy constraint: Member must "
                    + "have value between \(durationRange.lowerBound) and \(durationRange.upperBound)")
        }
        guard violations.isEmpty else {
            let count = violations.count == 1 ? "1 validation error" : "\(violations.count) validation errors"
            throw STSError(.validationError, "\(count) detected: " + violations.joined(separator: "; "))
        }
    }

    static func payloadEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private static func collection(signingWith key: OutboundSigningKey, encoder: JSONEncoder) async throws
        -> JWTKeyCollection
    {
        let keys = JWTKeyCollection()
        let kid = JWKIdentifier(string: key.kid)
        let serializer = DefaultJWTSerializer(jsonEncoder: encoder)
        switch key.material {
        case .rsa(let privateKey):
            await keys.add(
                rsa: try Insecure.RSA.PrivateKey(backing: privateKey), digestAlgorithm: .sha256, kid: kid,
                serializer: serializer)
        case .p384(let privateKey):
            await keys.add(ecdsa: try ES384PrivateKey(backing: privateKey), kid: kid, serializer: serializer)
        }
        return keys
    }
}
