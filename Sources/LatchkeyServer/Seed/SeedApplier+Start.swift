import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyTokens
import Logging

extension SeedApplier {
    /// Applies the configuration file's seed at start, in process, as each account's root (after the bootstrap made
    /// the accounts). A file that does not check out stops the start (``StartupError``: `seed: line N: …`) with
    /// nothing written. When it changed something, `announce` tells the other nodes (the change feed), whose caches
    /// then drop what they hold.
    static func applyAtStart(
        _ plan: SeedPlan, iam: IAMService, store: any IdentityStore, secretBox: SecretBox,
        clock: @escaping @Sendable () -> Date, logger: Logger, announce: () async -> Void
    ) async throws {
        guard !plan.isEmpty else { return }
        let report: SeedReport
        do {
            report = try await apply(
                plan,
                targets: { account in
                    InProcessSeedTarget(iam: iam, store: store, secretBox: secretBox, accountId: account, now: clock)
                }, now: clock())
        } catch let error as Failure {
            throw StartupError(message: "the configuration file's seed: \(error)")
        }
        if report.isUnchanged {
            logger.info("seed: everything declared is up to date")
        } else {
            await announce()
            logger.info(
                "seed applied",
                metadata: ["created": "\(report.created.count)", "updated": "\(report.updated.count)"])
        }
        for line in report.lines { logger.info("seed: \(line)") }
    }
}
