import Foundation
import LatchkeyOIDC
import Testing

@Suite struct OutboundSigningKeyTests {
    @Test("generated keys have their algorithm's JWK members and a kid equal to the RFC 7638 thumbprint")
    func generatedKeysHaveThumbprintKids() throws {
        let rsa = try OutboundSigningKey.generate(.rs256, now: OutboundFixtures.t0)
        #expect(rsa.publicJWK.kty == "RSA" && rsa.publicJWK.alg == "RS256" && rsa.publicJWK.use == "sig")
        #expect(rsa.publicJWK.e == "AQAB")
        // 2048-bit modulus: 256 bytes, 342 base64url characters, no leading zero byte.
        #expect(rsa.publicJWK.n?.count == 342)
        #expect(rsa.kid == rsa.publicJWK.thumbprint && rsa.kid.count == 43)
        let ec = try OutboundSigningKey.generate(.es384, now: OutboundFixtures.t0)
        #expect(ec.publicJWK.kty == "EC" && ec.publicJWK.crv == "P-384" && ec.publicJWK.alg == "ES384")
        // Coordinates are padded to 48 bytes: 64 base64url characters each.
        #expect(ec.publicJWK.x?.count == 64 && ec.publicJWK.y?.count == 64)
        #expect(ec.publicJWK.n == nil && rsa.publicJWK.crv == nil)
        #expect(ec.kid == ec.publicJWK.thumbprint && ec.kid != rsa.kid)
        #expect(ec.retiredAt == nil && ec.createdAt == OutboundFixtures.t0)
    }

    @Test("the thumbprint matches the RFC 7638 section 3.1 example")
    func thumbprintMatchesRFC7638Example() {
        let n = [
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjB",
            "ZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8",
            "KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_",
            "xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        ].joined()
        let jwk = OutboundPublicJWK(kty: "RSA", alg: "RS256", n: n, e: "AQAB", crv: nil, x: nil, y: nil)
        #expect(jwk.kid == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    @Test(
        "a key restored from its PKCS#8 bytes has the same kid and dates", arguments: OutboundSigningAlgorithm.allCases)
    func keyRoundTripsThroughPKCS8(algorithm: OutboundSigningAlgorithm) throws {
        var key = try OutboundSigningKey.generate(algorithm, now: OutboundFixtures.t0)
        key.retiredAt = OutboundFixtures.t0.addingTimeInterval(60)
        let restored = try OutboundSigningKey(
            algorithm: algorithm, pkcs8DER: key.pkcs8DER, createdAt: key.createdAt, retiredAt: key.retiredAt)
        #expect(restored.kid == key.kid)
        #expect(restored.publicJWK == key.publicJWK)
        #expect(restored == key)
        #expect(restored.pkcs8DER == key.pkcs8DER)
    }

    @Test("stored bytes that are not a key of the stated algorithm are rejected")
    func unreadableKeyBytesAreRejected() throws {
        let ec = try OutboundSigningKey.generate(.es384, now: OutboundFixtures.t0)
        #expect(throws: OutboundKeyError.unreadableKey) {
            try OutboundSigningKey(algorithm: .rs256, pkcs8DER: ec.pkcs8DER, createdAt: OutboundFixtures.t0)
        }
        #expect(throws: OutboundKeyError.unreadableKey) {
            try OutboundSigningKey(algorithm: .es384, pkcs8DER: Data("not a key".utf8), createdAt: OutboundFixtures.t0)
        }
        #expect(throws: OutboundKeyError.unreadableKey) {
            try OutboundSigningKey(algorithm: .rs256, pkcs8DER: Data(), createdAt: OutboundFixtures.t0)
        }
    }

    @Test("a key's description names the algorithm and kid, never key material")
    func descriptionHasNoKeyMaterial() throws {
        let key = try OutboundSigningKey.generate(.es384, now: OutboundFixtures.t0)
        #expect(key.description.hasPrefix("ES384 \(key.kid)"))
        #expect(!key.description.contains(key.pkcs8DER.base64EncodedString()))
    }

    @Test(
        "SigningAlgorithm accepts exactly RS256 and ES384",
        arguments: [
            ("RS256", true), ("ES384", true), ("RS512", false), ("rs256", false), ("HS256", false), ("", false),
        ])
    func signingAlgorithmParameter(value: String, accepted: Bool) {
        let parsed = try? OutboundSigningAlgorithm(parameter: value)
        #expect((parsed != nil) == accepted)
        #expect(parsed?.rawValue == (accepted ? value : nil))
    }
}
