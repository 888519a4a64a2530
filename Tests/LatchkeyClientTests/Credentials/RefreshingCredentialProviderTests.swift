import Foundation
import LatchkeyTestSupport
import Synchronization
import Testing

@testable import LatchkeyClient

/// A fetch whose calls are counted and whose outcome the test controls.
private final class ScriptedFetch: Sendable {
    private let state = Mutex<(count: Int, failing: Bool)>((0, false))
    let clock: TestClock
    let lifetime: TimeInterval

    init(clock: TestClock, lifetime: TimeInterval = 3600) {
        self.clock = clock
        self.lifetime = lifetime
    }

    var count: Int { state.withLock { $0.count } }
    func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }

    var fetch: RefreshingCredentialProvider.Fetch {
        {
            let (count, failing) = self.state.withLock {
                $0.count += 1
                return ($0.count, $0.failing)
            }
            if failing {
                throw CredentialProviderError(.credentialProcessFailed, "scripted failure \(count)")
            }
            return AWSCredentials(
                accessKeyId: "ASIAFETCH\(count)", secretAccessKey: "s", sessionToken: "t",
                expiration: self.clock.now.addingTimeInterval(self.lifetime))
        }
    }
}

/// A fetch that counts its calls and then waits until the test opens the gate.
private final class GatedFetch: Sendable {
    private let state = Mutex<(count: Int, gate: CheckedContinuation<Void, Never>?, open: Bool)>(
        (0, nil, false))

    var count: Int { state.withLock { $0.count } }

    func open() {
        let gate = state.withLock { state in
            state.open = true
            let gate = state.gate
            state.gate = nil
            return gate
        }
        gate?.resume()
    }

    var fetch: RefreshingCredentialProvider.Fetch {
        {
            self.state.withLock { $0.count += 1 }
            await withCheckedContinuation { continuation in
                let alreadyOpen = self.state.withLock {
                    if $0.open { return true }
                    $0.gate = continuation
                    return false
                }
                if alreadyOpen { continuation.resume() }
            }
            return AWSCredentials(
                accessKeyId: "ASIAGATED", secretAccessKey: "s", sessionToken: "t", expiration: nil)
        }
    }
}

@Suite struct RefreshingCredentialProviderTests {
    @Test("Fresh credentials are fetched once and served from the cache until the refresh window")
    func cachesUntilWindow() async throws {
        let clock = TestClock()
        let fetch = ScriptedFetch(clock: clock)
        let provider = RefreshingCredentialProvider(now: clock.function, fetch: fetch.fetch)
        #expect(try await provider.credentials().accessKeyId == "ASIAFETCH1")
        clock.advance(by: 3600 - 301)
        #expect(try await provider.credentials().accessKeyId == "ASIAFETCH1")
        #expect(fetch.count == 1)
        clock.advance(by: 2)  // 299 s before expiry: inside the 5-minute window
        #expect(try await provider.credentials().accessKeyId == "ASIAFETCH2")
        #expect(fetch.count == 2)
    }

    @Test("The refresh window is configurable")
    func configurableWindow() async throws {
        let clock = TestClock()
        let fetch = ScriptedFetch(clock: clock)
        let provider = RefreshingCredentialProvider(
            refreshWindow: .seconds(900), now: clock.function, fetch: fetch.fetch)
        _ = try await provider.credentials()
        clock.advance(by: 3600 - 899)
        _ = try await provider.credentials()
        #expect(fetch.count == 2)
    }

    @Test(
        "A failed refresh serves the still-valid credentials and waits the backoff before trying again")
    func staleButValidIsServed() async throws {
        let clock = TestClock()
        let fetch = ScriptedFetch(clock: clock)
        let provider = RefreshingCredentialProvider(now: clock.function, fetch: fetch.fetch)
        _ = try await provider.credentials()
        fetch.fail(true)
        clock.advance(by: 3600 - 200)
        #expect(try await provider.credentials().accessKeyId == "ASIAFETCH1")
        #expect(fetch.count == 2)
        clock.advance(by: 29)
        #expect(try await provider.credentials().accessKeyId == "ASIAFETCH1")
        #expect(fetch.count == 2)  // still backing off
        clock.advance(by: 2)
        #expect(try await provider.credentials().accessKeyId == "ASIAFETCH1")
        #expect(fetch.count == 3)
        fetch.fail(false)
        clock.advance(by: 31)
        #expect(try await provider.credentials().accessKeyId == "ASIAFETCH4")
    }

    @Test("Once the cached credentials have expired a failed refresh throws")
    func expiredFailureThrows() async throws {
        let clock = TestClock()
        let fetch = ScriptedFetch(clock: clock)
        let provider = RefreshingCredentialProvider(now: clock.function, fetch: fetch.fetch)
        _ = try await provider.credentials()
        fetch.fail(true)
        clock.advance(by: 3600)
        await #expect(throws: CredentialProviderError(.credentialProcessFailed, "")) {
            try await provider.credentials()
        }
        await #expect(throws: CredentialProviderError(.credentialProcessFailed, "")) {
            try await provider.credentials()
        }
        #expect(fetch.count == 3)
    }

    @Test("A first fetch that fails throws and the next call tries again")
    func firstFailureThrows() async throws {
        let clock = TestClock()
        let fetch = ScriptedFetch(clock: clock)
        fetch.fail(true)
        let provider = RefreshingCredentialProvider(now: clock.function, fetch: fetch.fetch)
        await #expect(throws: CredentialProviderError.self) { try await provider.credentials() }
        fetch.fail(false)
        #expect(try await provider.credentials().accessKeyId == "ASIAFETCH2")
    }

    @Test("100 concurrent callers cause exactly one fetch and all get its credentials")
    func singleFlight() async throws {
        let gated = GatedFetch()
        let provider = RefreshingCredentialProvider(fetch: gated.fetch)
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<100 {
                group.addTask { try await provider.credentials().accessKeyId }
            }
            while provider.waiterCount < 100 { await Task.yield() }
            #expect(gated.count == 1)
            gated.open()
            var keys: [String] = []
            for try await key in group { keys.append(key) }
            #expect(keys == Array(repeating: "ASIAGATED", count: 100))
        }
        #expect(gated.count == 1)
    }

    @Test(
        "A cancelled waiter throws CancellationError at once and does not cancel the fetch for the others"
    )
    func cancelledWaiterLeavesOthers() async throws {
        let gated = GatedFetch()
        let provider = RefreshingCredentialProvider(fetch: gated.fetch)
        let first = Task { try await provider.credentials().accessKeyId }
        let second = Task { try await provider.credentials().accessKeyId }
        let cancelled = Task { try await provider.credentials().accessKeyId }
        while provider.waiterCount < 3 { await Task.yield() }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(provider.waiterCount == 2)
        gated.open()
        #expect(try await first.value == "ASIAGATED")
        #expect(try await second.value == "ASIAGATED")
        #expect(gated.count == 1)
    }

    @Test("Credentials without an expiration are fetched once")
    func nonExpiringCredentialsAreKept() async throws {
        let gated = GatedFetch()
        gated.open()
        let provider = RefreshingCredentialProvider(fetch: gated.fetch)
        for _ in 0..<3 { _ = try await provider.credentials() }
        #expect(gated.count == 1)
    }
}
