import Foundation
import LatchkeyDomain
import Logging
import ServiceLifecycle
import Synchronization

/// The audit trail: told of every answered request, it keeps the request in a bounded buffer and returns at once;
/// ``AuditTrailWriter`` drains the buffer every ``AuditSettings/flushInterval``, builds the CloudTrail records off
/// the request path (``AuditEventBuilder``) and writes them to each sink: the JSON-lines file and the store.
///
/// When the sinks are slower than the requests the buffer fills; past ``AuditSettings/bufferCapacity`` the newest
/// events are dropped and counted (``Statistics/droppedBufferFull``): a request never waits for the trail. A sink
/// that fails (an unwritable file, a full disk, the store down) drops that batch for that sink and counts it; the
/// server keeps answering, logs the problem at most once a minute, and `/readyz` reports `audit-log` or
/// `audit-store` not ready until a write succeeds again (an unreachable store is `/readyz`'s own `store` check).
public final class AuditTrail: Sendable {
    /// Counters since the start, for `/metrics` and tests.
    public struct Statistics: Sendable, Equatable {
        /// Events taken into the buffer.
        public var accepted = 0
        /// Events waiting in the buffer now.
        public var buffered = 0
        /// Events written to the JSON-lines file.
        public var writtenToFile = 0
        /// Events written to the store.
        public var writtenToStore = 0
        /// Events dropped because the buffer was full (the sinks were slower than the requests).
        public var droppedBufferFull = 0
        /// Events the file did not take because writing it failed.
        public var droppedFileFailure = 0
        /// Events the store did not take because the write failed.
        public var droppedStoreFailure = 0
        /// Failed writes of a batch to the file.
        public var fileFailures = 0
        /// Failed writes of a batch to the store.
        public var storeFailures = 0
        /// Times the file was rotated.
        public var fileRotations = 0

        public init() {}

        /// Every event dropped, whatever the reason (an event dropped by both sinks counts twice).
        public var dropped: Int { droppedBufferFull + droppedFileFailure + droppedStoreFailure }
    }

    /// The `/readyz` check names.
    static let fileCheck = "audit-log"
    static let storeCheck = "audit-store"
    /// The most records one store call appends.
    static let storeBatchSize = 500
    /// The shortest time between two log lines about the same problem.
    static let problemLogInterval: Duration = .seconds(60)

    private struct Buffer {
        var pending: [CompletedRequest] = []
        var accepted = 0
        var droppedFull = 0
    }

    let settings: AuditSettings
    private let buffer = Mutex(Buffer())
    private let counters = Mutex(Statistics())
    private let lastLogged = Mutex<[String: ContinuousClock.Instant]>([:])
    private let reportedBufferDrops = Mutex(0)
    let file: AuditFileSink?
    let store: (any AuditStore)?
    let readiness: NodeReadiness
    let logger: Logger

    /// A trail writing to `settings.logPath` (if any) and to `store` (if given and `settings.storeEnabled`).
    init(settings: AuditSettings, store: (any AuditStore)?, readiness: NodeReadiness, logger: Logger) {
        self.settings = settings
        self.file = settings.logPath.map {
            AuditFileSink(path: $0, maxBytes: settings.logMaxBytes, maxFiles: settings.logMaxFiles)
        }
        self.store = settings.storeEnabled ? store : nil
        self.readiness = readiness
        self.logger = logger
    }

    /// The trail for `settings`, or nil when it has no sink (no file, and the store copy off).
    static func make(
        settings: AuditSettings, store: any LatchkeyStore, readiness: NodeReadiness, logger: Logger
    ) -> AuditTrail? {
        let auditStore: (any AuditStore)? = settings.storeEnabled ? store : nil
        guard settings.logPath != nil || auditStore != nil else { return nil }
        return AuditTrail(settings: settings, store: auditStore, readiness: readiness, logger: logger)
    }

    /// A snapshot of the counters.
    public var statistics: Statistics {
        var snapshot = counters.withLock { $0 }
        buffer.withLock {
            snapshot.accepted = $0.accepted
            snapshot.droppedBufferFull = $0.droppedFull
            snapshot.buffered = $0.pending.count
        }
        return snapshot
    }

    // MARK: Draining

    /// Takes what the buffer holds and writes it to every sink. Only the writer calls it (one at a time).
    func flush() async {
        let batch = buffer.withLock { buffer -> [CompletedRequest] in
            let taken = buffer.pending
            buffer.pending = []
            return taken
        }
        reportBufferDrops()
        guard !batch.isEmpty else { return }
        let records = batch.compactMap { AuditEventBuilder.record(for: $0, eventId: Self.newEventId(at: $0.eventTime)) }
        guard !records.isEmpty else { return }
        if let file { await write(records, to: file) }
        if let store { await write(records, to: store) }
    }

    /// A new event ID: a UUID in lower case, version 7 (RFC 9562: the event time's milliseconds in the first 48 bits,
    /// then 74 random bits), so IDs are unique across nodes as version 4's are, but a store's `event_id` index takes
    /// them near its end instead of at random pages. Formatted straight from the bytes (no `uuidString` and
    /// `lowercased()` strings).
    static func newEventId(at time: Date) -> String {
        var uuid = UUID().uuid
        let millis = UInt64(max(0, min(time.timeIntervalSince1970 * 1000, 281_474_976_710_655)))
        withUnsafeMutableBytes(of: &uuid) { raw in
            for index in 0..<6 { raw[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index))) }
            raw[6] = (raw[6] & 0x0F) | 0x70  // version 7; byte 8 keeps version 4's variant bits (10xx)
        }
        return withUnsafeBytes(of: uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = hexDigit(byte >> 4)
                    out[position + 1] = hexDigit(byte & 0x0F)
                    position += 2
                }
                return position
            }
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ (nibble &- 10)
    }

    private func write(_ records: [AuditRecord], to file: AuditFileSink) async {
        var text = ""
        text.reserveCapacity(records.reduce(0) { $0 + $1.cloudTrailEvent.utf8.count + 1 })
        for record in records {
            text += record.cloudTrailEvent
            text += "\n"
        }
        let outcome = await file.write(text)
        switch outcome {
        case .success(let rotations):
            counters.withLock {
                $0.writtenToFile += records.count
                $0.fileRotations += rotations
            }
            recovered(Self.fileCheck)
        case .failure(let error):
            counters.withLock {
                $0.droppedFileFailure += records.count
                $0.fileFailures += 1
            }
            failed(
                Self.fileCheck, reason: "cannot write the audit log \(file.path): \(error.message)",
                dropped: records.count)
        }
    }

    private func write(_ records: [AuditRecord], to store: any AuditStore) async {
        var start = 0
        while start < records.count {
            let chunk = Array(records[start..<min(start + Self.storeBatchSize, records.count)])
            start += chunk.count
            do {
                try await store.appendAuditRecords(chunk)
                counters.withLock { $0.writtenToStore += chunk.count }
                recovered(Self.storeCheck)
            } catch {
                counters.withLock {
                    $0.droppedStoreFailure += chunk.count
                    $0.storeFailures += 1
                }
                // An unreachable store is already `/readyz`'s `store` check: said once, not twice.
                let unreachable = (error as? StoreError)?.code == .unavailable
                failed(
                    Self.storeCheck, reason: "the store did not take audit events: \(Self.describe(error))",
                    dropped: chunk.count, markNotReady: !unreachable)
            }
        }
    }

    /// A store error's short description (its code when it is a ``StoreError``), never a value of a record.
    private static func describe(_ error: any Error) -> String {
        if let error = error as? StoreError { return "\(error.code)" }
        return String(describing: type(of: error))
    }

    private func failed(_ check: String, reason: String, dropped: Int, markNotReady: Bool = true) {
        if markNotReady { readiness.markNotReady(check, reason: reason) }
        guard shouldLog(check) else { return }
        logger.error(
            "audit events dropped: a sink failed (logged at most once a minute)",
            metadata: [
                "sink": "\(check)", "reason": "\(reason)", "dropped": "\(dropped)",
                "dropped-total": "\(statistics.dropped)",
            ])
    }

    private func recovered(_ check: String) {
        guard readiness.failures[check] != nil else { return }
        readiness.markReady(check)
        lastLogged.withLock { _ = $0.removeValue(forKey: check) }
        logger.notice("audit sink writes again", metadata: ["sink": "\(check)"])
    }

    /// Logs new buffer-full drops, at most once a minute.
    private func reportBufferDrops() {
        let total = buffer.withLock { $0.droppedFull }
        let reported = reportedBufferDrops.withLock { $0 }
        guard total > reported, shouldLog("audit-buffer") else { return }
        reportedBufferDrops.withLock { $0 = total }
        logger.error(
            "audit events dropped: the buffer was full, the sinks are slower than the requests (logged at most once a minute)",
            metadata: [
                "dropped": "\(total - reported)", "dropped-total": "\(total)", "capacity": "\(settings.bufferCapacity)",
            ])
    }

    private func shouldLog(_ key: String) -> Bool {
        let now = ContinuousClock.now
        return lastLogged.withLock { last in
            if let previous = last[key], previous.duration(to: now) < Self.problemLogInterval { return false }
            last[key] = now
            return true
        }
    }
}

extension AuditTrail: RequestObserver {
    /// Keeps the request for the writer, or counts it dropped when the buffer is full. Never waits: one short lock
    /// that no sink ever holds.
    func requestCompleted(_ request: CompletedRequest) {
        guard request.declaration != nil else { return }
        let capacity = settings.bufferCapacity
        buffer.withLock { buffer in
            if buffer.pending.count < capacity {
                buffer.pending.append(request)
                buffer.accepted += 1
            } else {
                buffer.droppedFull += 1
            }
        }
    }
}

/// Drains the ``AuditTrail`` every flush interval, and everything left once the HTTP server has stopped (the
/// application's services shut down in reverse order, and this one is listed after the store's closer).
struct AuditTrailWriter: Service {
    let trail: AuditTrail?

    func run() async throws {
        guard let trail else {
            try? await gracefulShutdown()
            return
        }
        let interval = trail.settings.flushInterval
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await trail.flush()
        }
        await trail.flush()
        await trail.file?.close()
    }
}
