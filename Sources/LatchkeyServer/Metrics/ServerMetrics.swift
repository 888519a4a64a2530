import CoreMetrics
import HTTPTypes
import Hummingbird
import LatchkeyCore
import NIOCore
import Prometheus
import Synchronization

/// One application's metrics: its own Prometheus registry (several servers may run in one process, so nothing is
/// global), the swift-metrics factory handed to the lower modules, the request observer, the values read at scrape
/// time, and `GET /metrics`.
///
/// Cost on the request path: a counter is an atomic add; a histogram takes its own short lock; the observer looks
/// its instruments up in a table under a lock held only for that lookup. Nothing here waits for I/O, and a scrape
/// holds no lock a request needs for longer than a dictionary copy.
final class ServerMetrics: Sendable {
    /// The path the metrics are served on (GET and HEAD), outside the AWS API like `/healthz`.
    static let path = "/metrics"
    /// Prometheus's text exposition format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let registry: PrometheusCollectorRegistry
    /// For the lower modules' `factory:` parameters.
    let factory: any MetricsFactory
    /// Run before every scrape: gauges and counters read from elsewhere (revocations, the audit trail).
    private let collectors = Mutex<[@Sendable () -> Void]>([])
    private let scrapes: Prometheus.Counter

    init() {
        registry = PrometheusCollectorRegistry()
        factory = LatchkeyMetricsFactory(registry: registry)
        scrapes = registry.makeCounter(descriptor: LatchkeyMetricsFactory.descriptor(MetricCatalog.metricsScrapes))
    }

    /// The observer to append to `QueryEndpoint.observers`.
    func requestObserver() -> MetricsObserver {
        MetricsObserver(instruments: RequestInstruments(registry: registry))
    }

    /// Runs `collect` before every scrape (it must be quick and must not wait).
    func addCollector(_ collect: @escaping @Sendable () -> Void) {
        collectors.withLock { $0.append(collect) }
    }

    /// `latchkey_session_revocations`: the revocations the node checks, read at scrape time.
    func watch(revocations: SessionRevocations) {
        let gauge = registry.makeGauge(descriptor: LatchkeyMetricsFactory.descriptor(MetricCatalog.sessionRevocations))
        addCollector { gauge.set(Int64(revocations.revocations.count)) }
    }

    /// The audit trail's statistics (docs/audit.md), read at scrape time: events written per sink, dropped per
    /// reason, failed batch writes per sink, rotations, and the events waiting now.
    func watch(audit trail: AuditTrail) {
        let written = MetricCatalog.auditEventsWritten
        let dropped = MetricCatalog.auditEventsDropped
        let failures = MetricCatalog.auditWriteFailures
        let counters: [(CumulativeCounter, @Sendable (AuditTrail.Statistics) -> Int)] = [
            (cumulative(written, [("sink", "file")]), { $0.writtenToFile }),
            (cumulative(written, [("sink", "store")]), { $0.writtenToStore }),
            (cumulative(dropped, [("reason", "buffer_full")]), { $0.droppedBufferFull }),
            (cumulative(dropped, [("reason", "file_failure")]), { $0.droppedFileFailure }),
            (cumulative(dropped, [("reason", "store_failure")]), { $0.droppedStoreFailure }),
            (cumulative(failures, [("sink", "file")]), { $0.fileFailures }),
            (cumulative(failures, [("sink", "store")]), { $0.storeFailures }),
            (cumulative(MetricCatalog.auditFileRotations, []), { $0.fileRotations }),
        ]
        let buffered = registry.makeGauge(
            descriptor: LatchkeyMetricsFactory.descriptor(MetricCatalog.auditBufferedEvents))
        addCollector {
            let statistics = trail.statistics
            for (counter, read) in counters { counter.update(to: read(statistics)) }
            buffered.set(Int64(statistics.buffered))
        }
    }

    private func cumulative(_ name: String, _ labels: [(String, String)]) -> CumulativeCounter {
        let descriptor = LatchkeyMetricsFactory.descriptor(name)
        return CumulativeCounter(
            labels.isEmpty
                ? registry.makeCounter(descriptor: descriptor)
                : registry.makeCounter(descriptor: descriptor, labels: labels))
    }

    /// The exposition: the collectors run, then every registered series.
    func exposition() -> [UInt8] {
        for collect in collectors.withLock({ $0 }) { collect() }
        scrapes.increment()
        return registry.emitToBuffer()
    }

    /// `GET /metrics` (and HEAD); nil for any other request.
    func respond(to request: Request) -> Response? {
        guard request.method == .get || request.method == .head, request.uri.path == Self.path else { return nil }
        let body = exposition()
        var headers = HTTPFields()
        headers[.contentType] = Self.contentType
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// A counter whose total is kept elsewhere (a cumulative statistic read at scrape time): each update adds what the
/// total grew by since the last one, so the exported counter only ever rises.
final class CumulativeCounter: Sendable {
    private let counter: Prometheus.Counter
    private let reported = Mutex(0)

    init(_ counter: Prometheus.Counter) {
        self.counter = counter
    }

    func update(to total: Int) {
        let delta = reported.withLock { last -> Int in
            guard total > last else { return 0 }
            defer { last = total }
            return total - last
        }
        if delta > 0 { counter.increment(by: Int64(delta)) }
    }
}
