import Foundation
import LatchkeyClient
import LatchkeyCore
import LatchkeyQuery
import LatchkeyTokens
import Testing

/// The client against the real Latchkey server on loopback, one operation at a time.
@Suite struct STSClientLatchkeyTests {
    static let rootArn = "arn:aws:iam::111122223333:root"

    @Test("GetCallerIdentity and GetAccessKeyInfo return the root's identity and account, with a request ID")
    func callerIdentityAndAccessKeyInfo() async throws {
        try await ClientTestServer.run { server in
            let client = server.client()
            let identity = try await client.getCallerIdentity()
            #expect(identity.arn == Self.rootArn)
            #expect(identity.account == ClientTestServer.accountId)
            #expect(identity.userId == ClientTestServer.accountId)
            #expect(identity.requestId?.isEmpty == false)
            let info = try await client.getAccessKeyInfo(.init(accessKeyId: ClientTestServer.rootKeyId))
            #expect(info.account == ClientTestServer.accountId)
        }
    }

    @Test("GetSessionToken returns working temporary credentials that expire in the future")
    func sessionToken() async throws {
        try await ClientTestServer.run { server in
            let bob = try await server.userWithKey("bob")
            let response = try await server.client(bob).getSessionToken(.init(durationSeconds: 900))
            let credentials = try #require(response.credentials)
            #expect(credentials.accessKeyId.hasPrefix("ASIA"))
            #expect(credentials.expiration > Date())
            #expect(credentials.expiration < Date().addingTimeInterval(901))
            let identity = try await server.client(credentials.awsCredentials).getCallerIdentity()
            #expect(identity.arn == "arn:aws:iam::111122223333:user/bob")
        }
    }

    @Test(
        "GetSessionToken with an enabled virtual MFA device and a TOTP code returns credentials; a replayed code is AccessDenied"
    )
    func sessionTokenWithMFA() async throws {
        // The server's clock stands still, so the codes below are valid however slowly the machine runs.
        let frozen = Date()
        try await ClientTestServer.run(clock: { frozen }) { server in
            let bob = try await server.userWithKey("bob")
            let created = try await server.iam("CreateVirtualMFADevice", [("VirtualMFADeviceName", "bob-phone")])
            let serial = try #require(created.element(at: "VirtualMFADevice", "SerialNumber")?.text)
            let wire = try #require(created.element(at: "VirtualMFADevice", "Base32StringSeed")?.text)
            let base32 = try #require(Data(base64Encoded: wire))
            let totp = TOTP(secret: try #require(Base32.decode(String(decoding: base32, as: UTF8.self))))
            let step = TOTP.step(at: frozen)
            try await server.iam(
                "EnableMFADevice",
                [
                    ("UserName", "bob"), ("SerialNumber", serial), ("AuthenticationCode1", totp.code(step: step - 1)),
                    ("AuthenticationCode2", totp.code(step: step)),
                ])
            // The next step's code: one step ahead of the server's clock is accepted, and it is unused.
            let code = totp.code(step: step + 1)
            let client = server.client(bob)
            let response = try await client.getSessionToken(.init(serialNumber: serial, tokenCode: code))
            #expect(response.credentials != nil)
            let replay = await #expect(throws: STSClientError.self) {
                try await client.getSessionToken(.init(serialNumber: serial, tokenCode: code))
            }
            #expect(replay?.serviceError?.code == .accessDenied)
            #expect(replay?.serviceError?.httpStatus == 403)
        }
    }

    @Test("AssumeRole by a user the role's trust policy names returns a role session the server recognises")
    func assumeRole() async throws {
        try await ClientTestServer.run { server in
            let bob = try await server.userWithKey("bob")
            let trust =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#
            try await server.iam("CreateRole", [("RoleName", "reader"), ("AssumeRolePolicyDocument", trust)])
            let response = try await server.client(bob).assumeRole(
                .init(
                    roleArn: "arn:aws:iam::111122223333:role/reader", roleSessionName: "client-test",
                    durationSeconds: 900, tags: [LatchkeyClient.Tag(key: "team", value: "blue")],
                    transitiveTagKeys: ["team"]))
            let credentials = try #require(response.credentials)
            #expect(response.assumedRoleUser?.arn == "arn:aws:sts::111122223333:assumed-role/reader/client-test")
            #expect(response.assumedRoleUser?.assumedRoleId.hasSuffix(":client-test") == true)
            #expect(response.packedPolicySize != nil)
            let identity = try await server.client(credentials.awsCredentials).getCallerIdentity()
            #expect(identity.arn == response.assumedRoleUser?.arn)
        }
    }

    @Test("GetFederationToken as the root returns a federated user capped at one hour")
    func federationToken() async throws {
        try await ClientTestServer.run { server in
            let response = try await server.client().getFederationToken(.init(name: "carol"))
            #expect(response.federatedUser?.arn == "arn:aws:sts::111122223333:federated-user/carol")
            #expect(response.federatedUser?.federatedUserId == "111122223333:carol")
            let credentials = try #require(response.credentials)
            #expect(credentials.expiration <= Date().addingTimeInterval(3601))
        }
    }

    @Test("DecodeAuthorizationMessage decodes the encoded message of a real AccessDenied")
    func decodeAuthorizationMessage() async throws {
        try await ClientTestServer.run { server in
            let alice = try await server.userWithKey("alice")
            let denied = try await server.rawCall("ListUsers", as: alice)
            #expect(denied.status == 403)
            let document = try QueryResponse.parseError(xml: denied.body)
            let marker = "Encoded authorization failure message: "
            let range = try #require(document.message.range(of: marker))
            let encoded = String(document.message[range.upperBound...])
            let decoded = try await server.client().decodeAuthorizationMessage(.init(encodedMessage: encoded))
            let json = try #require(decoded.decodedMessage)
            #expect(json.contains("iam:ListUsers"))
            #expect(json.contains("arn:aws:iam::111122223333:user/alice"))

            let garbage = await #expect(throws: STSClientError.self) {
                try await server.client().decodeAuthorizationMessage(.init(encodedMessage: "not-a-message"))
            }
            #expect(garbage?.serviceError?.code == .invalidAuthorizationMessageException)
        }
    }

    @Test("Unknown or wrong credentials come back as a typed service error with code, status, type and request ID")
    func wrongCredentialsAreTypedErrors() async throws {
        try await ClientTestServer.run { server in
            let stranger = AWSCredentials(accessKeyId: "AKIAI44QH8DHBEXAMPLE", secretAccessKey: "je7MtGbClwBF/2Zp9Utk")
            let error = await #expect(throws: STSClientError.self) {
                try await server.client(stranger).getCallerIdentity()
            }
            let service = try #require(error?.serviceError)
            #expect(service.code == .invalidClientTokenId)
            #expect(service.httpStatus == 403)
            #expect(service.type == .sender)
            #expect(service.requestId?.isEmpty == false)

            let wrongSecret = AWSCredentials(accessKeyId: ClientTestServer.rootKeyId, secretAccessKey: "wrong")
            let mismatch = await #expect(throws: STSClientError.self) {
                try await server.client(wrongSecret).getCallerIdentity()
            }
            #expect(mismatch?.serviceError?.code == .signatureDoesNotMatch)
        }
    }

    @Test("Federation and root operations refused by the server come back as its typed error, unsigned ones included")
    func unimplementedOperations() async throws {
        try await ClientTestServer.run { server in
            let signed = server.client()
            let unsigned = server.client(nil)
            let roleArn = "arn:aws:iam::111122223333:role/web"
            let calls: [(String, @Sendable () async throws -> Void)] = [
                (
                    "AssumeRoleWithWebIdentity",
                    {
                        _ = try await unsigned.assumeRoleWithWebIdentity(
                            .init(roleArn: roleArn, roleSessionName: "web", webIdentityToken: "eyJhbGciOi.e30.sig"))
                    }
                ),
                (
                    "AssumeRoleWithSAML",
                    {
                        _ = try await unsigned.assumeRoleWithSAML(
                            .init(
                                roleArn: roleArn, principalArn: "arn:aws:iam::111122223333:saml-provider/idp",
                                samlAssertion: "PHNhbWxwOlJlc3BvbnNlLz4="))
                    }
                ),
                (
                    "GetWebIdentityToken",
                    {
                        _ = try await signed.getWebIdentityToken(
                            .init(audience: ["https://example.com"], signingAlgorithm: "RS256"))
                    }
                ),
                (
                    "AssumeRoot",
                    {
                        _ = try await signed.assumeRoot(
                            .init(
                                targetPrincipal: "444455556666",
                                taskPolicyArn: .init(
                                    arn: "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")))
                    }
                ),
                (
                    "GetDelegatedAccessToken",
                    { _ = try await signed.getDelegatedAccessToken(.init(tradeInToken: "token")) }
                ),
            ]
            // Each comes back as the server's one typed rejection: a garbage token, an unknown SAML provider, an
            // account that never enabled its issuer, and the two operations Latchkey does not offer.
            let expectedCodes: [String: STSServiceError.Code] = [
                "AssumeRoleWithWebIdentity": .invalidIdentityToken,
                "AssumeRoleWithSAML": .invalidIdentityToken,
                "GetWebIdentityToken": .outboundWebIdentityFederationDisabledException,
                "AssumeRoot": .invalidAction,
                "GetDelegatedAccessToken": .invalidAction,
            ]
            for (action, call) in calls {
                let error = await #expect(throws: STSClientError.self, "\(action)") { try await call() }
                let service = try #require(error?.serviceError, "\(action): \(String(describing: error))")
                #expect(expectedCodes[action] == service.code, "\(action): \(service)")
                #expect([400, 403].contains(service.httpStatus), "\(action)")
                if service.code == .invalidAction { #expect(service.message.contains(action), "\(action)") }
                #expect(service.requestId?.isEmpty == false, "\(action)")
            }
        }
    }

    @Test(
        "Client-side validation rejects bad input with exactly the server's code and message, without sending it",
        arguments: [
            (
                "AssumeRole",
                [
                    ("RoleArn", "arn:aws:iam::111122223333:role/reader"), ("RoleSessionName", "a"),
                    ("DurationSeconds", "100"),
                ]
            ),
            ("GetSessionToken", [("DurationSeconds", "200000"), ("TokenCode", "12ab")]),
            ("GetFederationToken", [("Name", "x")]),
            ("GetAccessKeyInfo", [("AccessKeyId", "short")]),
            (
                "AssumeRole",
                [
                    ("RoleArn", "arn:aws:iam::111122223333:role/reader"), ("RoleSessionName", "ok-name"),
                    ("Tags.member.1.Key", "k"),
                ]
            ),
        ])
    func validationMatchesServer(action: String, params: [(String, String)]) async throws {
        try await ClientTestServer.run { server in
            let client = server.client()
            let value = { (name: String) in params.first { $0.0 == name }?.1 }
            let int = { (name: String) in value(name).flatMap { Int($0) } }
            let clientError = await #expect(throws: STSClientError.self) {
                switch action {
                case "AssumeRole":
                    // A tag value with `!`, which the tag value pattern does not allow.
                    let tags: [LatchkeyClient.Tag]? =
                        value("Tags.member.1.Key") == nil ? nil : [LatchkeyClient.Tag(key: "k", value: "bad value!")]
                    _ = try await client.assumeRole(
                        .init(
                            roleArn: value("RoleArn") ?? "", roleSessionName: value("RoleSessionName") ?? "",
                            durationSeconds: int("DurationSeconds"), tags: tags))
                case "GetSessionToken":
                    _ = try await client.getSessionToken(
                        .init(durationSeconds: int("DurationSeconds"), tokenCode: value("TokenCode")))
                case "GetFederationToken":
                    _ = try await client.getFederationToken(.init(name: value("Name") ?? ""))
                default:
                    _ = try await client.getAccessKeyInfo(.init(accessKeyId: value("AccessKeyId") ?? ""))
                }
            }
            guard case .invalidRequest(let code, let message) = clientError else {
                Issue.record("expected invalidRequest, got \(String(describing: clientError))")
                return
            }
            var serverParams = params
            if let index = serverParams.firstIndex(where: { $0.0 == "Tags.member.1.Key" }) {
                serverParams[index] = ("Tags.member.1.Key", "k")
                serverParams.append(("Tags.member.1.Value", "bad value!"))
            }
            let reply = try await server.rawCall(action, serverParams, service: "sts")
            let document = try QueryResponse.parseError(xml: reply.body)
            #expect(code.rawValue == document.code)
            #expect(message == document.message)
            #expect(message.contains("validation error"))
        }
    }
}
