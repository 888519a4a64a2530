/// How ``STSClient`` retries: exponential backoff with full jitter, on throttling codes
/// (`Throttling`, `ThrottlingException`, `RequestLimitExceeded`, `IDPCommunicationError`), on any HTTP 5xx, on
/// connection errors and on timeouts. Other 4xx answers are never retried.
///
/// Before retry *n* (1 for the second attempt) the client waits a random duration in
/// `0 ... min(maxDelay, baseDelay × 2ⁿ⁻¹)` (full jitter, as the AWS SDKs' standard mode), drawn from
/// ``random`` and slept with ``sleep``; tests replace both.
public struct RetryPolicy: Sendable {
    /// Attempts in total, the first included (1 disables retries).
    public var maxAttempts: Int
    /// The backoff before the first retry, before jitter.
    public var baseDelay: Duration
    /// The longest backoff, before jitter.
    public var maxDelay: Duration
    /// Returns a number in `0...1` that scales the backoff (the jitter). Default: uniform random.
    public var random: @Sendable () -> Double
    /// Waits between attempts. Default: `Task.sleep(for:)`.
    public var sleep: @Sendable (Duration) async throws -> Void

    /// Creates a policy.
    public init(
        maxAttempts: Int = 3,
        baseDelay: Duration = .milliseconds(100),
        maxDelay: Duration = .seconds(20),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.random = random
        self.sleep = sleep
    }

    /// 3 attempts in total, base 100 ms, cap 20 s, full jitter.
    public static let `default` = RetryPolicy()

    /// One attempt, no retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The backoff cap before retry `retry` (1-based): `min(maxDelay, baseDelay × 2^(retry-1))`.
    public func backoffCap(beforeRetry retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let scaled = baseDelay * (1 << exponent)
        return scaled > maxDelay ? maxDelay : scaled
    }

    /// The jittered delay before retry `retry`: `backoffCap(beforeRetry:) × random()`, `random()` clamped to 0…1.
    public func delay(beforeRetry retry: Int) -> Duration {
        let factor = min(max(random(), 0), 1)
        return backoffCap(beforeRetry: retry) * factor
    }
}
