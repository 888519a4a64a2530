import Foundation
import HTTPTypes
import HummingbirdTesting
import LatchkeyQuery
import LatchkeySigV4
import NIOCore
import Synchronization
import Testing

/// A one-shot barrier: every party waits in ``arriveAndWait()`` until `parties` have arrived, then all go on at
/// once. A waiting party that is cancelled (a sibling task failed) leaves with `CancellationError`, so a failed
/// connection never leaves the others waiting for ever.
final class Barrier: Sendable {
    private struct State {
        var arrived = 0
        var open = false
        var nextTicket = 0
        var waiting: [Int: CheckedContinuation<Void, any Error>] = [:]
    }

    private let parties: Int
    private let state = Mutex(State())

    init(parties: Int) {
        self.parties = parties
    }

    /// Counts this party in and waits for the others.
    func arriveAndWait() async throws {
        let ticket: Int = state.withLock { state in
            state.arrived += 1
            state.nextTicket += 1
            return state.nextTicket
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let release: [CheckedContinuation<Void, any Error>] = state.withLock { state in
                    if state.open { return [continuation] }
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                        return []
                    }
                    state.waiting[ticket] = continuation
                    guard state.arrived >= parties else { return [] }
                    state.open = true
                    defer { state.waiting = [:] }
                    return Array(state.waiting.values)
                }
                for waiter in release { waiter.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiting.removeValue(forKey: ticket) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

extension TestServer {
    /// How long one released request may take before the client gives up: only a hang should ever reach it.
    static let releasedRequestTimeout: Duration = .seconds(120)

    /// Sends every request on an HTTP connection of its own, opened beforehand: all `requests.count` connections
    /// are established first and wait at a barrier, then all requests go out at once. Returns the replies in the
    /// order of `requests`. Every reply is checked to be a 200 or an AWS error document with a 4xx status (never a
    /// server error).
    func releasedTogether(_ requests: [HTTPCall], sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> [Reply]
    {
        let port = try #require(client.port)
        let barrier = Barrier(parties: requests.count)
        let configuration = TestClient.Configuration(timeout: Self.releasedRequestTimeout)
        let replies = try await withThrowingTaskGroup(of: (Int, Reply).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask {
                    try await TestClient.withClient(host: TestServer.host, port: port, configuration: configuration) {
                        connection in
                        _ = try await connection.getChannel()
                        try await barrier.arriveAndWait()
                        let response = try await connection.execute(
                            TestClient.Request(
                                request.uri, method: request.method, authority: TestServer.host,
                                headers: request.headers, body: request.body))
                        let body = response.body.map { String(buffer: $0) } ?? ""
                        return (index, Reply(status: response.status.code, headers: response.headers, body: body))
                    }
                }
            }
            var replies = [Reply?](repeating: nil, count: requests.count)
            for try await (index, reply) in group { replies[index] = reply }
            return replies.compactMap { $0 }
        }
        for reply in replies { Self.expectAWSAnswer(reply, sourceLocation: sourceLocation) }
        return replies
    }

    /// Builds the IAM calls (signed by `credentials`, dated now) and sends them released together.
    func iamReleasedTogether(
        _ calls: [IAMCall], as credentials: SigV4Credentials = TestServer.root,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [Reply] {
        let requests = try calls.map { try $0.request(as: credentials, date: now) }
        return try await releasedTogether(requests, sourceLocation: sourceLocation)
    }

    /// A 200, or a 4xx carrying an AWS error document with a code.
    static func expectAWSAnswer(_ reply: Reply, sourceLocation: SourceLocation = #_sourceLocation) {
        if reply.status == 200 { return }
        #expect(
            (400..<500).contains(reply.status), "not an AWS answer: \(reply.status) \(reply.body)",
            sourceLocation: sourceLocation)
        let code = try? reply.error().code
        #expect(
            code?.isEmpty == false, "no AWS error code in \(reply.status): \(reply.body)",
            sourceLocation: sourceLocation)
    }
}

/// An IAM operation and its parameters, built at run time.
struct IAMCall: Sendable {
    var action: String
    var params: [(String, String)]

    init(_ action: String, _ params: [(String, String)] = []) {
        self.action = action
        self.params = params
    }

    /// The signed form-encoded `POST /`.
    func request(as credentials: SigV4Credentials = TestServer.root, date: Date) throws -> HTTPCall {
        let body = formEncode([("Action", action), ("Version", TestServer.iamVersion)] + params)
        return try signedPOST(body: body, credentials: credentials, service: "iam", date: date)
    }
}

extension Reply {
    /// The AWS error code, or nil for a 200.
    var errorCode: String? {
        status == 200 ? nil : (try? error().code) ?? "status \(status)"
    }
}

extension [Reply] {
    /// How many replies are 200.
    var acknowledged: Int { count { $0.status == 200 } }

    /// The error codes of the refused replies, sorted.
    var errorCodes: [String] { compactMap(\.errorCode).sorted() }
}
