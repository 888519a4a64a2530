public import LatchkeyModel
import LatchkeyPolicy
public import LatchkeySAMLModel

/// The checks IAM's write operations make, for the declarative seed to run on everything a file declares before its
/// first write (so a bad file changes nothing), with IAM's own messages.
public enum SeedValidation {
    /// Checks a policy document as `CreatePolicy` (`.managed`), `Put*Policy` (`.inline`) or `CreateRole` /
    /// `UpdateAssumeRolePolicy` (`.roleTrust`) check it: `MalformedPolicyDocument` with IAM's message.
    public static func checkPolicyDocument(_ text: String, as use: DocumentUse) throws(STSError) {
        switch use {
        case .managed: try IAMService.validatePolicyDocument(text, as: .managed)
        case .inline: try IAMService.validatePolicyDocument(text, as: .inline)
        case .roleTrust: try IAMService.validatePolicyDocument(text, as: .roleTrust)
        }
    }

    /// Where a seeded policy document is used.
    public enum DocumentUse: Sendable {
        case managed
        case inline
        case roleTrust
    }

    /// The provider identity (`HOST[/PATH]`) of an OIDC issuer URL, as `CreateOpenIDConnectProvider` checks it.
    public static func oidcProviderIdentity(_ url: String) throws(STSError) -> String {
        try IAMService.oidcIdentity(url)
    }

    /// Thumbprints as `CreateOpenIDConnectProvider` checks them: at most 5, 40 hexadecimal digits; lowercased.
    public static func checkThumbprints(_ thumbprints: [String]) throws(STSError) -> [String] {
        try IAMService.checkThumbprints(thumbprints)
    }

    /// SAML metadata as `CreateSAMLProvider` checks it: 1,000 to 10,000,000 characters, parsed by `reader`
    /// (`InvalidInput` with the parser's message).
    public static func checkSAMLMetadata(_ document: String, reader: any SAMLMetadataReading) throws(STSError) {
        guard SAMLMetadata.lengthRange.contains(document.count) else {
            throw STSError(
                .invalidInput,
                "SAMLMetadataDocument must be between \(SAMLMetadata.lengthRange.lowerBound) and \(SAMLMetadata.lengthRange.upperBound) characters long."
            )
        }
        do {
            _ = try reader.read(document)
        } catch {
            throw STSError(.invalidInput, error.message)
        }
    }
}
