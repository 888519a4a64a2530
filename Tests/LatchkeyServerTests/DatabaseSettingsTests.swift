import LatchkeyServer
import Testing

@Suite("Database settings: --database-url, pool size, wait; precedence and redaction")
struct DatabaseSettingsTests {
    static let url = "postgres://latchkey:s3cret@db.internal:6543/latchkey?sslmode=require"

    @Test("without a URL anywhere the server keeps SQLite")
    func noURL() throws {
        let database = try DatabaseSettings.resolve(url: nil, poolSize: nil, wait: nil, environment: [:], file: nil)
        #expect(database == nil)
    }

    @Test("flag, then environment, then file, then default, for each setting")
    func precedence() throws {
        var file = try ConfigurationFile.parse(
            """
            databaseURL: postgres://file@filehost/db
            databasePoolSize: 7
            databaseWait: 2m
            """)
        let environment = [
            "LATCHKEY_DATABASE_URL": "postgres://env@envhost/db", "LATCHKEY_DATABASE_POOL_SIZE": "5",
            "LATCHKEY_DATABASE_WAIT": "0",
        ]
        let fromFile = try #require(
            try DatabaseSettings.resolve(url: nil, poolSize: nil, wait: nil, environment: [:], file: file))
        #expect(fromFile.url == "postgres://file@filehost/db")
        #expect(fromFile.poolSize == 7)
        #expect(fromFile.wait == .seconds(120))

        let fromEnvironment = try #require(
            try DatabaseSettings.resolve(url: nil, poolSize: nil, wait: nil, environment: environment, file: file))
        #expect(fromEnvironment.url == "postgres://env@envhost/db")
        #expect(fromEnvironment.poolSize == 5)
        #expect(fromEnvironment.wait == .zero)

        let fromFlags = try #require(
            try DatabaseSettings.resolve(
                url: Self.url, poolSize: "3", wait: "90s", environment: environment, file: file))
        #expect(fromFlags.url == Self.url)
        #expect(fromFlags.poolSize == 3)
        #expect(fromFlags.wait == .seconds(90))

        file = ConfigurationFile()
        let defaults = try #require(
            try DatabaseSettings.resolve(url: Self.url, poolSize: nil, wait: nil, environment: [:], file: file))
        #expect(defaults.poolSize == nil)
        #expect(defaults.wait == .seconds(60))
    }

    @Test(
        "bad values are refused with the setting's name",
        arguments: [
            ("mysql://root@localhost/db", nil, nil, "--database-url must be a URL like postgres://"),
            ("postgres://u@h/db x", nil, nil, "--database-url must not contain spaces"),
            (url, "0", nil, "--database-pool-size must be a whole number from 1 to 1000"),
            (url, "1001", nil, "--database-pool-size must be a whole number from 1 to 1000"),
            (url, "ten", nil, "--database-pool-size must be a whole number"),
            (url, nil, "-1", "--database-wait must be 0 or a duration"),
            (url, nil, "forever", "--database-wait must be 0 or a duration"),
            (nil, "abc", nil, "--database-pool-size must be a whole number"),
        ] as [(String?, String?, String?, String)])
    func badValues(url: String?, poolSize: String?, wait: String?, message: String) {
        #expect {
            try DatabaseSettings.resolve(url: url, poolSize: poolSize, wait: wait, environment: [:], file: nil)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test("a refused URL never shows its password")
    func refusedURLIsRedacted() {
        #expect {
            try DatabaseSettings.resolve(
                url: "mysql://root:hunter2@db/x", poolSize: nil, wait: nil, environment: [:], file: nil)
        } throws: { error in
            !"\(error)".contains("hunter2") && "\(error)".contains("***")
        }
    }

    @Test(
        "the configuration file's database keys are checked with their line",
        arguments: [
            ("databaseURL: http://x/y\n", 1, "databaseURL must be a URL like postgres://"),
            ("accounts: []\ndatabasePoolSize: 0\n", 2, "databasePoolSize must be a whole number from 1 to 1000"),
            ("databaseWait: soon\n", 1, "databaseWait must be 0 or a duration"),
        ])
    func fileErrors(text: String, line: Int, message: String) throws {
        do {
            _ = try ConfigurationFile.parse(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.line == line)
            #expect(error.message.hasPrefix(message))
        }
    }

    @Test(
        "redaction replaces the password, in the user part and as a parameter",
        arguments: [
            ("postgres://u:pw@h:5432/db", "postgres://u:***@h:5432/db"),
            ("postgres://u:p@ss@h/db", "postgres://u:***@h/db"),
            ("postgres://u@h/db?password=pw&sslmode=require", "postgres://u@h/db?password=***&sslmode=require"),
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("postgresql://h", "postgresql://h"),
        ])
    func redaction(url: String, redacted: String) {
        #expect(DatabaseSettings.redacted(url) == redacted)
    }

    @Test(
        "the host and port named in logs",
        arguments: [
            ("postgres://u:pw@db.internal:6543/x", "db.internal:6543"),
            ("postgres://u@db.internal/x", "db.internal:5432"),
            ("postgres://u@[::1]:6000/x", "[::1]:6000"),
            ("postgres://u:p@ss@10.0.0.1", "10.0.0.1:5432"),
        ])
    func endpoint(url: String, described: String) {
        #expect(DatabaseSettings.describeEndpoint(url) == described)
    }
}
