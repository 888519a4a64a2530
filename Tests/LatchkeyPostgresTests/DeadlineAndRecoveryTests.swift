import LatchkeyDomain
import LatchkeyTestSupport
import Logging
import Testing

@testable import LatchkeyPostgres

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A database that goes away: every call answers `.unavailable` within the operation deadline (never hangs), and the
/// pool recovers by itself once the server is back. Runs against a private throw-away cluster
/// (`scripts/postgres-cluster`) that the test stops, freezes and restarts; the measured times are printed, not
/// asserted tightly (the bound checked is a generous 60 s against a 1.5 s deadline: a loaded parallel test run has delayed timers by many seconds).
@Suite(.serialized, .enabled(if: PostgresTestDatabase.isEnabled, "needs PostgreSQL (LATCHKEY_TEST_DATABASE_URL)"))
struct DeadlineAndRecoveryTests {
    static let logger = PostgresTestDatabase.logger
    static let generousBound: Duration = .seconds(60)

    /// Runs `call`, expecting `.unavailable`; returns how long it took.
    static func expectUnavailable(
        _ what: String, _ call: () async throws -> Void
    ) async -> Duration {
        let started = ContinuousClock.now
        do {
            try await call()
            Issue.record("\(what) succeeded with the database down")
        } catch let error as StoreError {
            #expect(error.code == .unavailable, "\(what): \(error)")
        } catch {
            Issue.record("\(what) threw \(error), not a StoreError")
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < generousBound, "\(what) took \(elapsed)")
        return elapsed
    }

    /// Polls `call` until it succeeds (up to 30 s); returns how long recovery took.
    static func waitForRecovery(_ call: () async throws -> Void) async throws -> Duration {
        let started = ContinuousClock.now
        var lastError: (any Error)?
        while ContinuousClock.now - started < .seconds(30) {
            do {
                try await call()
                return ContinuousClock.now - started
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw PostgresTestFailure("the store did not recover within 30 s: \(String(describing: lastError))")
    }

    static func withPrivateStore(_ body: (PrivateCluster, PostgresStore) async throws -> Void) async throws {
        let cluster = try await PrivateCluster.start()
        do {
            var configuration = try PostgresStore.Configuration(url: cluster.url)
            configuration.sslMode = .disable
            configuration.maximumConnections = 4
            // The first connect to the fresh cluster: a parallel run on a loaded machine has taken over 10 s.
            configuration.connectTimeout = .seconds(30)
            let store = try await PostgresStore.connect(configuration, logger: logger)
            do {
                try await body(cluster, store)
                await store.close()
            } catch {
                await store.close()
                throw error
            }
            await cluster.remove()
        } catch {
            await cluster.remove()
            throw error
        }
    }

    @Test("a stopped server: reads and writes answer .unavailable within the deadline, then recover on restart")
    func stoppedServer() async throws {
        try await Self.withPrivateStore { cluster, store in
            try await store.insertAccount(Account(id: "111111111111", createDate: Date()))
            #expect(try await store.account(id: "111111111111") != nil)

            try await cluster.stop()
            var times: [Duration] = []
            times.append(
                await Self.expectUnavailable("account(id:)") { _ = try await store.account(id: "111111111111") })
            times.append(
                await Self.expectUnavailable("insertAccount") {
                    try await store.insertAccount(Account(id: "222222222222", createDate: Date()))
                })
            times.append(await Self.expectUnavailable("announceChange") { try await store.announceChange() })
            times.append(
                await Self.expectUnavailable("users") { _ = try await store.users(accountId: "1", pathPrefix: "/") })
            print("PostgreSQL stopped: .unavailable after \(times.map { "\($0)" }.joined(separator: ", "))")

            try await cluster.restart()
            let recovery = try await Self.waitForRecovery {
                _ = try await store.account(id: "111111111111")
            }
            print("PostgreSQL restarted: the pool answered again after \(recovery)")
            #expect(try await store.account(id: "111111111111") != nil)
            try await store.insertAccount(Account(id: "222222222222", createDate: Date()))
            #expect(try await store.accounts().count == 2)
        }
    }

    @Test("a frozen server (accepts, never answers): calls give up at the deadline, then recover when it resumes")
    func frozenServer() async throws {
        try await Self.withPrivateStore { cluster, store in
            try await store.insertAccount(Account(id: "111111111111", createDate: Date()))
            try await cluster.signalAll("STOP")
            var times: [Duration] = []
            for attempt in 0..<3 {
                times.append(
                    await Self.expectUnavailable("account(id:) #\(attempt)") {
                        _ = try await store.account(id: "111111111111")
                    })
            }
            times.append(
                await Self.expectUnavailable("insertAccount") {
                    try await store.insertAccount(Account(id: "333333333333", createDate: Date()))
                })
            print("PostgreSQL frozen: .unavailable after \(times.map { "\($0)" }.joined(separator: ", "))")
            // The deadline is what ended each call (1.5 s by default), not a connect timeout (10 s).
            for time in times {
                #expect(time >= .milliseconds(1400), "a call failed before its deadline: \(time)")
            }

            try await cluster.signalAll("CONT")
            let recovery = try await Self.waitForRecovery {
                _ = try await store.account(id: "111111111111")
            }
            print("PostgreSQL resumed: the pool answered again after \(recovery)")
            try await store.insertAccount(Account(id: "444444444444", createDate: Date()))
            #expect(try await store.account(id: "444444444444") != nil)
        }
    }

    @Test("a closed store answers .unavailable at once")
    func closedStore() async throws {
        let store = try await PostgresTestDatabase.makeStore()
        let configuration = store.currentConfiguration
        await store.close()
        await #expect(throws: StoreError(.unavailable, "")) { _ = try await store.accounts() }
        await #expect(throws: StoreError(.unavailable, "")) {
            try await store.insertAccount(Account(id: "1", createDate: Date()))
        }
        await store.close()
        try await PostgresStore.dropSchema(configuration, logger: Self.logger)
    }
}
