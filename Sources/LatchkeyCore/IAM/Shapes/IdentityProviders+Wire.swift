public import LatchkeyDomain
public import LatchkeyModel

// OIDC and SAML providers as IAM answers them.

extension GetOpenIDConnectProviderOutput {
    /// `GetOpenIDConnectProvider`: the URL without its scheme (the provider's identity), every list (empty ones too).
    public init(_ provider: OIDCProvider) {
        self.init(
            url: provider.identity, clientIDList: provider.clientIDs, thumbprintList: provider.thumbprints,
            createDate: provider.createDate, tags: provider.tags.map(IAM.Tag.init))
    }
}

extension GetSAMLProviderOutput {
    /// `GetSAMLProvider`: `ValidUntil` always (``IAMService/validUntil(of:)``), `Tags` always; assertion
    /// encryption "Allowed" and an empty `PrivateKeyList`, as IAM answers for a provider without decryption keys
    /// (Latchkey keeps none).
    public init(_ provider: SAMLProvider) {
        self.init(
            samlProviderUUID: provider.uuid, samlMetadataDocument: provider.metadataDocument,
            createDate: provider.createDate, validUntil: IAMService.validUntil(of: provider),
            tags: provider.tags.map(IAM.Tag.init), assertionEncryptionMode: "Allowed", privateKeyList: [])
    }
}

extension IAM.SAMLProviderListEntry {
    /// A `ListSAMLProviders` entry: `ValidUntil` always, as in `GetSAMLProvider`.
    public init(_ provider: SAMLProvider) {
        self.init(arn: provider.arn, validUntil: IAMService.validUntil(of: provider), createDate: provider.createDate)
    }
}
