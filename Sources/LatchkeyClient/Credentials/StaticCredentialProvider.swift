/// Hands out the same credentials on every call.
public struct StaticCredentialProvider: AWSCredentialProvider, CustomStringConvertible {
    /// The credentials handed out.
    public let fixedCredentials: AWSCredentials

    /// A provider of the given credentials.
    public init(credentials: AWSCredentials) {
        self.fixedCredentials = credentials
    }

    /// A provider of the given key, secret and optional session token.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.init(
            credentials: AWSCredentials(
                accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken))
    }

    /// The fixed credentials.
    public func credentials() async throws -> AWSCredentials { fixedCredentials }

    public var description: String {
        "StaticCredentialProvider(accessKeyId: \(fixedCredentials.accessKeyId))"
    }
}
