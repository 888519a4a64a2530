import CXMLSec
import LatchkeyBase
public import LatchkeySAMLModel

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The libxmlsec1 reader of IdP metadata documents.
public struct SAMLMetadataParser: SAMLMetadataReading {
    public init() {}

    public func read(_ document: String) throws(SAMLError) -> SAMLMetadata {
        try SAMLMetadata.parse(document)
    }
}

extension SAMLMetadata {
    /// Parses a metadata document (with the same safe parser as responses: no DTD, no entities, no network).
    ///
    /// The metadata's own signature, if any, is not checked (AWS does not require one). Every signing certificate
    /// must load as an X.509 certificate with a public key.
    public static func parse(_ xml: String) throws(SAMLError) -> SAMLMetadata {
        guard xml.utf8.count <= lengthRange.upperBound * 4 else {
            throw SAMLError(.invalidMetadata, "The SAML metadata document is too long")
        }
        let document = try XMLDocumentHandle.parse(Array(xml.utf8), invalid: .invalidMetadata)
        _ = try document.allElements(invalid: .invalidMetadata)
        guard let root = document.root, root.isElement("EntityDescriptor", in: SAMLNamespace.metadata) else {
            throw SAMLError(.invalidMetadata, "The SAML metadata must have one md:EntityDescriptor root")
        }
        guard let entityID = root.attribute("entityID"), !entityID.isEmpty, entityID.count <= 1024 else {
            throw SAMLError(.invalidMetadata, "The SAML metadata has no entityID")
        }
        var validUntil: Date?
        if let text = root.attribute("validUntil") {
            guard let date = ISO8601Parser.xmlSchema.parse(text)?.date else {
                throw SAMLError(.invalidMetadata, "The SAML metadata validUntil is not a valid dateTime")
            }
            validUntil = date
        }
        let descriptors = root.children("IDPSSODescriptor", in: SAMLNamespace.metadata)
        guard !descriptors.isEmpty else {
            throw SAMLError(.invalidMetadata, "The SAML metadata has no IDPSSODescriptor")
        }
        var certificates: [[UInt8]] = []
        for descriptor in descriptors {
            for keyDescriptor in descriptor.children("KeyDescriptor", in: SAMLNamespace.metadata) {
                let use = keyDescriptor.attribute("use")
                guard use == nil || use == "signing" else { continue }
                for certificate in try certificateElements(keyDescriptor) {
                    guard let text = certificate.textContent, let der = SAMLBase64.decode(text),
                        let key = SAMLTrustedKeys.loadKey(certificateDER: der)
                    else {
                        throw SAMLError(.invalidMetadata, "A signing certificate in the SAML metadata is invalid")
                    }
                    xmlSecKeyDestroy(key)
                    if !certificates.contains(der) { certificates.append(der) }
                }
            }
        }
        guard !certificates.isEmpty else {
            throw SAMLError(.invalidMetadata, "The SAML metadata has no signing certificate")
        }
        return SAMLMetadata(entityID: entityID, signingCertificates: certificates, validUntil: validUntil)
    }

    private static func certificateElements(_ keyDescriptor: XMLNodePointer) throws(SAMLError) -> [XMLNodePointer] {
        keyDescriptor.children("KeyInfo", in: SAMLNamespace.dsig)
            .flatMap { $0.children("X509Data", in: SAMLNamespace.dsig) }
            .flatMap { $0.children("X509Certificate", in: SAMLNamespace.dsig) }
    }
}
