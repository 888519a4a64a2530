import Foundation
import LatchkeyBase
import LatchkeySigV4
import LatchkeyTestSupport
import Testing

/// `RevokeSessions` over HTTP on the real server: the Query wire format of the extension action, the refusal of a
/// revoked session (and of one chained from it) by the endpoint, and the errors as AWS error documents.
@Suite struct RevocationHTTPTests {
    static let invalidToken = "The security token included in the request is invalid."

    /// A user `alice`, a role `worker` trusting her (and the account, so that its sessions may chain into it), and
    /// her session of it.
    static func roleSession(_ server: TestServer) async throws -> (alice: SigV4Credentials, session: SigV4Credentials) {
        let alice = try await server.userWithKey("alice")
        let account = TestServer.accountId
        let trust =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::"#
            + account + #":user/alice","arn:aws:iam::"# + account + #":root"]},"Action":"sts:AssumeRole"}]}"#
        try await server.iam("CreateRole", ["RoleName": "worker", "AssumeRolePolicyDocument": trust])
            .expectSuccess("CreateRole")
        try await server.iam(
            "PutRolePolicy",
            [
                "RoleName": "worker", "PolicyName": "chain",
                "PolicyDocument":
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#,
            ]
        ).expectSuccess("PutRolePolicy")
        return (alice, try await assume(server, as: alice))
    }

    static func assume(_ server: TestServer, as caller: SigV4Credentials, name: String = "s1") async throws
        -> SigV4Credentials
    {
        let reply = try await server.sts(
            "AssumeRole", ["RoleArn": "arn:aws:iam::\(TestServer.accountId):role/worker", "RoleSessionName": name],
            as: caller)
        #expect(reply.status == 200, "\(reply.body)")
        let result = try reply.result("AssumeRole")
        return SigV4Credentials(
            accessKeyID: try #require(result.text("Credentials", "AccessKeyId")),
            secretAccessKey: try #require(result.text("Credentials", "SecretAccessKey")),
            sessionToken: result.text("Credentials", "SessionToken"))
    }

    @Test("RevokeSessions answers its result document; the session and its chained session are then refused")
    func revokeOverHTTP() async throws {
        try await TestServer.run { server in
            let (alice, session) = try await Self.roleSession(server)
            let chained = try await Self.assume(server, as: session, name: "chained")
            server.clock.advance(by: 1)
            let reply = try await server.iam("RevokeSessions", ["AccessKeyId": session.accessKeyID])
            let result = try reply.result("RevokeSessions")
            #expect(result.text("RevocationId")?.hasPrefix("ASRV") == true)
            #expect(result.text("IssuedBefore") == AWSTimestamp.string(from: server.now))
            #expect(
                result.text("ExpiresAt") == AWSTimestamp.string(from: server.now.addingTimeInterval(36 * 3600 + 300)))
            for revoked in [session, chained] {
                try await server.sts("GetCallerIdentity", as: revoked)
                    .expectError("InvalidClientTokenId", status: 403, message: Self.invalidToken)
            }
            // A revoked session cannot mint another.
            try await server.sts(
                "AssumeRole",
                ["RoleArn": "arn:aws:iam::\(TestServer.accountId):role/worker", "RoleSessionName": "again"],
                as: session
            ).expectError("InvalidClientTokenId", status: 403)
            // A newer session works.
            server.clock.advance(by: 1)
            let newer = try await Self.assume(server, as: alice)
            _ = try await server.callerIdentity(as: newer)
        }
    }

    @Test("bad RevokeSessions requests get AWS error documents: 400, 403, 404")
    func errorsOverHTTP() async throws {
        try await TestServer.run { server in
            let (alice, _) = try await Self.roleSession(server)
            let role = "arn:aws:iam::\(TestServer.accountId):role/worker"
            try await server.iam("RevokeSessions").expectError("ValidationError", status: 400)
            try await server.iam(
                "RevokeSessions", ["PrincipalArn": role, "IssuedBefore": AWSTimestamp.string(from: server.now + 3600)]
            ).expectError("ValidationError", status: 400)
            try await server.iam("RevokeSessions", ["PrincipalArn": role, "IssuedBefore": "not a time"])
                .expectError("InvalidParameterValue", status: 400)
            try await server.iam("RevokeSessions", ["PrincipalArn": role + "-ghost"])
                .expectError("NoSuchEntity", status: 404)
            try await server.iam("RevokeSessions", ["PrincipalArn": role], as: alice)
                .expectError("AccessDenied", status: 403)
        }
    }
}
