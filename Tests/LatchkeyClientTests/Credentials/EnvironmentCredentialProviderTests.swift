import Foundation
import Testing

@testable import LatchkeyClient

@Suite struct EnvironmentCredentialProviderTests {
    @Test("Keys, session token and expiration come from the AWS_* variables")
    func readsAllVariables() async throws {
        let provider = EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "ASIAENVIRONMENT00001", "AWS_SECRET_ACCESS_KEY": "env-secret",
            "AWS_SESSION_TOKEN": "env-token", "AWS_CREDENTIAL_EXPIRATION": "2030-01-02T03:04:05Z",
        ])
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "ASIAENVIRONMENT00001")
        #expect(credentials.secretAccessKey == "env-secret")
        #expect(credentials.sessionToken == "env-token")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_893_553_445))
    }

    @Test("Long-term keys have no session token and no expiration")
    func longTermKeys() async throws {
        let credentials = try await EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIAENVIRONMENT00001", "AWS_SECRET_ACCESS_KEY": "env-secret",
            "AWS_SESSION_TOKEN": "",
        ]).credentials()
        #expect(credentials.sessionToken == nil)
        #expect(credentials.expiration == nil)
    }

    @Test(
        "Missing or partial keys and a bad expiration are rejected",
        arguments: [
            ([:], CredentialProviderError.Code.missingCredentials),
            (["AWS_ACCESS_KEY_ID": "AKIA"], .partialCredentials),
            (["AWS_SECRET_ACCESS_KEY": "s"], .partialCredentials),
            (
                [
                    "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s",
                    "AWS_CREDENTIAL_EXPIRATION": "tomorrow",
                ],
                .invalidValue
            ),
        ])
    func incompleteEnvironmentIsRejected(
        environment: [String: String], code: CredentialProviderError.Code
    ) async {
        await #expect(throws: CredentialProviderError(code, "")) {
            try await EnvironmentCredentialProvider(environment: environment).credentials()
        }
    }

    @Test("Static credentials are handed out unchanged")
    func staticProvider() async throws {
        let provider = StaticCredentialProvider(
            accessKeyId: "AKIASTATIC0000000001", secretAccessKey: "s")
        #expect(
            try await provider.credentials()
                == AWSCredentials(accessKeyId: "AKIASTATIC0000000001", secretAccessKey: "s"))
        #expect(!"\(provider)".contains("\"s\""))
    }

    @Test(
        "Expirations are read as ISO 8601 with Z or an offset, with or without fractional seconds",
        arguments: [
            "2030-01-02T03:04:05Z", "2030-01-02T03:04:05.000Z", "2030-01-02T04:04:05+01:00",
            " 2030-01-02T03:04:05Z\n",
        ])
    func expirationFormats(text: String) {
        #expect(ISO8601Timestamp.parse(text) == Date(timeIntervalSince1970: 1_893_553_445))
    }
}
