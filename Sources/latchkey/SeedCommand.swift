import ArgumentParser
import Foundation
import LatchkeyClient
import LatchkeyServer

extension Latchkey {
    /// `latchkey seed`: applies a configuration file's seed to a running server through the IAM API.
    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seed",
            abstract:
                "Apply a configuration file's seed (users, groups, policies, roles, providers) to a running server.",
            discussion: """
                Applies what the file declares for the credentials' account (the others are skipped, and said so) \
                through the IAM API, as the server applies it at start: everything is checked first (a bad file \
                changes nothing), then what is missing is created and what differs is brought up to date; nothing \
                undeclared is touched. Prints one line per entity created or updated, never a secret. Secrets of \
                generated access keys go to the account's secretsFile (mode 0600). Given access keys and MFA seeds \
                cannot go through the IAM API: they are applied when the server starts with the file. See \
                docs/seed.md.
                """)

        @Option(help: ArgumentHelp("The configuration file declaring the seed.", valueName: "file"))
        var config: String

        @OptionGroup var client: AdminClientOptions

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: config) else {
                throw seedFailure("cannot read the configuration file \(config)")
            }
            let file: ConfigurationFile
            do {
                file = try ConfigurationFile.parse(String(decoding: data, as: UTF8.self))
            } catch {
                throw seedFailure("\(config): \(error)")
            }
            let path = config
            let report = try await reportingAWSErrors(operation: "GetCallerIdentity") {
                try await client.withClient { sts -> SeedReport in
                    let identity = try await sts.getCallerIdentity()
                    guard let account = identity.output.account else {
                        throw seedFailure("GetCallerIdentity named no account")
                    }
                    var report = SeedReport()
                    let others = file.seed.accounts.map(\.id).filter { $0 != account }
                    for other in others {
                        report.skipped.append("account \(other): the credentials are account \(account)'s")
                    }
                    let mine = SeedPlan(accounts: file.seed.accounts.filter { $0.id == account })
                    guard !mine.accounts.isEmpty else {
                        throw seedFailure("\(path) declares no seed for account \(account), the credentials' account")
                    }
                    let target = HTTPSeedTarget(client: sts, accountId: account)
                    do {
                        report.merge(try await SeedApplier.apply(mine, targets: { _ in target }, now: Date()))
                    } catch let error as SeedApplier.Failure {
                        throw seedFailure("\(path): \(error)")
                    }
                    return report
                }
            }
            for line in report.lines { print(line) }
            if report.isUnchanged { print("nothing to change: everything declared is up to date") }
        }
    }
}

/// Prints `latchkey seed: MESSAGE` on stderr; the exit status (1) to throw.
func seedFailure(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("latchkey seed: \(message)\n".utf8))
    return ExitCode.failure
}

/// The seed's IAM calls sent to a running server (as the credentials' principal).
struct HTTPSeedTarget: SeedTarget {
    let client: STSClient
    let accountId: String

    func send<Input: OperationInput>(_ input: Input) async throws -> Input.Output {
        do {
            return try await client.sendIAM(input).output
        } catch let error as STSClientError {
            switch error {
            case .service(let service): throw SeedCallError(code: service.code.rawValue, message: service.message)
            case .invalidRequest(let code, let message): throw SeedCallError(code: code.rawValue, message: message)
            default: throw error
            }
        }
    }

    func putGivenAccessKey(userName: String, accessKeyId: String, secretAccessKey: String, now: Date) async throws
        -> Bool
    { false }

    func putVirtualMFADevice(_ device: SeedPlan.MFADevice, seed: [UInt8], now: Date) async throws -> Bool { false }
}
