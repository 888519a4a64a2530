import Foundation
import HTTPTypes
import Hummingbird
import LatchkeyDomain
import NIOCore
import Synchronization

/// Whether this node should get traffic, beyond what ``Health`` checks itself: any part of the server can mark
/// the node not ready with a reason (the session-token key ring not loaded yet, a master key rotated by another
/// node) and mark it ready again. `GET /readyz` answers 503 while any reason is set, naming it.
///
/// ```swift
/// readiness.markNotReady("master-key", reason: "master key rotated; restart with the new key")
/// readiness.markReady("master-key")
/// ```
public final class NodeReadiness: Sendable {
    private let reasons = Mutex<[String: String]>([:])

    public init() {}

    /// Marks the check `name` failing with `reason` (short, shown in `/readyz`'s body: no secrets).
    public func markNotReady(_ name: String, reason: String) {
        reasons.withLock { $0[name] = reason }
    }

    /// Clears the check `name`.
    public func markReady(_ name: String) {
        _ = reasons.withLock { $0.removeValue(forKey: name) }
    }

    /// The failing checks and their reasons.
    public var failures: [String: String] { reasons.withLock { $0 } }
}

/// `GET /healthz` and `GET /readyz`, outside the AWS API: no signature, and paths the Query API never uses (it
/// is `POST /` and `GET /?Action=...`).
///
/// - `/healthz`: 200 `{"status":"ok"}` as long as the process serves HTTP.
/// - `/readyz`: 200 `{"status":"ready","checks":{...}}` when the store answers a cheap query within
///   ``storeDeadline`` (`store`), its migrations were applied when it opened (`migrations`), the session-token keys
///   are loaded (`keys`) and nothing marked the node not ready; otherwise 503 with `"status":"not ready"`, every
///   check's state, and `failing`, the names of the failing checks.
public struct Health: Sendable {
    public static let livenessPath = "/healthz"
    public static let readinessPath = "/readyz"
    /// The longest the store check may take before it counts as failing.
    public static let storeDeadline: Duration = .seconds(2)

    let store: any LatchkeyStore
    let readiness: NodeReadiness

    /// The response for a health path, or nil when `request` is not a health check (it goes to the AWS endpoint).
    func respond(to request: Request) async -> Response? {
        guard request.method == .get || request.method == .head else { return nil }
        switch request.uri.path {
        case Self.livenessPath:
            return Self.json(.ok, #"{"status":"ok"}"#)
        case Self.readinessPath:
            return await readinessResponse()
        default:
            return nil
        }
    }

    /// Runs the checks; the body lists each check as `ok` or its reason.
    func readinessResponse() async -> Response {
        var checks: [String: String] = ["migrations": "ok", "keys": "ok"]
        checks["store"] = await storeCheck()
        for (name, reason) in readiness.failures { checks[name] = reason }
        let failing = checks.filter { $0.value != "ok" }.keys.sorted()
        let body = Self.encode(checks: checks, failing: failing)
        return Self.json(failing.isEmpty ? .ok : .serviceUnavailable, body)
    }

    /// `ok`, or why the store did not answer in time.
    private func storeCheck() async -> String {
        let store = self.store
        let outcome = await Self.withDeadline(Self.storeDeadline) { () async -> String in
            do {
                _ = try await store.changeSequence()
                return "ok"
            } catch {
                return "unavailable"
            }
        }
        return outcome ?? "unavailable: no answer within \(Self.storeDeadline)"
    }

    /// `body`'s result, or nil if it has not finished after `deadline` (it is then cancelled and not awaited
    /// further: a store call stuck on the network must not hold the probe).
    static func withDeadline<T: Sendable>(_ deadline: Duration, _ body: @escaping @Sendable () async -> T) async -> T? {
        let outcome = FirstOutcome<T?>()
        return await withCheckedContinuation { continuation in
            outcome.set(continuation)
            let work = Task {
                let value = await body()
                outcome.resume(returning: value)
            }
            Task {
                try? await Task.sleep(for: deadline)
                if outcome.resume(returning: nil) { work.cancel() }
            }
        }
    }

    static func encode(checks: [String: String], failing: [String]) -> String {
        let status = failing.isEmpty ? "ready" : "not ready"
        let entries = checks.keys.sorted().map { "\(jsonString($0)):\(jsonString(checks[$0] ?? ""))" }
        var body = #"{"status":"\#(status)","checks":{"# + entries.joined(separator: ",") + "}"
        if !failing.isEmpty {
            body += #","failing":["# + failing.map(jsonString).joined(separator: ",") + "]"
        }
        return body + "}"
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body + "\n")))
    }
}

/// A continuation resumed by the first of several racers; the others' results are dropped.
final class FirstOutcome<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<T, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    /// Resumes with `value` if nobody did yet; returns whether this call did.
    @discardableResult
    func resume(returning value: T) -> Bool {
        guard let pending = continuation.withLock({ $0.take() }) else { return false }
        pending.resume(returning: value)
        return true
    }
}
