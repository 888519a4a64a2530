public import Foundation

/// Credentials from an external program, as the `credential_process` profile setting describes: the command
/// is split like a shell would split it (quotes, no shell), run with `environment`, and must print
/// `{"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ..., "Expiration": ...}`.
///
/// - The run is bounded by `timeout` (default 60 s) and standard output by 64 KiB.
/// - A non-zero exit is an error quoting the first 1 KiB of standard error.
/// - With an `Expiration`, the credentials are renewed by running the program again before they expire (see
///   `RefreshingCredentialProvider`); without one they are fetched once.
/// - Error messages never quote standard output, which may hold secrets.
public struct ProcessCredentialProvider: AWSCredentialProvider, CustomStringConvertible {
    /// The command line as configured.
    public let command: String
    private let refreshing: RefreshingCredentialProvider

    static let outputLimit = 64 * 1024
    static let errorLimit = 1024

    /// A provider that runs `command`.
    public init(
        command: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        timeout: Duration = .seconds(60),
        refreshWindow: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.command = command
        self.refreshing = RefreshingCredentialProvider(
            label: "credential_process", refreshWindow: refreshWindow, now: now
        ) {
            try await Self.fetch(command: command, environment: environment, timeout: timeout)
        }
    }

    /// The program's credentials, renewed before expiry when they carry one.
    public func credentials() async throws -> AWSCredentials {
        try await refreshing.credentials()
    }

    public var description: String { "ProcessCredentialProvider" }

    static func fetch(command: String, environment: [String: String], timeout: Duration) async throws
        -> AWSCredentials
    {
        let arguments = try CommandLineSplitter.split(command)
        let output = try await ProcessRunner.run(
            arguments, environment: environment, timeout: timeout, outputLimit: outputLimit,
            errorLimit: errorLimit)
        let program = arguments.first ?? ""
        guard output.status == 0 else {
            let errorText = String(decoding: output.standardError, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw CredentialProviderError(
                .credentialProcessFailed,
                "credential_process \(program) exited with status \(output.status): \(errorText)")
        }
        return try parse(output.standardOutput, program: program)
    }

    private struct Document: Decodable {
        var version: Int
        var accessKeyId: String
        var secretAccessKey: String
        var sessionToken: String?
        var expiration: String?

        enum CodingKeys: String, CodingKey {
            case version = "Version"
            case accessKeyId = "AccessKeyId"
            case secretAccessKey = "SecretAccessKey"
            case sessionToken = "SessionToken"
            case expiration = "Expiration"
        }
    }

    /// The credentials in a `credential_process` JSON document.
    static func parse(_ bytes: [UInt8], program: String) throws -> AWSCredentials {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(bytes))
        } catch {
            throw CredentialProviderError(
                .malformedCredentialProcessOutput,
                "credential_process \(program) did not print a JSON object with Version, AccessKeyId and "
                    + "SecretAccessKey"
            )
        }
        guard document.version == 1 else {
            throw CredentialProviderError(
                .malformedCredentialProcessOutput,
                "credential_process \(program) printed Version \(document.version); only 1 is supported")
        }
        guard !document.accessKeyId.isEmpty, !document.secretAccessKey.isEmpty else {
            throw CredentialProviderError(
                .malformedCredentialProcessOutput,
                "credential_process \(program) printed an empty key or secret")
        }
        var expiration: Date?
        if let text = document.expiration {
            guard let date = ISO8601Timestamp.parse(text) else {
                throw CredentialProviderError(
                    .malformedCredentialProcessOutput,
                    "credential_process \(program) printed an Expiration that is not ISO 8601: \(text.prefix(64))"
                )
            }
            expiration = date
        }
        return AWSCredentials(
            accessKeyId: document.accessKeyId, secretAccessKey: document.secretAccessKey,
            sessionToken: document.sessionToken.flatMap { $0.isEmpty ? nil : $0 }, expiration: expiration)
    }
}
