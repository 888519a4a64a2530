import Foundation
import HTTPTypes
import LatchkeyQuery
import LatchkeySigV4
import LatchkeyTestSupport
import NIOCore
import Testing

@Suite struct SigV4HTTPTests {
    static let mismatch =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    static let invalidToken = "The security token included in the request is invalid."

    @Test("a request without any signature is MissingAuthenticationToken", arguments: ["2011-06-15", "2010-05-08"])
    func missingAuthentication(version: String) async throws {
        try await TestServer.run { server in
            let action = version == TestServer.stsVersion ? "GetCallerIdentity" : "ListUsers"
            let request = try signedRequest(action: action, version: version, credentials: nil, date: server.now)
            let reply = try await server.send(request)
            try reply.expectError(
                "MissingAuthenticationToken", status: 403, message: "Request is missing Authentication Token")
        }
    }

    @Test("an access key the server does not know is InvalidClientTokenId")
    func unknownKey() async throws {
        try await TestServer.run { server in
            let stranger = SigV4Credentials(
                accessKeyID: "AKIAI44QH8DHBEXAMPLE", secretAccessKey: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY")
            let reply = try await server.sts("GetCallerIdentity", as: stranger)
            try reply.expectError("InvalidClientTokenId", status: 403, message: Self.invalidToken)
        }
    }

    @Test("a known key signed with the wrong secret is SignatureDoesNotMatch")
    func wrongSecret() async throws {
        try await TestServer.run { server in
            var credentials = TestServer.root
            credentials.secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ"
            let reply = try await server.sts("GetCallerIdentity", as: credentials)
            try reply.expectError("SignatureDoesNotMatch", status: 403, message: Self.mismatch)
        }
    }

    @Test("a body changed after signing is SignatureDoesNotMatch")
    func tamperedBody() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            var request = try signedRequest(
                action: "GetUser", version: TestServer.iamVersion, params: ["UserName": "alice"],
                credentials: TestServer.root, date: server.now)
            request.body = ByteBuffer(string: "Action=GetUser&Version=2010-05-08&UserName=alicf")
            let reply = try await server.send(request)
            try reply.expectError("SignatureDoesNotMatch", status: 403, message: Self.mismatch)
        }
    }

    @Test("a signature 16 minutes old is expired and one 16 minutes ahead is not yet current; 14 minutes is fine")
    func clockSkew() async throws {
        try await TestServer.run { server in
            let now = server.now  // 2025-06-15T15:06:40Z
            let late = try await server.sts("GetCallerIdentity", date: now.addingTimeInterval(-16 * 60))
            try late.expectError(
                "SignatureDoesNotMatch", status: 403,
                message:
                    "Signature expired: 20250615T145040Z is now earlier than 20250615T145140Z (20250615T150640Z - 15 min.)"
            )
            let early = try await server.sts("GetCallerIdentity", date: now.addingTimeInterval(16 * 60))
            try early.expectError(
                "SignatureDoesNotMatch", status: 403,
                message:
                    "Signature not yet current: 20250615T152240Z is still later than 20250615T152140Z (20250615T150640Z + 15 min.)"
            )
            for minutes in [-14.0, 14.0] {
                let reply = try await server.sts("GetCallerIdentity", date: now.addingTimeInterval(minutes * 60))
                _ = try reply.result("GetCallerIdentity")
            }
        }
    }

    @Test(
        "the credential scope must name the service of the API the Version selects",
        arguments: [
            ("GetCallerIdentity", "2011-06-15", "iam", "sts"),
            ("ListUsers", "2010-05-08", "sts", "iam"),
        ])
    func scopeServiceMustMatch(action: String, version: String, signedFor: String, expected: String) async throws {
        try await TestServer.run { server in
            let request = try signedRequest(
                action: action, version: version, credentials: TestServer.root, service: signedFor, date: server.now)
            let reply = try await server.send(request)
            try reply.expectError(
                "SignatureDoesNotMatch", status: 403,
                message: "Credential should be scoped to correct service: '\(expected)'. ")
        }
    }

    @Test("a presigned GET works for 15 minutes at most, even when X-Amz-Expires says an hour")
    func presignedGet() async throws {
        try await TestServer.run { server in
            let signedAt = server.now
            let request = try presignedRequest(
                action: "GetCallerIdentity", credentials: TestServer.root, date: signedAt, expires: 3600)
            #expect(request.uri.contains("X-Amz-Expires=3600"))
            let fresh = try await server.send(request)
            #expect(try fresh.result("GetCallerIdentity").text("Arn") == "arn:aws:iam::111122223333:root")

            server.clock.set(signedAt.addingTimeInterval(899))
            _ = try await server.send(request).result("GetCallerIdentity")

            server.clock.set(signedAt.addingTimeInterval(901))
            let stale = try await server.send(request)
            try stale.expectError(
                "SignatureDoesNotMatch", status: 403,
                message:
                    "Signature expired: 20250615T150640Z is now earlier than 20250615T150641Z (20250615T152141Z - 15 min.)"
            )
        }
    }

    @Test("a presigned GET with a short X-Amz-Expires expires after that many seconds")
    func presignedShortExpiry() async throws {
        try await TestServer.run { server in
            let signedAt = server.now
            let request = try presignedRequest(
                action: "GetCallerIdentity", credentials: TestServer.root, date: signedAt, expires: 90)
            server.clock.set(signedAt.addingTimeInterval(90))
            _ = try await server.send(request).result("GetCallerIdentity")
            server.clock.set(signedAt.addingTimeInterval(91))
            let stale = try await server.send(request)
            try stale.expectError(
                "SignatureDoesNotMatch", status: 403,
                message:
                    "Signature expired: 20250615T150640Z is now earlier than 20250615T150641Z (20250615T150811Z - 90 sec.)"
            )
        }
    }

    @Test("a presigned GET with session credentials carries and checks X-Amz-Security-Token")
    func presignedWithSessionToken() async throws {
        try await TestServer.run { server in
            let alice = try await server.userWithKey("alice", path: "/eng/")
            let session = try await server.sessionToken(as: alice)
            let request = try presignedRequest(
                action: "GetCallerIdentity", credentials: session.credentials, date: server.now)
            #expect(request.uri.contains("X-Amz-Security-Token="))
            let reply = try await server.send(request)
            #expect(try reply.result("GetCallerIdentity").text("Arn") == "arn:aws:iam::111122223333:user/eng/alice")
        }
    }

    @Test("an extra signed header is covered by the signature: as sent it works, changed it does not")
    func extraSignedHeader() async throws {
        try await TestServer.run { server in
            let request = try signedRequest(
                action: "GetCallerIdentity", credentials: TestServer.root, date: server.now,
                headers: [("X-Trace-Label", "e2e-run-1"), ("Accept", "text/xml")])
            let authorization = try #require(request.headers[.authorization])
            #expect(authorization.contains("SignedHeaders=accept;content-type;host;x-amz-date;x-trace-label"))
            _ = try await server.send(request).result("GetCallerIdentity")

            let tampered = try replacingHeader("X-Trace-Label", with: "e2e-run-2", in: request)
            let reply = try await server.send(tampered)
            try reply.expectError("SignatureDoesNotMatch", status: 403, message: Self.mismatch)
        }
    }

    @Test(
        "unsigned AssumeRoleWithWebIdentity with valid parameters reaches token verification, which refuses a token without an issuer"
    )
    func unsignedWebIdentityIsValidatedThenVerified() async throws {
        try await TestServer.run { server in
            let valid = try await server.sts(
                "AssumeRoleWithWebIdentity",
                [
                    "RoleArn": "arn:aws:iam::111122223333:role/web", "RoleSessionName": "app-session",
                    "WebIdentityToken": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
                ],
                as: nil)
            let error = try valid.expectError("InvalidIdentityToken", status: 400)
            #expect(error.message.contains("issuer"))
            #expect(!error.message.contains("eyJ"))

            let invalid = try await server.sts(
                "AssumeRoleWithWebIdentity",
                [
                    "RoleArn": "arn:aws:iam::111122223333:role/web", "RoleSessionName": "a",
                    "WebIdentityToken": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
                ],
                as: nil)
            try invalid.expectError(
                "ValidationError", status: 400,
                message:
                    "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"
            )
        }
    }

    @Test("unsigned calls other than the federation ones are MissingAuthenticationToken even with valid parameters")
    func onlyFederationCallsMayBeUnsigned() async throws {
        try await TestServer.run { server in
            let reply = try await server.sts(
                "AssumeRole", ["RoleArn": "arn:aws:iam::111122223333:role/web", "RoleSessionName": "s1"], as: nil)
            try reply.expectError("MissingAuthenticationToken", status: 403)
        }
    }

    @Test("a request carrying both an Authorization header and presigned query parameters is IncompleteSignature")
    func twoAuthenticationMechanismsAreRejected() async throws {
        try await TestServer.run { server in
            var both = try presignedRequest(action: "GetCallerIdentity", credentials: TestServer.root, date: server.now)
            let header = try signedRequest(action: "GetCallerIdentity", credentials: TestServer.root, date: server.now)
            both.headers[.authorization] = header.headers[.authorization]
            try await server.send(both).expectError(
                "IncompleteSignature", status: 400,
                message:
                    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"
            )
        }
    }

    @Test("a long-term key sent with a session token is InvalidClientTokenId")
    func longTermKeyWithTokenIsRejected() async throws {
        try await TestServer.run { server in
            var credentials = TestServer.root
            credentials.sessionToken = "not-a-token"
            try await server.sts("GetCallerIdentity", as: credentials).expectError(
                "InvalidClientTokenId", status: 403, message: Self.invalidToken)
        }
    }
}
