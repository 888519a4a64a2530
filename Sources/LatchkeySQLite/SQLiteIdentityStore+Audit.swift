import GRDB
public import LatchkeyDomain

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

extension SQLiteIdentityStore {
    /// Schema v6: the audit trail (`AuditStore`).
    ///
    /// - `audit_events`: one row per event, the CloudTrail record as JSON text beside the columns `LookupEvents`
    ///   filters on. `event_id` is UNIQUE (a retried batch is skipped); `event_time` is milliseconds; `account_id`
    ///   is the record's `recipientAccountId` (NULL when none). `resources` repeats the resources as JSON so a page
    ///   is read from one table.
    /// - Every lookup reads newest first within one account, so each index is `(account_id, <attribute>,
    ///   event_time, event_id)`: the page is a range scan of one index, stopped after the page size. Pruning by age
    ///   across accounts uses `audit_events_by_age`.
    /// - `audit_event_resources`: one row per resource of an event, for `ResourceName`/`ResourceType` lookups;
    ///   deleted with their event (`ON DELETE CASCADE`).
    static func createAuditTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE audit_events (
                    event_id TEXT NOT NULL UNIQUE,
                    event_time INTEGER NOT NULL,
                    account_id TEXT,
                    event_source TEXT NOT NULL,
                    event_name TEXT NOT NULL,
                    read_only INTEGER NOT NULL CHECK (read_only IN (0, 1)),
                    username TEXT,
                    access_key_id TEXT,
                    resources TEXT NOT NULL DEFAULT '[]',
                    cloud_trail_event TEXT NOT NULL
                );
                CREATE INDEX audit_events_by_time ON audit_events(account_id, event_time, event_id);
                CREATE INDEX audit_events_by_age ON audit_events(event_time);
                CREATE INDEX audit_events_by_name ON audit_events(account_id, event_name, event_time, event_id);
                CREATE INDEX audit_events_by_username ON audit_events(account_id, username, event_time, event_id);
                CREATE INDEX audit_events_by_access_key
                    ON audit_events(account_id, access_key_id, event_time, event_id);
                CREATE INDEX audit_events_by_read_only ON audit_events(account_id, read_only, event_time, event_id);
                CREATE INDEX audit_events_by_source ON audit_events(account_id, event_source, event_time, event_id);

                CREATE TABLE audit_event_resources (
                    event_id TEXT NOT NULL REFERENCES audit_events(event_id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    resource_type TEXT,
                    resource_name TEXT NOT NULL,
                    PRIMARY KEY (event_id, ordinal)
                ) WITHOUT ROWID;
                CREATE INDEX audit_event_resources_by_name ON audit_event_resources(resource_name, event_id);
                CREATE INDEX audit_event_resources_by_type ON audit_event_resources(resource_type, event_id);
                """
        )
    }
}

extension SQLiteIdentityStore: AuditStore {
    /// How many rows one pruning transaction deletes: the single writer is never held long.
    static let auditPruneBatch = 2000

    static let auditColumns = """
        event_id, event_time, account_id, event_source, event_name, read_only, username, access_key_id, resources,
        cloud_trail_event
        """

    /// Inserts the records in one write transaction; `ON CONFLICT (event_id) DO NOTHING` skips an event already
    /// stored, and its resources are only inserted with the event.
    public func appendAuditRecords(_ records: [AuditRecord]) async throws {
        guard !records.isEmpty else { return }
        let rows = try records.map { record in (record, try AuditResourceCoding.json(record.resources)) }
        try await write("appendAuditRecords") { db in
            let insertEvent = try db.cachedStatement(
                sql: """
                    INSERT INTO audit_events (\(Self.auditColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (event_id) DO NOTHING
                    """)
            let insertResource = try db.cachedStatement(
                sql: """
                    INSERT INTO audit_event_resources (event_id, ordinal, resource_type, resource_name)
                    VALUES (?, ?, ?, ?)
                    """)
            for (record, resources) in rows {
                try insertEvent.execute(arguments: [
                    record.eventId, Stored.millis(record.eventTime), record.accountId, record.eventSource,
                    record.eventName, record.readOnly ? 1 : 0, record.username, record.accessKeyId, resources,
                    record.cloudTrailEvent,
                ])
                guard db.changesCount > 0 else { continue }
                for (position, resource) in record.resources.enumerated() {
                    try insertResource.execute(arguments: [record.eventId, position, resource.type, resource.name])
                }
            }
        }
    }

    public func auditRecords(_ query: AuditQuery) async throws -> AuditPage {
        let position = try AuditPagePosition.decode(query)
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let accountId = query.accountId {
            conditions.append("account_id = ?")
            arguments += [accountId]
        }
        switch query.attribute {
        case nil: break
        case .eventName(let value):
            conditions.append("event_name = ?")
            arguments += [value]
        case .username(let value):
            conditions.append("username = ?")
            arguments += [value]
        case .accessKeyId(let value):
            conditions.append("access_key_id = ?")
            arguments += [value]
        case .eventId(let value):
            conditions.append("event_id = ?")
            arguments += [value]
        case .readOnly(let value):
            conditions.append("read_only = ?")
            arguments += [value ? 1 : 0]
        case .eventSource(let value):
            conditions.append("event_source = ?")
            arguments += [value]
        case .resourceName(let value):
            conditions.append("event_id IN (SELECT event_id FROM audit_event_resources WHERE resource_name = ?)")
            arguments += [value]
        case .resourceType(let value):
            conditions.append("event_id IN (SELECT event_id FROM audit_event_resources WHERE resource_type = ?)")
            arguments += [value]
        }
        if let start = query.startTime {
            conditions.append("event_time >= ?")
            arguments += [Stored.millis(start)]
        }
        if let end = query.endTime {
            conditions.append("event_time <= ?")
            arguments += [Stored.millis(end)]
        }
        if let position {
            conditions.append("(event_time < ? OR (event_time = ? AND event_id < ?))")
            arguments += [position.eventTimeMillis, position.eventTimeMillis, position.eventId]
        }
        let pageSize = query.pageSize
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            SELECT \(Self.auditColumns) FROM audit_events \(whereClause)
            ORDER BY event_time DESC, event_id DESC LIMIT \(pageSize + 1)
            """
        let statementArguments = arguments
        let records = try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: statementArguments).map(Self.decodeAuditRecord)
        }
        guard records.count > pageSize else { return AuditPage(records: records, nextPageToken: nil) }
        let page = Array(records.prefix(pageSize))
        return AuditPage(records: page, nextPageToken: AuditPagePosition.token(after: page[pageSize - 1], query: query))
    }

    /// Deletes in transactions of at most ``auditPruneBatch`` events (their resources go with them), oldest
    /// first, until none is left before `cutoff`: a long backlog never holds the single writer for long.
    @discardableResult
    public func deleteAuditRecords(before cutoff: Date) async throws -> Int {
        let cutoffMillis = Stored.millis(cutoff)
        var deleted = 0
        while true {
            let count = try await write("deleteAuditRecords") { db in
                try db.cachedStatement(
                    sql: """
                        DELETE FROM audit_events WHERE rowid IN (
                            SELECT rowid FROM audit_events WHERE event_time < ? ORDER BY event_time LIMIT ?)
                        """
                ).execute(arguments: [cutoffMillis, Self.auditPruneBatch])
                return db.changesCount
            }
            deleted += count
            if count < Self.auditPruneBatch { return deleted }
        }
    }

    private static func decodeAuditRecord(_ row: Row) throws -> AuditRecord {
        let columns = StoredRow(row: row, table: "audit_events")
        return AuditRecord(
            eventId: try columns.string(0), eventTime: try columns.date(1), accountId: try columns.optionalString(2),
            eventSource: try columns.string(3), eventName: try columns.string(4), readOnly: try columns.int64(5) != 0,
            username: try columns.optionalString(6), accessKeyId: try columns.optionalString(7),
            resources: try AuditResourceCoding.resources(json: try columns.string(8), table: "audit_events"),
            cloudTrailEvent: try columns.string(9)
        )
    }
}
