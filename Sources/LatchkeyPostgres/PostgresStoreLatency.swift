import CoreMetrics

/// How long the PostgreSQL store's calls take, as `latchkey_store_operation_duration_seconds` with the labels
/// `store="postgres"` and `kind` (`read` or `write`): measured once per call in ``PostgresStore``'s `read`,
/// `readStatement` and `write`, which every protocol method goes through (waiting for a pooled connection and the
/// retries of a serialization failure included).
struct PostgresStoreLatency: Sendable {
    let read: CoreMetrics.Timer
    let write: CoreMetrics.Timer

    init(factory: any MetricsFactory) {
        let name = "latchkey_store_operation_duration_seconds"
        read = CoreMetrics.Timer(label: name, dimensions: [("store", "postgres"), ("kind", "read")], factory: factory)
        write = CoreMetrics.Timer(
            label: name, dimensions: [("store", "postgres"), ("kind", "write")], factory: factory)
    }

    /// Records the time since `started` in `timer`.
    static func record(_ timer: CoreMetrics.Timer?, since started: ContinuousClock.Instant?) {
        guard let timer, let started else { return }
        let elapsed = (ContinuousClock.now - started).components
        timer.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }
}
