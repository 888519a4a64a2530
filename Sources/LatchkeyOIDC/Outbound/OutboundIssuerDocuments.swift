public import Foundation

/// The two documents an outbound issuer serves, rendered as deterministic JSON bytes (sorted keys, no
/// whitespace, `/` unescaped), so equal inputs give byte-equal responses and stable ETags.
public enum OutboundIssuerDocuments {
    /// The claims Latchkey's tokens can carry; `https://sts.amazonaws.com/` is the AWS namespace object.
    public static let claimsSupported = [
        "aud", "exp", "https://sts.amazonaws.com/", "iat", "iss", "jti", "nbf", "sub",
    ]

    struct Configuration: Encodable {
        let issuer: String
        let jwks_uri: String
        let id_token_signing_alg_values_supported: [String]
        let response_types_supported: [String]
        let subject_types_supported: [String]
        let claims_supported: [String]
    }

    struct KeySet: Encodable {
        let keys: [OutboundPublicJWK]
    }

    /// `/.well-known/openid-configuration`: `issuer`, `jwks_uri`, `id_token_signing_alg_values_supported`
    /// (`RS256`, `ES384`), `response_types_supported` (`id_token`), `subject_types_supported` (`public`) and
    /// `claims_supported`.
    public static func openIDConfiguration(for issuer: OutboundIssuer) -> Data {
        encode(
            Configuration(
                issuer: issuer.url,
                jwks_uri: issuer.jwksURL,
                id_token_signing_alg_values_supported: OutboundSigningAlgorithm.allCases.map(\.rawValue),
                response_types_supported: ["id_token"],
                subject_types_supported: ["public"],
                claims_supported: claimsSupported))
    }

    /// `/.well-known/jwks.json`: `{"keys":[…]}` with the public JWK of each key, in the order given
    /// (``OutboundKeyRing/publishedKeys(now:)`` gives a stable order).
    public static func jwks(_ keys: [OutboundSigningKey]) -> Data {
        encode(KeySet(keys: keys.map(\.publicJWK)))
    }

    /// The JWKS of the keys `ring` publishes at `now`.
    public static func jwks(of ring: OutboundKeyRing, now: Date) -> Data {
        jwks(ring.publishedKeys(now: now))
    }

    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Plain strings, arrays and optionals of them cannot fail to encode.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}
