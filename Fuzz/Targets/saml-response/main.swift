import CFuzzDriver
import CXMLSec
import LatchkeySAMLModel

@testable import LatchkeySAML

// Fuzz target: the SAML response reader. The input is the XML of a SAML Response (not base64, so that mutations
// stay in the XML). Each input goes through the steps of `SAMLResponseVerifier.verify` after base64: markup
// refusal and libxml2 parsing (`XMLDocumentHandle`), the anti-wrapping layout, the shape of each signature,
// libxmlsec1 verification against a fixed test certificate, and the assertion reader (`SAMLAssertionReader`)
// whether or not the signature held, so that mutations of signed fields still reach the code that reads them.
// Documents whose signatures hold also go through the public `verify` whole, as AssumeRoleWithSAML calls it.
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#endif

let trustedCertificate: [UInt8] = {
    guard let data = Data(base64Encoded: trustedCertificateBase64) else { fatalError("bad test certificate") }
    return Array(data)
}()
/// The verifier's clock: 20 seconds after the seeds were issued.
let now = Date(timeIntervalSince1970: 1_767_225_620)  // 2026-01-01T00:00:20Z
let verifier = SAMLResponseVerifier()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSAMLResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The steps of `SAMLResponseVerifier.verify` after base64, without stopping at a failed signature.
    guard let document = try? XMLDocumentHandle.parse(bytes, invalid: .malformedResponse),
        let layout = try? SAMLResponseLayout.locate(in: document)
    else { return 0 }
    let checks = [
        layout.assertionSignature.map { SAMLSignatureCheck(signature: $0, signedElement: layout.assertion) },
        layout.responseSignature.map { SAMLSignatureCheck(signature: $0, signedElement: layout.response) },
    ].compactMap { $0 }
    for check in checks where (try? check.checkShape(in: document.doc)) == nil { return 0 }
    let keys = SAMLTrustedKeys(certificates: [trustedCertificate])
    var verified = !checks.isEmpty
    for check in checks where !check.verifies(with: keys) { verified = false }
    _ = try? SAMLAssertionReader(verifier: verifier, layout: layout, now: now).read()
    if verified {
        // The whole public path, as AssumeRoleWithSAML calls it, for documents whose signatures hold.
        _ = try? verifier.verify(
            samlResponseBase64: Data(bytes).base64EncodedString(), trustedCertificates: [trustedCertificate],
            now: now)
    }
    return 0
}

/// With `LATCHKEY_FUZZ_WRITE_SEEDS=DIR` and `LATCHKEY_FUZZ_SAML_KEY=PEM` (the private key of the trusted
/// certificate), writes signed seed responses into DIR and exits.
@_cdecl("LLVMFuzzerInitialize")
public func initializeSAMLResponse(
    _ argc: UnsafeMutablePointer<CInt>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    let environment = ProcessInfo.processInfo.environment
    guard let directory = environment["LATCHKEY_FUZZ_WRITE_SEEDS"] else { return 0 }
    guard let keyPath = environment["LATCHKEY_FUZZ_SAML_KEY"] else { fatalError("set LATCHKEY_FUZZ_SAML_KEY") }
    precondition(XMLSecLibrary.isReady)
    let seeds: [(String, String)] = [
        ("signed-assertion", SeedBuilder(signAssertion: true, signResponse: false).xml),
        ("signed-response", SeedBuilder(signAssertion: false, signResponse: true).xml),
        ("signed-both", SeedBuilder(signAssertion: true, signResponse: true).xml),
        ("unsigned", SeedBuilder(signAssertion: false, signResponse: false).xml),
    ]
    for (name, xml) in seeds {
        let signed = sign(xml, keyPath: keyPath)
        if name != "unsigned" {
            do {
                _ = try verifier.verify(
                    samlResponseBase64: Data(signed.utf8).base64EncodedString(),
                    trustedCertificates: [trustedCertificate], now: now)
            } catch {
                fatalError("the seed \(name) does not verify: \(error)")
            }
        }
        _ = FileManager.default.createFile(atPath: "\(directory)/\(name)", contents: Data(signed.utf8))
    }
    exit(0)
}

/// A SAML Response with signature templates, in the shape the tests' `SAMLResponseBuilder` makes.
struct SeedBuilder {
    var signAssertion: Bool
    var signResponse: Bool

    static func template(_ uri: String) -> String {
        """
        <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>\
        <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>\
        <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>\
        <ds:Reference URI="\(uri)"><ds:Transforms>\
        <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>\
        <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>\
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>\
        </ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>
        """
    }

    var xml: String {
        """
        <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
        xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_resp-7d1c" Version="2.0" \
        IssueInstant="2026-01-01T00:00:00Z" Destination="https://signin.aws.amazon.com/saml">\
        <saml:Issuer>https://idp.example.com/saml</saml:Issuer>\(signResponse ? Self.template("#_resp-7d1c") : "")\
        <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>\
        <saml:Assertion ID="_assert-4f2a" Version="2.0" IssueInstant="2026-01-01T00:00:00Z">\
        <saml:Issuer>https://idp.example.com/saml</saml:Issuer>\(signAssertion ? Self.template("#_assert-4f2a") : "")\
        <saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">alice@example.com\
        </saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">\
        <saml:SubjectConfirmationData NotOnOrAfter="2026-01-01T00:05:00Z" \
        Recipient="https://signin.aws.amazon.com/saml"/></saml:SubjectConfirmation></saml:Subject>\
        <saml:Conditions NotBefore="2025-12-31T23:59:00Z" NotOnOrAfter="2026-01-01T00:05:00Z">\
        <saml:AudienceRestriction><saml:Audience>https://signin.aws.amazon.com/saml</saml:Audience>\
        </saml:AudienceRestriction></saml:Conditions>\
        <saml:AuthnStatement AuthnInstant="2026-01-01T00:00:00Z" SessionNotOnOrAfter="2026-01-01T02:00:00Z">\
        <saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport\
        </saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>\
        <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>\
        arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/Okta</saml:AttributeValue>\
        </saml:Attribute><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">\
        <saml:AttributeValue>alice</saml:AttributeValue></saml:Attribute>\
        <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/PrincipalTag:team">\
        <saml:AttributeValue>eng</saml:AttributeValue></saml:Attribute>\
        <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration">\
        <saml:AttributeValue>1800</saml:AttributeValue></saml:Attribute>\
        </saml:AttributeStatement></saml:Assertion></samlp:Response>
        """
    }
}

/// Signs every `ds:Signature` template, deepest first (as the tests' `SAMLTestSigner` does).
func sign(_ xml: String, keyPath: String) -> String {
    let bytes = Array(xml.utf8)
    guard
        let doc = bytes.withUnsafeBufferPointer({ buffer in
            buffer.withMemoryRebound(to: CChar.self) { xmlReadMemory($0.baseAddress, Int32($0.count), nil, "UTF-8", 0) }
        })
    else { fatalError("seed template is not XML") }
    defer { xmlFreeDoc(doc) }
    var signatures: [(depth: Int, node: XMLNodePointer)] = []
    guard let root = xmlDocGetRootElement(doc) else { fatalError("no root") }
    var stack: [(Int, XMLNodePointer)] = [(0, root)]
    while let (depth, node) = stack.popLast() {
        if let attribute = node.attributeNode("ID"), let value = node.attribute("ID") {
            _ = xmlAddID(nil, doc, value, attribute)
        }
        if node.isElement("Signature", in: SAMLNamespace.dsig) { signatures.append((depth, node)) }
        for child in node.childElements { stack.append((depth + 1, child)) }
    }
    for (_, signature) in signatures.sorted(by: { $0.depth > $1.depth }) {
        guard let context = xmlSecDSigCtxCreate(nil),
            let key = xmlSecOpenSSLAppKeyLoad(keyPath, xmlSecKeyDataFormatPem, nil, nil, nil),
            trustedCertificate.withUnsafeBufferPointer({
                xmlSecOpenSSLAppKeyCertLoadMemory(key, $0.baseAddress, .init($0.count), xmlSecKeyDataFormatDer)
            }) == 0
        else { fatalError("loading the signing key failed") }
        defer { xmlSecDSigCtxDestroy(context) }
        context.pointee.signKey = key
        guard xmlSecDSigCtxSign(context, signature) == 0 else { fatalError("signing failed") }
    }
    guard let buffer = xmlBufferCreate() else { fatalError("no buffer") }
    defer { xmlBufferFree(buffer) }
    _ = xmlNodeDump(buffer, doc, root, 0, 0)
    return String(cString: xmlBufferContent(buffer))
}

/// The executable's entry point (SwiftPM links `saml_response_main` as `main`): hands over to libFuzzer's driver.
@_cdecl("saml_response_main")
public func saml_responseMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzSAMLResponse)
}
