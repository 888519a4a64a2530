import Foundation
import LatchkeyDomain
import Logging
import ServiceLifecycle

/// Deletes the audit events older than the retention period (`--audit-retention-days`, default 90) from the store:
/// once at start, then every ``defaultInterval``. Every node of a deployment runs it; a delete is idempotent (rows
/// another node already deleted are simply not there), so nodes need no coordination.
struct AuditRetentionService: Service {
    static let defaultInterval: Duration = .seconds(3600)

    let store: any AuditStore
    let retentionDays: Int
    let interval: Duration
    /// The time the cutoff is computed from (tests move it by hand).
    let clock: @Sendable () -> Date
    let logger: Logger

    init(
        store: any AuditStore, retentionDays: Int, interval: Duration = Self.defaultInterval,
        clock: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.store = store
        self.retentionDays = retentionDays
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// The oldest event time kept at `now`.
    func cutoff(at now: Date) -> Date {
        now.addingTimeInterval(-Double(max(retentionDays, 1)) * 86_400)
    }

    /// Deletes what is past the retention period now; returns how many events were deleted, nil when the store
    /// failed (logged; the next round tries again).
    @discardableResult
    func pruneOnce() async -> Int? {
        let cutoff = cutoff(at: clock())
        do {
            let deleted = try await store.deleteAuditRecords(before: cutoff)
            if deleted > 0 {
                logger.info(
                    "audit events past the retention period deleted",
                    metadata: ["deleted": "\(deleted)", "retention-days": "\(retentionDays)"])
            }
            return deleted
        } catch {
            logger.warning(
                "could not delete audit events past the retention period; trying again later",
                metadata: ["error": "\(LatchkeyApplication.describe(error))"])
            return nil
        }
    }

    func run() async throws {
        let service = self
        await cancelWhenGracefulShutdown {
            await service.pruneOnce()
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: service.interval)
                } catch {
                    break
                }
                await service.pruneOnce()
            }
        }
    }
}
