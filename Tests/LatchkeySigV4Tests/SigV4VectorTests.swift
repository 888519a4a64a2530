import Foundation
import LatchkeySigV4
import Testing

/// Every stage against the aws-c-auth SigV4 test suite (see `Vectors/PROVENANCE.md`).
@Suite struct SigV4VectorTests {
    static let cases = VectorCase.all

    @Test("all 38 vendored cases are found in the test bundle")
    func allCasesAreLoaded() {
        #expect(Self.cases.count == 38)
    }

    @Test("the signer produces the vector's canonical request", arguments: cases, Variant.allCases)
    func signerCanonicalRequest(vector: VectorCase, variant: Variant) throws {
        let signed = try vector.sign(variant)
        #expect(signed.canonicalRequest == (try vector.text("\(variant.rawValue)-canonical-request.txt")))
    }

    @Test(
        "the canonical request computed from the received signed request matches the vector",
        arguments: cases, Variant.allCases)
    func receivedCanonicalRequest(vector: VectorCase, variant: Variant) throws {
        let received = try HTTPText.parse(vector.text("\(variant.rawValue)-signed-request.txt"))
        let auth = try #require(try SigV4.parseAuthorization(request: received.request))
        let canonical = try SigV4.canonicalRequest(
            for: received.request, signedHeaders: auth.signedHeaders, normalizePath: vector.context().normalize)
        let expected = try vector.text("\(variant.rawValue)-canonical-request.txt")
        if vector.name == "post-sts-header-after" && variant == .query {
            // The token was added to the URL after signing; a verifier includes it, so the two differ.
            #expect(canonical != expected)
        } else {
            #expect(canonical == expected)
        }
    }

    @Test("the string to sign is computed from the vector's canonical request", arguments: cases, Variant.allCases)
    func stringToSign(vector: VectorCase, variant: Variant) throws {
        let context = try vector.context()
        let canonical = try vector.text("\(variant.rawValue)-canonical-request.txt")
        let scope = SigV4Scope(date: "20150830", region: context.region, service: context.service)
        let result = SigV4.stringToSign(canonicalRequest: canonical, timestamp: "20150830T123600Z", scope: scope)
        let expected = try vector.text("\(variant.rawValue)-string-to-sign.txt")
        #expect(result == expected)
        #expect(try vector.sign(variant).stringToSign == expected)
    }

    @Test("the signature is computed from the vector's string to sign", arguments: cases, Variant.allCases)
    func signature(vector: VectorCase, variant: Variant) throws {
        let context = try vector.context()
        let key = SigV4.signingKey(
            secretAccessKey: context.credentials.secretAccessKey, date: "20150830", region: context.region,
            service: context.service)
        let result = SigV4.signature(
            stringToSign: try vector.text("\(variant.rawValue)-string-to-sign.txt"), signingKey: key)
        let expected = try vector.text("\(variant.rawValue)-signature.txt")
        #expect(result == expected)
        #expect(try vector.sign(variant).signature == expected)
    }

    @Test("the signer produces the vector's signed request byte for byte", arguments: cases, Variant.allCases)
    func signedRequest(vector: VectorCase, variant: Variant) throws {
        let body = try HTTPText.parse(vector.text("request.txt")).body
        let rendered = HTTPText.render(try vector.sign(variant).request, body: body)
        #expect(rendered == (try vector.text("\(variant.rawValue)-signed-request.txt")))
    }

    @Test("the verifier accepts the vector's signed request at its timestamp", arguments: cases, Variant.allCases)
    func verifierAccepts(vector: VectorCase, variant: Variant) throws {
        let context = try vector.context()
        let received = try HTTPText.parse(vector.text("\(variant.rawValue)-signed-request.txt"))
        let auth = try #require(try SigV4.parseAuthorization(request: received.request))
        #expect(auth.accessKeyID == context.credentials.accessKeyID)
        #expect(auth.scope == SigV4Scope(date: "20150830", region: context.region, service: context.service))
        #expect(auth.timestamp == (try vector.date()))
        switch variant {
        case .header: #expect(auth.form == .header)
        case .query: #expect(auth.form == .presigned(expiresSeconds: context.expirationInSeconds))
        }
        if let token = context.credentials.token {
            #expect(auth.securityToken == token)
        }
        let verify = {
            try SigV4.verify(
                auth, request: received.request, secretAccessKey: context.credentials.secretAccessKey,
                now: try vector.date(), expectedService: context.service, normalizePath: context.normalize)
        }
        if vector.name == "post-sts-header-after" && variant == .query {
            // Latchkey, like STS, signs X-Amz-Security-Token as part of a presigned query; an unsigned token
            // in the URL makes the signature mismatch.
            #expect(throws: SigV4Error(.signatureDoesNotMatch, "")) { try verify() }
        } else {
            try verify()
        }
    }

    @Test("the signer's own output verifies for every case and variant", arguments: cases, Variant.allCases)
    func signerOutputVerifies(vector: VectorCase, variant: Variant) throws {
        let context = try vector.context()
        guard context.omitSessionToken != true || variant == .header else { return }
        let signed = try vector.sign(variant)
        let auth = try #require(try SigV4.parseAuthorization(request: signed.request))
        #expect(auth.signature == signed.signature)
        let key = SigV4.signingKey(
            secretAccessKey: context.credentials.secretAccessKey, date: "20150830", region: context.region,
            service: context.service)
        try SigV4.verify(
            auth, request: signed.request, signingKey: key, now: try vector.date(), expectedService: nil,
            normalizePath: context.normalize)
    }
}
