import ArgumentParser
import Foundation
import LatchkeyClient

/// The endpoint, region and credentials of an admin subcommand that calls the server.
struct AdminClientOptions: ParsableArguments {
    @Option(
        name: .customLong("endpoint-url"),
        help: ArgumentHelp("The Latchkey endpoint, e.g. http://127.0.0.1:8080.", valueName: "url"))
    var endpointURL: String?

    @Option(
        help: ArgumentHelp(
            "The signing region. Env: AWS_REGION. Default: the profile's, else us-east-1.", valueName: "region"))
    var region: String?

    @Option(
        help: ArgumentHelp(
            "The profile of the shared AWS files for the credentials. Env: AWS_PROFILE.", valueName: "name"))
    var profile: String?

    /// A client signing with the default chain. Latchkey serves IAM on the same endpoint as STS.
    func withClient<R: Sendable>(_ body: (STSClient) async throws -> R) async throws -> R {
        let environment = ProcessInfo.processInfo.environment
        let target = try STSTarget.forProfile(profile, environment: environment)
        let source = DefaultCredentialProvider(
            profileName: profile, environment: environment, tokenCodeProvider: promptForCode)
        let configuration = STSClient.Configuration(
            region: region ?? target.region, endpoint: endpointURL ?? target.endpoint, credentialProvider: source,
            environment: environment)
        return try await STSClient.withSTSClient(configuration: configuration, body)
    }
}

/// Runs an admin call: an AWS error is printed with its code (as the AWS CLI prints it) and exits with status 1.
func reportingAWSErrors<R>(operation: String, _ body: () async throws -> R) async throws -> R {
    do {
        return try await body()
    } catch let error as STSClientError {
        let text: String
        switch error {
        case .service(let service):
            text =
                "An error occurred (\(service.code.rawValue)) when calling the \(operation) operation: \(service.message)"
        case .invalidRequest(let code, let message):
            text = "An error occurred (\(code.rawValue)) when calling the \(operation) operation: \(message)"
        default:
            text = "\(operation) failed: \(error)"
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
        throw ExitCode.failure
    }
}

extension Latchkey.Admin {
    /// `latchkey admin revoke-sessions`: the `RevokeSessions` extension action.
    struct RevokeSessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-sessions",
            abstract: "Refuse sessions before they expire, on every node (RevokeSessions).",
            discussion: """
                Names one session (--access-key-id ASIA...), every session derived from a long-term key \
                (--access-key-id AKIA...), or every session of a principal (--principal-arn: a user, a role, an \
                assumed-role session, a federated user or the account root), with the sessions chained from them. \
                Sessions issued at or after --issued-before (default: now) are not affected. Needs \
                iam:RevokeSessions on the principal. Prints the revocation's ID, its IssuedBefore and when it \
                expires (36 hours and 5 minutes after it was made, when every session it names has expired).
                """)

        @OptionGroup var client: AdminClientOptions

        @Option(
            name: .customLong("access-key-id"),
            help: ArgumentHelp("An ASIA session or an AKIA long-term key.", valueName: "id"))
        var accessKeyId: String?

        @Option(
            name: .customLong("principal-arn"),
            help: ArgumentHelp("A user, role, assumed-role, federated-user or root ARN.", valueName: "arn"))
        var principalArn: String?

        @Option(
            name: .customLong("issued-before"),
            help: ArgumentHelp(
                "ISO 8601, e.g. 2026-12-07T15:00:00Z; not in the future. Default: now.", valueName: "time"))
        var issuedBefore: String?

        func validate() throws {
            guard (accessKeyId == nil) != (principalArn == nil) else {
                throw ValidationError("give exactly one of --access-key-id and --principal-arn")
            }
            if let issuedBefore, Self.parseTime(issuedBefore) == nil {
                throw ValidationError("--issued-before '\(issuedBefore)' is not an ISO 8601 time")
            }
        }

        /// `2026-12-07T15:00:00Z`, with or without fractional seconds, or with an offset.
        static func parseTime(_ text: String) -> Date? {
            if let date = try? Date(text, strategy: .iso8601) { return date }
            return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        }

        func run() async throws {
            let input = RevokeSessionsInput(
                accessKeyId: accessKeyId, principalArn: principalArn, issuedBefore: issuedBefore.flatMap(Self.parseTime)
            )
            let response = try await reportingAWSErrors(operation: "RevokeSessions") {
                try await client.withClient { try await $0.revokeSessions(input) }
            }
            let output = response.output
            print("RevocationId\t\(output.revocationId ?? "")")
            print("IssuedBefore\t\(output.issuedBefore.map(CredentialsOutput.timestamp) ?? "")")
            print("ExpiresAt\t\(output.expiresAt.map(CredentialsOutput.timestamp) ?? "")")
        }
    }
}
