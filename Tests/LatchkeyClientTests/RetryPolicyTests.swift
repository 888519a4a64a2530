import LatchkeyClient
import Testing

@Suite struct RetryPolicyTests {
    @Test("The backoff cap doubles from the base delay and stops at the maximum")
    func backoffDoublesUpToTheCap() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(
            (1...6).map { policy.backoffCap(beforeRetry: $0) } == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                .seconds(1),
            ])
        #expect(policy.backoffCap(beforeRetry: 500) == .seconds(1))
    }

    @Test("Full jitter scales the cap by the random source, clamped to 0...1")
    func fullJitter() {
        let half = RetryPolicy(baseDelay: .milliseconds(100), random: { 0.5 })
        #expect(half.delay(beforeRetry: 3) == .milliseconds(200))
        let zero = RetryPolicy(random: { 0 })
        #expect(zero.delay(beforeRetry: 1) == .zero)
        let wild = RetryPolicy(baseDelay: .milliseconds(100), random: { 7 })
        #expect(wild.delay(beforeRetry: 1) == .milliseconds(100))
    }

    @Test("The default is 3 attempts, base 100 ms, cap 20 s; none is one attempt; attempts are at least one")
    func defaults() {
        #expect(RetryPolicy.default.maxAttempts == 3)
        #expect(RetryPolicy.default.baseDelay == .milliseconds(100))
        #expect(RetryPolicy.default.maxDelay == .seconds(20))
        #expect(RetryPolicy.none.maxAttempts == 1)
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
        let configuration = STSClient.Configuration(environment: [:])
        #expect(configuration.timeout == .seconds(30))
        #expect(configuration.retryPolicy.maxAttempts == 3)
    }
}
