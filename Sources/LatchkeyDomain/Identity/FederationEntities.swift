public import Foundation

/// An IAM OpenID Connect identity provider: an issuer whose tokens `AssumeRoleWithWebIdentity` accepts.
public struct OIDCProvider: Sendable, Hashable {
    public var accountId: String
    /// The provider's identity: the issuer URL without `https://`, with its port if it has one
    /// (`token.actions.example.com`, `10.0.0.5:8443/realms/ci`). Unique per account.
    public var identity: String
    /// The issuer URL as registered (`https://` + identity).
    public var url: String
    /// The audiences (`aud`) the provider's tokens may carry, in the order added.
    public var clientIDs: [String]
    /// Lowercase hex SHA-1 thumbprints of certificates trusted for the issuer when its TLS chain does not verify.
    public var thumbprints: [String]
    public var tags: [ResourceTag]
    public var createDate: Date

    public init(
        accountId: String, identity: String, url: String, clientIDs: [String], thumbprints: [String],
        tags: [ResourceTag] = [], createDate: Date
    ) {
        self.accountId = accountId
        self.identity = identity
        self.url = url
        self.clientIDs = clientIDs
        self.thumbprints = thumbprints
        self.tags = tags
        self.createDate = createDate
    }

    /// `arn:aws:iam::ACCOUNT:oidc-provider/IDENTITY`.
    public var arn: String { "arn:aws:iam::\(accountId):oidc-provider/\(identity)" }
}

/// An IAM SAML 2.0 identity provider: an IdP whose signed assertions `AssumeRoleWithSAML` accepts.
public struct SAMLProvider: Sendable, Hashable {
    public var accountId: String
    /// Unique per account (case-insensitively); kept with the case it was created with.
    public var name: String
    /// A random UUID naming this provider (`SAMLProviderUUID`).
    public var uuid: String
    /// The IdP's metadata document as uploaded.
    public var metadataDocument: String
    /// The DER bytes of the signing certificates read from the metadata when it was stored.
    public var signingCertificates: [[UInt8]]
    /// The IdP's entity ID from the metadata.
    public var entityId: String
    public var validUntil: Date?
    public var tags: [ResourceTag]
    public var createDate: Date

    public init(
        accountId: String, name: String, uuid: String, metadataDocument: String, signingCertificates: [[UInt8]],
        entityId: String, validUntil: Date?, tags: [ResourceTag] = [], createDate: Date
    ) {
        self.accountId = accountId
        self.name = name
        self.uuid = uuid
        self.metadataDocument = metadataDocument
        self.signingCertificates = signingCertificates
        self.entityId = entityId
        self.validUntil = validUntil
        self.tags = tags
        self.createDate = createDate
    }

    /// `arn:aws:iam::ACCOUNT:saml-provider/NAME`.
    public var arn: String { "arn:aws:iam::\(accountId):saml-provider/\(name)" }
}

/// A signing key of an account's outbound web identity issuer, its private half sealed under the master key.
public struct OutboundSigningKeyRecord: Sendable, Hashable {
    /// The JWK `kid`.
    public var keyId: String
    /// `RS256` or `ES384`.
    public var algorithm: String
    /// The private key (PKCS#8 DER), sealed with `SecretBox` under the context `outbound-key/ACCOUNT/KID`.
    public var sealedPrivateKey: [UInt8]
    public var createdAt: Date
    /// When the key stopped signing; it stays published until its last token expires.
    public var retiredAt: Date?

    public init(keyId: String, algorithm: String, sealedPrivateKey: [UInt8], createdAt: Date, retiredAt: Date? = nil) {
        self.keyId = keyId
        self.algorithm = algorithm
        self.sealedPrivateKey = sealedPrivateKey
        self.createdAt = createdAt
        self.retiredAt = retiredAt
    }
}

/// An account's outbound web identity federation: whether `GetWebIdentityToken` works, and its signing keys.
public struct OutboundFederation: Sendable, Hashable {
    public var accountId: String
    public var enabled: Bool
    public var keys: [OutboundSigningKeyRecord]

    public init(accountId: String, enabled: Bool, keys: [OutboundSigningKeyRecord]) {
        self.accountId = accountId
        self.enabled = enabled
        self.keys = keys
    }
}
