/// Where the audit trail goes (`--audit-log`, `--audit-retention-days`; see docs).
public struct AuditSettings: Sendable, Equatable {
    /// A JSON-lines file, `-` for standard output, nil for none.
    public var logPath: String?
    /// Whether events are kept in the store too (queried with `LookupEvents`). Default true.
    public var storeEnabled: Bool = true
    /// Days events are kept in the store. Default 90.
    public var retentionDays: Int = 90

    public init(logPath: String? = nil, storeEnabled: Bool = true, retentionDays: Int = 90) {
        self.logPath = logPath
        self.storeEnabled = storeEnabled
        self.retentionDays = retentionDays
    }
}
