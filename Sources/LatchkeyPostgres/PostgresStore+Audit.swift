public import LatchkeyDomain
import NIOCore
import PostgresNIO

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Migration `v3-audit`: the audit trail (`AuditStore`), mirroring the SQLite store's `v6-audit` tables and
/// columns (so a copy between them is row by row).
///
/// - `audit_events`: the CloudTrail record as JSON text beside the columns `LookupEvents` filters on; `event_id` is
///   the primary key (a retried batch is skipped), `event_time` BIGINT milliseconds, `account_id` the record's
///   `recipientAccountId` (NULL when none), `resources` the resources as JSON. Every lookup reads one account newest
///   first, so each index is `(account_id, <attribute>, event_time, event_id)`; `audit_events_by_age` serves
///   pruning across accounts. Keys are `COLLATE "C"`: ties in time are ordered by the bytes of the event ID, as in
///   SQLite.
/// - `audit_event_resources`: one row per resource, for `ResourceName`/`ResourceType` lookups, deleted with its
///   event.
enum PostgresAuditSchema {
    static let identifier = "v3-audit"

    static let statements: [String] = [
        """
        CREATE TABLE audit_events (
            event_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            event_time BIGINT NOT NULL,
            account_id TEXT COLLATE "C",
            event_source TEXT COLLATE "C" NOT NULL,
            event_name TEXT COLLATE "C" NOT NULL,
            read_only BOOLEAN NOT NULL,
            username TEXT COLLATE "C",
            access_key_id TEXT COLLATE "C",
            resources TEXT NOT NULL DEFAULT '[]',
            cloud_trail_event TEXT NOT NULL
        )
        """,
        "CREATE INDEX audit_events_by_time ON audit_events(account_id, event_time, event_id)",
        "CREATE INDEX audit_events_by_age ON audit_events(event_time)",
        "CREATE INDEX audit_events_by_name ON audit_events(account_id, event_name, event_time, event_id)",
        "CREATE INDEX audit_events_by_username ON audit_events(account_id, username, event_time, event_id)",
        "CREATE INDEX audit_events_by_access_key ON audit_events(account_id, access_key_id, event_time, event_id)",
        "CREATE INDEX audit_events_by_read_only ON audit_events(account_id, read_only, event_time, event_id)",
        "CREATE INDEX audit_events_by_source ON audit_events(account_id, event_source, event_time, event_id)",
        """
        CREATE TABLE audit_event_resources (
            event_id TEXT COLLATE "C" NOT NULL REFERENCES audit_events(event_id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            resource_type TEXT COLLATE "C",
            resource_name TEXT COLLATE "C" NOT NULL,
            PRIMARY KEY (event_id, ordinal)
        )
        """,
        "CREATE INDEX audit_event_resources_by_name ON audit_event_resources(resource_name, event_id)",
        "CREATE INDEX audit_event_resources_by_type ON audit_event_resources(resource_type, event_id)",
    ]
}

extension PostgresStore: AuditStore {
    /// Records per INSERT statement (10 parameters each, well under PostgreSQL's 65535).
    static let auditInsertChunk = 200
    /// Rows per pruning statement: a long backlog is deleted in short statements.
    static let auditPruneBatch = 2000

    static let auditColumns = """
        event_id, event_time, account_id, event_source, event_name, read_only, username, access_key_id, resources, \
        cloud_trail_event
        """

    /// Inserts the records in one `READ COMMITTED` transaction (appends touch no row another writer reads, so the
    /// stores' usual `SERIALIZABLE` would only add retries), each chunk one statement: the events with
    /// `ON CONFLICT (event_id) DO NOTHING`, and the resources of the events actually inserted.
    public func appendAuditRecords(_ records: [AuditRecord]) async throws {
        // One statement may not name an event twice (its resources would be inserted twice): the first is kept.
        var seen = Set<String>()
        let records = records.filter { seen.insert($0.eventId).inserted }
        guard !records.isEmpty else { return }
        var queries: [PostgresQuery] = []
        var start = 0
        while start < records.count {
            let end = min(start + Self.auditInsertChunk, records.count)
            queries.append(try Self.auditInsert(records[start..<end]))
            start = end
        }
        let statements = queries
        let logger = self.logger
        try await readStatement("appendAuditRecords") { connection in
            try await Self.transaction(connection, begin: "BEGIN", logger: logger) { connection in
                for query in statements { try await self.execute(connection, query) }
            }
        }
    }

    /// One statement inserting `records` and, in the same statement, the resources of those inserted.
    private static func auditInsert(_ records: ArraySlice<AuditRecord>) throws -> PostgresQuery {
        var binds = PostgresBindings(capacity: records.count * 10)
        var eventRows: [String] = []
        var resourceRows: [String] = []
        for record in records {
            let first = binds.count + 1
            binds.append(record.eventId)
            binds.append(StoredValueCoding.millis(record.eventTime))
            binds.append(record.accountId)
            binds.append(record.eventSource)
            binds.append(record.eventName)
            binds.append(record.readOnly)
            binds.append(record.username)
            binds.append(record.accessKeyId)
            binds.append(try AuditResourceCoding.json(record.resources))
            binds.append(record.cloudTrailEvent)
            let types = ["text", "bigint", "text", "text", "text", "boolean", "text", "text", "text", "text"]
            eventRows.append(
                "(" + types.enumerated().map { "$\(first + $0.offset)::\($0.element)" }.joined(separator: ", ") + ")")
            for (ordinal, resource) in record.resources.enumerated() {
                let at = binds.count + 1
                binds.append(record.eventId)
                binds.append(Int32(clamping: ordinal))
                binds.append(resource.type)
                binds.append(resource.name)
                resourceRows.append("($\(at)::text, $\(at + 1)::integer, $\(at + 2)::text, $\(at + 3)::text)")
            }
        }
        var sql = """
            INSERT INTO audit_events (\(auditColumns)) VALUES \(eventRows.joined(separator: ", "))
            ON CONFLICT (event_id) DO NOTHING
            """
        if !resourceRows.isEmpty {
            sql = """
                WITH inserted AS (\(sql) RETURNING event_id)
                INSERT INTO audit_event_resources (event_id, ordinal, resource_type, resource_name)
                SELECT r.event_id, r.ordinal, r.resource_type, r.resource_name
                FROM (VALUES \(resourceRows.joined(separator: ", "))) AS r(event_id, ordinal, resource_type, resource_name)
                WHERE r.event_id IN (SELECT event_id FROM inserted)
                """
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    public func auditRecords(_ query: AuditQuery) async throws -> AuditPage {
        let position = try AuditPagePosition.decode(query)
        var binds = PostgresBindings(capacity: 6)
        var conditions: [String] = []
        func bind(_ condition: (String) -> String, _ value: some PostgresDynamicTypeEncodable) {
            binds.append(value)
            conditions.append(condition("$\(binds.count)"))
        }
        if let accountId = query.accountId { bind({ "account_id = \($0)" }, accountId) }
        switch query.attribute {
        case nil: break
        case .eventName(let value): bind({ "event_name = \($0)" }, value)
        case .username(let value): bind({ "username = \($0)" }, value)
        case .accessKeyId(let value): bind({ "access_key_id = \($0)" }, value)
        case .eventId(let value): bind({ "event_id = \($0)" }, value)
        case .readOnly(let value): bind({ "read_only = \($0)" }, value)
        case .eventSource(let value): bind({ "event_source = \($0)" }, value)
        case .resourceName(let value):
            bind({ "event_id IN (SELECT event_id FROM audit_event_resources WHERE resource_name = \($0))" }, value)
        case .resourceType(let value):
            bind({ "event_id IN (SELECT event_id FROM audit_event_resources WHERE resource_type = \($0))" }, value)
        }
        if let start = query.startTime { bind({ "event_time >= \($0)" }, StoredValueCoding.millis(start)) }
        if let end = query.endTime { bind({ "event_time <= \($0)" }, StoredValueCoding.millis(end)) }
        if let position {
            binds.append(position.eventTimeMillis)
            binds.append(position.eventId)
            conditions.append("(event_time, event_id) < ($\(binds.count - 1), $\(binds.count))")
        }
        let pageSize = query.pageSize
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let statement = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.auditColumns) FROM audit_events \(whereClause)
                ORDER BY event_time DESC, event_id DESC LIMIT \(pageSize + 1)
                """,
            binds: binds)
        let records = try await readStatement { connection in
            try await self.fetchAll(connection, statement).map(Self.decodeAuditRecord)
        }
        guard records.count > pageSize else { return AuditPage(records: records, nextPageToken: nil) }
        let page = Array(records.prefix(pageSize))
        return AuditPage(records: page, nextPageToken: AuditPagePosition.token(after: page[pageSize - 1], query: query))
    }

    /// Deletes in statements of at most ``auditPruneBatch`` events, oldest first, until none is left before
    /// `cutoff`. Nodes pruning at once take disjoint batches (`FOR UPDATE SKIP LOCKED`: none waits for another's rows)
    /// and delete each row once; the count is this call's. A call that meets another's locked rows may stop with some
    /// old rows left to the other (or to the next round).
    @discardableResult
    public func deleteAuditRecords(before cutoff: Date) async throws -> Int {
        let cutoffMillis = StoredValueCoding.millis(cutoff)
        let batch = Int64(Self.auditPruneBatch)
        var deleted = 0
        while true {
            let count = try await readStatement("deleteAuditRecords") { connection in
                try await self.fetchAll(
                    connection,
                    """
                    DELETE FROM audit_events WHERE event_id IN (
                        SELECT event_id FROM audit_events WHERE event_time < \(cutoffMillis)
                        ORDER BY event_time LIMIT \(batch) FOR UPDATE SKIP LOCKED)
                    RETURNING 1
                    """
                ).count
            }
            deleted += count
            if count < Self.auditPruneBatch { return deleted }
        }
    }

    private static func decodeAuditRecord(_ row: PostgresRow) throws -> AuditRecord {
        let (eventId, millis, accountId, eventSource, eventName, readOnly, username, accessKeyId, resources, event) =
            try row.decode((String, Int64, String?, String, String, Bool, String?, String?, String, String).self)
        return AuditRecord(
            eventId: eventId, eventTime: StoredValueCoding.date(millis: millis), accountId: accountId,
            eventSource: eventSource, eventName: eventName, readOnly: readOnly, username: username,
            accessKeyId: accessKeyId,
            resources: try AuditResourceCoding.resources(json: resources, table: "audit_events"),
            cloudTrailEvent: event)
    }
}
