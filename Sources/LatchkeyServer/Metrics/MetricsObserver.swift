import LatchkeyModel
import Prometheus
import Synchronization

/// Counts every answered Query request (``RequestObserver``): requests by API, action and outcome, their latency,
/// the credentials issued, authentication failures and authorization denials. Called on the request path: it
/// increments atomics and records one histogram sample, and builds nothing but the first time a series is seen.
struct MetricsObserver: RequestObserver {
    let instruments: RequestInstruments

    func requestCompleted(_ request: CompletedRequest) {
        instruments.record(request)
    }
}

/// The request instruments of one registry. Labels stay bounded: `api` is `sts` or `iam`; `action` a registered
/// operation's name or `unknown`; `outcome` `ok` or an error code of the server's own fixed set (checked for shape,
/// and once ``maximumSeries`` series exist, new ones count as `other`). Never an access key ID, an ARN, a user
/// name or anything else a caller chooses.
final class RequestInstruments: Sendable {
    /// The most `latchkey_requests_total` series made before new outcomes are counted as `other`.
    static let maximumSeries = 4096
    /// The operations whose success issues credentials or a token (`latchkey_credentials_issued_total{kind}`).
    static let issuingActions = [
        "AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML", "GetSessionToken", "GetFederationToken",
        "AssumeRoot", "GetWebIdentityToken", "CreateAccessKey",
    ]
    /// The codes a failed authentication answers (`latchkey_authentication_failures_total{reason}`).
    static let authenticationCodes = [
        "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "IncompleteSignature",
        "MissingAuthenticationToken",
    ]
    /// The codes of a policy decision's denial (`latchkey_authorization_denials_total`).
    static let denialCodes: Set<String> = ["AccessDenied", "AccessDeniedException"]

    private struct RequestKey: Hashable {
        let api: QueryAPI
        let action: String
        let outcome: String
    }

    private struct ActionKey: Hashable {
        let api: QueryAPI
        let action: String
    }

    private struct Tables {
        var requests: [RequestKey: Prometheus.Counter] = [:]
        var durations: [ActionKey: DurationHistogram] = [:]
        var denials: [ActionKey: Prometheus.Counter] = [:]
    }

    private let registry: PrometheusCollectorRegistry
    private let tables = Mutex(Tables())
    /// Made once, read without a lock.
    private let issued: [String: Prometheus.Counter]
    private let authenticationFailures: [String: Prometheus.Counter]

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        let issuedName = LatchkeyMetricsFactory.descriptor(MetricCatalog.credentialsIssued)
        var issued: [String: Prometheus.Counter] = [:]
        for action in Self.issuingActions {
            issued[action] = registry.makeCounter(descriptor: issuedName, labels: [("kind", action)])
        }
        self.issued = issued
        let failuresName = LatchkeyMetricsFactory.descriptor(MetricCatalog.authenticationFailures)
        var failures: [String: Prometheus.Counter] = [:]
        for code in Self.authenticationCodes {
            failures[code] = registry.makeCounter(descriptor: failuresName, labels: [("reason", code)])
        }
        self.authenticationFailures = failures
    }

    func record(_ request: CompletedRequest) {
        let action = request.declaration?.name ?? "unknown"
        let code = request.error?.code.wireCode
        let outcome = code.map(Self.boundedOutcome) ?? "ok"
        let isDenial = request.declaration != nil && code.map(Self.denialCodes.contains) == true
        let actionKey = ActionKey(api: request.api, action: action)
        let requestKey = RequestKey(api: request.api, action: action, outcome: outcome)
        let (counter, histogram, denials) = tables.withLock { tables in
            let counter = requestCounter(&tables, requestKey)
            let histogram = durationHistogram(&tables, actionKey)
            let denials = isDenial ? denialCounter(&tables, actionKey) : nil
            return (counter, histogram, denials)
        }
        counter.increment()
        histogram.record(request.duration)
        denials?.increment()
        guard let code else {
            issued[action]?.increment()
            return
        }
        // Failed while authenticating: before the parameters were validated, with one of authentication's codes.
        if request.input == nil, let failures = authenticationFailures[code] { failures.increment() }
    }

    /// An error code as a label value: AWS codes are letters (and digits, dots); anything else is `other`.
    static func boundedOutcome(_ code: String) -> String {
        guard !code.isEmpty, code.utf8.count <= 64, code.utf8.allSatisfy(isCodeByte) else { return "other" }
        return code
    }

    private static func isCodeByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."):
            true
        default: false
        }
    }

    private func requestCounter(_ tables: inout Tables, _ key: RequestKey) -> Prometheus.Counter {
        if let counter = tables.requests[key] { return counter }
        var key = key
        if tables.requests.count >= Self.maximumSeries {
            key = RequestKey(api: key.api, action: key.action, outcome: "other")
            if let counter = tables.requests[key] { return counter }
        }
        let counter = registry.makeCounter(
            descriptor: LatchkeyMetricsFactory.descriptor(MetricCatalog.requests),
            labels: [("api", key.api.signingService), ("action", key.action), ("outcome", key.outcome)])
        tables.requests[key] = counter
        return counter
    }

    private func durationHistogram(_ tables: inout Tables, _ key: ActionKey) -> DurationHistogram {
        if let histogram = tables.durations[key] { return histogram }
        let histogram = registry.makeDurationHistogram(
            descriptor: LatchkeyMetricsFactory.descriptor(MetricCatalog.requestDuration),
            labels: [("api", key.api.signingService), ("action", key.action)], buckets: MetricCatalog.latencyBuckets)
        tables.durations[key] = histogram
        return histogram
    }

    private func denialCounter(_ tables: inout Tables, _ key: ActionKey) -> Prometheus.Counter {
        if let counter = tables.denials[key] { return counter }
        let counter = registry.makeCounter(
            descriptor: LatchkeyMetricsFactory.descriptor(MetricCatalog.authorizationDenials),
            labels: [("api", key.api.signingService), ("action", key.action)])
        tables.denials[key] = counter
        return counter
    }
}
