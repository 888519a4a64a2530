/// Every metric the server exports: its name, type and help text, in one place (docs/metrics.md lists the same).
/// The lower modules (caches, the identity-provider fetcher, the stores) name theirs through swift-metrics; their
/// names are repeated here so that the `# HELP` line is the same whoever registers the series first.
enum MetricCatalog {
    static let requests = "latchkey_requests_total"
    static let requestDuration = "latchkey_request_duration_seconds"
    static let credentialsIssued = "latchkey_credentials_issued_total"
    static let authenticationFailures = "latchkey_authentication_failures_total"
    static let authorizationDenials = "latchkey_authorization_denials_total"
    static let idpFetches = "latchkey_idp_fetches_total"
    static let idpFetchDuration = "latchkey_idp_fetch_duration_seconds"
    static let cacheHits = "latchkey_cache_hits_total"
    static let cacheMisses = "latchkey_cache_misses_total"
    static let storeOperationDuration = "latchkey_store_operation_duration_seconds"
    static let auditEventsWritten = "latchkey_audit_events_written_total"
    static let auditEventsDropped = "latchkey_audit_events_dropped_total"
    static let auditWriteFailures = "latchkey_audit_write_failures_total"
    static let auditBufferedEvents = "latchkey_audit_buffered_events"
    static let auditFileRotations = "latchkey_audit_file_rotations_total"
    static let sessionRevocations = "latchkey_session_revocations"
    static let metricsScrapes = "latchkey_metrics_scrapes_total"

    /// The `# HELP` text of each metric.
    static let help: [String: String] = [
        requests: "Query API requests answered, by API (sts, iam), action and outcome (ok or the AWS error code).",
        requestDuration: "Time from a request's arrival to its answer, in seconds, by API and action.",
        credentialsIssued: "Credentials and tokens issued, by kind (the operation that issued them).",
        authenticationFailures: "Requests refused because their signature or credentials did not authenticate, by AWS "
            + "error code.",
        authorizationDenials: "Requests denied by policy evaluation (AccessDenied), by API and action.",
        idpFetches: "OIDC identity-provider document fetches (discovery and JWKS), by document and outcome.",
        idpFetchDuration: "Time of one OIDC identity-provider document fetch, in seconds, by document.",
        cacheHits: "Lookups answered from an in-memory cache, by cache.",
        cacheMisses: "Lookups that missed an in-memory cache and read the store or the network, by cache.",
        storeOperationDuration: "Time of one store transaction, in seconds, by store and kind (read or write).",
        auditEventsWritten: "Audit events written, by sink (file or store).",
        auditEventsDropped: "Audit events dropped, by reason (buffer_full, file_failure, store_failure).",
        auditWriteFailures: "Failed writes of a batch of audit events, by sink.",
        auditBufferedEvents: "Audit events waiting in the buffer for the writer.",
        auditFileRotations: "Times the audit-log file was rotated.",
        sessionRevocations: "Session revocations (RevokeSessions) this node holds and checks on every request.",
        metricsScrapes: "Times GET /metrics was answered.",
    ]

    /// Request and store latencies: 0.5 ms to 5 s.
    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5),
    ]

    /// Identity-provider fetches go over the network, with a 10 s deadline: 5 ms to 10 s.
    static let fetchBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// The buckets of a duration histogram by name.
    static func buckets(for name: String) -> [Duration] {
        name == idpFetchDuration ? fetchBuckets : latencyBuckets
    }
}
