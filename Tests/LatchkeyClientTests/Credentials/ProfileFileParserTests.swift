import Foundation
import LatchkeyClient
import Testing

@Suite struct ProfileFileParserTests {
    private func syntaxProfiles() throws -> [String: Profile] {
        let folder = try ProfileFixtures.directory()
        let text = try String(contentsOfFile: "\(folder)/syntax-config", encoding: .utf8)
        return try ProfileFileParser.parse(text, kind: .config, fileName: "syntax-config")
    }

    @Test("Comments, inline comments after whitespace and odd spacing are handled as botocore does")
    func commentsAndSpacing() throws {
        let profiles = try syntaxProfiles()
        let defaultProfile = try #require(profiles["default"])
        #expect(defaultProfile["region"] == "us-east-1")
        #expect(defaultProfile["output"] == "json")
        let spaced = try #require(profiles["spaced"])
        #expect(spaced["aws_access_key_id"] == "AKIASPACED0000000001")
        #expect(spaced["aws_secret_access_key"] == "spaced=secret==")
        #expect(spaced["endpoint_url"] == "http://example.test/path#fragment")
    }

    @Test(
        "An empty value followed by indented lines is a sub-section; other indented lines continue the value"
    )
    func continuationLines() throws {
        let spaced = try #require(try syntaxProfiles()["spaced"])
        #expect(spaced.subsections["s3"] == ["max_concurrency": "10", "addressing_style": "path"])
        #expect(spaced["note"] == "first line\nsecond line")
    }

    @Test("Keys are lower-cased and values keep their case")
    func keysAreLowerCased() throws {
        let spaced = try #require(try syntaxProfiles()["spaced"])
        #expect(spaced["role_arn"] == "arn:aws:iam::123456789012:role/UpperKey")
    }

    @Test("sso-session and services sections are not profiles; CRLF line ends are accepted")
    func nonProfileSectionsAreIgnored() throws {
        let profiles = try syntaxProfiles()
        #expect(Set(profiles.keys) == ["default", "spaced", "windows"])
        #expect(profiles["windows"]?["aws_secret_access_key"] == "windows-secret")
    }

    @Test(
        "In the credentials file every section is a profile; in the config file only [profile NAME] and [default]"
    )
    func sectionNamingDiffersByFile() throws {
        let text = "[default]\na = 1\n[plain]\na = 2\n[profile prefixed]\na = 3\n"
        let config = try ProfileFileParser.parse(text, kind: .config, fileName: "config")
        #expect(Set(config.keys) == ["default", "prefixed"])
        let credentials = try ProfileFileParser.parse(text, kind: .credentials, fileName: "credentials")
        #expect(Set(credentials.keys) == ["default", "plain", "profile prefixed"])
    }

    @Test("A repeated section merges and a repeated key takes the later value")
    func repeatedSectionsMerge() throws {
        let text = "[default]\na = 1\nb = 2\n[default]\nb = 3\n"
        let profile = try #require(
            try ProfileFileParser.parse(text, kind: .config, fileName: "c")["default"])
        #expect(profile.properties == ["a": "1", "b": "3"])
    }

    @Test(
        "Malformed fixture files are rejected with the file name and line number",
        arguments: [
            ("malformed-no-equals-config", 3),
            ("malformed-before-section-config", 1),
            ("malformed-header-config", 4),
        ])
    func malformedFixtureIsRejected(file: String, line: Int) throws {
        let environment = try ProfileFixtures.environment(config: file)
        let error = try #require(throws: CredentialProviderError.self) {
            try SharedConfiguration.load(environment: environment)
        }
        #expect(error.code == .malformedProfileFile)
        #expect(error.message.contains("\(file), line \(line):"))
    }

    @Test(
        "Malformed lines are rejected",
        arguments: [
            "[default]\n= value\n",
            "[]\n",
            "[default\n",
            "[default]\ns3 =\n  no equals here\n",
            "key = value\n",
        ])
    func malformedLineIsRejected(text: String) {
        #expect(throws: CredentialProviderError(.malformedProfileFile, "")) {
            try ProfileFileParser.parse(text, kind: .config, fileName: "inline")
        }
    }
}
