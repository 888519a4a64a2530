import Foundation
import JWTKit
import LatchkeyModel
import LatchkeyOIDC
import Testing

@Suite struct OutboundTokenSignerTests {
    @Test(
        "a signed token verifies with jwt-kit from the published JWKS alone",
        arguments: OutboundSigningAlgorithm.allCases)
    func signedTokenVerifiesFromJWKS(algorithm: OutboundSigningAlgorithm) async throws {
        let ring = try OutboundKeyRing.generate(now: OutboundFixtures.t0)
        let now = OutboundFixtures.t0.addingTimeInterval(0.75)
        let signed = try await OutboundTokenSigner.sign(
            claims: try OutboundFixtures.claims(requestTags: ["job": "j-1"]), algorithm: algorithm, keyRing: ring,
            now: now)
        let payload = try await OutboundFixtures.verify(
            signed.token, jwks: OutboundIssuerDocuments.jwks(of: ring, now: now))
        #expect(payload.iss == "https://sts.example.test:8443/outbound/acct-111122223333")
        #expect(payload.sub == "arn:aws:iam::111122223333:role/Builder")
        #expect(payload.aud == ["https://api.example.test"])
        #expect(payload.iat == 1_767_225_600 && payload.exp == 1_767_225_900 && payload.nbf == nil)
        #expect(payload.jti == signed.tokenID && UUID(uuidString: payload.jti) != nil)
        #expect(payload.aws.awsAccount == "111122223333" && payload.aws.sourceRegion == "us-east-1")
        #expect(payload.aws.principalTags == ["team": "data"] && payload.aws.requestTags == ["job": "j-1"])
        #expect(signed.expiration == Date(timeIntervalSince1970: 1_767_225_900))
        let header = try OutboundFixtures.jsonObject(of: signed.token, part: 0)
        #expect(header["typ"] as? String == "JWT" && header["alg"] as? String == algorithm.rawValue)
        #expect(
            header["kid"] as? String == ring.activeKey(for: algorithm)?.kid && header["kid"] as? String == signed.keyID)
    }

    @Test("aud is a string for one audience and an array for several; the AWS claims sit under their namespace")
    func payloadLayoutFollowsAWS() async throws {
        let ring = try OutboundKeyRing(keys: [OutboundSigningKey.generate(.es384, now: OutboundFixtures.t0)])
        let many = try await OutboundTokenSigner.sign(
            claims: try OutboundFixtures.claims(audiences: ["a", "b"]), algorithm: .es384, keyRing: ring,
            now: OutboundFixtures.t0)
        let payload = try OutboundFixtures.jsonObject(of: many.token, part: 1)
        #expect(payload["aud"] as? [String] == ["a", "b"])
        let aws = try #require(payload["https://sts.amazonaws.com/"] as? [String: Any])
        #expect(aws["aws_account"] as? String == "111122223333")
        #expect(aws["principal_tags"] as? [String: String] == ["team": "data"])
        #expect(aws["request_tags"] == nil && aws["org_id"] == nil)
        #expect(Set(payload.keys) == ["iss", "sub", "aud", "iat", "exp", "jti", "https://sts.amazonaws.com/"])
        var withNotBefore = try OutboundFixtures.claims()
        withNotBefore.includesNotBefore = true
        let one = try await OutboundTokenSigner.sign(
            claims: withNotBefore, algorithm: .es384, keyRing: ring, now: OutboundFixtures.t0)
        let single = try OutboundFixtures.jsonObject(of: one.token, part: 1)
        #expect(single["aud"] as? String == "https://api.example.test")
        #expect(single["nbf"] as? Int == single["iat"] as? Int)
    }

    @Test("a token from a retired key verifies while the key is published and not once it is dropped")
    func droppedKeyNoLongerVerifies() async throws {
        var ring = try OutboundKeyRing.generate(now: OutboundFixtures.t0)
        let signed = try await OutboundTokenSigner.sign(
            claims: try OutboundFixtures.claims(durationSeconds: 3600), algorithm: .rs256, keyRing: ring,
            now: OutboundFixtures.t0)
        try ring.rotate(now: OutboundFixtures.t0.addingTimeInterval(1))
        let stillPublished = OutboundIssuerDocuments.jwks(of: ring, now: OutboundFixtures.t0.addingTimeInterval(3600))
        #expect(try await OutboundFixtures.verify(signed.token, jwks: stillPublished).jti == signed.tokenID)
        let afterDrop = OutboundIssuerDocuments.jwks(of: ring, now: OutboundFixtures.t0.addingTimeInterval(3601))
        #expect(try !OutboundFixtures.kids(in: afterDrop).contains(signed.keyID))
        await #expect(throws: (any Error).self) { try await OutboundFixtures.verify(signed.token, jwks: afterDrop) }
        // The new active key signs, and its tokens verify against the same document.
        let fresh = try await OutboundTokenSigner.sign(
            claims: try OutboundFixtures.claims(), algorithm: .rs256, keyRing: ring,
            now: OutboundFixtures.t0.addingTimeInterval(3601))
        #expect(fresh.keyID != signed.keyID)
        #expect(try await OutboundFixtures.verify(fresh.token, jwks: afterDrop).jti == fresh.tokenID)
    }

    @Test("a token whose payload was altered does not verify")
    func alteredPayloadDoesNotVerify() async throws {
        let ring = try OutboundKeyRing(keys: [OutboundSigningKey.generate(.es384, now: OutboundFixtures.t0)])
        let signed = try await OutboundTokenSigner.sign(
            claims: try OutboundFixtures.claims(), algorithm: .es384, keyRing: ring, now: OutboundFixtures.t0)
        var parts = signed.token.split(separator: ".").map(String.init)
        let forged = try await OutboundTokenSigner.sign(
            claims: try OutboundFixtures.claims(audiences: ["https://evil.example"]), algorithm: .es384,
            keyRing: try OutboundKeyRing(keys: [OutboundSigningKey.generate(.es384, now: OutboundFixtures.t0)]),
            now: OutboundFixtures.t0)
        parts[1] = String(forged.token.split(separator: ".")[1])
        let jwks = OutboundIssuerDocuments.jwks(of: ring, now: OutboundFixtures.t0)
        await #expect(throws: (any Error).self) {
            try await OutboundFixtures.verify(parts.joined(separator: "."), jwks: jwks)
        }
    }

    @Test(
        "audience counts outside 1...10 and durations outside 60...3600 are rejected",
        arguments: [(0, 300), (11, 300), (1, 59), (1, 3601), (10, 0)])
    func boundsAreEnforced(audiences: Int, duration: Int) async throws {
        let ring = try OutboundKeyRing(keys: [OutboundSigningKey.generate(.es384, now: OutboundFixtures.t0)])
        let claims = try OutboundFixtures.claims(
            audiences: (0..<audiences).map { "aud-\($0)" }, durationSeconds: duration)
        await #expect(throws: STSError(.validationError, "")) {
            try await OutboundTokenSigner.sign(
                claims: claims, algorithm: .es384, keyRing: ring, now: OutboundFixtures.t0)
        }
    }

    @Test("the bounds themselves are accepted: 1 and 10 audiences, 60 and 3600 seconds, 300 by default")
    func boundsAreInclusive() async throws {
        let ring = try OutboundKeyRing(keys: [OutboundSigningKey.generate(.es384, now: OutboundFixtures.t0)])
        for (audiences, duration) in [(1, 60), (10, 3600)] {
            let claims = try OutboundFixtures.claims(
                audiences: (0..<audiences).map { "a\($0)" }, durationSeconds: duration)
            let signed = try await OutboundTokenSigner.sign(
                claims: claims, algorithm: .es384, keyRing: ring, now: OutboundFixtures.t0)
            #expect(signed.expiration == OutboundFixtures.t0.addingTimeInterval(TimeInterval(duration)))
        }
        let defaults = OutboundTokenClaims(issuer: "https://i", subject: "s", audiences: ["a"], account: "1")
        #expect(defaults.durationSeconds == 300)
    }

    @Test("a payload over 16 KiB is refused with JWTPayloadSizeExceededException")
    func oversizedPayloadIsRefused() async throws {
        let ring = try OutboundKeyRing(keys: [OutboundSigningKey.generate(.es384, now: OutboundFixtures.t0)])
        let big = Dictionary(
            uniqueKeysWithValues: (0..<50).map {
                (String(format: "k%03d", $0) + String(repeating: "k", count: 124), String(repeating: "v", count: 256))
            })
        await #expect(throws: STSError(.jwtPayloadSizeExceeded, "")) {
            try await OutboundTokenSigner.sign(
                claims: try OutboundFixtures.claims(requestTags: big), algorithm: .es384, keyRing: ring,
                now: OutboundFixtures.t0)
        }
        let fits = Dictionary(uniqueKeysWithValues: (0..<20).map { ("key\($0)", String(repeating: "v", count: 256)) })
        let signed = try await OutboundTokenSigner.sign(
            claims: try OutboundFixtures.claims(requestTags: fits), algorithm: .es384, keyRing: ring,
            now: OutboundFixtures.t0)
        #expect(try OutboundFixtures.jsonObject(of: signed.token, part: 1).count == 7)
    }

    @Test("signing with an algorithm the ring has no active key for is an internal failure")
    func missingActiveKeyIsInternalFailure() async throws {
        let ring = try OutboundKeyRing(keys: [OutboundSigningKey.generate(.es384, now: OutboundFixtures.t0)])
        await #expect(throws: STSError(.internalFailure, "")) {
            try await OutboundTokenSigner.sign(
                claims: try OutboundFixtures.claims(), algorithm: .rs256, keyRing: ring, now: OutboundFixtures.t0)
        }
    }
}
