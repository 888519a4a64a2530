import Foundation
import LatchkeySAML
import LatchkeySAMLModel
import Testing

/// The eight signature-wrapping shapes of Somorovsky et al., "On Breaking SAML: Be Whoever You Want to Be" (2012),
/// built from a genuinely signed response: each must be refused, never read as the evil assertion.
@Suite struct SAMLSignatureWrappingTests {
    enum Shape: String, CaseIterable, CustomTestStringConvertible {
        case xsw1, xsw2, xsw3, xsw4, xsw5, xsw6, xsw7, xsw8
        var testDescription: String { rawValue.uppercased() }
    }

    static func wrapped(_ shape: Shape) throws -> String {
        var signedBuilder = SAMLResponseBuilder()
        var evilBuilder = SAMLResponseBuilder()
        evilBuilder.nameID = "admin@example.com"
        evilBuilder.signed = .none
        let evil = evilBuilder.assertionXML(signature: false)
        let evilOtherID = evilBuilder.assertionXML(id: "_evil-assert", signature: false)
        switch shape {
        case .xsw1, .xsw2:
            signedBuilder.signed = .response
            let original = signedBuilder.signedXML()
            let signature = try #require(original.slice(from: "<ds:Signature", through: "</ds:Signature>"))
            var outer = evilBuilder
            outer.responseID = "_evil-resp"
            outer.extensions =
                shape == .xsw1
                ? signature.replacingOccurrences(
                    of: "</ds:Signature>", with: "<ds:Object>\(original)</ds:Object></ds:Signature>")
                : original + signature
            return outer.responseXML(assertions: [evil])
        default:
            break
        }
        let signedResponse = signedBuilder.signedXML()
        let assertion = try #require(signedResponse.slice(from: "<saml:Assertion ", through: "</saml:Assertion>"))
        let signature = try #require(assertion.slice(from: "<ds:Signature", through: "</ds:Signature>"))
        let assertionWithoutSignature = assertion.replacingOccurrences(of: signature, with: "")
        func withSignature(_ element: String, object: String? = nil) -> String {
            let copied =
                object.map {
                    signature.replacingOccurrences(
                        of: "</ds:Signature>", with: "<ds:Object>\($0)</ds:Object></ds:Signature>")
                } ?? signature
            return element.replacingOccurrences(of: "</saml:Issuer>", with: "</saml:Issuer>" + copied)
        }
        switch shape {
        case .xsw3:
            return evilBuilder.responseXML(assertions: [evil, assertion])
        case .xsw4:
            let wrapper = String(evil.dropLast("</saml:Assertion>".count)) + assertion + "</saml:Assertion>"
            return evilBuilder.responseXML(assertions: [wrapper])
        case .xsw5:
            return evilBuilder.responseXML(assertions: [withSignature(evil), assertionWithoutSignature])
        case .xsw6:
            return evilBuilder.responseXML(assertions: [withSignature(evil, object: assertion)])
        case .xsw7:
            var outer = evilBuilder
            outer.extensions = "<samlp:Extensions>\(assertion)</samlp:Extensions>"
            return outer.responseXML(assertions: [evilOtherID])
        case .xsw8:
            return evilBuilder.responseXML(assertions: [withSignature(evilOtherID, object: assertionWithoutSignature)])
        case .xsw1, .xsw2:
            preconditionFailure("handled above")
        }
    }

    @Test("each classic signature-wrapping shape is refused", arguments: Shape.allCases)
    func wrappingShapeIsRejected(shape: Shape) throws {
        let xml = try Self.wrapped(shape)
        #expect(xml.contains("admin@example.com"))
        let error = #expect(throws: SAMLError.self) {
            try SAMLResponseVerifier().verify(
                samlResponseBase64: base64(xml), trustedCertificates: [SAMLTestIdentity.trusted.certificateDER],
                now: SAMLResponseBuilder.now)
        }
        #expect(error?.code == .signatureWrapping)
        #expect(error?.code.stsErrorCode == "InvalidIdentityToken")
    }

    @Test("the only assertion moved into Extensions (not a child of the Response) is refused")
    func assertionOutsideResponseChildrenIsRejected() throws {
        let signed = SAMLResponseBuilder().signedXML()
        let assertion = try #require(signed.slice(from: "<saml:Assertion ", through: "</saml:Assertion>"))
        var builder = SAMLResponseBuilder()
        builder.signed = .none
        builder.extensions = "<samlp:Extensions>\(assertion)</samlp:Extensions>"
        #expect(throws: SAMLError(.signatureWrapping, "")) {
            try SAMLResponseVerifier().verify(
                samlResponseBase64: base64(builder.responseXML(assertions: [])),
                trustedCertificates: [SAMLTestIdentity.trusted.certificateDER], now: SAMLResponseBuilder.now)
        }
    }

    @Test("a second signature outside the Response and Assertion is refused")
    func straySignatureIsRejected() throws {
        let signed = SAMLResponseBuilder().signedXML()
        let signature = try #require(signed.slice(from: "<ds:Signature", through: "</ds:Signature>"))
        let stray = signed.replacingOccurrences(
            of: "<samlp:Status>", with: "<samlp:Extensions>\(signature)</samlp:Extensions><samlp:Status>")
        #expect(throws: SAMLError(.signatureWrapping, "")) {
            try SAMLResponseVerifier().verify(
                samlResponseBase64: base64(stray), trustedCertificates: [SAMLTestIdentity.trusted.certificateDER],
                now: SAMLResponseBuilder.now)
        }
    }
}
