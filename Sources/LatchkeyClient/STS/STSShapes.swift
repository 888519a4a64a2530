#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Temporary credentials (the model's `Credentials`). `description` never shows the secret or the token.
public struct Credentials: Sendable, Hashable, CustomStringConvertible {
    /// `AccessKeyId`, an `ASIA…` key.
    public var accessKeyId: String
    /// `SecretAccessKey`.
    public var secretAccessKey: String
    /// `SessionToken`, to send as `X-Amz-Security-Token`.
    public var sessionToken: String
    /// `Expiration`: when the credentials stop working.
    public var expiration: Date

    /// Creates credentials.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String, expiration: Date) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    public var description: String {
        "Credentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>, sessionToken: <redacted>, expiration: \(expiration))"
    }
}

extension Credentials {
    /// The same credentials as ``AWSCredentials``, ready for a credential provider or a signer.
    public var awsCredentials: AWSCredentials {
        AWSCredentials(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken,
            expiration: expiration)
    }
}

/// The model's `AssumedRoleUser`: who the role session is.
public struct AssumedRoleUser: Sendable, Hashable {
    /// `AssumedRoleId`, `AROA…:session-name`.
    public var assumedRoleId: String
    /// `Arn`, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    public var arn: String

    /// Creates the value.
    public init(assumedRoleId: String, arn: String) {
        self.assumedRoleId = assumedRoleId
        self.arn = arn
    }
}

/// The model's `FederatedUser`: who the federation session is.
public struct FederatedUser: Sendable, Hashable {
    /// `FederatedUserId`, `ACCOUNT:name`.
    public var federatedUserId: String
    /// `Arn`, `arn:aws:sts::ACCOUNT:federated-user/name`.
    public var arn: String

    /// Creates the value.
    public init(federatedUserId: String, arn: String) {
        self.federatedUserId = federatedUserId
        self.arn = arn
    }
}

/// The model's `PolicyDescriptorType`: a managed policy ARN used as a session policy (wire member `arn`).
public struct PolicyDescriptorType: Sendable, Hashable {
    /// `arn`.
    public var arn: String?

    /// Creates the value.
    public init(arn: String? = nil) {
        self.arn = arn
    }
}

/// The model's `Tag`: a session tag (`Key`, `Value`).
public struct Tag: Sendable, Hashable {
    /// `Key`.
    public var key: String
    /// `Value`.
    public var value: String

    /// Creates a tag.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// The model's `ProvidedContext`: a context assertion from a trusted provider.
public struct ProvidedContext: Sendable, Hashable {
    /// `ProviderArn`.
    public var providerArn: String?
    /// `ContextAssertion`.
    public var contextAssertion: String?

    /// Creates the value.
    public init(providerArn: String? = nil, contextAssertion: String? = nil) {
        self.providerArn = providerArn
        self.contextAssertion = contextAssertion
    }
}
