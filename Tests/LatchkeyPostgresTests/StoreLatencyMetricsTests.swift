import LatchkeyDomain
import LatchkeyPostgres
import LatchkeyTestSupport
import Prometheus
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The PostgreSQL store's transaction latency (`latchkey_store_operation_duration_seconds{store="postgres",kind}`) on
/// a real server, recorded in a real Prometheus registry through the configuration's metrics factory, as the server
/// passes it: each call through the store's central read and write functions is one sample of its kind.
@Suite(.enabled(if: PostgresTestDatabase.isEnabled, "needs LATCHKEY_TEST_DATABASE_URL"))
struct StoreLatencyMetricsTests {
    static func count(_ registry: PrometheusCollectorRegistry, kind: String) -> Double {
        let series = #"latchkey_store_operation_duration_seconds_count{store="postgres",kind="\#(kind)"} "#
        for line in registry.emitToString().split(separator: "\n") where line.hasPrefix(series) {
            return Double(line.dropFirst(series.count)) ?? -1
        }
        return 0
    }

    @Test("one write and two reads: one write sample and two read samples, nothing else")
    func samplesByKind() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        try await PostgresTestDatabase.withStore({ $0.metrics = factory }) { store in
            let before = (read: Self.count(registry, kind: "read"), write: Self.count(registry, kind: "write"))
            try await store.insertAccount(Account(id: "210987654321", createDate: Date()))
            #expect(try await store.account(id: "210987654321") != nil)
            #expect(try await store.accessKey(id: "AKIANOSUCHKEY0000000") == nil)
            #expect(Self.count(registry, kind: "write") - before.write == 1)
            #expect(Self.count(registry, kind: "read") - before.read == 2)
        }
    }
}
