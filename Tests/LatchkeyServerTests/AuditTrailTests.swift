import Foundation
import HTTPTypes
import LatchkeyQuery
import LatchkeyServer
import LatchkeySigV4
import LatchkeyTestSupport
import Testing

/// The audit trail end to end: the real server on loopback writes one CloudTrail record per answered STS or IAM
/// call to a JSON-lines file; each test reads the file back and checks the record's fields.
@Suite struct AuditTrailTests {
    static func fileOnly(_ scratch: String) -> AuditSettings {
        AuditSettings(logPath: scratch + "/audit.jsonl", storeEnabled: false)
    }

    @Test("a denied AssumeRole: AccessDenied, the caller's IAMUser identity, the role as resource, no response")
    func deniedAssumeRole() async throws {
        try await AuditHarness.run(audit: Self.fileOnly) { server, scratch in
            let alice = try await server.userWithKey("alice")
            let roleArn = RoleFixtures.roleArn("locked")
            try await RoleFixtures.createRole(server, "locked", trust: RoleFixtures.trust(RoleFixtures.userArn("bob")))
            let reply = try await RoleFixtures.assumeRole(server, as: alice, role: "locked", session: "try")
            _ = try reply.expectError("AccessDenied", status: 403)

            let events = try await AuditHarness.events(in: scratch + "/audit.jsonl", atLeast: 4)
            let event = try AuditHarness.event("AssumeRole", in: events, requestId: reply.requestIdHeader)
            AuditHarness.expectWellFormed(event)
            #expect(event["eventSource"] as? String == "sts.amazonaws.com")
            #expect(event["errorCode"] as? String == "AccessDenied")
            #expect((event["errorMessage"] as? String)?.contains("sts:AssumeRole") == true)
            #expect(event["responseElements"] is NSNull)
            #expect(event["readOnly"] as? Bool == true)
            #expect(event["recipientAccountId"] as? String == TestServer.accountId)
            #expect(event["awsRegion"] as? String == "us-east-1")
            #expect(event["sourceIPAddress"] as? String == "127.0.0.1")
            let identity = try #require(event["userIdentity"] as? [String: Any])
            #expect(identity["type"] as? String == "IAMUser")
            #expect(identity["userName"] as? String == "alice")
            #expect(identity["arn"] as? String == RoleFixtures.userArn("alice"))
            #expect(identity["accountId"] as? String == TestServer.accountId)
            #expect(identity["accessKeyId"] as? String == alice.accessKeyID)
            #expect((identity["principalId"] as? String)?.hasPrefix("AIDA") == true)
            let parameters = try #require(event["requestParameters"] as? [String: Any])
            #expect(parameters["roleArn"] as? String == roleArn)
            #expect(parameters["roleSessionName"] as? String == "try")
            let resources = try #require(event["resources"] as? [[String: Any]])
            #expect(resources.first?["ARN"] as? String == roleArn)
            #expect(resources.first?["type"] as? String == "AWS::IAM::Role")
            #expect(resources.first?["accountId"] as? String == TestServer.accountId)
            for event in events { AuditHarness.expectWellFormed(event) }
        }
    }

    @Test("an IAM write: CreateUser's parameters and response, readOnly false; CreateAccessKey hides the secret")
    func iamWrite() async throws {
        try await AuditHarness.run(audit: Self.fileOnly) { server, scratch in
            try await server.createUser("carol", path: "/team/")
            let key = try await server.createAccessKey(for: "carol")
            let path = scratch + "/audit.jsonl"
            let events = try await AuditHarness.events(in: path, atLeast: 2)

            let created = try AuditHarness.event("CreateUser", in: events)
            #expect(created["eventSource"] as? String == "iam.amazonaws.com")
            #expect(created["readOnly"] as? Bool == false)
            #expect(created["errorCode"] == nil)
            let parameters = try #require(created["requestParameters"] as? [String: Any])
            #expect(parameters["userName"] as? String == "carol")
            #expect(parameters["path"] as? String == "/team/")
            let response = try #require(created["responseElements"] as? [String: Any])
            let user = try #require(response["user"] as? [String: Any])
            #expect(user["userName"] as? String == "carol")
            #expect(user["arn"] as? String == "arn:aws:iam::\(TestServer.accountId):user/team/carol")
            #expect((user["userId"] as? String)?.hasPrefix("AIDA") == true)
            #expect((user["createDate"] as? String)?.hasSuffix("Z") == true)
            let identity = try #require(created["userIdentity"] as? [String: Any])
            #expect(identity["type"] as? String == "Root")
            #expect(identity["principalId"] as? String == TestServer.accountId)
            #expect(identity["arn"] as? String == "arn:aws:iam::\(TestServer.accountId):root")
            #expect(identity["accessKeyId"] as? String == TestServer.root.accessKeyID)

            let issued = try AuditHarness.event("CreateAccessKey", in: events)
            let accessKey = try #require(
                (issued["responseElements"] as? [String: Any])?["accessKey"] as? [String: Any])
            #expect(accessKey["accessKeyId"] as? String == key.accessKeyID)
            #expect(accessKey["secretAccessKey"] as? String == "HIDDEN_DUE_TO_SECURITY_REASONS")
            let text = AuditHarness.readLines(path).joined(separator: "\n")
            #expect(!text.contains(key.secretAccessKey))
            #expect(!text.contains(TestServer.root.secretAccessKey))
        }
    }

    @Test("temporary credentials: GetSessionToken's issued key traced, then GetCallerIdentity with sessionContext")
    func temporaryCredentials() async throws {
        try await AuditHarness.run(audit: Self.fileOnly) { server, scratch in
            let dave = try await server.userWithKey("dave")
            let session = try await server.sessionToken(as: dave, ["DurationSeconds": "900"])
            _ = try await server.callerIdentity(as: session.credentials)
            // A role session too: AssumeRole as dave (whom the role trusts), then GetCallerIdentity as the role.
            try await RoleFixtures.createRole(server, "reader", trust: RoleFixtures.trust(RoleFixtures.userArn("dave")))
            let role = try await RoleFixtures.session(server, as: dave, role: "reader", session: "night")
            let roleReply = try await server.sts("GetCallerIdentity", as: role)
            let path = scratch + "/audit.jsonl"
            let events = try await AuditHarness.events(in: path, atLeast: 7)

            let issued = try AuditHarness.event("GetSessionToken", in: events)
            let credentials = try #require(
                (issued["responseElements"] as? [String: Any])?["credentials"] as? [String: Any])
            #expect(credentials["accessKeyId"] as? String == session.credentials.accessKeyID)
            #expect(credentials["sessionToken"] as? String == "HIDDEN_DUE_TO_SECURITY_REASONS")
            #expect(credentials["secretAccessKey"] as? String == "HIDDEN_DUE_TO_SECURITY_REASONS")
            #expect((credentials["expiration"] as? String)?.hasSuffix("Z") == true)

            let userCall = try #require(
                events.last {
                    ($0["eventName"] as? String) == "GetCallerIdentity"
                        && (($0["userIdentity"] as? [String: Any])?["type"] as? String) == "IAMUser"
                })
            #expect(userCall["responseElements"] is NSNull)
            let userIdentity = try #require(userCall["userIdentity"] as? [String: Any])
            #expect(userIdentity["accessKeyId"] as? String == session.credentials.accessKeyID)
            #expect(userIdentity["userName"] as? String == "dave")
            let attributes = try #require(
                (userIdentity["sessionContext"] as? [String: Any])?["attributes"] as? [String: Any])
            #expect(attributes["mfaAuthenticated"] as? String == "false")
            #expect(attributes["creationDate"] as? String == "2025-06-15T15:06:40Z")

            let assumed = try AuditHarness.event("AssumeRole", in: events)
            let assumedCredentials = try #require(
                (assumed["responseElements"] as? [String: Any])?["credentials"] as? [String: Any])
            #expect(assumedCredentials["accessKeyId"] as? String == role.accessKeyID)
            let assumedUser = try #require(
                (assumed["responseElements"] as? [String: Any])?["assumedRoleUser"] as? [String: Any])
            #expect((assumedUser["arn"] as? String)?.hasSuffix(":assumed-role/reader/night") == true)

            let roleCall = try AuditHarness.event("GetCallerIdentity", in: events, requestId: roleReply.requestIdHeader)
            let roleIdentity = try #require(roleCall["userIdentity"] as? [String: Any])
            #expect(roleIdentity["type"] as? String == "AssumedRole")
            #expect(roleIdentity["accessKeyId"] as? String == role.accessKeyID)
            #expect((roleIdentity["principalId"] as? String)?.hasPrefix("AROA") == true)
            #expect((roleIdentity["principalId"] as? String)?.hasSuffix(":night") == true)
            let context = try #require(roleIdentity["sessionContext"] as? [String: Any])
            let issuer = try #require(context["sessionIssuer"] as? [String: Any])
            #expect(issuer["type"] as? String == "Role")
            #expect(issuer["arn"] as? String == RoleFixtures.roleArn("reader"))
            #expect(issuer["userName"] as? String == "reader")
            #expect(issuer["accountId"] as? String == TestServer.accountId)
            #expect((issuer["principalId"] as? String)?.hasPrefix("AROA") == true)

            let text = AuditHarness.readLines(path).joined(separator: "\n")
            for secret in [
                dave.secretAccessKey, session.credentials.secretAccessKey, session.credentials.sessionToken ?? "-",
                role.secretAccessKey, role.sessionToken ?? "-",
            ] {
                #expect(!text.contains(secret))
            }
        }
    }

    @Test("a bad signature: recorded as Unknown with the signing key ID; a secret sent as key ID is not recorded")
    func badSignature() async throws {
        try await AuditHarness.run(audit: Self.fileOnly) { server, scratch in
            var wrong = TestServer.root
            wrong.secretAccessKey = "bad-secret-that-must-not-appear-0000"
            let reply = try await server.sts("GetCallerIdentity", as: wrong)
            _ = try reply.expectError("SignatureDoesNotMatch", status: 403)
            // A secret where the key ID belongs (a confused client) is not recorded either.
            let confused = SigV4Credentials(
                accessKeyID: TestServer.root.secretAccessKey, secretAccessKey: TestServer.root.secretAccessKey)
            let second = try await server.sts("GetCallerIdentity", as: confused)
            #expect((400..<500).contains(second.status))

            let path = scratch + "/audit.jsonl"
            let events = try await AuditHarness.events(in: path, atLeast: 2)
            let event = try AuditHarness.event("GetCallerIdentity", in: events, requestId: reply.requestIdHeader)
            AuditHarness.expectWellFormed(event)
            #expect(event["errorCode"] as? String == "SignatureDoesNotMatch")
            let identity = try #require(event["userIdentity"] as? [String: Any])
            #expect(identity["type"] as? String == "Unknown")
            #expect(identity["accessKeyId"] as? String == TestServer.root.accessKeyID)
            #expect(event["recipientAccountId"] == nil)
            let confusedEvent = try AuditHarness.event(
                "GetCallerIdentity", in: events, requestId: second.requestIdHeader)
            #expect((confusedEvent["userIdentity"] as? [String: Any])?["accessKeyId"] == nil)
            let text = AuditHarness.readLines(path).joined(separator: "\n")
            #expect(!text.contains(wrong.secretAccessKey))
            #expect(!text.contains(TestServer.root.secretAccessKey))
        }
    }

    @Test("an unsigned federated call: WebIdentityUser, the token hidden, the role's account as recipient")
    func unsignedWebIdentity() async throws {
        try await AuditHarness.run(audit: Self.fileOnly) { server, scratch in
            let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtc3ViamVjdCJ9.c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw"
            let roleArn = RoleFixtures.roleArn("web")
            let reply = try await server.sts(
                "AssumeRoleWithWebIdentity",
                ["RoleArn": roleArn, "RoleSessionName": "ci", "WebIdentityToken": token], as: nil)
            #expect(reply.status >= 400)
            let code = try reply.error().code
            let path = scratch + "/audit.jsonl"
            let events = try await AuditHarness.events(in: path, atLeast: 1)
            let event = try AuditHarness.event("AssumeRoleWithWebIdentity", in: events)
            AuditHarness.expectWellFormed(event)
            #expect(event["errorCode"] as? String == code)
            #expect((event["userIdentity"] as? [String: Any])?["type"] as? String == "WebIdentityUser")
            #expect(event["recipientAccountId"] as? String == TestServer.accountId)
            let parameters = try #require(event["requestParameters"] as? [String: Any])
            #expect(parameters["webIdentityToken"] as? String == "HIDDEN_DUE_TO_SECURITY_REASONS")
            #expect(parameters["roleSessionName"] as? String == "ci")
            let text = AuditHarness.readLines(path).joined(separator: "\n")
            #expect(!text.contains(token))
            #expect(!text.contains("c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw"))
        }
    }

    @Test("an unknown action is not recorded; the next known call is")
    func unknownActionNotRecorded() async throws {
        try await AuditHarness.run(audit: Self.fileOnly) { server, scratch in
            let unknown = try await server.sts("GetEverything\nInjected", as: TestServer.root)
            #expect(unknown.status == 400)
            _ = try await server.callerIdentity(as: TestServer.root)
            let events = try await AuditHarness.events(in: scratch + "/audit.jsonl", atLeast: 1)
            #expect(events.count == 1)
            #expect(events.first?["eventName"] as? String == "GetCallerIdentity")
            #expect(server.report.auditTrail?.statistics.accepted == 1)
        }
    }

    @Test("the store sink gets every event when on (the default)")
    func storeSink() async throws {
        try await AuditHarness.run(audit: { _ in AuditSettings() }) { server, _ in
            for _ in 0..<3 { _ = try await server.callerIdentity(as: TestServer.root) }
            let trail = try #require(server.report.auditTrail)
            let deadline = ContinuousClock.now + .seconds(60)
            while trail.statistics.writtenToStore < 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let statistics = trail.statistics
            #expect(statistics.writtenToStore == 3)
            #expect(statistics.writtenToFile == 0)
            #expect(statistics.dropped == 0)
        }
    }

    @Test("no file and the store copy off: no trail at all")
    func noSink() async throws {
        try await AuditHarness.run(audit: { _ in AuditSettings(storeEnabled: false) }) { server, _ in
            _ = try await server.callerIdentity(as: TestServer.root)
            #expect(server.report.auditTrail == nil)
        }
    }

    @Test("configuration keys: parsed; a bad value is an error naming its line")
    func configurationKeys() throws {
        let file = try ConfigurationFile.parse(
            """
            auditLog: /var/log/latchkey/audit.jsonl
            auditLogMaxSize: 10M
            auditLogMaxFiles: 3
            auditStore: false
            auditRetentionDays: 30
            """)
        #expect(file.audit.logPath == "/var/log/latchkey/audit.jsonl")
        #expect(file.audit.logMaxBytes == Int64(10 * 1024 * 1024))
        #expect(file.audit.logMaxFiles == 3)
        #expect(file.audit.storeEnabled == false)
        #expect(file.audit.retentionDays == 30)
        for (text, expected) in [
            ("auditLogMaxSize: lots", "auditLogMaxSize"), ("auditStore: maybe", "auditStore"),
            ("auditRetentionDays: 0", "auditRetentionDays"), ("auditLogMaxFiles: -1", "auditLogMaxFiles"),
            ("auditLogs: /tmp/x", "unknown key 'auditLogs'"),
        ] {
            #expect {
                _ = try ConfigurationFile.parse("idpTrustedCAFile: /tmp/ca.pem\n" + text)
            } throws: { error in
                "\(error)".contains("line 2") && "\(error)".contains(expected)
            }
        }
        #expect(AuditSettings.parseSize("0") == 0)
        #expect(AuditSettings.parseSize("512K") == Int64(512 * 1024))
        #expect(AuditSettings.parseSize("100MiB") == Int64(100 * 1024 * 1024))
        #expect(AuditSettings.parseSize("1G") == Int64(1024 * 1024 * 1024))
        #expect(AuditSettings.parseSize("-1") == nil)
        #expect(AuditSettings.parseSize("") == nil)
    }
}
