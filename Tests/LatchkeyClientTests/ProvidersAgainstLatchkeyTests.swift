import Foundation
import LatchkeyClient
import Synchronization
import Testing

/// The STS-backed providers against the real Latchkey server on loopback.
@Suite struct ProvidersAgainstLatchkeyTests {
    static let trust =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/carol"},"Action":"sts:AssumeRole"}]}"#

    /// How many STS calls the providers made.
    final class CallCounter: Sendable {
        private let count = Mutex(0)
        func increment() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    /// `STSCredentialCalls.live` with every call counted.
    static func countedCalls(_ counter: CallCounter) -> STSCredentialCalls {
        let live = STSCredentialCalls.live(environment: [:])
        return STSCredentialCalls(
            assumeRole: { request, source, target in
                counter.increment()
                return try await live.assumeRole(request, source, target)
            },
            assumeRoleWithWebIdentity: { request, target in
                counter.increment()
                return try await live.assumeRoleWithWebIdentity(request, target)
            },
            getSessionToken: { request, source, target in
                counter.increment()
                return try await live.getSessionToken(request, source, target)
            })
    }

    @Test(
        "100 concurrent callers of an AssumeRole provider cause exactly one AssumeRole call, and the credentials work")
    func assumeRoleSingleFlight() async throws {
        try await ClientTestServer.run { server in
            let carol = try await server.userWithKey("carol")
            try await server.iam("CreateRole", [("RoleName", "shared"), ("AssumeRolePolicyDocument", Self.trust)])
            let counter = CallCounter()
            let provider = AssumeRoleCredentialProvider(
                parameters: .init(roleArn: "arn:aws:iam::111122223333:role/shared", roleSessionName: "flight"),
                source: StaticCredentialProvider(credentials: carol),
                target: STSTarget(region: "us-east-1", endpoint: server.endpoint),
                calls: Self.countedCalls(counter))
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<100 { group.addTask { try await provider.credentials().accessKeyId } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(counter.value == 1)
            #expect(keys.count == 1)
            let credentials = try await provider.credentials()
            #expect(counter.value == 1)
            let identity = try await server.client(credentials).getCallerIdentity()
            #expect(identity.arn == "arn:aws:sts::111122223333:assumed-role/shared/flight")
        }
    }

    @Test("an AssumeRole provider renews inside its refresh window and serves the new credentials")
    func assumeRoleRenewsInsideWindow() async throws {
        try await ClientTestServer.run { server in
            let carol = try await server.userWithKey("carol")
            try await server.iam("CreateRole", [("RoleName", "shared"), ("AssumeRolePolicyDocument", Self.trust)])
            let counter = CallCounter()
            let clock = Mutex(Date())
            let provider = AssumeRoleCredentialProvider(
                parameters: .init(
                    roleArn: "arn:aws:iam::111122223333:role/shared", roleSessionName: "renew", durationSeconds: 900),
                source: StaticCredentialProvider(credentials: carol),
                target: STSTarget(region: "us-east-1", endpoint: server.endpoint),
                calls: Self.countedCalls(counter), refreshWindow: .seconds(300), now: { clock.withLock { $0 } })
            let first = try await provider.credentials()
            clock.withLock { $0 = $0.addingTimeInterval(500) }  // 400 s left: outside the 300 s window
            #expect(try await provider.credentials() == first)
            clock.withLock { $0 = $0.addingTimeInterval(200) }  // 200 s left: inside the window
            let second = try await provider.credentials()
            #expect(second.accessKeyId != first.accessKeyId)
            #expect(counter.value == 2)
        }
    }

    @Test("a session-token provider against Latchkey returns credentials of the caller")
    func sessionToken() async throws {
        try await ClientTestServer.run { server in
            let carol = try await server.userWithKey("carol")
            let provider = SessionTokenCredentialProvider(
                source: StaticCredentialProvider(credentials: carol), durationSeconds: 900,
                target: STSTarget(region: "us-east-1", endpoint: server.endpoint))
            let credentials = try await provider.credentials()
            #expect(credentials.accessKeyId.hasPrefix("ASIA"))
            #expect(credentials.expiration != nil)
            let identity = try await server.client(credentials).getCallerIdentity()
            #expect(identity.arn == "arn:aws:iam::111122223333:user/carol")
        }
    }

    @Test("GetWebIdentityToken through the client once the account's issuer is enabled")
    func webIdentityToken() async throws {
        try await ClientTestServer.run { server in
            try await server.iam("EnableOutboundWebIdentityFederation")
            let response = try await server.client().getWebIdentityToken(
                .init(audience: ["https://api.example.com"], signingAlgorithm: "ES384", durationSeconds: 120))
            let token = try #require(response.webIdentityToken)
            #expect(token.split(separator: ".").count == 3)
            let expiration = try #require(response.expiration)
            #expect(abs(expiration.timeIntervalSinceNow - 120) < 30)
        }
    }
}
