import Crypto
import Foundation
import LatchkeyBase

/// The public half of an ``OutboundSigningKey`` as a JSON Web Key (RFC 7517), as published in the JWKS.
///
/// RSA keys carry `n` and `e`, EC keys `crv`, `x` and `y`; all are base64url without padding, and the EC
/// coordinates are padded to the curve size (48 bytes for P-384), as RFC 7518 requires.
public struct OutboundPublicJWK: Sendable, Hashable, Codable {
    /// `RSA` or `EC`.
    public let kty: String
    /// Always `sig`.
    public let use: String
    /// `RS256` or `ES384`.
    public let alg: String
    /// The key ID: the RFC 7638 thumbprint (see ``thumbprint``).
    public let kid: String
    public let n: String?
    public let e: String?
    public let crv: String?
    public let x: String?
    public let y: String?

    init(rsaModulus modulus: Data, exponent: Data) {
        let n = Base64.encodeURL(Self.strippingLeadingZeros(modulus))
        let e = Base64.encodeURL(Self.strippingLeadingZeros(exponent))
        self.init(kty: "RSA", alg: OutboundSigningAlgorithm.rs256.rawValue, n: n, e: e, crv: nil, x: nil, y: nil)
    }

    init(p384Raw raw: Data) {
        let x = Base64.encodeURL(raw.prefix(48))
        let y = Base64.encodeURL(raw.dropFirst(48))
        self.init(kty: "EC", alg: OutboundSigningAlgorithm.es384.rawValue, n: nil, e: nil, crv: "P-384", x: x, y: y)
    }

    /// A JWK from its members; `kid` is computed as the thumbprint.
    public init(kty: String, alg: String, n: String?, e: String?, crv: String?, x: String?, y: String?) {
        self.kty = kty
        self.use = "sig"
        self.alg = alg
        self.n = n
        self.e = e
        self.crv = crv
        self.x = x
        self.y = y
        self.kid = Self.thumbprint(kty: kty, n: n, e: e, crv: crv, x: x, y: y)
    }

    /// The RFC 7638 JWK thumbprint: base64url of the SHA-256 of the required members in lexicographic order
    /// without whitespace (`{"e":…,"kty":"RSA","n":…}`, `{"crv":…,"kty":"EC","x":…,"y":…}`).
    /// Equal to ``kid``.
    public var thumbprint: String { Self.thumbprint(kty: kty, n: n, e: e, crv: crv, x: x, y: y) }

    private static func thumbprint(
        kty: String, n: String?, e: String?, crv: String?, x: String?, y: String?
    ) -> String {
        // Base64url values and the fixed names need no JSON escaping.
        let canonical =
            kty == "RSA"
            ? #"{"e":"\#(e ?? "")","kty":"RSA","n":"\#(n ?? "")"}"#
            : #"{"crv":"\#(crv ?? "")","kty":"\#(kty)","x":"\#(x ?? "")","y":"\#(y ?? "")"}"#
        return Base64.encodeURL(Data(SHA256.hash(data: Data(canonical.utf8))))
    }

    private static func strippingLeadingZeros(_ bytes: Data) -> Data {
        let trimmed = bytes.drop { $0 == 0 }
        return trimmed.isEmpty ? Data([0]) : Data(trimmed)
    }
}
