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
    /// `eventTime`, to the second or finer.
    public var eventTime: Date
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
        eventId: String, eventTime: Date, eventSource: String, eventName: String, readOnly: Bool, username: String?,
        accessKeyId: String?, resources: [Resource], cloudTrailEvent: String
    ) {
        self.eventId = eventId
        self.eventTime = eventTime
        self.eventSource = eventSource
        self.eventName = eventName
        self.readOnly = readOnly
        self.username = username
        self.accessKeyId = accessKeyId
        self.resources = resources
        self.cloudTrailEvent = cloudTrailEvent
    }
}

/// What `LookupEvents` asks for: at most one attribute (as CloudTrail allows), a time range, a page.
public struct AuditQuery: Sendable, Equatable {
    public enum Attribute: Sendable, Equatable {
        case eventName(String)
        case username(String)
        case accessKeyId(String)
        case eventId(String)
        case readOnly(Bool)
        case resourceName(String)
    }

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
        attribute: Attribute? = nil, startTime: Date? = nil, endTime: Date? = nil, maxResults: Int = 50,
        pageToken: String? = nil
    ) {
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
    /// The page of records matching `query`, newest first (ties by event ID). A `pageToken` this store did not
    /// give out is `StoreError` `.notFound`.
    func auditRecords(_ query: AuditQuery) async throws -> AuditPage
    /// Deletes the records whose event time is before `cutoff`; returns how many.
    @discardableResult
    func deleteAuditRecords(before cutoff: Date) async throws -> Int
}
