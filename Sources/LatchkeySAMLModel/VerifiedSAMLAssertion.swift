#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A SAML assertion whose signature verified against the provider's certificates and whose conditions hold.
/// Every field was read from the signed assertion element only.
public struct VerifiedSAMLAssertion: Sendable, Hashable {
    /// The assertion's `ID` (the replay-cache key).
    public let assertionID: String
    /// The assertion's `saml:Issuer` (the `Issuer` response field and `saml:iss`).
    public let issuer: String
    /// The full text of `Subject/NameID` (the `Subject` response field and `saml:sub`).
    public let subject: String
    /// The `Format` attribute of `NameID`, if present.
    public let nameIDFormat: String?
    /// Every `Audience` of every `AudienceRestriction`.
    public let audiences: [String]
    /// The accepted `Recipient` of the bearer `SubjectConfirmationData` (the `Audience` response field and `saml:aud`).
    public let recipient: String
    /// The Response's `Destination`, if present (already checked against the accepted endpoints).
    public let destination: String?
    /// The end of the assertion's validity: the earlier of `Conditions/@NotOnOrAfter` and the bearer
    /// `SubjectConfirmationData/@NotOnOrAfter`.
    public let notOnOrAfter: Date
    /// When a replay-cache entry for this assertion may be dropped: ``notOnOrAfter`` plus the clock skew.
    public let replayExpiry: Date
    /// The earliest `AuthnStatement/@SessionNotOnOrAfter`, if any.
    public let sessionNotOnOrAfter: Date?
    /// Every attribute of every `AttributeStatement`: `Name` → values, in document order.
    public let attributes: [String: [String]]
    /// The AWS attributes parsed from ``attributes``.
    public let aws: SAMLAWSAttributes

    /// Creates a verified assertion (only a verifier should: every field must come from the signed assertion).
    public init(
        assertionID: String, issuer: String, subject: String, nameIDFormat: String?, audiences: [String],
        recipient: String, destination: String?, notOnOrAfter: Date, replayExpiry: Date, sessionNotOnOrAfter: Date?,
        attributes: [String: [String]], aws: SAMLAWSAttributes
    ) {
        self.assertionID = assertionID
        self.issuer = issuer
        self.subject = subject
        self.nameIDFormat = nameIDFormat
        self.audiences = audiences
        self.recipient = recipient
        self.destination = destination
        self.notOnOrAfter = notOnOrAfter
        self.replayExpiry = replayExpiry
        self.sessionNotOnOrAfter = sessionNotOnOrAfter
        self.attributes = attributes
        self.aws = aws
    }

    /// `SubjectType`: ``nameIDFormat`` without the `urn:oasis:names:tc:SAML:2.0:nameid-format:` prefix.
    public var subjectType: String? { nameIDFormat.map(SAMLResponseFields.subjectType(nameIDFormat:)) }
}

/// Verifies a base64 SAML response against a provider's signing certificates. The libxmlsec1 implementation is
/// `SAMLResponseVerifier` in LatchkeySAML; the services take this protocol so they never link libxmlsec1.
public protocol SAMLResponseVerifying: Sendable {
    /// The verified assertion of `samlResponseBase64` (the `SAMLAssertion` parameter) at `now`, or the first
    /// failed check. `trustedCertificates` are the provider's DER signing certificates.
    func verify(samlResponseBase64: String, trustedCertificates: [[UInt8]], now: Date) throws(SAMLError)
        -> VerifiedSAMLAssertion
}
