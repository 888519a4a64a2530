public import LatchkeyModel

extension Credentials {
    /// The same credentials as ``AWSCredentials``, ready for a credential provider or a signer.
    public var awsCredentials: AWSCredentials {
        AWSCredentials(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken,
            expiration: expiration)
    }
}
