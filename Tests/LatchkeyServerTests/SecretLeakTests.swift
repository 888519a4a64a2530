import Foundation
import HTTPTypes
import LatchkeyQuery
import LatchkeySigV4
import LatchkeyTestSupport
import Testing

/// Error responses never carry a secret access key or a session token, whatever the failing path.
@Suite struct SecretLeakTests {
    /// Checks that no secret appears anywhere in the response (body or headers).
    func expectNoSecrets(_ reply: Reply, _ secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status >= 400, "expected an error: \(reply.body)", sourceLocation: sourceLocation)
        for secret in secrets where !secret.isEmpty {
            #expect(!reply.body.contains(secret), "a secret leaked into \(reply.body)", sourceLocation: sourceLocation)
            for field in reply.headers {
                #expect(
                    !field.value.contains(secret), "a secret leaked into \(field.name)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("signature, token and expiry failures do not echo the secret key or the session token")
    func authenticationFailures() async throws {
        try await TestServer.run { server in
            let session = try await server.sessionToken(as: TestServer.root, ["DurationSeconds": "900"])
            let token = try #require(session.credentials.sessionToken)
            let secrets = [TestServer.root.secretAccessKey, session.credentials.secretAccessKey, token]

            var wrongSecret = session.credentials
            wrongSecret.secretAccessKey = TestServer.root.secretAccessKey
            expectNoSecrets(try await server.sts("GetCallerIdentity", as: wrongSecret), secrets)

            var damaged = session.credentials
            damaged.sessionToken = String(token.dropLast(8))
            expectNoSecrets(
                try await server.sts("GetCallerIdentity", as: damaged), secrets + [String(token.dropLast(8))])

            // The root's secret sent where a session token belongs.
            var secretAsToken = TestServer.root
            secretAsToken.sessionToken = TestServer.root.secretAccessKey
            expectNoSecrets(try await server.sts("GetCallerIdentity", as: secretAsToken), secrets)

            expectNoSecrets(try await server.sts("GetSessionToken", as: session.credentials), secrets)
            expectNoSecrets(try await server.iam("ListUsers", as: session.credentials), secrets)

            server.clock.advance(by: 901)
            expectNoSecrets(try await server.sts("GetCallerIdentity", as: session.credentials), secrets)
        }
    }

    @Test("a malformed Authorization header holding a secret is not echoed")
    func malformedAuthorization() async throws {
        try await TestServer.run { server in
            let secret = TestServer.root.secretAccessKey
            let values = [
                "\(secret) Credential=AKIAIOSFODNN7EXAMPLE/20250615/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00",
                "AWS4-HMAC-SHA256 Credential=\(secret)/20250615/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250615/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(secret)",
                "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250615/us-east-1/sts/aws4_request, SignedHeaders=\(secret), Signature=00",
                "AWS4-HMAC-SHA256 \(secret)",
            ]
            let dateField = try #require(HTTPField.Name("X-Amz-Date"))
            for value in values {
                var request = try signedRequest(action: "GetCallerIdentity", credentials: nil, date: server.now)
                request.headers[.authorization] = value
                request.headers[dateField] = "20250615T150640Z"
                expectNoSecrets(try await server.send(request), [secret])
            }
        }
    }

    @Test("sensitive parameters are redacted in validation messages")
    func sensitiveParametersAreRedacted() async throws {
        try await TestServer.run { server in
            let token = String(repeating: "eyJhbGciOiJub25lIn0.", count: 1001)  // over 20000 characters
            let webIdentity = try await server.sts(
                "AssumeRoleWithWebIdentity",
                ["RoleArn": "arn:aws:iam::111122223333:role/web", "RoleSessionName": "web", "WebIdentityToken": token],
                as: nil)
            let error = try webIdentity.expectError("ValidationError", status: 400)
            #expect(error.message.contains("at 'webIdentityToken'"))
            expectNoSecrets(webIdentity, [String(token.prefix(40))])

            let code = try await server.sts(
                "GetSessionToken", ["SerialNumber": "arn:aws:iam::111122223333:mfa/x-phone", "TokenCode": "12345"])
            try code.expectError("ValidationError", status: 400)
            expectNoSecrets(code, ["'12345'"])
        }
    }
}
