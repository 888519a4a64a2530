#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, the optional `AWS_SESSION_TOKEN` and the
/// optional `AWS_CREDENTIAL_EXPIRATION` (ISO 8601).
///
/// The environment is read once, when the provider is created. Empty values count as missing.
public struct EnvironmentCredentialProvider: AWSCredentialProvider, CustomStringConvertible {
    private let result: Result<AWSCredentials, CredentialProviderError>

    /// Reads the variables from `environment` (by default the process environment).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.result = Result { try Self.load(environment) }.mapError {
            $0 as? CredentialProviderError ?? CredentialProviderError(.invalidValue, "\($0)")
        }
    }

    /// Whether `environment` holds both an access key ID and a secret access key.
    public static func isConfigured(in environment: [String: String]) -> Bool {
        nonEmpty(environment["AWS_ACCESS_KEY_ID"]) != nil
            && nonEmpty(environment["AWS_SECRET_ACCESS_KEY"]) != nil
    }

    /// The credentials from the environment, or a `missingCredentials`/`partialCredentials`/`invalidValue` error.
    public func credentials() async throws -> AWSCredentials {
        try result.get()
    }

    public var description: String { "EnvironmentCredentialProvider" }

    static func load(_ environment: [String: String]) throws -> AWSCredentials {
        let keyId = nonEmpty(environment["AWS_ACCESS_KEY_ID"])
        let secret = nonEmpty(environment["AWS_SECRET_ACCESS_KEY"])
        switch (keyId, secret) {
        case (nil, nil):
            throw CredentialProviderError(
                .missingCredentials,
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set in the environment")
        case (.some, nil):
            throw CredentialProviderError(
                .partialCredentials,
                "AWS_ACCESS_KEY_ID is set in the environment but AWS_SECRET_ACCESS_KEY is not")
        case (nil, .some):
            throw CredentialProviderError(
                .partialCredentials,
                "AWS_SECRET_ACCESS_KEY is set in the environment but AWS_ACCESS_KEY_ID is not")
        case (.some(let keyId), .some(let secret)):
            var expiration: Date?
            if let text = nonEmpty(environment["AWS_CREDENTIAL_EXPIRATION"]) {
                guard let date = ISO8601Timestamp.parse(text) else {
                    throw CredentialProviderError(
                        .invalidValue,
                        "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 timestamp: \(text.prefix(64))")
                }
                expiration = date
            }
            return AWSCredentials(
                accessKeyId: keyId, secretAccessKey: secret,
                sessionToken: nonEmpty(environment["AWS_SESSION_TOKEN"]), expiration: expiration)
        }
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}

/// ISO 8601 timestamps as AWS tools write them: `2026-01-02T03:04:05Z`, with or without fractional seconds,
/// with `Z` or a numeric offset.
enum ISO8601Timestamp {
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingProviderWhitespace
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle()) { return date }
        if let date = try? Date(
            trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        {
            return date
        }
        return nil
    }
}
