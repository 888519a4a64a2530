import Foundation
import LatchkeySAML
import LatchkeySAMLModel
import Testing

@Suite struct SAMLMetadataTests {
    static func metadata(certificates: [(use: String?, base64: String)], validUntil: String? = nil) -> String {
        let keys = certificates.map { use, value in
            """
            <md:KeyDescriptor\(use.map { " use=\"\($0)\"" } ?? "")><ds:KeyInfo><ds:X509Data>
            <ds:X509Certificate>\(value)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            """
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" \
            xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/saml"\
            \(validUntil.map { " validUntil=\"\($0)\"" } ?? "")>
            <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\(keys)
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" \
            Location="https://idp.example.com/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>
            """
    }

    static let trustedBase64 = Data(SAMLTestIdentity.trusted.certificateDER).base64EncodedString(
        options: .lineLength64Characters)
    static let attackerBase64 = Data(SAMLTestIdentity.attacker.certificateDER).base64EncodedString()

    @Test("the entity ID, signing certificates and validUntil are read; encryption keys are skipped")
    func signingCertificatesAreExtracted() throws {
        let xml = Self.metadata(
            certificates: [
                ("signing", Self.trustedBase64), ("encryption", Self.attackerBase64), (nil, Self.attackerBase64),
            ],
            validUntil: "2030-01-01T00:00:00Z")
        let metadata = try SAMLMetadata.parse(xml)
        #expect(metadata.entityID == "https://idp.example.com/saml")
        #expect(
            metadata.signingCertificates == [
                SAMLTestIdentity.trusted.certificateDER, SAMLTestIdentity.attacker.certificateDER,
            ])
        #expect(metadata.validUntil == Date(timeIntervalSince1970: 1_893_456_000))
    }

    @Test("a certificate read from metadata verifies a response signed by that provider")
    func metadataCertificateVerifiesResponse() throws {
        let metadata = try SAMLMetadata.parse(Self.metadata(certificates: [("signing", Self.trustedBase64)]))
        let result = try SAMLResponseVerifier().verify(
            samlResponseBase64: SAMLResponseBuilder().signedBase64(), trustedCertificates: metadata.signingCertificates,
            now: SAMLResponseBuilder.now)
        #expect(result.issuer == metadata.entityID)
    }

    @Test("metadata with a DOCTYPE is refused")
    func doctypeIsRejected() {
        let xml = Self.metadata(certificates: [("signing", Self.trustedBase64)]).replacingOccurrences(
            of: "<md:EntityDescriptor",
            with: "<!DOCTYPE md:EntityDescriptor [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><md:EntityDescriptor")
        #expect(throws: SAMLError(.documentTypeDeclaration, "")) { try SAMLMetadata.parse(xml) }
    }

    @Test("metadata without a signing certificate is refused")
    func noSigningCertificateIsRejected() {
        let xml = Self.metadata(certificates: [("encryption", Self.trustedBase64)])
        #expect(throws: SAMLError(.invalidMetadata, "")) { try SAMLMetadata.parse(xml) }
    }

    @Test("a signing certificate that is not a certificate is refused", arguments: ["bm90IGEgY2VydA==", "%%%"])
    func invalidCertificateIsRejected(value: String) {
        let xml = Self.metadata(certificates: [("signing", value)])
        #expect(throws: SAMLError(.invalidMetadata, "")) { try SAMLMetadata.parse(xml) }
    }

    @Test("metadata that is not an EntityDescriptor is refused", arguments: ["<a/>", "not xml", ""])
    func wrongRootIsRejected(xml: String) {
        #expect(throws: SAMLError.self) { try SAMLMetadata.parse(xml) }
    }
}
