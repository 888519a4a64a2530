import Crypto
import Foundation
import JWTKit
import _CryptoExtras

/// Test signing keys for every accepted algorithm, their JWKS, and a token builder.
struct TestKeys: Sendable {
    struct SigningKey: Sendable {
        let algorithm: String
        let kid: String
        let jwk: [String: String]
        let signer: any JWTAlgorithm
    }

    let keys: [String: SigningKey]
    /// The RSA public key's DER (SubjectPublicKeyInfo) bytes, for the HS256 key-confusion attack.
    let rsaPublicKeyDER: [UInt8]
    let rsaPublicKeyPEM: String

    /// One RSA key for the whole test run: generating 2048-bit keys per test starves the cooperative pool.
    static let sharedRSAKey: _RSA.Signing.PrivateKey? = try? _RSA.Signing.PrivateKey(keySize: .bits2048)

    static func make() async throws -> TestKeys {
        let collection = JWTKeyCollection()
        guard let rsaBacking = sharedRSAKey else { throw TestFailure("RSA key generation failed") }
        let rsa = try Insecure.RSA.PrivateKey(backing: rsaBacking)
        let (modulus, exponent) = try rsa.publicKey.getKeyPrimitives()
        var keys: [String: SigningKey] = [:]
        let rsaJWK = ["kty": "RSA", "n": b64url(modulus), "e": b64url(exponent)]
        for (name, digest) in [("256", DigestAlgorithm.sha256), ("384", .sha384), ("512", .sha512)] {
            await collection.add(rsa: rsa, digestAlgorithm: digest, kid: .init(string: "rs\(name)"))
            await collection.add(pss: rsa, digestAlgorithm: digest, kid: .init(string: "ps\(name)"))
        }
        let es256 = ES256PrivateKey()
        let es384 = ES384PrivateKey()
        let es512 = ES512PrivateKey()
        await collection.add(ecdsa: es256, kid: "es256")
        await collection.add(ecdsa: es384, kid: "es384")
        await collection.add(ecdsa: es512, kid: "es512")
        for name in ["256", "384", "512"] {
            for family in ["RS", "PS"] {
                let kid = family.lowercased() + name
                var jwk = rsaJWK
                jwk["kid"] = kid
                jwk["alg"] = family + name
                jwk["use"] = "sig"
                keys[family + name] = SigningKey(
                    algorithm: family + name, kid: kid, jwk: jwk,
                    signer: try await collection.getKey(for: .init(string: kid))
                )
            }
        }
        let ecParameters: [(String, String, (x: String, y: String)?)] = [
            ("256", "P-256", es256.publicKey.parameters), ("384", "P-384", es384.publicKey.parameters),
            ("512", "P-521", es512.publicKey.parameters),
        ]
        for (name, curve, parameters) in ecParameters {
            guard let parameters else { throw TestFailure("no EC parameters") }
            let kid = "es" + name
            keys["ES" + name] = SigningKey(
                algorithm: "ES" + name, kid: kid,
                jwk: ["kty": "EC", "crv": curve, "x": parameters.x, "y": parameters.y, "kid": kid, "alg": "ES" + name],
                signer: try await collection.getKey(for: .init(string: kid))
            )
        }
        return TestKeys(
            keys: keys, rsaPublicKeyDER: Array(rsaBacking.publicKey.derRepresentation),
            rsaPublicKeyPEM: rsaBacking.publicKey.pemRepresentation
        )
    }

    func key(_ algorithm: String) throws -> SigningKey {
        guard let key = keys[algorithm] else { throw TestFailure("no key for \(algorithm)") }
        return key
    }

    /// A JWKS document holding the given keys (all keys by default).
    func jwks(_ algorithms: [String]? = nil, edit: (inout [String: String]) -> Void = { _ in }) throws -> String {
        let selected = try (algorithms ?? keys.keys.sorted()).map { try key($0).jwk }
        let edited = selected.map { jwk -> [String: String] in
            var copy = jwk
            edit(&copy)
            return copy
        }
        return try String(
            decoding: JSONSerialization.data(withJSONObject: ["keys": edited], options: [.sortedKeys]), as: UTF8.self)
    }

    static func b64url(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func json(_ object: [String: Any]) throws -> String {
        b64url(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    /// Signs `payload` with the key of `algorithm`; `header` overrides/extends `{alg, kid, typ}`.
    func token(
        _ algorithm: String, payload: [String: Any], header: [String: Any] = [:], omitKid: Bool = false
    ) throws -> String {
        let signingKey = try key(algorithm)
        var fullHeader: [String: Any] = ["alg": algorithm, "typ": "JWT", "kid": signingKey.kid]
        if omitKid { fullHeader["kid"] = nil }
        for (name, value) in header { fullHeader[name] = value }
        let input = try Self.json(fullHeader) + "." + Self.json(payload)
        let signature = try signingKey.signer.sign(Array(input.utf8))
        return input + "." + Self.b64url(signature)
    }

    /// A token whose `header.payload` is signed with HMAC-SHA256 under `secret`.
    static func hmacToken(header: [String: Any], payload: [String: Any], secret: [UInt8]) throws -> String {
        let input = try json(header) + "." + json(payload)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: secret))
        return input + "." + b64url(Data(mac))
    }

    /// Standard claims for `issuer` and `audience`, valid at `now`.
    static func claims(issuer: String, audience: Any = "client-1", now: Date, extra: [String: Any] = [:]) -> [String:
        Any]
    {
        var claims: [String: Any] = [
            "iss": issuer, "sub": "subject-123456", "aud": audience,
            "iat": Int(now.timeIntervalSince1970) - 10, "nbf": Int(now.timeIntervalSince1970) - 10,
            "exp": Int(now.timeIntervalSince1970) + 600,
        ]
        for (name, value) in extra { claims[name] = value }
        return claims
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
