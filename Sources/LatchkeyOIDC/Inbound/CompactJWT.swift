import LatchkeyBase

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The signature algorithms accepted on web identity tokens. `none` and every HMAC algorithm are absent on
/// purpose: an issuer's public key must never be usable as a shared secret.
public enum WebIdentityAlgorithm: String, Sendable, CaseIterable {
    case rs256 = "RS256"
    case rs384 = "RS384"
    case rs512 = "RS512"
    case ps256 = "PS256"
    case ps384 = "PS384"
    case ps512 = "PS512"
    case es256 = "ES256"
    case es384 = "ES384"
    case es512 = "ES512"

    /// The JWK `kty` a key must have to verify this algorithm.
    public var keyType: String {
        switch self {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: "RSA"
        case .es256, .es384, .es512: "EC"
        }
    }

    /// The JWK `crv` an EC key must have for this algorithm (`nil` for RSA).
    public var curve: String? {
        switch self {
        case .es256: "P-256"
        case .es384: "P-384"
        case .es512: "P-521"
        default: nil
        }
    }
}

/// A compact-serialised JWT split and decoded just enough to route it: header `alg`/`kid`, the payload's
/// claims, and the signature. Nothing here is trusted until the signature has been verified.
struct CompactJWT: Sendable {
    /// The longest token accepted (the STS model's `WebIdentityToken` maximum).
    static let maximumLength = 20_000

    let algorithm: WebIdentityAlgorithm
    let keyID: String?
    let claims: [String: JSONClaimValue]
    /// The decoded signature.
    let signature: [UInt8]
    /// The length of the signing input, `header.payload`: the token's UTF-8 bytes before the last `.`.
    let signingInputLength: Int

    /// Splits and decodes `token`, rejecting anything that is not three base64url parts of JSON objects, any
    /// algorithm outside ``WebIdentityAlgorithm``, and a header with `crit`, `jku`, `x5u`, `jwk` or `x5c`.
    ///
    /// The parts are found and decoded straight from the token's bytes, and each JSON object is read once into
    /// claim values by ``ClaimsReader`` (no text copies, no intermediate JSON tree).
    init(parsing token: String) throws(WebIdentityError) {
        self = try token.withUTF8Bytes { (bytes) throws(WebIdentityError) -> CompactJWT in
            guard !bytes.isEmpty, bytes.count <= Self.maximumLength else {
                throw .invalidToken("The web identity token is empty or longer than \(Self.maximumLength) characters")
            }
            // One pass: the dots, and whether every other byte is base64url (refused only after the shape).
            var dots = 0
            var firstDot = 0
            var secondDot = 0
            var allBase64URL = true
            for index in 0..<bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ".") {
                    if dots == 0 { firstDot = index } else if dots == 1 { secondDot = index }
                    dots += 1
                } else if !Self.isBase64URL(byte) {
                    allBase64URL = false
                }
            }
            guard dots == 2, firstDot > 0, secondDot > firstDot + 1 else {
                throw .invalidToken("The web identity token is not a JWS in compact serialization")
            }
            guard secondDot + 1 < bytes.count else { throw .invalidToken("The web identity token is not signed") }
            guard allBase64URL else {
                throw .invalidToken("The web identity token is not a JWS in compact serialization")
            }
            let header = try Self.decodeObject(UnsafeBufferPointer(rebasing: bytes[..<firstDot]), what: "header")
            guard case .string(let algName)? = header["alg"] else {
                throw .invalidToken("The token header has no algorithm")
            }
            guard let algorithm = WebIdentityAlgorithm(rawValue: algName) else {
                throw .invalidToken("The token is signed with an unsupported algorithm")
            }
            for field in Self.unsupportedHeaderFields where header[field] != nil {
                throw .invalidToken("The token header field \(field) is not supported")
            }
            var keyID: String? = nil
            if let kid = header["kid"] {
                guard case .string(let value) = kid, !value.isEmpty, value.utf8.count <= 256 else {
                    throw .invalidToken("The token header has an invalid key ID")
                }
                keyID = value
            }
            let claims = try Self.decodeObject(
                UnsafeBufferPointer(rebasing: bytes[(firstDot + 1)..<secondDot]), what: "payload")
            let signature = try Self.base64URLDecode(
                UnsafeBufferPointer(rebasing: bytes[(secondDot + 1)...]), what: "signature")
            return CompactJWT(
                algorithm: algorithm, keyID: keyID, claims: claims, signature: signature, signingInputLength: secondDot)
        }
    }

    private init(
        algorithm: WebIdentityAlgorithm, keyID: String?, claims: [String: JSONClaimValue], signature: [UInt8],
        signingInputLength: Int
    ) {
        self.algorithm = algorithm
        self.keyID = keyID
        self.claims = claims
        self.signature = signature
        self.signingInputLength = signingInputLength
    }

    private static let unsupportedHeaderFields = ["crit", "jku", "x5u", "jwk", "x5c"]

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    static func base64URLDecode(_ part: UnsafeBufferPointer<UInt8>, what: String) throws(WebIdentityError) -> [UInt8] {
        // Unpadded base64url; nonzero unused bits in the last character are tolerated, as they always were.
        guard let bytes = Base64.decodeURL(part, options: .allowingNonzeroTrailingBits) else {
            throw .invalidToken("The token \(what) is not valid base64url")
        }
        return bytes
    }

    private static func decodeObject(
        _ part: UnsafeBufferPointer<UInt8>, what: String
    ) throws(WebIdentityError) -> [String: JSONClaimValue] {
        let data = try base64URLDecode(part, what: what)
        // The strict reader's rules: linear, bounded, duplicate members refused (see ClaimsReader).
        guard data.first == UInt8(ascii: "{"), let claims = data.withUnsafeBufferPointer(ClaimsReader.object) else {
            throw .invalidToken("The token \(what) is not a JSON object")
        }
        return claims
    }
}
