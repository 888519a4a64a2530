#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import CXMLSec

/// An identity provider's SAML 2.0 metadata (`CreateSAMLProvider`'s `SAMLMetadataDocument`).
public struct SAMLMetadata: Sendable, Hashable {
    /// `EntityDescriptor/@entityID`.
    public let entityID: String
    /// The DER certificates of `IDPSSODescriptor/KeyDescriptor` with `use="signing"` or no `use`, in document order.
    public let signingCertificates: [[UInt8]]
    /// `EntityDescriptor/@validUntil`, if present.
    public let validUntil: Date?

    /// IAM's bounds on `SAMLMetadataDocument` (characters).
    public static let lengthRange = 1000...10_000_000

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
            guard let date = SAMLDateTime.parse(text) else {
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
