import LatchkeyCore
import Logging
import ServiceLifecycle

/// When the server writes recorded access-key uses to the store: every `interval` (a minute by default) and at
/// graceful shutdown.
public struct AccessKeyUsageFlushing: Sendable {
    /// The time between two flushes.
    public var interval: Duration
    /// Waits for the next flush. By default it sleeps for `interval`; tests pass a ticker they drive by hand, so no
    /// test waits on the wall clock. Throwing (cancellation at shutdown) ends the periodic flushes.
    public var wait: @Sendable (Duration) async throws -> Void

    public init(
        interval: Duration = .seconds(60),
        wait: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.interval = interval
        self.wait = wait
    }
}

/// The service that flushes an ``AccessKeyUsageRecorder`` on its schedule, and once more when the server stops
/// gracefully (after the HTTP server has stopped, since the application's services shut down in reverse order).
struct AccessKeyUsageFlusher: Service {
    let recorder: AccessKeyUsageRecorder
    let schedule: AccessKeyUsageFlushing
    let logger: Logger

    func run() async throws {
        let (recorder, schedule, logger) = (recorder, schedule, logger)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await schedule.wait(schedule.interval)
                } catch {
                    break
                }
                await Self.flush(recorder, logger)
            }
        }
        await Self.flush(recorder, logger)
    }

    /// One flush; a failure is logged (without key IDs) and the uses stay pending for the next one.
    private static func flush(_ recorder: AccessKeyUsageRecorder, _ logger: Logger) async {
        do {
            try await recorder.flush()
        } catch {
            logger.warning(
                "could not record access key use; will retry",
                metadata: ["pending": "\(recorder.pendingCount)", "error": "\(error)"])
        }
    }
}
