import Foundation
import LatchkeyClient
import LatchkeyTestSupport
import Testing

@Suite struct DefaultCredentialProviderTests {
    private func chain(_ environment: [String: String], clock: TestClock = TestClock())
        -> DefaultCredentialProvider
    {
        DefaultCredentialProvider(
            environment: environment, calls: RecordingSTS(clock: clock).stsCalls, now: clock.function)
    }

    @Test("Environment keys come first")
    func environmentFirst() async throws {
        let environment = try ProfileFixtures.environment(
            credentials: "plain-credentials",
            extra: [
                "AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT00001", "AWS_SECRET_ACCESS_KEY": "s",
                "AWS_ROLE_ARN": "arn:aws:iam::1:role/R", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t",
            ])
        #expect(try await chain(environment).credentials().accessKeyId == "AKIAENVIRONMENT00001")
    }

    @Test("Web identity from the environment comes before the profile")
    func webIdentitySecond() async throws {
        let folder = try ProfileFixtures.directory()
        let environment = try ProfileFixtures.environment(
            credentials: "plain-credentials",
            extra: [
                "AWS_ROLE_ARN": "arn:aws:iam::1:role/R",
                "AWS_WEB_IDENTITY_TOKEN_FILE": "\(folder)/web-identity-token",
            ])
        let provider = chain(environment)
        #expect(try provider.resolvedProvider() is WebIdentityCredentialProvider)
        #expect(try await provider.credentials().accessKeyId == "ASIAWEB")
    }

    @Test("The profile from AWS_PROFILE is used when the environment has no keys")
    func profileThird() async throws {
        let environment = try ProfileFixtures.environment(
            credentials: "plain-credentials", extra: ["AWS_PROFILE": "dev"])
        #expect(try await chain(environment).credentials().accessKeyId == "AKIADEVKEY0000000002")
    }

    @Test("A profile named in AWS_PROFILE that does not exist is an error naming it")
    func missingNamedProfile() async throws {
        let environment = try ProfileFixtures.environment(
            credentials: "plain-credentials", extra: ["AWS_PROFILE": "ghost"])
        let error = await #expect(throws: CredentialProviderError.self) {
            try await chain(environment).credentials()
        }
        #expect(error?.code == .missingProfile)
        #expect(error?.message.contains("'ghost'") == true)
    }

    @Test("With nothing configured the error lists what was tried")
    func nothingConfigured() async throws {
        let environment = try ProfileFixtures.environment()
        let error = await #expect(throws: CredentialProviderError.self) {
            try await chain(environment).credentials()
        }
        #expect(error?.code == .noProviderInChain)
        #expect(error?.message.contains("AWS_ACCESS_KEY_ID") == true)
        #expect(error?.message.contains("AWS_WEB_IDENTITY_TOKEN_FILE") == true)
        #expect(error?.message.contains("'default'") == true)
        #expect(error?.message.contains("not supported") == true)
    }
}
