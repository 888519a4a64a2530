import JWTKit

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The usable signature-verification keys of one issuer's JWKS, held in one jwt-kit `JWTKeyCollection`.
///
/// Only public `RSA` and `EC` (P-256/384/521) keys whose `use` is absent or `sig` and whose `alg` is absent or
/// one of ``WebIdentityAlgorithm`` are kept; `oct`, `OKP`, private and unknown keys are dropped. Each kept key
/// is stored under an internal identifier per algorithm it may verify, so jwt-kit's lookup by `kid` and its
/// default-key fallback are never used: this type routes a token to a key itself.
struct VerificationKeySet: Sendable {
    /// The most keys accepted in one JWKS document.
    static let maximumKeys = 100

    struct Key: Sendable {
        let kid: String?
        let keyType: String
        let curve: String?
        let declaredAlgorithm: WebIdentityAlgorithm?
        let index: Int

        func accepts(_ algorithm: WebIdentityAlgorithm) -> Bool {
            guard keyType == algorithm.keyType else { return false }
            if let curve = algorithm.curve, curve != self.curve { return false }
            if let declaredAlgorithm, declaredAlgorithm != algorithm { return false }
            return true
        }
    }

    enum Selection: Sendable {
        case key(Key)
        case unknownKeyID
    }

    let keys: [Key]
    /// jwt-kit's verifier of every (key, algorithm) pair, fetched from the collection once when the set is built,
    /// so verifying a token needs no hop onto the collection's actor.
    let verifiers: [String: any JWTAlgorithm]

    static func internalID(index: Int, algorithm: WebIdentityAlgorithm) -> JWKIdentifier {
        JWKIdentifier(string: "latchkey-\(index)-\(algorithm.rawValue)")
    }

    /// Parses a JWKS document; a document that is not JSON, has no `keys` array or no usable key is refused.
    static func parse(_ data: Data) async throws(WebIdentityError) -> VerificationKeySet {
        let raw: [String: JSONClaimValue]
        let lossy: LossyKeySet
        do {
            raw = try JSONDecoder().decode([String: JSONClaimValue].self, from: data)
            lossy = try JSONDecoder().decode(LossyKeySet.self, from: data)
        } catch {
            throw .communication("JWKS is not a JSON object with a keys array")
        }
        guard case .array(let rawKeys)? = raw["keys"], rawKeys.count == lossy.keys.count else {
            throw .communication("JWKS has no keys array")
        }
        guard rawKeys.count <= maximumKeys else { throw .communication("JWKS has too many keys") }
        let collection = JWTKeyCollection()
        var keys: [Key] = []
        for (index, (rawKey, decoded)) in zip(rawKeys, lossy.keys).enumerated() {
            guard case .object(let fields) = rawKey, let jwk = decoded.jwk,
                let key = usableKey(fields, index: index)
            else { continue }
            var added = false
            for algorithm in WebIdentityAlgorithm.allCases where key.accepts(algorithm) {
                var copy = jwk
                copy.algorithm = JWK.Algorithm(rawValue: algorithm.rawValue)
                copy.keyIdentifier = internalID(index: index, algorithm: algorithm)
                do {
                    try await collection.add(jwk: copy, isDefault: false)
                    added = true
                } catch {
                    continue
                }
            }
            if added { keys.append(key) }
        }
        guard !keys.isEmpty else { throw .communication("JWKS has no usable signing key") }
        var verifiers: [String: any JWTAlgorithm] = [:]
        for key in keys {
            for algorithm in WebIdentityAlgorithm.allCases where key.accepts(algorithm) {
                let identifier = internalID(index: key.index, algorithm: algorithm)
                if let verifier = try? await collection.getKey(for: identifier) {
                    verifiers[identifier.string] = verifier
                }
            }
        }
        return VerificationKeySet(keys: keys, verifiers: verifiers)
    }

    private static func usableKey(_ fields: [String: JSONClaimValue], index: Int) -> Key? {
        guard case .string(let kty)? = fields["kty"], kty == "RSA" || kty == "EC" else { return nil }
        if let use = fields["use"], use != .string("sig") { return nil }
        for privateField in ["d", "p", "q", "dp", "dq", "qi", "k"] where fields[privateField] != nil { return nil }
        var declared: WebIdentityAlgorithm? = nil
        if let alg = fields["alg"] {
            guard case .string(let name) = alg, let algorithm = WebIdentityAlgorithm(rawValue: name) else { return nil }
            declared = algorithm
        }
        var curve: String? = nil
        if kty == "EC" {
            guard case .string(let crv)? = fields["crv"], ["P-256", "P-384", "P-521"].contains(crv) else { return nil }
            curve = crv
        }
        var kid: String? = nil
        if let value = fields["kid"] {
            guard case .string(let text) = value else { return nil }
            kid = text
        }
        let key = Key(kid: kid, keyType: kty, curve: curve, declaredAlgorithm: declared, index: index)
        guard WebIdentityAlgorithm.allCases.contains(where: key.accepts) else { return nil }
        return key
    }

    /// Picks the key for a token: by `kid` when the token names one, else the only key; `kid` is required when
    /// the set holds several keys, and the token's `alg` must match the key's type, curve and declared `alg`.
    func select(keyID: String?, algorithm: WebIdentityAlgorithm) throws(WebIdentityError) -> Selection {
        let candidates: [Key]
        if let keyID {
            candidates = keys.filter { $0.kid == keyID }
            guard !candidates.isEmpty else { return .unknownKeyID }
        } else {
            guard keys.count == 1 else {
                throw .invalidToken("The token has no key ID (kid) and the identity provider publishes several keys")
            }
            candidates = keys
        }
        guard let key = candidates.first(where: { $0.accepts(algorithm) }) else {
            throw .invalidToken("The token's algorithm does not match the identity provider's key")
        }
        return .key(key)
    }

    /// Verifies `signature` over the signing input `header.payload`, the first `signingInputLength` UTF-8 bytes of
    /// `token` (read in place, not copied), with `key` used as `algorithm`.
    func verifySignature(
        of token: String, signingInputLength: Int, signature: [UInt8], key: Key, algorithm: WebIdentityAlgorithm
    ) throws(WebIdentityError) {
        let valid: Bool
        if let verifier = verifiers[Self.internalID(index: key.index, algorithm: algorithm).string] {
            valid = token.withUTF8Bytes { bytes in
                let signingInput = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<signingInputLength]))
                return (try? verifier.verify(signature, signs: signingInput)) ?? false
            }
        } else {
            valid = false
        }
        guard valid else { throw .invalidToken("The token's signature could not be verified") }
    }
}

private struct LossyKeySet: Decodable {
    struct Entry: Decodable {
        let jwk: JWK?
        init(from decoder: any Decoder) throws { jwk = try? JWK(from: decoder) }
    }
    let keys: [Entry]
}
