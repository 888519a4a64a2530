#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// One audit event as the store keeps it: the CloudTrail record as JSON text, and the fields `LookupEvents` filters
/// and returns beside it. The record never holds a secret (the audit trail removed them before it got here).
public struct AuditRecord: Sendable, Equatable {
    /// `eventID`: a random UUID, unique across nodes.
    public var eventId: String
    /// `eventTime`, to the second or finer (stores keep milliseconds).
    public var eventTime: Date
    /// `recipientAccountId`: the account the event belongs to, whose `LookupEvents` shows it. Nil when no account
    /// could be named (an unsigned call naming no role); such events are kept but only an all-accounts query
    /// (``AuditQuery/accountId`` nil) finds them.
    public var accountId: String?
    /// `eventSource`: `sts.amazonaws.com` or `iam.amazonaws.com`.
    public var eventSource: String
    /// `eventName`: the action (`AssumeRole`).
    public var eventName: String
    /// `readOnly`.
    public var readOnly: Bool
    /// The caller's user name as `LookupEvents` shows it (`Username`), if any.
    public var username: String?
    /// The access key the request was signed with, if any.
    public var accessKeyId: String?
    /// The resources the event names (`Resources` of `LookupEvents`).
    public var resources: [Resource]
    /// The whole CloudTrail record, JSON (`CloudTrailEvent` of `LookupEvents`).
    public var cloudTrailEvent: String

    public struct Resource: Sendable, Equatable {
        /// `AWS::IAM::Role`, `AWS::IAM::User`, `AWS::IAM::AccessKey`, ...
        public var type: String?
        public var name: String
        public init(type: String?, name: String) {
            self.type = type
            self.name = name
        }
    }

    public init(
        eventId: String, eventTime: Date, accountId: String?, eventSource: String, eventName: String, readOnly: Bool,
        username: String?, accessKeyId: String?, resources: [Resource], cloudTrailEvent: String
    ) {
        self.eventId = eventId
        self.eventTime = eventTime
        self.accountId = accountId
        self.eventSource = eventSource
        self.eventName = eventName
        self.readOnly = readOnly
        self.username = username
        self.accessKeyId = accessKeyId
        self.resources = resources
        self.cloudTrailEvent = cloudTrailEvent
    }
}

/// What `LookupEvents` asks for: one account's events, at most one attribute (as CloudTrail allows), a time range,
/// a page. Attribute values compare exactly (case-sensitively), as CloudTrail's do.
public struct AuditQuery: Sendable, Equatable {
    public enum Attribute: Sendable, Equatable {
        case eventName(String)
        case username(String)
        case accessKeyId(String)
        case eventId(String)
        case readOnly(Bool)
        /// Events naming a resource with this name (any type).
        case resourceName(String)
        /// Events naming a resource of this type (`AWS::IAM::Role`).
        case resourceType(String)
        /// `eventSource` (`sts.amazonaws.com`).
        case eventSource(String)
    }

    /// The account whose events are wanted (the records' ``AuditRecord/accountId``); nil for every account's
    /// events, including those with no account (for copying a store, and for tests).
    public var accountId: String?
    public var attribute: Attribute?
    /// Events at or after this time.
    public var startTime: Date?
    /// Events at or before this time.
    public var endTime: Date?
    /// Most events in the page (1...50).
    public var maxResults: Int
    /// Where the previous page ended: opaque to callers, given back by the store.
    public var pageToken: String?

    public init(
        accountId: String?, attribute: Attribute? = nil, startTime: Date? = nil, endTime: Date? = nil,
        maxResults: Int = 50, pageToken: String? = nil
    ) {
        self.accountId = accountId
        self.attribute = attribute
        self.startTime = startTime
        self.endTime = endTime
        self.maxResults = maxResults
        self.pageToken = pageToken
    }
}

/// One page of events, newest first, and the token of the next page (nil on the last).
public struct AuditPage: Sendable, Equatable {
    public var records: [AuditRecord]
    public var nextPageToken: String?
    public init(records: [AuditRecord], nextPageToken: String?) {
        self.records = records
        self.nextPageToken = nextPageToken
    }
}

/// The audit trail's store side: events appended in batches, looked up newest first, pruned after the retention
/// period. Conventions are `IdentityStore`'s (one transaction per call; `StoreError`; any other error means
/// unavailable).
public protocol AuditStore: Sendable {
    /// Appends the records in one transaction; an event ID already stored is skipped (a retried batch).
    func appendAuditRecords(_ records: [AuditRecord]) async throws
    /// The page of records matching `query`, newest first (ties by event ID, descending). Paging is by position,
    /// not offset: a page token names the last (event time, event ID) given out, so records appended meanwhile never
    /// shift later pages (no duplicates, no gaps). A `pageToken` that is malformed, or that an earlier call with a
    /// different account, attribute or time range gave out, is `StoreError` `.notFound`.
    func auditRecords(_ query: AuditQuery) async throws -> AuditPage
    /// Deletes the records whose event time is before `cutoff`; returns how many.
    @discardableResult
    func deleteAuditRecords(before cutoff: Date) async throws -> Int
}

extension AuditQuery {
    /// The most records a store returns in one page, whatever `maxResults` asks (LookupEvents allows 50).
    public static let largestPage = 1000

    /// `maxResults` brought into 1...``largestPage``.
    public var pageSize: Int { min(max(maxResults, 1), Self.largestPage) }
}

/// Where a page of audit records ended, as every store encodes it in ``AuditPage/nextPageToken``: the last record's
/// event time (milliseconds) and event ID, and a digest of the query (account, attribute, time range), so that a
/// token is only taken back by the query that gave it out. The token is base64 text, opaque to callers.
public struct AuditPagePosition: Sendable, Equatable {
    /// The last record's event time, in milliseconds since the Unix epoch (``StoredValueCoding/millis(_:)``).
    public var eventTimeMillis: Int64
    /// The last record's event ID.
    public var eventId: String

    public init(eventTimeMillis: Int64, eventId: String) {
        self.eventTimeMillis = eventTimeMillis
        self.eventId = eventId
    }

    /// The token of the page that follows `record` in the results of `query`.
    public static func token(after record: AuditRecord, query: AuditQuery) -> String {
        let text = "v1|\(StoredValueCoding.millis(record.eventTime))|\(digest(query))|\(record.eventId)"
        return Data(text.utf8).base64EncodedString()
    }

    /// The position `query.pageToken` names; nil when the query has no token.
    ///
    /// - Throws: `StoreError` `.notFound` when the token is not one a store gave out for this query (malformed,
    ///   or from a query with another account, attribute or time range).
    public static func decode(_ query: AuditQuery) throws -> AuditPagePosition? {
        guard let token = query.pageToken else { return nil }
        let invalid = StoreError(.notFound, "the page token was not given out for this query")
        guard token.utf8.count <= 2048, let data = Data(base64Encoded: token),
            let text = String(validating: data, as: UTF8.self)
        else { throw invalid }
        let parts = text.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "v1", let millis = Int64(parts[1]), parts[2] == digest(query),
            !parts[3].isEmpty
        else { throw invalid }
        return AuditPagePosition(eventTimeMillis: millis, eventId: String(parts[3]))
    }

    /// Whether a record at (`eventTimeMillis`, `eventId`) comes after this position, newest first: older, or as old
    /// with a smaller event ID (compared by UTF-8 bytes, as SQLite and PostgreSQL's `COLLATE "C"` compare).
    public func precedes(eventTimeMillis millis: Int64, eventId id: String) -> Bool {
        millis < eventTimeMillis || (millis == eventTimeMillis && id.utf8.lexicographicallyPrecedes(eventId.utf8))
    }

    /// A 64-bit FNV-1a hash of what the query selects (not its page size or token), as 16 hex digits.
    static func digest(_ query: AuditQuery) -> String {
        var text = "a=" + (query.accountId.map { "s" + $0 } ?? "-")
        switch query.attribute {
        case nil: text += "|none"
        case .eventName(let value): text += "|EventName=" + value
        case .username(let value): text += "|Username=" + value
        case .accessKeyId(let value): text += "|AccessKeyId=" + value
        case .eventId(let value): text += "|EventId=" + value
        case .readOnly(let value): text += "|ReadOnly=\(value)"
        case .resourceName(let value): text += "|ResourceName=" + value
        case .resourceType(let value): text += "|ResourceType=" + value
        case .eventSource(let value): text += "|EventSource=" + value
        }
        text += "|s=" + (query.startTime.map { String(StoredValueCoding.millis($0)) } ?? "-")
        text += "|e=" + (query.endTime.map { String(StoredValueCoding.millis($0)) } ?? "-")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// The stored form of an audit record's resources, shared by the SQLite and PostgreSQL stores: JSON text
/// `[{"type":"AWS::IAM::Role","name":"..."}]` (`type` absent when unknown), in the record's order.
public enum AuditResourceCoding {
    private struct Stored: Codable {
        var type: String?
        var name: String
    }

    /// `[{"type":"AWS::IAM::Role","name":"..."}]` (a nil type left out), written directly: a `JSONEncoder` per
    /// event was a large part of the store sink's cost. ``resources(json:table:)`` reads it back.
    public static func json(_ resources: [AuditRecord.Resource]) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(2 + resources.count * 64)
        out.append(UInt8(ascii: "["))
        for (index, resource) in resources.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            if let type = resource.type {
                out.append(contentsOf: #""type":"#.utf8)
                appendQuoted(type, to: &out)
                out.append(UInt8(ascii: ","))
            }
            out.append(contentsOf: #""name":"#.utf8)
            appendQuoted(resource.name, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped (`\u00xx`).
    private static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            } else if byte < 0x20 {
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex(byte >> 4))
                out.append(hex(byte & 0x0F))
            } else {
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    public static func resources(json: String, table: StaticString) throws -> [AuditRecord.Resource] {
        do {
            return try JSONDecoder().decode([Stored].self, from: Data(json.utf8))
                .map { AuditRecord.Resource(type: $0.type, name: $0.name) }
        } catch {
            throw StoreError(.corrupt, "\(table).resources is not a resource list")
        }
    }
}
