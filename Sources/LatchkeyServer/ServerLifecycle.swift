public import Hummingbird
public import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the server until SIGTERM or SIGINT, then shuts it down within a bounded time.
///
/// The first signal starts a graceful shutdown: the listener closes at once, idle connections close, and requests in
/// flight have `grace` to finish. When the grace period ends, what is still running is cancelled: every connection
/// is closed (a client that stalls its body no longer holds the process) and the process exits with status 0. A
/// second signal during the shutdown skips what is left of the grace period and cancels at once. If cancellation
/// itself has not ended the process `hardStop` after it began, the process exits with status 1 rather than hang:
/// a supervisor always sees it go.
public enum ServerLifecycle {
    /// How long cancellation may take before the process exits regardless.
    public static let hardStop: Duration = .seconds(5)

    /// `connections` (the registry the application registers its connections in) is closed explicitly when the
    /// grace period ends or a second signal arrives, besides the cancellation of the connections' tasks.
    public static func run(
        _ application: some ApplicationProtocol, grace: Duration, connections: ConnectionRegistry?, logger: Logger
    ) async throws {
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: application)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = grace
        let group = ServiceGroup(configuration: configuration)
        // ServiceLifecycle does not let a signal both start a graceful shutdown and cancel: the second signal is
        // counted here and cancels the group's task.
        let running = Task { try await group.run() }
        let watchdog = Task {
            await watch(grace: grace, logger: logger) {
                connections?.closeAll()
                running.cancel()
            }
        }
        defer { watchdog.cancel() }
        try await withTaskCancellationHandler {
            try await running.value
        } onCancel: {
            running.cancel()
        }
    }

    /// Counts SIGTERM and SIGINT besides the service group: when the grace period after the first ends, or at a second
    /// signal, `cancel` closes every connection and cancels the group; from then on the process gets ``hardStop`` to
    /// end before it is ended with status 1.
    private static func watch(grace: Duration, logger: Logger, cancel: @escaping @Sendable () -> Void) async {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        var count = 0
        var deadline: Task<Void, Never>?
        for await signal in signals {
            count += 1
            if count == 1 {
                logger.notice("\(signal): shutting down; requests in flight have \(grace) to finish")
                deadline = Task {
                    try? await Task.sleep(for: grace)
                    if Task.isCancelled { return }
                    logger.notice("the shutdown grace period is over: closing every connection")
                    cancel()
                    await hardStopAfterCancellation(logger: logger)
                }
            } else {
                logger.notice("\(signal) again: closing every connection now")
                cancel()
                deadline?.cancel()
                deadline = Task { await hardStopAfterCancellation(logger: logger) }
            }
        }
        // The server ended (the watch is cancelled): no timer may outlive it.
        deadline?.cancel()
    }

    private static func hardStopAfterCancellation(logger: Logger) async {
        try? await Task.sleep(for: hardStop)
        if Task.isCancelled { return }
        logger.error("shutdown did not finish \(hardStop) after cancelling what was left; exiting")
        exit(1)
    }
}
