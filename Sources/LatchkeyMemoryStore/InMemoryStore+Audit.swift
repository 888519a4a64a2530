public import LatchkeyDomain
import Synchronization

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The audit records of an `InMemoryStore`, oldest first by (event time in milliseconds, event ID bytes): appends
/// (nearly always newest) go at the end, pages are read backwards from their position.
///
/// At most ``capacity`` records are kept: past it, the oldest are forgotten (a memory store is for tests and
/// short-lived servers; a process that runs for months keeps its trail in SQLite or PostgreSQL).
struct MemoryAuditLog: Sendable {
    static let capacity = 100_000

    struct Entry: Sendable {
        var millis: Int64
        var record: AuditRecord

        func precedes(_ other: Entry) -> Bool {
            millis < other.millis
                || (millis == other.millis && record.eventId.utf8.lexicographicallyPrecedes(other.record.eventId.utf8))
        }
    }

    var entries: [Entry] = []
    var eventIds: Set<String> = []

    /// The index of the first entry that does not precede-or-equal `entry` (where `entry` is inserted).
    func insertionIndex(_ entry: Entry) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entry.precedes(entries[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The index of the first entry at or after `millis`.
    func firstIndex(atOrAfter millis: Int64) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].millis < millis { low = middle + 1 } else { high = middle }
        }
        return low
    }

    mutating func append(_ record: AuditRecord) {
        guard !eventIds.contains(record.eventId) else { return }
        let millis = StoredValueCoding.millis(record.eventTime)
        var stored = record
        stored.eventTime = StoredValueCoding.date(millis: millis)
        let entry = Entry(millis: millis, record: stored)
        if let last = entries.last, entry.precedes(last) {
            entries.insert(entry, at: insertionIndex(entry))
        } else {
            entries.append(entry)
        }
        eventIds.insert(record.eventId)
        // Forget the oldest in one go once a tenth over capacity, so appends stay amortized O(1).
        if entries.count > Self.capacity + Self.capacity / 10 {
            removeOldest(entries.count - Self.capacity)
        }
    }

    mutating func removeOldest(_ count: Int) {
        for entry in entries.prefix(count) { eventIds.remove(entry.record.eventId) }
        entries.removeFirst(count)
    }
}

extension InMemoryStore {
    /// Appends in place under the store's lock (not through `write`, whose copy of the state would copy the log).
    public func appendAuditRecords(_ records: [AuditRecord]) async throws {
        guard !records.isEmpty else { return }
        state.withLock { state in
            for record in records { state.audit.append(record) }
        }
    }

    public func auditRecords(_ query: AuditQuery) async throws -> AuditPage {
        let position = try AuditPagePosition.decode(query)
        let startMillis = query.startTime.map(StoredValueCoding.millis)
        let endMillis = query.endTime.map(StoredValueCoding.millis)
        let pageSize = query.pageSize
        let records: [AuditRecord] = try read { state in
            let entries = state.audit.entries
            var index = entries.count
            if let endMillis, endMillis < Int64.max {
                index = min(index, state.audit.firstIndex(atOrAfter: endMillis + 1))
            }
            if let position, position.eventTimeMillis < Int64.max {
                index = min(index, state.audit.firstIndex(atOrAfter: position.eventTimeMillis + 1))
            }
            var found: [AuditRecord] = []
            while index > 0, found.count <= pageSize {
                index -= 1
                let entry = entries[index]
                if let startMillis, entry.millis < startMillis { break }
                if let position, !position.precedes(eventTimeMillis: entry.millis, eventId: entry.record.eventId) {
                    continue
                }
                if let accountId = query.accountId, entry.record.accountId != accountId { continue }
                if let attribute = query.attribute, !Self.matches(entry.record, attribute) { continue }
                found.append(entry.record)
            }
            return found
        }
        guard records.count > pageSize else { return AuditPage(records: records, nextPageToken: nil) }
        let page = Array(records.prefix(pageSize))
        return AuditPage(records: page, nextPageToken: AuditPagePosition.token(after: page[pageSize - 1], query: query))
    }

    @discardableResult
    public func deleteAuditRecords(before cutoff: Date) async throws -> Int {
        let cutoffMillis = StoredValueCoding.millis(cutoff)
        return state.withLock { state in
            let count = state.audit.firstIndex(atOrAfter: cutoffMillis)
            state.audit.removeOldest(count)
            return count
        }
    }

    private static func matches(_ record: AuditRecord, _ attribute: AuditQuery.Attribute) -> Bool {
        switch attribute {
        case .eventName(let value): record.eventName == value
        case .username(let value): record.username == value
        case .accessKeyId(let value): record.accessKeyId == value
        case .eventId(let value): record.eventId == value
        case .readOnly(let value): record.readOnly == value
        case .eventSource(let value): record.eventSource == value
        case .resourceName(let value): record.resources.contains { $0.name == value }
        case .resourceType(let value): record.resources.contains { $0.type == value }
        }
    }
}
