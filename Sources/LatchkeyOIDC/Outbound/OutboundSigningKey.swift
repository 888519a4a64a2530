import Crypto
public import Foundation
import _CryptoExtras

/// One private key of an account's outbound issuer: RS256 (RSA 2048) or ES384 (P-384).
///
/// The key ID is the RFC 7638 thumbprint of the public key, so it is stable across serialization and never
/// needs storing. Serialize with ``pkcs8DER`` (the store encrypts it at rest) and restore with
/// ``init(algorithm:pkcs8DER:createdAt:retiredAt:)``.
public struct OutboundSigningKey: Sendable, Hashable, CustomStringConvertible {
    enum Material: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
    }

    public let algorithm: OutboundSigningAlgorithm
    /// The key ID (`kid`): base64url of the SHA-256 JWK thumbprint.
    public let kid: String
    /// When the key was generated.
    public let createdAt: Date
    /// When the key stopped signing; `nil` while it is the active key of its algorithm.
    public var retiredAt: Date?
    /// The public key as published.
    public let publicJWK: OutboundPublicJWK
    let material: Material

    private init(material: Material, createdAt: Date, retiredAt: Date?) throws(OutboundKeyError) {
        switch material {
        case .rsa(let key):
            guard key.keySizeInBits >= 2048, let primitives = try? key.publicKey.getKeyPrimitives() else {
                throw .unreadableKey
            }
            algorithm = .rs256
            publicJWK = OutboundPublicJWK(rsaModulus: primitives.modulus, exponent: primitives.publicExponent)
        case .p384(let key):
            algorithm = .es384
            publicJWK = OutboundPublicJWK(p384Raw: key.publicKey.rawRepresentation)
        }
        self.material = material
        self.kid = publicJWK.kid
        self.createdAt = createdAt
        self.retiredAt = retiredAt
    }

    /// Generates a fresh key: RSA 2048 for RS256, P-384 for ES384.
    public static func generate(_ algorithm: OutboundSigningAlgorithm, now: Date) throws(OutboundKeyError)
        -> OutboundSigningKey
    {
        switch algorithm {
        case .rs256:
            guard let key = try? _RSA.Signing.PrivateKey(keySize: .bits2048) else { throw .generationFailed }
            return try OutboundSigningKey(material: .rsa(key), createdAt: now, retiredAt: nil)
        case .es384:
            return try OutboundSigningKey(material: .p384(P384.Signing.PrivateKey()), createdAt: now, retiredAt: nil)
        }
    }

    /// Restores a key from its PKCS#8 DER bytes, as produced by ``pkcs8DER``.
    ///
    /// Throws ``OutboundKeyError/unreadableKey`` when the bytes are not a PKCS#8 key of that algorithm (an RSA
    /// key under 2048 bits included).
    public init(
        algorithm: OutboundSigningAlgorithm, pkcs8DER: Data, createdAt: Date, retiredAt: Date? = nil
    ) throws(OutboundKeyError) {
        let material: Material
        switch algorithm {
        case .rs256:
            guard let key = try? _RSA.Signing.PrivateKey(derRepresentation: pkcs8DER) else { throw .unreadableKey }
            material = .rsa(key)
        case .es384:
            guard let key = try? P384.Signing.PrivateKey(derRepresentation: pkcs8DER) else { throw .unreadableKey }
            material = .p384(key)
        }
        try self.init(material: material, createdAt: createdAt, retiredAt: retiredAt)
    }

    /// The private key as PKCS#8 DER. Secret: encrypt at rest, never log.
    public var pkcs8DER: Data {
        switch material {
        case .rsa(let key): key.pkcs8DERRepresentation
        case .p384(let key): key.derRepresentation
        }
    }

    /// Whether the key may still verify tokens: it is active, or was retired less than `period` ago.
    public func isPublished(now: Date, period: TimeInterval) -> Bool {
        guard let retiredAt else { return true }
        return now < retiredAt.addingTimeInterval(period)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.kid == rhs.kid && lhs.createdAt == rhs.createdAt && lhs.retiredAt == rhs.retiredAt
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(kid) }

    /// Algorithm, kid and dates; never key material.
    public var description: String {
        "\(algorithm.rawValue) \(kid) created \(createdAt)" + (retiredAt.map { " retired \($0)" } ?? "")
    }
}

/// Why a signing key could not be made or restored.
public enum OutboundKeyError: Error, Sendable, Hashable {
    /// The random generator or the crypto library failed.
    case generationFailed
    /// Stored bytes are not a PKCS#8 private key of the stated algorithm.
    case unreadableKey
}
