import ArgumentParser
import Foundation
import LatchkeyClient

extension Latchkey {
    /// `latchkey creds`: the everyday `aws sts` tasks, printing credentials for shells and AWS tools.
    struct Creds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Get temporary credentials from Latchkey or AWS STS and print them.",
            discussion: """
                The source credentials come from the AWS default chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, \
                then AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE, then the shared config and credentials \
                files (--profile or AWS_PROFILE). The endpoint is --endpoint-url, else AWS_ENDPOINT_URL_STS, else \
                AWS_ENDPOINT_URL, else the profile's endpoint_url, else https://sts.REGION.amazonaws.com.

                Use the output in a shell with eval "$(latchkey creds assume-role ...)", or as a \
                credential_process in ~/.aws/config with --format credential-process.
                """,
            subcommands: [
                AssumeRole.self, GetSessionToken.self, AssumeRoleWithWebIdentity.self, GetCallerIdentity.self,
            ]
        )
    }
}

/// How credentials are printed.
enum CredentialsFormat: String, ExpressibleByArgument, CaseIterable {
    /// `export AWS_ACCESS_KEY_ID=...` lines for `eval`.
    case export
    /// The JSON a `credential_process` prints (`Version` 1).
    case credentialProcess = "credential-process"
    /// The STS response's credentials as JSON.
    case json
}

/// Options every `creds` subcommand shares.
struct ClientOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The profile of the shared AWS files for the source credentials. Env: AWS_PROFILE.", valueName: "name"))
    var profile: String?

    @Option(
        help: ArgumentHelp(
            "The signing region. Env: AWS_REGION. Default: the profile's, else us-east-1.", valueName: "region"))
    var region: String?

    @Option(
        name: .customLong("endpoint-url"),
        help: ArgumentHelp("The STS endpoint, e.g. http://127.0.0.1:8080.", valueName: "url"))
    var endpointURL: String?

    @Option(help: ArgumentHelp("export, credential-process or json.", valueName: "format"))
    var format: CredentialsFormat = .export

    /// The STS client for these options, signing with the default chain (or nothing, for unsigned calls).
    func withClient<R: Sendable>(signed: Bool = true, _ body: (STSClient) async throws -> R) async throws -> R {
        let environment = ProcessInfo.processInfo.environment
        let target = try STSTarget.forProfile(profile, environment: environment)
        let source: (any AWSCredentialProvider)? =
            signed
            ? DefaultCredentialProvider(
                profileName: profile, environment: environment, tokenCodeProvider: promptForCode)
            : nil
        let configuration = STSClient.Configuration(
            region: region ?? target.region, endpoint: endpointURL ?? target.endpoint, credentialProvider: source,
            environment: environment)
        return try await STSClient.withSTSClient(configuration: configuration, body)
    }

    /// Prints credentials in the chosen format.
    func print(_ credentials: Credentials?) throws {
        guard let credentials else { throw ValidationError("the response carried no credentials") }
        Swift.print(CredentialsOutput.render(credentials, format: format))
    }
}

/// Asks for an MFA code on the terminal.
@Sendable func promptForCode(_ serial: String) async throws -> String {
    FileHandle.standardError.write(Data("MFA code for \(serial): ".utf8))
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw ValidationError("no MFA code was entered for \(serial)")
    }
    return line
}

/// Renders credentials for shells and AWS tools.
enum CredentialsOutput {
    static func render(_ credentials: Credentials, format: CredentialsFormat) -> String {
        let expiration = timestamp(credentials.expiration)
        switch format {
        case .export:
            return [
                "export AWS_ACCESS_KEY_ID=\(shellQuoted(credentials.accessKeyId))",
                "export AWS_SECRET_ACCESS_KEY=\(shellQuoted(credentials.secretAccessKey))",
                "export AWS_SESSION_TOKEN=\(shellQuoted(credentials.sessionToken))",
                "export AWS_CREDENTIAL_EXPIRATION=\(shellQuoted(expiration))",
            ].joined(separator: "\n")
        case .credentialProcess:
            return json([
                ("Version", .number(1)), ("AccessKeyId", .text(credentials.accessKeyId)),
                ("SecretAccessKey", .text(credentials.secretAccessKey)),
                ("SessionToken", .text(credentials.sessionToken)),
                ("Expiration", .text(expiration)),
            ])
        case .json:
            return json([
                ("AccessKeyId", .text(credentials.accessKeyId)),
                ("SecretAccessKey", .text(credentials.secretAccessKey)),
                ("SessionToken", .text(credentials.sessionToken)), ("Expiration", .text(expiration)),
            ])
        }
    }

    enum Value {
        case text(String)
        case number(Int)
    }

    /// A JSON object (keys sorted), as `credential_process` consumers and people read it.
    static func json(_ fields: [(String, Value)]) -> String {
        var object: [String: Any] = [:]
        for (key, value) in fields {
            switch value {
            case .text(let text): object[key] = text
            case .number(let number): object[key] = number
            }
        }
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// ISO 8601 in UTC, whole seconds, as AWS tools write expirations.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

extension Latchkey.Creds {
    struct AssumeRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "assume-role", abstract: "Assume a role (sts:AssumeRole) and print its credentials.")

        @OptionGroup var options: ClientOptions

        @Option(name: .customLong("role-arn"), help: ArgumentHelp("The role to assume.", valueName: "arn"))
        var roleArn: String

        @Option(
            name: .customLong("role-session-name"),
            help: ArgumentHelp("Default: latchkey-session-<unix seconds>.", valueName: "name"))
        var roleSessionName: String?

        @Option(
            name: .customLong("duration-seconds"),
            help: ArgumentHelp("900 to the role's maximum. Default: 3600.", valueName: "seconds"))
        var durationSeconds: Int?

        @Option(
            name: .customLong("external-id"),
            help: ArgumentHelp("The external ID the role's trust policy asks for.", valueName: "id"))
        var externalId: String?

        @Option(
            name: .customLong("serial-number"),
            help: ArgumentHelp("The MFA device's serial number or ARN.", valueName: "serial"))
        var serialNumber: String?

        @Option(
            name: .customLong("token-code"),
            help: ArgumentHelp(
                "The MFA code; asked for on the terminal when --serial-number is given without it.", valueName: "code"))
        var tokenCode: String?

        @Option(
            name: .customLong("source-identity"),
            help: ArgumentHelp("The source identity to set.", valueName: "identity"))
        var sourceIdentity: String?

        @Option(help: ArgumentHelp("An inline session policy (JSON).", valueName: "json"))
        var policy: String?

        func run() async throws {
            var code = tokenCode
            if let serialNumber, code == nil { code = try await promptForCode(serialNumber) }
            let request = AssumeRoleInput(
                roleArn: roleArn,
                roleSessionName: roleSessionName ?? defaultSessionName(at: Date()),
                policy: policy, durationSeconds: durationSeconds, externalId: externalId, serialNumber: serialNumber,
                tokenCode: code, sourceIdentity: sourceIdentity)
            let response = try await options.withClient { try await $0.assumeRole(request) }
            try options.print(response.credentials)
        }
    }

    struct GetSessionToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get-session-token", abstract: "Get a session token (sts:GetSessionToken), with MFA if given.")

        @OptionGroup var options: ClientOptions

        @Option(
            name: .customLong("duration-seconds"),
            help: ArgumentHelp("900 to 129600. Default: 43200 (3600 for the root).", valueName: "seconds"))
        var durationSeconds: Int?

        @Option(
            name: .customLong("serial-number"),
            help: ArgumentHelp("The MFA device's serial number or ARN.", valueName: "serial"))
        var serialNumber: String?

        @Option(
            name: .customLong("token-code"),
            help: ArgumentHelp(
                "The MFA code; asked for on the terminal when --serial-number is given without it.", valueName: "code"))
        var tokenCode: String?

        func run() async throws {
            var code = tokenCode
            if let serialNumber, code == nil { code = try await promptForCode(serialNumber) }
            let request = GetSessionTokenInput(
                durationSeconds: durationSeconds, serialNumber: serialNumber, tokenCode: code)
            let response = try await options.withClient { try await $0.getSessionToken(request) }
            try options.print(response.credentials)
        }
    }

    struct AssumeRoleWithWebIdentity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "assume-role-with-web-identity",
            abstract: "Trade an OIDC token for a role's credentials (sts:AssumeRoleWithWebIdentity, unsigned).")

        @OptionGroup var options: ClientOptions

        @Option(name: .customLong("role-arn"), help: ArgumentHelp("The role to assume.", valueName: "arn"))
        var roleArn: String

        @Option(
            name: .customLong("role-session-name"),
            help: ArgumentHelp("Default: latchkey-session-<unix seconds>.", valueName: "name"))
        var roleSessionName: String?

        @Option(
            name: .customLong("web-identity-token-file"),
            help: ArgumentHelp("A file holding the token.", valueName: "file"))
        var tokenFile: String

        @Option(
            name: .customLong("duration-seconds"),
            help: ArgumentHelp("900 to the role's maximum. Default: 3600.", valueName: "seconds"))
        var durationSeconds: Int?

        func run() async throws {
            let token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
            let request = AssumeRoleWithWebIdentityInput(
                roleArn: roleArn,
                roleSessionName: roleSessionName ?? defaultSessionName(at: Date()),
                webIdentityToken: token, durationSeconds: durationSeconds)
            let response = try await options.withClient(signed: false) {
                try await $0.assumeRoleWithWebIdentity(request)
            }
            try options.print(response.credentials)
        }
    }

    struct GetCallerIdentity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get-caller-identity", abstract: "Print who the source credentials belong to.")

        @OptionGroup var options: ClientOptions

        func run() async throws {
            let identity = try await options.withClient { try await $0.getCallerIdentity(GetCallerIdentityInput()) }
            print(
                CredentialsOutput.json([
                    ("UserId", .text(identity.userId ?? "")), ("Account", .text(identity.account ?? "")),
                    ("Arn", .text(identity.arn ?? "")),
                ]))
        }
    }
}
