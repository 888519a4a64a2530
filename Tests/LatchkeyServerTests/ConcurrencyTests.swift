import Foundation
import HTTPTypes
import HummingbirdTesting
import LatchkeySigV4
import Testing

extension TestServer {
    /// Sends `request` on `count` connections of their own at once and returns the statuses.
    func sendConcurrently(_ request: HTTPCall, count: Int) async throws -> [Int] {
        try await sendConcurrently(Array(repeating: request, count: count))
    }

    /// Sends every request on a connection of its own, all at once, and returns the statuses (in completion order).
    func sendConcurrently(_ requests: [HTTPCall]) async throws -> [Int] {
        let port = try #require(client.port)
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for request in requests {
                group.addTask {
                    try await TestClient.withClient(host: TestServer.host, port: port) { connection in
                        let response = try await connection.execute(
                            TestClient.Request(
                                request.uri, method: request.method, authority: TestServer.host, headers: request.headers,
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

/// Races that only atomic store operations win: the same request on several connections at once. It also guards
/// against the deadlock a blocking store read on a cooperative thread once caused under concurrent requests.
@Suite(
    .bug("SQLiteIdentityStore.accessKey(id:) blocked a cooperative thread in DatabasePool.unsafeRead; concurrent requests deadlocked the server"),
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
                requests.append(try signedRequest(action: "GetCallerIdentity", credentials: keys[index % 4], date: server.now))
                requests.append(
                    try signedRequest(
                        action: "ListUsers", version: TestServer.iamVersion, credentials: TestServer.root, date: server.now))
            }
            let statuses = try await server.sendConcurrently(requests)
            #expect(statuses.count == 36)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }

    @Test("the same MFA code sent on eight connections at once is accepted exactly once")
    func mfaCodeIsAcceptedOnce() async throws {
        try await TestServer.run { server in
            let bob = try await server.userWithKey("bob")
            let device = try await server.createVirtualMFADevice("bob-phone")
            let step = server.step
            try await server.enable(device, for: "bob", atStep: step)
            server.moveClock(toStep: step + 1)
            let request = try signedRequest(
                action: "GetSessionToken",
                params: ["SerialNumber": device.serialNumber, "TokenCode": device.code(step: step + 1)], credentials: bob,
                date: server.now)
            let statuses = try await server.sendConcurrently(request, count: 8)
            #expect(statuses.sorted() == [200] + Array(repeating: 403, count: 7))
        }
    }

    @Test("six CreateAccessKey calls at once for one user create exactly two keys")
    func keyQuotaHoldsUnderRace() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let request = try signedRequest(
                action: "CreateAccessKey", version: TestServer.iamVersion, params: ["UserName": "alice"],
                credentials: TestServer.root, date: server.now)
            let statuses = try await server.sendConcurrently(request, count: 6)
            #expect(statuses.sorted() == [200, 200, 409, 409, 409, 409])
            let keys = try await server.iam("ListAccessKeys", ["UserName": "alice"]).result("ListAccessKeys")
            #expect(keys.members(of: "AccessKeyMetadata").count == 2)
        }
    }

    @Test("six CreateUser calls at once with one name create one user")
    func userNameIsUniqueUnderRace() async throws {
        try await TestServer.run { server in
            let request = try signedRequest(
                action: "CreateUser", version: TestServer.iamVersion, params: ["UserName": "alice"],
                credentials: TestServer.root, date: server.now)
            let statuses = try await server.sendConcurrently(request, count: 6)
            #expect(statuses.sorted() == [200, 409, 409, 409, 409, 409])
        }
    }
}
