#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

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

    /// Creates the summary of a metadata document (the parser is `SAMLMetadata.parse` in LatchkeySAML).
    public init(entityID: String, signingCertificates: [[UInt8]], validUntil: Date?) {
        self.entityID = entityID
        self.signingCertificates = signingCertificates
        self.validUntil = validUntil
    }
}

/// Reads IdP metadata documents (`CreateSAMLProvider`, `UpdateSAMLProvider`). The libxmlsec1 implementation is
/// `SAMLMetadataParser` in LatchkeySAML; the services take this protocol so they never link libxmlsec1.
public protocol SAMLMetadataReading: Sendable {
    /// The entity ID, signing certificates and validity of `document`, or the reason it is refused.
    func read(_ document: String) throws(SAMLError) -> SAMLMetadata
}
