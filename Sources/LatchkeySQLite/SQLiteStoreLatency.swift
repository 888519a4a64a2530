import CoreMetrics

/// How long the SQLite store's transactions take, as `latchkey_store_operation_duration_seconds` with the labels
/// `store="sqlite"` and `kind` (`read` or `write`): measured once per transaction in ``SQLiteIdentityStore``'s
/// `read` and `write`, which every protocol method goes through (waiting for the connection included).
struct SQLiteStoreLatency: Sendable {
    let read: CoreMetrics.Timer
    let write: CoreMetrics.Timer

    init(factory: any MetricsFactory) {
        let name = "latchkey_store_operation_duration_seconds"
        read = CoreMetrics.Timer(label: name, dimensions: [("store", "sqlite"), ("kind", "read")], factory: factory)
        write = CoreMetrics.Timer(label: name, dimensions: [("store", "sqlite"), ("kind", "write")], factory: factory)
    }

    /// Records the time since `started` in `timer`.
    static func record(_ timer: CoreMetrics.Timer?, since started: ContinuousClock.Instant?) {
        guard let timer, let started else { return }
        let elapsed = (ContinuousClock.now - started).components
        timer.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }
}
