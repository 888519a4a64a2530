import Foundation
import LatchkeySAML
import LatchkeySAMLModel
import Testing

@Suite struct SAMLResponseVerifierTests {
    let verifier = SAMLResponseVerifier()
    let trusted = [SAMLTestIdentity.trusted.certificateDER]
    let now = SAMLResponseBuilder.now

    @Test("a response whose assertion is signed by the provider verifies and yields the signed fields")
    func signedAssertionVerifies() throws {
        var builder = SAMLResponseBuilder()
        builder.attributes += [
            ("https://aws.amazon.com/SAML/Attributes/SessionDuration", ["1800"]),
            ("https://aws.amazon.com/SAML/Attributes/PrincipalTag:Department", ["Engineering"]),
            ("https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys", ["Department", "Team"]),
            ("https://aws.amazon.com/SAML/Attributes/SourceIdentity", ["alice"]),
            ("urn:oid:1.3.6.1.4.1.5923.1.1.1.1", ["member", "staff"]),
        ]
        let result = try verifier.verify(
            samlResponseBase64: builder.signedBase64(), trustedCertificates: trusted, now: now)
        #expect(result.assertionID == "_assert-4f2a")
        #expect(result.issuer == "https://idp.example.com/saml")
        #expect(result.subject == "alice@example.com")
        #expect(result.subjectType == "persistent")
        #expect(result.audiences == ["https://signin.aws.amazon.com/saml"])
        #expect(result.recipient == "https://signin.aws.amazon.com/saml")
        #expect(result.notOnOrAfter == now.addingTimeInterval(300))
        #expect(result.replayExpiry == now.addingTimeInterval(600))
        #expect(result.sessionNotOnOrAfter == now.addingTimeInterval(7200))
        #expect(
            result.aws.roles == [
                SAMLRolePair(
                    roleArn: "arn:aws:iam::123456789012:role/Admin",
                    providerArn: "arn:aws:iam::123456789012:saml-provider/Okta"
                )
            ]
        )
        #expect(result.aws.roleSessionName == "alice")
        #expect(result.aws.sessionDuration == 1800)
        #expect(result.aws.principalTags.map(\.key) == ["Department"])
        #expect(result.aws.principalTags.map(\.value) == ["Engineering"])
        #expect(result.aws.transitiveTagKeys == ["Department", "Team"])
        #expect(result.aws.sourceIdentity == "alice")
        #expect(result.attributes["urn:oid:1.3.6.1.4.1.5923.1.1.1.1"] == ["member", "staff"])
    }

    @Test(
        "a response signed over the whole Response (assertion unsigned) verifies",
        arguments: [
            SAMLResponseBuilder.SignedElement.response, .both,
        ])
    func signedResponseVerifies(signed: SAMLResponseBuilder.SignedElement) throws {
        var builder = SAMLResponseBuilder()
        builder.signed = signed
        let result = try verifier.verify(
            samlResponseBase64: builder.signedBase64(), trustedCertificates: trusted, now: now)
        #expect(result.subject == "alice@example.com")
    }

    @Test(
        "regional sign-in endpoints and configured URLs are accepted as Recipient and Destination",
        arguments: [
            "https://us-east-1.signin.aws.amazon.com/saml", "https://eu-central-1.signin.aws.amazon.com/saml",
            "https://sts.example.test/saml",
        ])
    func acceptedRecipients(recipient: String) throws {
        var builder = SAMLResponseBuilder()
        builder.recipient = recipient
        builder.destination = recipient
        var verifier = SAMLResponseVerifier()
        verifier.acceptedRecipients.insert("https://sts.example.test/saml")
        let result = try verifier.verify(
            samlResponseBase64: builder.signedBase64(), trustedCertificates: trusted, now: now)
        #expect(result.recipient == recipient)
    }

    @Test("urn:amazon:webservices is an accepted audience")
    func amazonWebServicesAudience() throws {
        var builder = SAMLResponseBuilder()
        builder.audiences = ["urn:amazon:webservices"]
        let result = try verifier.verify(
            samlResponseBase64: builder.signedBase64(), trustedCertificates: trusted, now: now)
        #expect(result.audiences == ["urn:amazon:webservices"])
    }

    @Test("a base64 response wrapped over several lines verifies")
    func lineWrappedBase64Verifies() throws {
        let encoded = SAMLResponseBuilder().signedBase64()
        var wrapped = ""
        for (index, character) in encoded.enumerated() {
            if index > 0, index % 76 == 0 { wrapped += "\r\n" }
            wrapped.append(character)
        }
        let result = try verifier.verify(samlResponseBase64: wrapped, trustedCertificates: trusted, now: now)
        #expect(result.subject == "alice@example.com")
    }

    @Test("the clock skew applies to NotBefore and a future IssueInstant only; NotOnOrAfter is exact")
    func clockSkewOnlyBeforeValidity() throws {
        let encoded = SAMLResponseBuilder().signedBase64()
        // Issued at now-30, valid until now+300.
        _ = try verifier.verify(
            samlResponseBase64: encoded, trustedCertificates: trusted, now: now.addingTimeInterval(269))
        _ = try verifier.verify(
            samlResponseBase64: encoded, trustedCertificates: trusted, now: now.addingTimeInterval(-329))
        #expect(throws: SAMLError(.notYetValid, "")) {
            try verifier.verify(
                samlResponseBase64: encoded, trustedCertificates: trusted, now: now.addingTimeInterval(-331))
        }
        #expect(throws: SAMLError(.expired, "")) {
            try verifier.verify(
                samlResponseBase64: encoded, trustedCertificates: trusted, now: now.addingTimeInterval(300))
        }
    }

    @Test("a second trusted certificate (key rollover) is tried when the first does not match")
    func secondTrustedCertificate() throws {
        let certificates = [SAMLTestIdentity.attacker.certificateDER, SAMLTestIdentity.trusted.certificateDER]
        let encoded = SAMLResponseBuilder().signedBase64()
        let result = try verifier.verify(samlResponseBase64: encoded, trustedCertificates: certificates, now: now)
        #expect(result.issuer == "https://idp.example.com/saml")
    }

    @Test("a non-success status from the identity provider is IDPRejectedClaim")
    func failedStatusIsRejectedClaim() throws {
        var builder = SAMLResponseBuilder()
        builder.statusCode = "urn:oasis:names:tc:SAML:2.0:status:Responder"
        let error = #expect(throws: SAMLError.self) {
            try verifier.verify(samlResponseBase64: builder.signedBase64(), trustedCertificates: trusted, now: now)
        }
        #expect(error?.code == .idpRejected)
        #expect(error?.code.stsErrorCode == "IDPRejectedClaim")
    }

    @Test("concurrent verifications on many tasks all succeed")
    func concurrentVerification() async throws {
        let encoded = SAMLResponseBuilder().signedBase64()
        let verifier = verifier
        let trusted = trusted
        let now = now
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try verifier.verify(samlResponseBase64: encoded, trustedCertificates: trusted, now: now).subject
                }
            }
            for try await subject in group { #expect(subject == "alice@example.com") }
        }
    }
}
