import Foundation
import LatchkeySAML
import LatchkeySAMLModel
import Testing

/// The attack table for AssumeRoleWithSAML: every case is refused with the documented kind of error.
@Suite struct SAMLAttackTests {
    let verifier = SAMLResponseVerifier()
    let trusted = [SAMLTestIdentity.trusted.certificateDER]
    let now = SAMLResponseBuilder.now

    func refusal(_ encoded: String, now: Date? = nil) -> SAMLError? {
        do {
            _ = try verifier.verify(samlResponseBase64: encoded, trustedCertificates: trusted, now: now ?? self.now)
            return nil
        } catch {
            return error
        }
    }

    func refusal(xml: String) -> SAMLError? { refusal(base64(xml)) }

    @Test("an unsigned response is refused")
    func unsignedResponseIsRejected() {
        var builder = SAMLResponseBuilder()
        builder.signed = .none
        #expect(refusal(xml: builder.responseXML())?.code == .signatureMissing)
    }

    @Test("a response signed by a key that is not the provider's is refused, even with its certificate in KeyInfo")
    func untrustedSignerIsRejected() {
        #expect(refusal(SAMLResponseBuilder().signedBase64(by: .attacker))?.code == .signatureInvalid)
    }

    @Test("a NameID changed after signing is refused")
    func tamperedNameIDIsRejected() throws {
        let signed = SAMLResponseBuilder().signedXML()
        let tampered = signed.replacingOccurrences(of: ">alice@example.com<", with: ">admin@example.com<")
        #expect(tampered != signed)
        #expect(refusal(xml: tampered)?.code == .signatureInvalid)
    }

    @Test("an attribute changed after signing is refused")
    func tamperedRoleIsRejected() throws {
        let signed = SAMLResponseBuilder().signedXML()
        let tampered = signed.replacingOccurrences(of: "role/Admin", with: "role/Root")
        #expect(refusal(xml: tampered)?.code == .signatureInvalid)
    }

    @Test("a signature inside the assertion that references a different element is refused")
    func signatureOverDifferentElementIsRejected() {
        var builder = SAMLResponseBuilder()
        builder.extensions =
            "<samlp:Extensions ID=\"_ext\"><x:Note xmlns:x=\"urn:example\">hi</x:Note></samlp:Extensions>"
        builder.assertionReferenceURI = "#_ext"
        #expect(refusal(builder.signedBase64())?.code == .signatureWrapping)
    }

    @Test("a signature inside the assertion that references the Response is refused")
    func assertionSignatureOverResponseIsRejected() {
        var builder = SAMLResponseBuilder()
        builder.assertionReferenceURI = "#_resp-7d1c"
        #expect(refusal(builder.signedBase64())?.code == .signatureWrapping)
    }

    @Test("an HMAC signature method is refused (the certificate is public)")
    func hmacSignatureMethodIsRejected() {
        let signed = SAMLResponseBuilder().signedXML().replacingOccurrences(
            of: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", with: "http://www.w3.org/2000/09/xmldsig#hmac-sha1"
        )
        #expect(refusal(xml: signed)?.code == .unsupportedAlgorithm)
    }

    @Test("two assertions are refused")
    func twoAssertionsAreRejected() {
        let builder = SAMLResponseBuilder()
        let first = SAMLTestSigner.sign(builder.assertionXML(signature: true), with: .trusted)
        let second = SAMLTestSigner.sign(builder.assertionXML(id: "_other", signature: true), with: .trusted)
        #expect(refusal(xml: builder.responseXML(assertions: [first, second]))?.code == .signatureWrapping)
    }

    @Test("a response without an assertion is refused")
    func noAssertionIsRejected() {
        var builder = SAMLResponseBuilder()
        builder.signed = .response
        #expect(
            refusal(xml: SAMLTestSigner.sign(builder.responseXML(assertions: []), with: .trusted))?.code
                == .malformedResponse)
    }

    @Test("duplicate IDs are refused")
    func duplicateIDIsRejected() {
        var builder = SAMLResponseBuilder()
        builder.extensions = "<samlp:Extensions ID=\"_assert-4f2a\"/>"
        #expect(refusal(builder.signedBase64())?.code == .signatureWrapping)
    }

    @Test("an xml:id that shadows the assertion ID is refused")
    func xmlIDShadowingIsRejected() {
        var builder = SAMLResponseBuilder()
        builder.extensions = "<samlp:Extensions xml:id=\"_assert-4f2a\"/>"
        #expect(refusal(xml: SAMLTestSigner.sign(builder.responseXML(), with: .trusted))?.code == .signatureWrapping)
    }

    @Test("comment injection in NameID verifies but the subject is the full canonical value")
    func commentInjectionReadsFullNameID() throws {
        var builder = SAMLResponseBuilder()
        builder.nameID = "user@evil.com.attacker.com"
        let injected = builder.signedXML().replacingOccurrences(
            of: ">user@evil.com.attacker.com<", with: ">user@evil.com<!---->.attacker.com<")
        #expect(injected.contains("<!---->"))
        let result = try verifier.verify(samlResponseBase64: base64(injected), trustedCertificates: trusted, now: now)
        #expect(result.subject == "user@evil.com.attacker.com")
    }

    @Test("an expired assertion is refused with ExpiredTokenException")
    func expiredAssertionIsRejected() {
        let error = refusal(SAMLResponseBuilder().signedBase64(), now: now.addingTimeInterval(3600))
        #expect(error?.code == .expired)
        #expect(error?.code.stsErrorCode == "ExpiredTokenException")
    }

    @Test("NotOnOrAfter is applied exactly: an IdP's one-minute validity is a one-minute window")
    func notOnOrAfterHasNoSkew() throws {
        var builder = SAMLResponseBuilder()
        builder.issueInstant = now
        builder.notOnOrAfter = now.addingTimeInterval(60)
        builder.confirmationNotOnOrAfter = now.addingTimeInterval(60)
        let encoded = builder.signedBase64()
        _ = try verifier.verify(
            samlResponseBase64: encoded, trustedCertificates: trusted, now: now.addingTimeInterval(59))
        let error = refusal(encoded, now: now.addingTimeInterval(61))
        #expect(error?.code == .expired)
        #expect(error?.message == "Response has expired")
    }

    @Test("a Conditions NotOnOrAfter that has passed is refused even if the confirmation is still valid")
    func expiredConditionsAreRejected() {
        var builder = SAMLResponseBuilder()
        builder.notOnOrAfter = now.addingTimeInterval(-1)
        let error = refusal(builder.signedBase64())
        #expect(error?.code == .expired)
        #expect(error?.message == "Response has expired")
    }

    @Test("a response issued more than five minutes ago is refused whatever its NotOnOrAfter says")
    func staleIssueInstantIsRejected() throws {
        var builder = SAMLResponseBuilder()
        builder.issueInstant = now.addingTimeInterval(-301)
        builder.notBefore = now.addingTimeInterval(-400)
        builder.notOnOrAfter = now.addingTimeInterval(3600)
        builder.confirmationNotOnOrAfter = now.addingTimeInterval(3600)
        let error = refusal(builder.signedBase64())
        #expect(error?.code == .expired)
        #expect(error?.code.stsErrorCode == "ExpiredTokenException")
        #expect(error?.message == "Token must be redeemed within 5 minutes of issuance")
        // Exactly five minutes old is still redeemable.
        builder.issueInstant = now.addingTimeInterval(-300)
        _ = try verifier.verify(samlResponseBase64: builder.signedBase64(), trustedCertificates: trusted, now: now)
    }

    @Test("a stale Response IssueInstant is refused even when the assertion's is fresh")
    func staleResponseIssueInstantIsRejected() throws {
        let builder = SAMLResponseBuilder()
        let fresh = SAMLResponseBuilder.timestamp(builder.issueInstant)
        let stale = SAMLResponseBuilder.timestamp(now.addingTimeInterval(-900))
        let xml = builder.responseXML()
        // The Response's IssueInstant is the first one in the document; the assertion keeps its own.
        guard let range = xml.range(of: "IssueInstant=\"\(fresh)\"") else {
            Issue.record("no IssueInstant in the built response")
            return
        }
        let edited = xml.replacingCharacters(in: range, with: "IssueInstant=\"\(stale)\"")
        #expect(edited.contains("IssueInstant=\"\(fresh)\""))
        let error = refusal(xml: SAMLTestSigner.sign(edited, with: .trusted))
        #expect(error?.message == "Token must be redeemed within 5 minutes of issuance")
    }

    @Test("an expired SubjectConfirmationData is refused even if Conditions are still valid")
    func expiredConfirmationIsRejected() {
        var builder = SAMLResponseBuilder()
        builder.confirmationNotOnOrAfter = now.addingTimeInterval(-400)
        #expect(refusal(builder.signedBase64())?.code == .expired)
    }

    @Test("an assertion that is not yet valid is refused")
    func notYetValidAssertionIsRejected() {
        var builder = SAMLResponseBuilder()
        builder.notBefore = now.addingTimeInterval(900)
        #expect(refusal(builder.signedBase64())?.code == .notYetValid)
    }

    @Test("an assertion for another audience is refused")
    func wrongAudienceIsRejected() {
        var builder = SAMLResponseBuilder()
        builder.audiences = ["https://other.example.com/sp"]
        #expect(refusal(builder.signedBase64())?.code == .wrongAudience)
    }

    @Test(
        "an assertion for another recipient is refused",
        arguments: [
            "https://other.example.com/acs", "https://signin.aws.amazon.com/saml/extra",
            "https://a.b.signin.aws.amazon.com/saml",
        ])
    func wrongRecipientIsRejected(recipient: String) {
        var builder = SAMLResponseBuilder()
        builder.recipient = recipient
        #expect(refusal(builder.signedBase64())?.code == .wrongRecipient)
    }

    @Test("a response for another destination is refused")
    func wrongDestinationIsRejected() {
        var builder = SAMLResponseBuilder()
        builder.destination = "https://other.example.com/acs"
        #expect(refusal(builder.signedBase64())?.code == .wrongDestination)
    }

    @Test("a replayed assertion is refused until it expires, and accepted after")
    func replayIsRejectedUntilExpiry() throws {
        let cache = SAMLReplayCache()
        let result = try verifier.verify(
            samlResponseBase64: SAMLResponseBuilder().signedBase64(), trustedCertificates: trusted, now: now)
        #expect(cache.checkAndInsert(id: result.assertionID, expires: result.replayExpiry, now: now))
        #expect(
            !cache.checkAndInsert(id: result.assertionID, expires: result.replayExpiry, now: now.addingTimeInterval(60))
        )
        #expect(cache.checkAndInsert(id: result.assertionID, expires: result.replayExpiry, now: result.replayExpiry))
    }

    @Test("a DOCTYPE with nested internal entities (billion laughs) is refused")
    func billionLaughsIsRejected() {
        let doctype = """
            <!DOCTYPE samlp:Response [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
            """
        let signed = SAMLResponseBuilder().signedXML().replacingOccurrences(of: ">alice@example.com<", with: ">&lol3;<")
        #expect(refusal(xml: doctype + signed)?.code == .documentTypeDeclaration)
    }

    @Test("an external entity (file:///etc/passwd) is refused")
    func externalEntityIsRejected() {
        let doctype = "<!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
        let signed = SAMLResponseBuilder().signedXML().replacingOccurrences(of: ">alice@example.com<", with: ">&xxe;<")
        #expect(refusal(xml: doctype + signed)?.code == .documentTypeDeclaration)
    }

    @Test("an undeclared entity reference is refused as malformed XML")
    func undeclaredEntityIsRejected() {
        let signed = SAMLResponseBuilder().signedXML().replacingOccurrences(of: ">alice@example.com<", with: ">&xxe;<")
        #expect(refusal(xml: signed)?.code == .malformedResponse)
    }

    @Test("an input longer than 100000 characters is refused")
    func oversizedInputIsRejected() {
        #expect(refusal(String(repeating: "QUFB", count: 25_001))?.code == .oversizedInput)
    }

    @Test("input that is not base64 is refused", arguments: ["not base64!", "QUJD=", "QUJ", "QU JD%"])
    func invalidBase64IsRejected(input: String) {
        #expect(refusal(input)?.code == .malformedResponse)
    }

    @Test("base64 that is not XML is refused", arguments: ["hello, world", "<samlp:Response", "{\"json\":true}"])
    func notXMLIsRejected(text: String) {
        #expect(refusal(xml: text)?.code == .malformedResponse)
    }

    @Test("a root element other than samlp:Response is refused")
    func assertionAsRootIsRejected() {
        let assertion = SAMLTestSigner.sign(SAMLResponseBuilder().assertionXML(signature: true), with: .trusted)
        #expect(refusal(xml: assertion)?.code == .malformedResponse)
    }
}
