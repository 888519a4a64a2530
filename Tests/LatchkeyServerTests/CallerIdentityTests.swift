import LatchkeyQuery
import LatchkeySigV4
import Testing

@Suite struct CallerIdentityTests {
    @Test("the root's long-term key is the account root, with the account ID as UserId")
    func rootIdentity() async throws {
        try await TestServer.run { server in
            let identity = try await server.callerIdentity(as: TestServer.root)
            #expect(
                identity
                    == CallerIdentity(
                        arn: "arn:aws:iam::111122223333:root", userId: "111122223333", account: "111122223333"))
        }
    }

    @Test("an IAM user's key is the user's ARN with its path, and its AIDA unique ID")
    func userIdentity() async throws {
        try await TestServer.run { server in
            let user = try await server.createUser("alice", path: "/eng/")
            let key = try await server.createAccessKey(for: "alice")
            let identity = try await server.callerIdentity(as: key)
            #expect(identity.arn == "arn:aws:iam::111122223333:user/eng/alice")
            #expect(identity.userId.hasPrefix("AIDA"))
            #expect(identity.userId == user.text("UserId"))
            #expect(identity.account == TestServer.accountId)
        }
    }

    @Test("session credentials of the root and of a user answer with the same Arn and UserId as their caller")
    func sessionIdentityMatchesCaller() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice", path: "/eng/")
            for caller in [TestServer.root, alice] {
                let longTerm = try await server.callerIdentity(as: caller)
                let session = try await server.sessionToken(as: caller)
                #expect(session.credentials.accessKeyID.hasPrefix("ASIA"))
                let temporary = try await server.callerIdentity(as: session.credentials)
                #expect(temporary == longTerm)
            }
        }
    }

    @Test("the response is text/xml in the STS namespace, and x-amzn-RequestId equals <RequestId>")
    func responseEnvelope() async throws {
        try await TestServer.run { server in
            let reply = try await server.sts("GetCallerIdentity")
            #expect(reply.status == 200)
            #expect(reply.contentType == "text/xml")
            let root = try reply.root()
            #expect(root.name == "GetCallerIdentityResponse")
            #expect(root.attribute("xmlns") == QueryResponse.stsNamespace)
            #expect(root.attribute("xmlns") == "https://sts.amazonaws.com/doc/2011-06-15/")
            let requestId = try #require(root.text("ResponseMetadata", "RequestId"))
            #expect(!requestId.isEmpty)
            #expect(reply.requestIdHeader == requestId)
            #expect(root.child("GetCallerIdentityResult") != nil)
        }
    }

    @Test("each request gets its own request ID")
    func requestIdsDiffer() async throws {
        try await TestServer.run { server in
            let first = try await server.sts("GetCallerIdentity")
            let second = try await server.sts("GetCallerIdentity")
            #expect(first.requestIdHeader != nil)
            #expect(first.requestIdHeader != second.requestIdHeader)
        }
    }
}
