import LatchkeyClient

/// The Swift samples of the README and the DocC catalogue, compiled with the tests so that they cannot drift from the
/// API. Never called: they need a profile or a server of their own.
enum DocumentationSamples {
    /// README, "The Swift client and `latchkey creds`".
    static func readme() async throws {
        // role_arn, source_profile, mfa_serial, ...
        let provider = try ProfileCredentialProvider(profileName: "deploy")
        let configuration = STSClient.Configuration(endpoint: "http://127.0.0.1:8080", credentialProvider: provider)
        let identity = try await STSClient.withSTSClient(configuration: configuration) { sts in
            try await sts.getCallerIdentity()
        }
        _ = identity
    }

    /// `LatchkeyClient.docc/LatchkeyClient.md`, the overview.
    static func catalogueOverview() async throws {
        let configuration = STSClient.Configuration(
            region: "us-east-1", endpoint: "http://127.0.0.1:8080",
            credentialProvider: DefaultCredentialProvider())
        let identity = try await STSClient.withSTSClient(configuration: configuration) { sts in
            try await sts.getCallerIdentity(GetCallerIdentityInput())
        }
        print(identity.arn ?? "", identity.requestId ?? "")
    }

    /// `LatchkeyClient.docc/LatchkeyClient.md`, "Calling an operation".
    static func catalogueAssumeRole(_ sts: STSClient) async throws -> AWSCredentials? {
        let response = try await sts.assumeRole(
            AssumeRoleInput(
                roleArn: "arn:aws:iam::111122223333:role/deployer", roleSessionName: "deploy",
                durationSeconds: 900, tags: [Tag(key: "team", value: "blue")]))
        print(response.assumedRoleUser?.arn ?? "", response.requestId ?? "")
        return response.credentials?.awsCredentials
    }
}
