import Foundation

/// Builds SAML 2.0 Response documents with signature templates, for signing with ``SAMLTestSigner``.
struct SAMLResponseBuilder {
    enum SignedElement { case assertion, response, both, none }

    static let now = Date(timeIntervalSince1970: 1_748_779_200)  // 2025-06-01T12:00:00Z

    var responseID = "_resp-7d1c"
    var assertionID = "_assert-4f2a"
    var issuer = "https://idp.example.com/saml"
    var nameID = "alice@example.com"
    var nameIDFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
    var destination: String? = "https://signin.aws.amazon.com/saml"
    var recipient = "https://signin.aws.amazon.com/saml"
    var audiences = ["https://signin.aws.amazon.com/saml"]
    var issueInstant = now.addingTimeInterval(-30)
    var notBefore = now.addingTimeInterval(-60)
    var notOnOrAfter = now.addingTimeInterval(300)
    var confirmationNotOnOrAfter = now.addingTimeInterval(300)
    var sessionNotOnOrAfter: Date? = now.addingTimeInterval(7200)
    var statusCode = "urn:oasis:names:tc:SAML:2.0:status:Success"
    var signed = SignedElement.assertion
    var assertionReferenceURI: String?
    var signatureMethod = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    var extensions = ""
    var attributes: [(String, [String])] = [
        (
            "https://aws.amazon.com/SAML/Attributes/Role",
            ["arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/Okta"]
        ),
        ("https://aws.amazon.com/SAML/Attributes/RoleSessionName", ["alice"]),
    ]

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func signatureTemplate(uri: String, method: String) -> String {
        """
        <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>\
        <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
        <ds:SignatureMethod Algorithm="\(method)"/>\
        <ds:Reference URI="\(uri)"><ds:Transforms>\
        <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>\
        <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>\
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>\
        </ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>
        """
    }

    /// The assertion element; `signature` says whether it carries a signature template.
    func assertionXML(id: String? = nil, nameID: String? = nil, signature: Bool) -> String {
        let id = id ?? assertionID
        let attributeXML = attributes.map { name, values in
            "<saml:Attribute Name=\"\(name)\">"
                + values.map { "<saml:AttributeValue>\($0)</saml:AttributeValue>" }.joined() + "</saml:Attribute>"
        }.joined()
        let session = sessionNotOnOrAfter.map { " SessionNotOnOrAfter=\"\(Self.timestamp($0))\"" } ?? ""
        return """
            <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\(id)" Version="2.0" \
            IssueInstant="\(Self.timestamp(issueInstant))"><saml:Issuer>\(issuer)</saml:Issuer>\
            \(signature ? Self.signatureTemplate(uri: assertionReferenceURI ?? "#\(id)", method: signatureMethod) : "")\
            <saml:Subject><saml:NameID Format="\(nameIDFormat)">\(nameID ?? self.nameID)</saml:NameID>\
            <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">\
            <saml:SubjectConfirmationData NotOnOrAfter="\(Self.timestamp(confirmationNotOnOrAfter))" \
            Recipient="\(recipient)"/></saml:SubjectConfirmation></saml:Subject>\
            <saml:Conditions NotBefore="\(Self.timestamp(notBefore))" NotOnOrAfter="\(Self.timestamp(notOnOrAfter))">\
            <saml:AudienceRestriction>\(audiences.map { "<saml:Audience>\($0)</saml:Audience>" }.joined())\
            </saml:AudienceRestriction></saml:Conditions>\
            <saml:AuthnStatement AuthnInstant="\(Self.timestamp(issueInstant))"\(session)>\
            <saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport\
            </saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>\
            <saml:AttributeStatement>\(attributeXML)</saml:AttributeStatement></saml:Assertion>
            """
    }

    /// The Response around `assertions` (default: this builder's assertion).
    func responseXML(assertions: [String]? = nil) -> String {
        let signAssertion = signed == .assertion || signed == .both
        let signResponse = signed == .response || signed == .both
        let body = assertions ?? [assertionXML(signature: signAssertion)]
        return """
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
            xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="\(responseID)" Version="2.0" \
            IssueInstant="\(Self.timestamp(issueInstant))"\(destination.map { " Destination=\"\($0)\"" } ?? "")>\
            <saml:Issuer>\(issuer)</saml:Issuer>\
            \(signResponse ? Self.signatureTemplate(uri: "#\(responseID)", method: signatureMethod) : "")\
            \(extensions)\
            <samlp:Status><samlp:StatusCode Value="\(statusCode)"/></samlp:Status>\(body.joined())</samlp:Response>
            """
    }

    /// The signed Response document.
    func signedXML(by identity: SAMLTestIdentity = .trusted) -> String {
        SAMLTestSigner.sign(responseXML(), with: identity)
    }

    /// The signed Response, base64-encoded as `SAMLAssertion` carries it.
    func signedBase64(by identity: SAMLTestIdentity = .trusted) -> String {
        Data(signedXML(by: identity).utf8).base64EncodedString()
    }
}

func base64(_ xml: String) -> String { Data(xml.utf8).base64EncodedString() }

extension String {
    /// The first substring from `start` through `end` (inclusive).
    func slice(from start: String, through end: String) -> String? {
        guard let lower = range(of: start), let upper = range(of: end, range: lower.upperBound..<endIndex) else {
            return nil
        }
        return String(self[lower.lowerBound..<upper.upperBound])
    }
}
