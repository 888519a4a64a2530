import Foundation
import LatchkeyCore
import Testing

@testable import LatchkeyServer

@Suite struct ConfigurationFileTests {
    /// The first ```yaml block of the README's "Configuration" section.
    static func readmeExample() throws -> String {
        let repository =
            ((#filePath as NSString).deletingLastPathComponent as NSString)
            .deletingLastPathComponent as NSString
        let readme = try String(contentsOfFile: repository.deletingLastPathComponent + "/README.md", encoding: .utf8)
        let section = try #require(readme.range(of: "## Configuration"))
        let rest = readme[section.upperBound...]
        let open = try #require(rest.range(of: "```yaml\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        return String(rest[open.upperBound..<close.lowerBound])
    }

    /// The parse error for `text`, or nil when it parses.
    func parseError(_ text: String) -> ConfigurationFile.ParseError? {
        do {
            _ = try ConfigurationFile.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test("the README's example parses into the settings it shows")
    func readmeExampleParses() throws {
        let file = try ConfigurationFile.parse(try Self.readmeExample())
        #expect(
            file.bootstrap.accounts == [
                .init(
                    id: "111122223333",
                    rootAccessKeys: [
                        .init(
                            accessKeyId: "AKIAIOSFODNN7EXAMPLE",
                            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
                    ])
            ])
        #expect(file.idpTrustedCAFile == "/path/to/ca.pem")
        #expect(file.masterKeyFile == "/secure/latchkey-master.key")
        #expect(file.masterKey == nil)
        #expect(file.sessionTokenKeyId == 1)
        #expect(file.connectionSettings == [.shutdownGrace: "10s"])
    }

    @Test("an empty file is an empty configuration")
    func emptyFileParses() throws {
        let file = try ConfigurationFile.parse("")
        #expect(file.bootstrap.accounts.isEmpty)
        #expect(file.sessionTokenKeyId == 1)
    }

    @Test(
        "an unknown key is an error naming the key and its line",
        arguments: [
            ("sessionTokenKeyID: 2\n", 1, "sessionTokenKeyID"),
            ("accounts:\n  - id: \"111122223333\"\n    rootAccesKeys: []\n", 3, "rootAccesKeys"),
            (
                "accounts:\n  - id: \"111122223333\"\n    rootAccessKeys:\n      - {accessKeyId: AKIAIOSFODNN7EXAMPLE, secret: x}\n",
                4,
                "secret"
            ),
        ])
    func unknownKeyIsRejected(text: String, line: Int, key: String) throws {
        let error = try #require(parseError(text))
        #expect(error.line == line)
        #expect(error.message.contains("unknown key '\(key)'"))
        #expect(error.description.hasPrefix("line \(line): "))
    }

    @Test(
        "an account ID that is not 12 digits is an error",
        arguments: ["11112222333", "1111222233334", "abcdefghijkl", "1111-2222-33"])
    func badAccountIdIsRejected(id: String) throws {
        let error = try #require(parseError("accounts:\n  - id: \"\(id)\"\n"))
        #expect(error.line == 2)
        #expect(error.message.contains("account id must be 12 digits"))
    }

    @Test("the same account declared twice is an error")
    func duplicateAccountIsRejected() throws {
        let error = try #require(parseError("accounts:\n  - id: \"111122223333\"\n  - id: \"111122223333\"\n"))
        #expect(error.message == "account 111122223333 is declared twice")
        #expect(error.line == 3)
    }

    @Test(
        "a root key ID that is not a well-formed AKIA key is an error",
        arguments: ["ASIAIOSFODNN7EXAMPLE", "AKIA123", "akiaiosfodnn7example", "AKIAIOSFODNN7EXAMPL!"])
    func nonAKIAKeyIsRejected(keyId: String) throws {
        let text = """
            accounts:
              - id: "111122223333"
                rootAccessKeys:
                  - {accessKeyId: "\(keyId)", secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}
            """
        let error = try #require(parseError(text))
        #expect(error.message.contains("accessKeyId must be"))
        #expect(error.line == 4)
    }

    @Test("a key appearing twice in one mapping is an error")
    func repeatedKeyIsRejected() throws {
        let error = try #require(parseError("sessionTokenKeyId: 1\nsessionTokenKeyId: 2\n"))
        #expect(error.message.contains("sessionTokenKeyId"))
    }

    @Test("sessionTokenKeyId must be a positive integer", arguments: ["0", "-1", "two", "4294967296"])
    func badSessionTokenKeyIdIsRejected(value: String) throws {
        let error = try #require(parseError("sessionTokenKeyId: \(value)\n"))
        #expect(error.line == 1)
    }

    @Test("the connection settings are read from the file, a duration with or without its unit")
    func connectionSettingsParse() throws {
        let file = try ConfigurationFile.parse(
            "headerTimeout: 2\nbodyTimeout: 1500ms\nidleTimeout: 2m\nmaxConnections: 300\nshutdownGrace: 1h\n")
        var settings = ConnectionSettings()
        try settings.apply(file)
        #expect(
            settings
                == ConnectionSettings(
                    headerTimeout: .seconds(2), bodyTimeout: .milliseconds(1500), idleTimeout: .seconds(120),
                    maxConnections: 300, shutdownGrace: .seconds(3600)))
    }

    @Test(
        "a bad connection setting is an error naming the key, its line and what a valid value looks like",
        arguments: [
            ("headerTimeout: soon\n", "headerTimeout must be a duration"),
            ("bodyTimeout: 0\n", "bodyTimeout must be a duration"),
            ("idleTimeout: 25h\n", "idleTimeout must be a duration"),
            ("shutdownGrace: -1\n", "shutdownGrace must be a duration"),
            ("maxConnections: 0\n", "maxConnections must be a whole number"),
            ("maxConnections: 1.5\n", "maxConnections must be a whole number"),
        ])
    func badConnectionSettingIsRejected(text: String, message: String) throws {
        let error = try #require(parseError(text))
        #expect(error.line == 1)
        #expect(error.message.contains(message))
    }

    @Test("the settings' flags and environment variables are named from their file keys")
    func connectionSettingNames() {
        #expect(
            ConnectionSettings.Setting.allCases.map(\.flag) == [
                "--header-timeout", "--body-timeout", "--idle-timeout", "--max-connections", "--shutdown-grace",
            ])
        #expect(ConnectionSettings.Setting.maxConnections.environmentVariable == "LATCHKEY_MAX_CONNECTIONS")
        #expect(ConnectionSettings.Setting.shutdownGrace.environmentVariable == "LATCHKEY_SHUTDOWN_GRACE")
    }
}
