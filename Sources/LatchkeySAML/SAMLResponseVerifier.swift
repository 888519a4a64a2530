public import LatchkeySAMLModel

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Verifies a base64 SAML 2.0 Response for `AssumeRoleWithSAML`.
///
/// The order is fixed and every step is bounded: length, strict base64, a refusal of any markup declaration,
/// libxml2 parsing without network, DTD or entity substitution; the anti-wrapping layout (exactly one Assertion, a
/// direct child of the Response, unique IDs, signatures only on the Response or the Assertion); the shape of each
/// signature (one `#ID` Reference to its parent, allowed algorithms and transforms); XML-DSig verification with
/// libxmlsec1 against the trusted certificates only; then the conditions, read from the signed assertion only.
///
/// The verifier is a value and holds no state: call it from any task. The replay check is the caller's, with a
/// ``SAMLReplayCache`` and ``VerifiedSAMLAssertion/replayExpiry``.
public struct SAMLResponseVerifier: SAMLResponseVerifying {
    /// The audiences AWS accepts: `https://signin.aws.amazon.com/saml` and `urn:amazon:webservices`.
    public static let awsAudiences: Set<String> = ["https://signin.aws.amazon.com/saml", "urn:amazon:webservices"]
    /// The global AWS sign-in endpoint, accepted as Recipient and Destination.
    public static let awsSignInEndpoint = "https://signin.aws.amazon.com/saml"
    /// `SAMLAssertionType` has `max: 100000` in the STS model.
    public static let maximumEncodedLength = 100_000

    /// Accepted `Audience` values.
    public var acceptedAudiences: Set<String>
    /// Accepted `Recipient` and `Destination` values (add the server's own URL here).
    public var acceptedRecipients: Set<String>
    /// Whether `https://REGION.signin.aws.amazon.com/saml` is accepted as Recipient and Destination for any region.
    public var acceptsRegionalSignInEndpoints: Bool
    /// Allowed clock difference with the identity provider, in seconds: applied only to `NotBefore` and to an
    /// `IssueInstant` slightly in the future. `NotOnOrAfter` is applied exactly, as AWS applies it.
    public var clockSkew: TimeInterval
    /// How long after its `IssueInstant` (the assertion's and the response's) a response may be redeemed: five
    /// minutes, as AWS answers "Token must be redeemed within 5 minutes of issuance".
    public var maximumResponseAge: TimeInterval

    /// Creates a verifier; the defaults are AWS's audiences and sign-in endpoints and five minutes of skew.
    public init(
        acceptedAudiences: Set<String> = SAMLResponseVerifier.awsAudiences,
        acceptedRecipients: Set<String> = [SAMLResponseVerifier.awsSignInEndpoint],
        acceptsRegionalSignInEndpoints: Bool = true,
        clockSkew: TimeInterval = 300,
        maximumResponseAge: TimeInterval = 300
    ) {
        self.acceptedAudiences = acceptedAudiences
        self.acceptedRecipients = acceptedRecipients
        self.acceptsRegionalSignInEndpoints = acceptsRegionalSignInEndpoints
        self.clockSkew = clockSkew
        self.maximumResponseAge = maximumResponseAge
    }

    /// Verifies `samlResponseBase64` (the `SAMLAssertion` parameter) at `now`.
    ///
    /// - Parameter trustedCertificates: the provider's signing certificates (DER), from its metadata. Keys or
    ///   certificates inside the document's `KeyInfo` are never used.
    /// - Throws: ``SAMLError`` describing the first failed check; no partial result is ever returned.
    public func verify(
        samlResponseBase64: String, trustedCertificates: [[UInt8]], now: Date
    ) throws(SAMLError) -> VerifiedSAMLAssertion {
        guard samlResponseBase64.utf8.count <= Self.maximumEncodedLength else {
            throw SAMLError(.oversizedInput, "The SAML assertion is longer than 100000 characters")
        }
        guard let bytes = SAMLBase64.decode(samlResponseBase64) else {
            throw SAMLError(.malformedResponse, "The SAML assertion is not valid base64")
        }
        let document = try XMLDocumentHandle.parse(bytes, invalid: .malformedResponse)
        let layout = try SAMLResponseLayout.locate(in: document)
        let checks = [
            layout.assertionSignature.map { SAMLSignatureCheck(signature: $0, signedElement: layout.assertion) },
            layout.responseSignature.map { SAMLSignatureCheck(signature: $0, signedElement: layout.response) },
        ].compactMap { $0 }
        for check in checks { try check.checkShape(in: document.doc) }
        let keys = SAMLTrustedKeys(certificates: trustedCertificates)
        guard !trustedCertificates.isEmpty else {
            throw SAMLError(.signatureInvalid, "The SAML provider has no signing certificate")
        }
        for check in checks where !check.verifies(with: keys) {
            throw SAMLError(.signatureInvalid, "The SAML response signature is invalid")
        }
        return try SAMLAssertionReader(verifier: self, layout: layout, now: now).read()
    }

    /// Whether `value` is an accepted Recipient or Destination.
    public func acceptsRecipient(_ value: String) -> Bool {
        if acceptedRecipients.contains(value) { return true }
        guard acceptsRegionalSignInEndpoints else { return false }
        let prefix = "https://"
        let suffix = ".signin.aws.amazon.com/saml"
        guard value.hasPrefix(prefix), value.hasSuffix(suffix), value.count > prefix.count + suffix.count else {
            return false
        }
        let region = value.dropFirst(prefix.count).dropLast(suffix.count)
        return region.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
