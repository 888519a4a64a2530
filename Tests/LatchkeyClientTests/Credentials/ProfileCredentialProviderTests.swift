import Foundation
import LatchkeyClient
import LatchkeyTestSupport
import Testing

@Suite struct ProfileCredentialProviderTests {
    private func provider(
        _ profile: String?, config: String? = nil, credentials: String? = nil,
        extra: [String: String] = [:],
        sts: RecordingSTS? = nil, tokenCodes: TokenCodes? = nil, clock: TestClock = TestClock()
    ) throws -> ProfileCredentialProvider {
        try ProfileCredentialProvider(
            profileName: profile,
            environment: ProfileFixtures.environment(
                config: config, credentials: credentials, extra: extra),
            calls: (sts ?? RecordingSTS(clock: clock)).stsCalls, tokenCodeProvider: tokenCodes?.provider,
            now: clock.function)
    }

    @Test("Plain keys come from the credentials file, with the session token when present")
    func plainKeys() async throws {
        let dev = try await provider("dev", credentials: "plain-credentials").credentials()
        #expect(
            dev
                == AWSCredentials(
                    accessKeyId: "AKIADEVKEY0000000002", secretAccessKey: "dev-secret",
                    sessionToken: "dev-session-token"))
        let fallback = try await provider(nil, credentials: "plain-credentials").credentials()
        #expect(fallback.accessKeyId == "AKIADEFAULTKEY000001")
    }

    @Test("A role chain A → B → C signs each AssumeRole with the credentials of the next profile")
    func roleChain() async throws {
        let clock = TestClock()
        let sts = RecordingSTS(clock: clock)
        let codes = TokenCodes()
        let credentials = try await provider(
            "A", config: "chain-config", sts: sts, tokenCodes: codes, clock: clock
        )
        .credentials()
        #expect(credentials.accessKeyId == "ASIAROLEA")
        #expect(
            sts.calls.map(\.roleArn) == [
                "arn:aws:iam::222222222222:role/RoleB", "arn:aws:iam::111111111111:role/RoleA",
            ])
        #expect(sts.calls.map(\.signer) == ["AKIACHAINBASE0000001", "ASIAROLEB"])
        // B has no region or endpoint of its own: it falls back to A's region; C's endpoint is not inherited.
        #expect(
            sts.calls.map(\.target) == [
                STSTarget(region: "eu-central-1"), STSTarget(region: "eu-central-1"),
            ])
        #expect(codes.serials == ["arn:aws:iam::333333333333:mfa/alice"])
    }

    @Test(
        "The AssumeRole request carries session name, external ID, MFA serial and code, and duration")
    func assumeRoleRequestFromProfile() async throws {
        let clock = TestClock()
        let sts = RecordingSTS(clock: clock)
        _ = try await provider(
            "A", config: "chain-config", sts: sts, tokenCodes: TokenCodes(), clock: clock
        )
        .credentials()
        let requests = sts.assumeRoleRequests
        try #require(requests.count == 2)
        #expect(
            requests[0]
                == AssumeRoleRequest(
                    roleArn: "arn:aws:iam::222222222222:role/RoleB",
                    roleSessionName: "latchkey-session-1750000000",
                    durationSeconds: 3600, serialNumber: "arn:aws:iam::333333333333:mfa/alice",
                    tokenCode: "123456"))
        #expect(
            requests[1]
                == AssumeRoleRequest(
                    roleArn: "arn:aws:iam::111111111111:role/RoleA", roleSessionName: "session-a",
                    durationSeconds: 1800,
                    externalId: "external-a"))
    }

    @Test("An MFA profile without a token-code callback fails naming the device")
    func mfaWithoutCallbackFails() async throws {
        let chain = try provider("B", config: "chain-config")
        let error = await #expect(throws: CredentialProviderError.self) {
            try await chain.credentials()
        }
        #expect(error?.code == .missingTokenCodeProvider)
        #expect(error?.message.contains("arn:aws:iam::333333333333:mfa/alice") == true)
    }

    @Test("A source profile's static keys win over its own role_arn")
    func sourceStaticKeysWin() async throws {
        let clock = TestClock()
        let sts = RecordingSTS(clock: clock)
        _ = try await provider("usesKeysAndRole", config: "chain-config", sts: sts, clock: clock)
            .credentials()
        #expect(sts.calls.map(\.signer) == ["AKIAKEYSANDROLE00001"])
    }

    @Test("A profile may name itself as source_profile when it holds static keys")
    func selfReferenceWithKeys() async throws {
        let clock = TestClock()
        let sts = RecordingSTS(clock: clock)
        let credentials = try await provider("selfkeys", config: "chain-config", sts: sts, clock: clock)
            .credentials()
        #expect(credentials.accessKeyId == "ASIASELF")
        #expect(sts.calls.map(\.signer) == ["AKIASELFKEYS00000001"])
    }

    @Test(
        "A loop in source_profile is rejected naming the profiles in the loop",
        arguments: [
            ("loopA", "'loopA' -> 'loopB' -> 'loopA'"),
            ("entry", "'entry' -> 'loopA' -> 'loopB' -> 'loopA'"),
            ("self", "'self' -> 'self'"),
        ])
    func sourceProfileLoopIsRejected(profile: String, loop: String) throws {
        let error = try #require(throws: CredentialProviderError.self) {
            try provider(profile, config: "loop-config")
        }
        #expect(error.code == .profileLoop)
        #expect(error.message.contains(loop))
    }

    @Test("A missing source profile is rejected naming both profiles")
    func missingSourceProfileIsRejected() throws {
        let error = try #require(throws: CredentialProviderError.self) {
            try provider("dangling", config: "loop-config")
        }
        #expect(error.code == .missingSourceProfile)
        #expect(error.message.contains("'nowhere'") && error.message.contains("'dangling'"))
    }

    @Test("A missing profile is rejected naming it")
    func missingProfileIsRejected() throws {
        let error = try #require(throws: CredentialProviderError.self) {
            try provider(nil, config: "chain-config", extra: ["AWS_PROFILE": "ghost"])
        }
        #expect(error.code == .missingProfile)
        #expect(error.message.contains("'ghost'"))
    }

    @Test(
        "Contradictory or incomplete profiles are rejected",
        arguments: [
            ("noauth", CredentialProviderError.Code.missingCredentials),
            ("partial", .partialCredentials),
            ("roleonly", .invalidProfile),
            ("bothsources", .invalidProfile),
            ("badduration", .invalidValue),
        ])
    func invalidProfileIsRejected(profile: String, code: CredentialProviderError.Code) {
        #expect(throws: CredentialProviderError(code, "")) {
            try provider(profile, config: "chain-config")
        }
    }

    @Test("credential_source = Environment signs AssumeRole with the environment's keys")
    func credentialSourceEnvironment() async throws {
        let clock = TestClock()
        let sts = RecordingSTS(clock: clock)
        let credentials = try await provider(
            "fromenv", config: "credential-source-config",
            extra: ["AWS_ACCESS_KEY_ID": "AKIAFROMENVIRONMENT1", "AWS_SECRET_ACCESS_KEY": "s"], sts: sts,
            clock: clock
        ).credentials()
        #expect(credentials.accessKeyId == "ASIAFROMENV")
        #expect(sts.calls.map(\.signer) == ["AKIAFROMENVIRONMENT1"])
    }

    @Test(
        "credential_source other than Environment is not supported", arguments: ["ec2", "ecs", "bogus"])
    func unsupportedCredentialSource(profile: String) throws {
        let error = try #require(throws: CredentialProviderError.self) {
            try provider(profile, config: "credential-source-config")
        }
        #expect(error.code == .unsupportedCredentialSource)
        #expect(error.message.contains("'\(profile)'"))
    }

    @Test(
        "A web identity profile reads the token file (with ~ expanded) and uses the profile's region")
    func webIdentityProfile() async throws {
        let clock = TestClock()
        let sts = RecordingSTS(clock: clock)
        let credentials = try await provider(
            "k8s", config: "web-identity-config", sts: sts, clock: clock
        ).credentials()
        #expect(credentials.accessKeyId == "ASIAWEB")
        #expect(
            sts.webIdentityRequests == [
                AssumeRoleWithWebIdentityRequest(
                    roleArn: "arn:aws:iam::123456789012:role/Pod", roleSessionName: "pod-session",
                    webIdentityToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2lnbmF0dXJl")
            ])
        #expect(sts.calls.map(\.target) == [STSTarget(region: "ap-southeast-2")])
    }

    @Test("A profile with credential_process runs the command")
    func credentialProcessProfile() async throws {
        let credentials = try await provider("printf", config: "process-config").credentials()
        #expect(
            credentials
                == AWSCredentials(accessKeyId: "AKIAPROCESS000000001", secretAccessKey: "process-secret"))
    }
}
