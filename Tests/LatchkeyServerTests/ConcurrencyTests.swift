import Foundation
import HTTPTypes
import HummingbirdTesting
import LatchkeySigV4
import Testing

extension TestServer {
    /// Sends every request on a connection of its own, all at once, and returns the statuses (in completion order).
    func sendConcurrently(_ requests: [HTTPCall]) async throws -> [Int] {
        let port = try #require(client.port)
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for request in requests {
                group.addTask {
                    try await TestClient.withClient(host: TestServer.host, port: port) { connection in
                        let response = try await connection.execute(
                            TestClient.Request(
                                request.uri, method: request.method, authority: TestServer.host,
                                headers: request.headers,
                                body: request.body))
                        return response.status.code
                    }
                }
            }
            var statuses: [Int] = []
            for try await status in group { statuses.append(status) }
            return statuses
        }
    }
}

/// A burst of concurrent requests of several kinds: it guards against the deadlock a blocking store read on a
/// cooperative thread once caused. The races that only atomic store operations win (one user name, two access keys,
/// one MFA code, and every IAM write) are in ``IAMRaceTests``.
@Suite(
    .bug(
        id: "cooperative-thread-deadlock",
        "SQLiteIdentityStore.accessKey(id:) blocked a cooperative thread in DatabasePool.unsafeRead; concurrent requests deadlocked the server"
    ),
    .timeLimit(.minutes(2))
)
struct ConcurrencyTests {
    @Test("a burst of concurrent writes, cold-cache authentications and reads all complete")
    func mixedBurstCompletes() async throws {
        try await TestServer.run { server in
            var keys: [SigV4Credentials] = []
            for index in 0..<4 { keys.append(try await server.userWithKey("user\(index)")) }
            var requests: [HTTPCall] = []
            for index in 0..<12 {
                requests.append(
                    try signedRequest(
                        action: "CreateUser", version: TestServer.iamVersion, params: ["UserName": "burst\(index)"],
                        credentials: TestServer.root, date: server.now))
                requests.append(
                    try signedRequest(action: "GetCallerIdentity", credentials: keys[index % 4], date: server.now))
                requests.append(
                    try signedRequest(
                        action: "ListUsers", version: TestServer.iamVersion, credentials: TestServer.root,
                        date: server.now))
            }
            let statuses = try await server.sendConcurrently(requests)
            #expect(statuses.count == 36)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }
}
