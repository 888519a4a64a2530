public import LatchkeyModel

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Credentials of a role from STS AssumeRoleWithWebIdentity, with the token read from a file on every
/// renewal, so a token that Kubernetes rotates in place is picked up. Renewed before expiry (see
/// `RefreshingCredentialProvider`).
///
/// The token file may hold at most 20 000 bytes (the API's limit); surrounding whitespace and newlines are
/// removed.
public struct WebIdentityCredentialProvider: AWSCredentialProvider, CustomStringConvertible {
    /// The role to assume.
    public let roleArn: String
    /// The file holding the OIDC token.
    public let tokenFile: String
    /// The session name; `nil` gives `latchkey-session-<unix seconds>` at each renewal.
    public let roleSessionName: String?
    /// The session duration in seconds; `nil` sends none.
    public let durationSeconds: Int?
    private let now: @Sendable () -> Date
    private let refreshing: RefreshingCredentialProvider

    /// Largest token file accepted: the model's maximum `WebIdentityToken` length.
    static let tokenSizeLimit = 20_000

    /// A provider that assumes `roleArn` with the token in `tokenFile`.
    public init(
        roleArn: String,
        tokenFile: String,
        roleSessionName: String? = nil,
        durationSeconds: Int? = nil,
        target: STSTarget = STSTarget(),
        calls: STSCredentialCalls = .live(),
        refreshWindow: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.roleArn = roleArn
        self.tokenFile = tokenFile
        self.roleSessionName = roleSessionName
        self.durationSeconds = durationSeconds
        self.now = now
        let build = Self.requestBuilder(roleArn, tokenFile, roleSessionName, durationSeconds, now)
        self.refreshing = RefreshingCredentialProvider(
            label: "AssumeRoleWithWebIdentity \(roleArn)", refreshWindow: refreshWindow, now: now
        ) {
            let response = try await calls.assumeRoleWithWebIdentity(try build(), target)
            return try requireCredentials(response.credentials, operation: "AssumeRoleWithWebIdentity")
        }
    }

    /// The provider that the Kubernetes (IRSA) environment describes: `AWS_ROLE_ARN`,
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` and the optional `AWS_ROLE_SESSION_NAME`; `nil` unless both of the first
    /// two are set.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        target: STSTarget = STSTarget(),
        calls: STSCredentialCalls = .live(),
        refreshWindow: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> WebIdentityCredentialProvider? {
        guard let roleArn = SharedConfiguration.nonEmpty(environment["AWS_ROLE_ARN"]),
            let tokenFile = SharedConfiguration.nonEmpty(environment["AWS_WEB_IDENTITY_TOKEN_FILE"])
        else { return nil }
        return WebIdentityCredentialProvider(
            roleArn: roleArn, tokenFile: BoundedFile.expandTilde(tokenFile, environment: environment),
            roleSessionName: SharedConfiguration.nonEmpty(environment["AWS_ROLE_SESSION_NAME"]),
            target: target, calls: calls, refreshWindow: refreshWindow, now: now)
    }

    /// The request the next renewal sends, with the token file read now.
    public func makeRequest() throws -> AssumeRoleWithWebIdentityInput {
        try Self.requestBuilder(roleArn, tokenFile, roleSessionName, durationSeconds, now)()
    }

    /// The role's credentials, renewed before expiry.
    public func credentials() async throws -> AWSCredentials {
        try await refreshing.credentials()
    }

    public var description: String { "WebIdentityCredentialProvider(\(roleArn))" }

    private static func requestBuilder(
        _ roleArn: String, _ tokenFile: String, _ roleSessionName: String?, _ durationSeconds: Int?,
        _ now: @escaping @Sendable () -> Date
    ) -> @Sendable () throws -> AssumeRoleWithWebIdentityInput {
        {
            guard let text = try BoundedFile.readText(tokenFile, limit: tokenSizeLimit) else {
                throw CredentialProviderError(
                    .missingCredentials, "the web identity token file \(tokenFile) does not exist")
            }
            let token = text.trimmingProviderWhitespace
            guard !token.isEmpty else {
                throw CredentialProviderError(
                    .missingCredentials, "the web identity token file \(tokenFile) is empty")
            }
            return AssumeRoleWithWebIdentityInput(
                roleArn: roleArn, roleSessionName: roleSessionName ?? defaultSessionName(at: now()),
                webIdentityToken: token, durationSeconds: durationSeconds)
        }
    }
}
