import Synchronization

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Caches credentials that expire and renews them before they do.
///
/// - Credentials are renewed once they are within `refreshWindow` (default 5 minutes) of their expiration.
///   Credentials without an expiration are fetched once and kept.
/// - Single flight: however many callers ask while a renewal is under way, `fetch` runs once and every
///   caller gets its result.
/// - When a renewal fails while the cached credentials are still valid, the cached ones are served and the
///   next attempt waits `retryBackoff` (default 30 seconds), so a failing STS is not called on every request.
///   Once the cached credentials have expired, the error of the fetch reaches the caller.
/// - The fetch runs in its own unstructured task: cancelling one waiting caller makes that caller throw
///   `CancellationError` at once, but neither cancels the fetch nor disturbs the other callers.
///
/// All time comes from `now`, so tests inject a clock.
public final class RefreshingCredentialProvider: AWSCredentialProvider, CustomStringConvertible {
    /// The operation that obtains fresh credentials (an STS call, a process run, ...).
    public typealias Fetch = @Sendable () async throws -> AWSCredentials

    private struct State {
        var cached: AWSCredentials?
        var fetching = false
        var retryNotBefore: Date?
        var waiters: [UInt64: CheckedContinuation<AWSCredentials, any Error>] = [:]
        var nextWaiterID: UInt64 = 0
    }

    private enum Decision {
        case serve(AWSCredentials)
        case wait(startFetch: Bool)
        case cancelled
    }

    /// How long before expiry credentials are renewed.
    public let refreshWindow: Duration
    /// How long to wait after a failed renewal before trying again while cached credentials are valid.
    public let retryBackoff: Duration
    private let label: String
    private let now: @Sendable () -> Date
    private let fetch: Fetch
    private let state = Mutex(State())

    /// A provider that calls `fetch` when it has no credentials or they are within `refreshWindow` of expiry.
    /// - Parameters:
    ///   - label: a name for `description` and messages (for example the role ARN).
    ///   - refreshWindow: renew this long before expiry (default 5 minutes).
    ///   - retryBackoff: after a failed renewal with still-valid credentials, wait this long before retrying.
    ///   - now: the clock.
    ///   - fetch: obtains fresh credentials.
    public init(
        label: String = "credentials",
        refreshWindow: Duration = .seconds(300),
        retryBackoff: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = { Date() },
        fetch: @escaping Fetch
    ) {
        self.label = label
        self.refreshWindow = refreshWindow
        self.retryBackoff = retryBackoff
        self.now = now
        self.fetch = fetch
    }

    public var description: String { "RefreshingCredentialProvider(\(label))" }

    /// How many callers are waiting for the fetch under way (for tests).
    var waiterCount: Int { state.withLock { $0.waiters.count } }

    /// Cached credentials while they are fresh; otherwise the result of one shared renewal.
    public func credentials() async throws -> AWSCredentials {
        let fastPath: AWSCredentials? = state.withLock { state in
            guard let cached = state.cached, isServable(cached, state: state, at: now()) else {
                return nil
            }
            return cached
        }
        if let fastPath { return fastPath }

        let id = state.withLock { state in
            defer { state.nextWaiterID &+= 1 }
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<AWSCredentials, any Error>) in
                let decision: Decision = state.withLock { state in
                    if let cached = state.cached, isServable(cached, state: state, at: now()) {
                        return .serve(cached)
                    }
                    if Task.isCancelled { return .cancelled }
                    state.waiters[id] = continuation
                    let start = !state.fetching
                    state.fetching = true
                    return .wait(startFetch: start)
                }
                switch decision {
                case .serve(let credentials):
                    continuation.resume(returning: credentials)
                case .cancelled:
                    continuation.resume(throwing: CancellationError())
                case .wait(let startFetch):
                    if startFetch {
                        // The fetch must outlive any one waiter, so it is not a child of the caller's task.
                        Task { await self.runFetch() }
                    }
                }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters.removeValue(forKey: id) }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Whether credentials can be handed out without a renewal: fresh, or valid while a retry is backing off.
    private func isServable(_ credentials: AWSCredentials, state: State, at now: Date) -> Bool {
        guard let expiration = credentials.expiration else { return true }
        if now < expiration.addingTimeInterval(-refreshWindow.providerTimeInterval) { return true }
        if now < expiration, let retryNotBefore = state.retryNotBefore, now < retryNotBefore {
            return true
        }
        return false
    }

    private func runFetch() async {
        let result: Result<AWSCredentials, any Error>
        do {
            result = .success(try await fetch())
        } catch {
            result = .failure(error)
        }
        let at = now()
        let (waiters, outcome) = state.withLock { state in
            state.fetching = false
            let outcome: Result<AWSCredentials, any Error>
            switch result {
            case .success(let credentials):
                state.cached = credentials
                state.retryNotBefore = nil
                outcome = .success(credentials)
            case .failure(let error):
                if let cached = state.cached, cached.expiration.map({ at < $0 }) ?? true {
                    state.retryNotBefore = at.addingTimeInterval(retryBackoff.providerTimeInterval)
                    outcome = .success(cached)
                } else {
                    outcome = .failure(error)
                }
            }
            let waiters = state.waiters
            state.waiters = [:]
            return (waiters, outcome)
        }
        for continuation in waiters.values {
            continuation.resume(with: outcome)
        }
    }
}

extension Duration {
    /// The duration in seconds as a `TimeInterval`.
    var providerTimeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
