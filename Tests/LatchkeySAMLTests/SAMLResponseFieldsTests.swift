import Foundation
import LatchkeySAML
import LatchkeySAMLModel
import Testing

@Suite struct SAMLResponseFieldsTests {
    @Test(
        "SubjectType removes only the SAML 2.0 name-ID format prefix",
        arguments: [
            ("urn:oasis:names:tc:SAML:2.0:nameid-format:transient", "transient"),
            ("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", "persistent"),
            (
                "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
            ),
            ("custom", "custom"),
        ])
    func subjectType(format: String, expected: String) {
        #expect(SAMLResponseFields.subjectType(nameIDFormat: format) == expected)
    }

    @Test("NameQualifier is Base64(SHA1(issuer + account + '/' + provider name)) as in the STS reference")
    func nameQualifierMatchesReference() {
        let value = SAMLResponseFields.nameQualifier(
            issuer: "https://example.com/saml", accountID: "123456789012", providerName: "MySAMLIdP")
        #expect(value == "1uAJanUnBc2XeUkHURMht+xam2c=")
    }

    func verified(_ configure: (inout SAMLResponseBuilder) -> Void = { _ in }) throws -> VerifiedSAMLAssertion {
        var builder = SAMLResponseBuilder()
        configure(&builder)
        return try SAMLResponseVerifier().verify(
            samlResponseBase64: builder.signedBase64(), trustedCertificates: [SAMLTestIdentity.trusted.certificateDER],
            now: SAMLResponseBuilder.now)
    }

    @Test("condition keys carry recipient, issuer, subject, type, qualifier, doc and mapped attributes")
    func conditionKeys() throws {
        let assertion = try verified { $0.attributes.append(("urn:oid:1.3.6.1.4.1.5923.1.1.1.1", ["member"])) }
        let keys = SAMLResponseFields.conditionKeys(for: assertion, accountID: "123456789012", providerName: "Okta")
        #expect(keys["saml:aud"] == ["https://signin.aws.amazon.com/saml"])
        #expect(keys["saml:iss"] == ["https://idp.example.com/saml"])
        #expect(keys["saml:sub"] == ["alice@example.com"])
        #expect(keys["saml:sub_type"] == ["persistent"])
        #expect(keys["saml:doc"] == ["123456789012/Okta"])
        #expect(
            keys["saml:namequalifier"] == [
                SAMLResponseFields.nameQualifier(
                    issuer: "https://idp.example.com/saml", accountID: "123456789012", providerName: "Okta")
            ])
        #expect(keys["saml:edupersonaffiliation"] == ["member"])
    }

    @Test("Role values are read in either order")
    func roleEitherOrder() throws {
        let assertion = try verified {
            $0.attributes[0].1 = [
                "arn:aws:iam::123456789012:saml-provider/Okta, arn:aws:iam::123456789012:role/ReadOnly",
                "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/Okta",
            ]
        }
        #expect(
            assertion.aws.roles.map(\.roleArn) == [
                "arn:aws:iam::123456789012:role/ReadOnly", "arn:aws:iam::123456789012:role/Admin",
            ])
        #expect(Set(assertion.aws.roles.map(\.providerArn)) == ["arn:aws:iam::123456789012:saml-provider/Okta"])
    }

    @Test(
        "a malformed AWS attribute is refused",
        arguments: [
            ("https://aws.amazon.com/SAML/Attributes/Role", ["arn:aws:iam::123456789012:role/Admin"]),
            ("https://aws.amazon.com/SAML/Attributes/SessionDuration", ["60"]),
            ("https://aws.amazon.com/SAML/Attributes/SessionDuration", ["an hour"]),
            ("https://aws.amazon.com/SAML/Attributes/SourceIdentity", ["a", "b"]),
        ])
    func malformedAttributeIsRejected(name: String, values: [String]) {
        #expect(throws: SAMLError(.invalidAttribute, "")) {
            try verified { $0.attributes = [(name, values)] }
        }
    }

    @Test(
        "session length is the shortest of DurationSeconds, SessionDuration, SessionNotOnOrAfter and the role maximum")
    func sessionDuration() throws {
        let now = SAMLResponseBuilder.now
        let assertion = try verified {
            $0.attributes.append(("https://aws.amazon.com/SAML/Attributes/SessionDuration", ["5400"]))
            $0.sessionNotOnOrAfter = now.addingTimeInterval(4000)
        }
        func duration(_ requested: Int?, _ maximum: Int) throws -> Int {
            try SAMLResponseFields.sessionDuration(
                requestedSeconds: requested, roleMaximumSeconds: maximum, assertion: assertion, now: now)
        }
        #expect(try duration(nil, 43_200) == 4000)
        #expect(try duration(1000, 43_200) == 1000)
        #expect(try duration(7200, 3600) == 3600)
        #expect(throws: SAMLError(.expired, "")) {
            try SAMLResponseFields.sessionDuration(
                requestedSeconds: nil, roleMaximumSeconds: 3600, assertion: assertion, now: now.addingTimeInterval(4000)
            )
        }
    }
}

@Suite struct SAMLReplayCacheTests {
    let now = Date(timeIntervalSince1970: 1_000_000)

    @Test("an ID is refused while live and accepted again once expired")
    func liveIDIsRefused() {
        let cache = SAMLReplayCache()
        #expect(cache.checkAndInsert(id: "a", expires: now.addingTimeInterval(60), now: now))
        #expect(!cache.checkAndInsert(id: "a", expires: now.addingTimeInterval(60), now: now.addingTimeInterval(59)))
        #expect(cache.checkAndInsert(id: "b", expires: now.addingTimeInterval(60), now: now))
        #expect(cache.checkAndInsert(id: "a", expires: now.addingTimeInterval(120), now: now.addingTimeInterval(60)))
    }

    @Test("a full cache drops expired entries, and refuses new IDs when every entry is live")
    func fullCacheFailsClosed() {
        let cache = SAMLReplayCache(capacity: 2)
        #expect(cache.checkAndInsert(id: "a", expires: now.addingTimeInterval(10), now: now))
        #expect(cache.checkAndInsert(id: "b", expires: now.addingTimeInterval(100), now: now))
        #expect(!cache.checkAndInsert(id: "c", expires: now.addingTimeInterval(100), now: now.addingTimeInterval(5)))
        #expect(cache.checkAndInsert(id: "c", expires: now.addingTimeInterval(100), now: now.addingTimeInterval(10)))
        #expect(cache.count == 2)
    }
}
