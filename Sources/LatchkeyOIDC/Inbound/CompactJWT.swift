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
/// claims. Nothing here is trusted until the signature has been verified.
struct CompactJWT: Sendable {
    /// The longest token accepted (the STS model's `WebIdentityToken` maximum).
    static let maximumLength = 20_000

    let algorithm: WebIdentityAlgorithm
    let keyID: String?
    let claims: [String: JSONClaimValue]

    /// Splits and decodes `token`, rejecting anything that is not three base64url parts of JSON objects, any
    /// algorithm outside ``WebIdentityAlgorithm``, and a header with `crit`, `jku`, `x5u`, `jwk` or `x5c`.
    init(parsing token: String) throws(WebIdentityError) {
        let bytes = Array(token.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.maximumLength else {
            throw .invalidToken("The web identity token is empty or longer than \(Self.maximumLength) characters")
        }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .invalidToken("The web identity token is not a JWS in compact serialization")
        }
        guard !parts[2].isEmpty else { throw .invalidToken("The web identity token is not signed") }
        for part in parts where !part.allSatisfy(Self.isBase64URL) {
            throw .invalidToken("The web identity token is not a JWS in compact serialization")
        }
        let header = try Self.decodeObject(parts[0], what: "header")
        guard case .string(let algName)? = header["alg"] else {
            throw .invalidToken("The token header has no algorithm")
        }
        guard let algorithm = WebIdentityAlgorithm(rawValue: algName) else {
            throw .invalidToken("The token is signed with an unsupported algorithm")
        }
        for field in ["crit", "jku", "x5u", "jwk", "x5c"] where header[field] != nil {
            throw .invalidToken("The token header field \(field) is not supported")
        }
        var keyID: String? = nil
        if let kid = header["kid"] {
            guard case .string(let value) = kid, !value.isEmpty, value.utf8.count <= 256 else {
                throw .invalidToken("The token header has an invalid key ID")
            }
            keyID = value
        }
        self.algorithm = algorithm
        self.keyID = keyID
        self.claims = try Self.decodeObject(parts[1], what: "payload")
        _ = try Self.base64URLDecode(parts[2], what: "signature")
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    static func base64URLDecode(_ part: ArraySlice<UInt8>, what: String) throws(WebIdentityError) -> Data {
        // Unpadded base64url; nonzero unused bits in the last character are tolerated, as they always were.
        guard let bytes = Base64.decodeURL(part, options: .allowingNonzeroTrailingBits) else {
            throw .invalidToken("The token \(what) is not valid base64url")
        }
        return Data(bytes)
    }

    private static func decodeObject(
        _ part: ArraySlice<UInt8>, what: String
    ) throws(WebIdentityError) -> [String: JSONClaimValue] {
        let data = try base64URLDecode(part, what: what)
        guard data.first == UInt8(ascii: "{"), let text = UTF8Validation.string(data) else {
            throw .invalidToken("The token \(what) is not a JSON object")
        }
        // The policy language's strict reader: linear, bounded, duplicate members refused.
        guard case .object(let object)? = try? JSONReader.read(text, maxDepth: 16) else {
            throw .invalidToken("The token \(what) is not a JSON object")
        }
        var claims: [String: JSONClaimValue] = [:]
        for member in object.members {
            guard let value = JSONClaimValue(member.value) else {
                throw .invalidToken("The token \(what) is not a JSON object")
            }
            claims[member.key] = value
        }
        return claims
    }
}

extension JSONClaimValue {
    /// A claim value from the strict reader's value; nil for a number that is not a finite double.
    init?(_ value: JSONValue) {
        switch value {
        case .string(let text): self = .string(text)
        case .number(let lexeme):
            guard let number = Double(lexeme), number.isFinite else { return nil }
            self = .number(number)
        case .bool(let flag): self = .bool(flag)
        case .null: self = .null
        case .array(let items):
            var values: [JSONClaimValue] = []
            for item in items {
                guard let converted = JSONClaimValue(item) else { return nil }
                values.append(converted)
            }
            self = .array(values)
        case .object(let object):
            var fields: [String: JSONClaimValue] = [:]
            for member in object.members {
                guard let converted = JSONClaimValue(member.value) else { return nil }
                fields[member.key] = converted
            }
            self = .object(fields)
        }
    }
}
