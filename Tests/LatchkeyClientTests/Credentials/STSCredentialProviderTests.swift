import Foundation
import LatchkeyClient
import LatchkeyTestSupport
import Testing

@Suite struct STSCredentialProviderTests {
    private let source = StaticCredentialProvider(
        accessKeyId: "AKIASOURCE0000000001", secretAccessKey: "s")

    @Test(
        "AssumeRole asks the token-code callback on every renewal and builds the request from its parameters"
    )
    func assumeRoleAsksForCodeOnEachRenewal() async throws {
        let clock = TestClock()
        let sts = RecordingSTS(clock: clock, lifetime: 900)
        let codes = TokenCodes()
        let provider = AssumeRoleCredentialProvider(
            parameters: .init(
                roleArn: "arn:aws:iam::123456789012:role/Admin", externalId: "ext",
                serialNumber: "GAHT12345678",
                durationSeconds: 900, policy: "{}", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                sourceIdentity: "alice"),
            source: source, target: STSTarget(region: "eu-west-3", endpoint: "http://127.0.0.1:8080"),
            calls: sts.stsCalls, tokenCodeProvider: codes.provider, now: clock.function)
        _ = try await provider.credentials()
        _ = try await provider.credentials()
        clock.advance(by: 700)
        _ = try await provider.credentials()
        #expect(codes.serials == ["GAHT12345678", "GAHT12345678"])
        #expect(sts.assumeRoleRequests.map(\.tokenCode) == ["123456", "123457"])
        #expect(
            sts.assumeRoleRequests.first
                == AssumeRoleRequest(
                    roleArn: "arn:aws:iam::123456789012:role/Admin",
                    roleSessionName: "latchkey-session-1750000000",
                    policyArns: [PolicyDescriptorType(arn: "arn:aws:iam::aws:policy/ReadOnlyAccess")],
                    policy: "{}",
                    durationSeconds: 900, externalId: "ext", serialNumber: "GAHT12345678",
                    tokenCode: "123456",
                    sourceIdentity: "alice"))
        #expect(sts.calls.map(\.signer) == ["AKIASOURCE0000000001", "AKIASOURCE0000000001"])
        #expect(
            sts.calls.first?.target == STSTarget(region: "eu-west-3", endpoint: "http://127.0.0.1:8080"))
    }

    @Test("GetSessionToken with MFA sends serial, code and duration, signed with the source keys")
    func sessionTokenWithMFA() async throws {
        let clock = TestClock()
        let sts = RecordingSTS(clock: clock)
        let provider = SessionTokenCredentialProvider(
            source: source, durationSeconds: 7200, serialNumber: "arn:aws:iam::123456789012:mfa/bob",
            tokenCodeProvider: TokenCodes().provider, calls: sts.stsCalls, now: clock.function)
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "ASIASESSION")
        #expect(
            sts.sessionTokenRequests == [
                GetSessionTokenRequest(
                    durationSeconds: 7200, serialNumber: "arn:aws:iam::123456789012:mfa/bob",
                    tokenCode: "123456")
            ])
        #expect(sts.calls.map(\.signer) == ["AKIASOURCE0000000001"])
    }

    @Test("GetSessionToken with an MFA serial but no callback fails without calling STS")
    func sessionTokenWithoutCallbackFails() async throws {
        let clock = TestClock()
        let sts = RecordingSTS(clock: clock)
        let provider = SessionTokenCredentialProvider(
            source: source, serialNumber: "arn:aws:iam::123456789012:mfa/bob", calls: sts.stsCalls,
            now: clock.function)
        await #expect(throws: CredentialProviderError(.missingTokenCodeProvider, "")) {
            try await provider.credentials()
        }
        #expect(sts.calls.isEmpty)
    }

    @Test("A response without credentials is an error")
    func responseWithoutCredentials() async {
        let calls = STSCredentialCalls(
            assumeRole: { _, _, _ in AssumeRoleResponse() },
            assumeRoleWithWebIdentity: { _, _ in AssumeRoleWithWebIdentityResponse() },
            getSessionToken: { _, _, _ in GetSessionTokenResponse() })
        let provider = AssumeRoleCredentialProvider(
            parameters: .init(roleArn: "arn:aws:iam::123456789012:role/R", roleSessionName: "s"),
            source: source,
            calls: calls)
        await #expect(throws: CredentialProviderError(.missingResponseCredentials, "")) {
            try await provider.credentials()
        }
    }

    @Test("Web identity from the environment reads the token file again on every renewal")
    func webIdentityFromEnvironmentRereadsToken() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lk-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let tokenFile = scratch.appendingPathComponent("token").path
        try "first.token.value".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let clock = TestClock()
        let sts = RecordingSTS(clock: clock)
        let provider = try #require(
            WebIdentityCredentialProvider.fromEnvironment(
                [
                    "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/Pod",
                    "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile,
                    "AWS_ROLE_SESSION_NAME": "pod-1",
                ],
                calls: sts.stsCalls, now: clock.function))
        _ = try await provider.credentials()
        try "second.token.value\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        clock.advance(by: 3600 - 60)
        _ = try await provider.credentials()
        #expect(
            sts.webIdentityRequests.map(\.webIdentityToken) == [
                "first.token.value", "second.token.value",
            ])
        #expect(sts.webIdentityRequests.map(\.roleSessionName) == ["pod-1", "pod-1"])
    }

    @Test("Web identity from the environment needs both the role ARN and the token file")
    func webIdentityNeedsBothVariables() {
        #expect(
            WebIdentityCredentialProvider.fromEnvironment(["AWS_ROLE_ARN": "arn:aws:iam::1:role/R"])
                == nil)
        #expect(
            WebIdentityCredentialProvider.fromEnvironment(["AWS_WEB_IDENTITY_TOKEN_FILE": "/t"]) == nil)
    }

    @Test("A missing token file is an error naming it")
    func missingTokenFile() async throws {
        let provider = WebIdentityCredentialProvider(
            roleArn: "arn:aws:iam::123456789012:role/Pod", tokenFile: "/nonexistent/token",
            calls: RecordingSTS(clock: TestClock()).stsCalls)
        let error = await #expect(throws: CredentialProviderError.self) {
            try await provider.credentials()
        }
        #expect(error?.message.contains("/nonexistent/token") == true)
    }
}
