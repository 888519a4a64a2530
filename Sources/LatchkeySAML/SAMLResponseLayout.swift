import CXMLSec
import LatchkeySAMLModel

/// Where the one assertion and its signatures sit in a SAML Response, after the anti-wrapping checks.
struct SAMLResponseLayout {
    let response: XMLNodePointer
    let assertion: XMLNodePointer
    /// The `ds:Signature` that is a direct child of the assertion, if any.
    let assertionSignature: XMLNodePointer?
    /// The `ds:Signature` that is a direct child of the Response, if any.
    let responseSignature: XMLNodePointer?

    /// Registers every `ID` attribute (refusing duplicates, including clashes with `xml:id`), and requires exactly
    /// one Assertion, a direct child of the Response root, with signatures only as direct children of the Response or
    /// of the Assertion (at most one each).
    static func locate(in document: XMLDocumentHandle) throws(SAMLError) -> SAMLResponseLayout {
        guard let root = document.root, root.isElement("Response", in: SAMLNamespace.protocol_) else {
            throw SAMLError(.malformedResponse, "The SAML response has no samlp:Response root element")
        }
        var assertions: [XMLNodePointer] = []
        var signatures: [XMLNodePointer] = []
        for element in try document.allElements(invalid: .malformedResponse) {
            try registerID(of: element, in: document.doc)
            if element.isElement("Assertion", in: SAMLNamespace.assertion) { assertions.append(element) }
            if element.isElement("EncryptedAssertion", in: SAMLNamespace.assertion) {
                throw SAMLError(.malformedResponse, "Encrypted SAML assertions are not supported")
            }
            if element.isElement("Signature", in: SAMLNamespace.dsig) { signatures.append(element) }
        }
        guard let assertion = assertions.first else {
            throw SAMLError(.malformedResponse, "The SAML response contains no assertion")
        }
        guard assertions.count == 1 else {
            throw SAMLError(.signatureWrapping, "The SAML response must contain exactly one assertion")
        }
        guard assertion.parentElement == root else {
            throw SAMLError(.signatureWrapping, "The SAML assertion must be a direct child of the response")
        }
        var assertionSignature: XMLNodePointer?
        var responseSignature: XMLNodePointer?
        for signature in signatures {
            if signature.parentElement == assertion, assertionSignature == nil {
                assertionSignature = signature
            } else if signature.parentElement == root, responseSignature == nil {
                responseSignature = signature
            } else {
                throw SAMLError(.signatureWrapping, "The SAML response has a signature in an unexpected place")
            }
        }
        guard assertionSignature != nil || responseSignature != nil else {
            throw SAMLError(.signatureMissing, "The SAML assertion is not signed")
        }
        return SAMLResponseLayout(
            response: root, assertion: assertion, assertionSignature: assertionSignature,
            responseSignature: responseSignature
        )
    }

    private static func registerID(of element: XMLNodePointer, in doc: xmlDocPtr) throws(SAMLError) {
        guard let attribute = element.attributeNode("ID"), let value = element.attribute("ID") else { return }
        guard !value.isEmpty else { throw SAMLError(.malformedResponse, "An ID attribute is empty") }
        if xmlGetID(doc, value) != nil {
            throw SAMLError(.signatureWrapping, "The ID \(quoted(value)) occurs more than once")
        }
        guard xmlAddID(nil, doc, value, attribute) != nil else {
            throw SAMLError(.malformedResponse, "The ID \(quoted(value)) cannot be registered")
        }
    }
}

/// A short, printable rendering of untrusted text for error messages.
func quoted(_ value: String) -> String {
    let printable = value.unicodeScalars.prefix(64).map {
        $0.properties.isWhitespace || $0.value < 0x20 ? "?" : String($0)
    }
    return "'" + printable.joined() + (value.unicodeScalars.count > 64 ? "...'" : "'")
}
