import LatchkeyQuery
import Testing

/// One STS operation with otherwise valid parameters and exactly one invalid one.
struct InvalidParameterCase: Sendable, CustomTestStringConvertible {
    var action: String
    var params: [(String, String)]
    /// The member path AWS names in the message, e.g. `roleSessionName`.
    var path: String

    var testDescription: String { "\(action) (\(path))" }

    static let roleArn = ("RoleArn", "arn:aws:iam::111122223333:role/demo")

    static let all: [InvalidParameterCase] = [
        .init(action: "AssumeRole", params: [roleArn, ("RoleSessionName", "a")], path: "roleSessionName"),
        .init(
            action: "AssumeRoleWithSAML",
            params: [
                roleArn, ("PrincipalArn", "arn:aws:iam::111122223333:saml-provider/corp"),
                ("SAMLAssertion", "PHNhbWxwOlJlc3BvbnNlPg=="), ("DurationSeconds", "899"),
            ],
            path: "durationSeconds"),
        .init(
            action: "AssumeRoleWithWebIdentity",
            params: [
                roleArn, ("RoleSessionName", "web"), ("WebIdentityToken", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"),
                ("ProviderId", "ab"),
            ],
            path: "providerId"),
        .init(
            action: "AssumeRoot",
            params: [
                ("TargetPrincipal", "111122223333"),
                ("TaskPolicyArn.arn", "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"),
                ("DurationSeconds", "901"),
            ],
            path: "durationSeconds"),
        .init(action: "DecodeAuthorizationMessage", params: [("EncodedMessage", "")], path: "encodedMessage"),
        .init(action: "GetAccessKeyInfo", params: [("AccessKeyId", "AKIA")], path: "accessKeyId"),
        .init(action: "GetCallerIdentity", params: [("Unknown", "ignored")], path: ""),
        .init(action: "GetDelegatedAccessToken", params: [], path: "tradeInToken"),
        .init(action: "GetFederationToken", params: [("Name", "x")], path: "name"),
        .init(action: "GetSessionToken", params: [("DurationSeconds", "899")], path: "durationSeconds"),
        .init(
            action: "GetWebIdentityToken",
            params: [("Audience.member.1", "sts.amazonaws.com"), ("SigningAlgorithm", "RS25")],
            path: "signingAlgorithm"),
    ]
}

@Suite struct OperationValidationTests {
    @Test("the table covers every STS operation of 2011-06-15")
    func tableCoversEveryOperation() {
        let actions = Set(InvalidParameterCase.all.map(\.action))
        #expect(actions.count == 11)
        #expect(
            actions == [
                "AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot",
                "DecodeAuthorizationMessage",
                "GetAccessKeyInfo", "GetCallerIdentity", "GetDelegatedAccessToken", "GetFederationToken",
                "GetSessionToken",
                "GetWebIdentityToken",
            ])
    }

    @Test(
        "every STS operation answers one invalid parameter with a ValidationError naming it (GetCallerIdentity has none and ignores unknown ones)",
        arguments: InvalidParameterCase.all)
    func invalidParameterIsNamed(testCase: InvalidParameterCase) async throws {
        try await TestServer.run { server in
            let request = try signedPOST(
                body: formEncode([("Action", testCase.action), ("Version", TestServer.stsVersion)] + testCase.params),
                credentials: TestServer.root, date: server.now)
            let reply = try await server.send(request)
            if testCase.path.isEmpty {
                #expect(try reply.result(testCase.action).text("Account") == TestServer.accountId)
                return
            }
            let error = try reply.expectError("ValidationError", status: 400)
            #expect(error.message.hasPrefix("1 validation error detected: Value "), "\(error.message)")
            #expect(error.message.contains(" at '\(testCase.path)' failed to satisfy constraint: "), "\(error.message)")
        }
    }

    @Test("every violation is listed in one message, in member order")
    func violationsAreCollected() async throws {
        try await TestServer.run { server in
            let reply = try await server.sts("AssumeRole", ["RoleSessionName": "a b", "DurationSeconds": "100"])
            try reply.expectError(
                "ValidationError", status: 400,
                message: "3 validation errors detected: "
                    + "Value null at 'roleArn' failed to satisfy constraint: Member must not be null; "
                    + "Value 'a b' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; "
                    + "Value '100' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
            )
        }
    }

    @Test("a value that is not of its member's type is InvalidParameterValue, not a server error")
    func wronglyTypedValueIsRejected() async throws {
        try await TestServer.run { server in
            let reply = try await server.sts("GetSessionToken", ["DurationSeconds": "forever"])
            try reply.expectError("InvalidParameterValue", status: 400)
        }
    }
}
