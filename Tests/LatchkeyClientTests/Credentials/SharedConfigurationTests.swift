import Foundation
import LatchkeyClient
import Testing

@Suite struct SharedConfigurationTests {
    @Test("Credentials-file values win over config-file values for the same profile, key by key")
    func credentialsFileWins() throws {
        let environment = try ProfileFixtures.environment(
            config: "precedence-config", credentials: "precedence-credentials")
        let configuration = try SharedConfiguration.load(environment: environment)
        let dev = try configuration.profile(named: "dev")
        #expect(dev["aws_access_key_id"] == "AKIAFROMCREDENTIALS1")
        #expect(dev["aws_secret_access_key"] == "credentials-secret")
        #expect(dev["region"] == "eu-west-1")
        #expect(configuration.profiles["onlyconfig"]?["aws_access_key_id"] == "AKIAONLYCONFIG000001")
        // [notaprofile] is ignored in the config file but is a profile in the credentials file.
        #expect(configuration.profiles["notaprofile"]?["aws_access_key_id"] == "AKIANOTAPROFILEINCR1")
    }

    @Test("The default file locations are ~/.aws/config and ~/.aws/credentials under HOME")
    func defaultLocationsUseHome() throws {
        let configuration = try SharedConfiguration.load(environment: ["HOME": "/nonexistent-home"])
        #expect(configuration.configFilePath == "/nonexistent-home/.aws/config")
        #expect(configuration.credentialsFilePath == "/nonexistent-home/.aws/credentials")
        #expect(configuration.profiles.isEmpty)
    }

    @Test("AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE accept a leading ~")
    func fileVariablesExpandTilde() throws {
        let folder = try ProfileFixtures.directory()
        let configuration = try SharedConfiguration.load(environment: [
            "HOME": folder, "AWS_CONFIG_FILE": "~/precedence-config",
            "AWS_SHARED_CREDENTIALS_FILE": "~/plain-credentials",
        ])
        #expect(configuration.profiles["dev"]?["aws_access_key_id"] == "AKIADEVKEY0000000002")
        #expect(configuration.profiles["default"]?["region"] == "us-west-2")
    }

    @Test(
        "The profile is the explicit one, then AWS_PROFILE, then AWS_DEFAULT_PROFILE, then default",
        arguments: [
            (String?("explicit"), ["AWS_PROFILE": "env", "AWS_DEFAULT_PROFILE": "old"], "explicit"),
            (nil, ["AWS_PROFILE": "env", "AWS_DEFAULT_PROFILE": "old"], "env"),
            (nil, ["AWS_DEFAULT_PROFILE": "old"], "old"),
            (nil, ["AWS_PROFILE": ""], "default"),
        ])
    func profileSelection(explicit: String?, environment: [String: String], expected: String) {
        #expect(
            SharedConfiguration.selectedProfileName(explicit: explicit, environment: environment)
                == expected)
    }

    @Test("A missing profile is an error naming the profile")
    func missingProfileIsNamed() throws {
        let environment = try ProfileFixtures.environment(credentials: "plain-credentials")
        let error = try #require(throws: CredentialProviderError.self) {
            try SharedConfiguration.load(environment: environment).profile(named: "ghost")
        }
        #expect(error.code == .missingProfile)
        #expect(error.message.contains("'ghost'"))
    }

    @Test("The STS target of a profile is its region and endpoint_url, overridden by the environment")
    func stsTargetOfProfile() throws {
        let environment = try ProfileFixtures.environment(config: "precedence-config")
        #expect(
            try STSTarget.forProfile("dev", environment: environment)
                == STSTarget(region: "eu-west-1", endpoint: "http://127.0.0.1:4566"))
        #expect(
            try STSTarget.forProfile(nil, environment: environment) == STSTarget(region: "us-west-2"))
        var overridden = environment
        overridden["AWS_REGION"] = "sa-east-1"
        overridden["AWS_ENDPOINT_URL_STS"] = "http://sts.local"
        #expect(
            try STSTarget.forProfile("dev", environment: overridden) == STSTarget(region: "sa-east-1"))
    }
}
