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

    /// `SubjectType`: ``nameIDFormat`` without the `urn:oasis:names:tc:SAML:2.0:nameid-format:` prefix.
    public var subjectType: String? { nameIDFormat.map(SAMLResponseFields.subjectType(nameIDFormat:)) }
}
