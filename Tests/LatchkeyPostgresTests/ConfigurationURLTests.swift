import LatchkeyPostgres
import Testing

/// `PostgresStore.Configuration(url:)`: libpq's URL spelling, and errors that name the problem without the password.
@Suite struct ConfigurationURLTests {
    @Test("a full URL: user, password, host, port, database, sslmode and sslrootcert")
    func fullURL() throws {
        let configuration = try PostgresStore.Configuration(
            url: "postgres://latchkey:s3cret@db.example.com:6543/iam?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        #expect(configuration.username == "latchkey")
        #expect(configuration.password == "s3cret")
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.database == "iam")
        #expect(configuration.sslMode == .verifyFull)
        #expect(configuration.sslRootCertificatePath == "/etc/ca.pem")
        #expect(!configuration.redactedURL.contains("s3cret"))
        #expect(configuration.redactedURL.contains(":***@"))
    }

    @Test("defaults: port 5432, sslmode prefer, the database named after the user, no password")
    func defaults() throws {
        let configuration = try PostgresStore.Configuration(url: "postgresql://alice@localhost")
        #expect(configuration.port == 5432)
        #expect(configuration.sslMode == .prefer)
        #expect(configuration.database == "alice")
        #expect(configuration.password == nil)
        #expect(configuration.sslRootCertificatePath == nil)
        #expect(configuration.maximumConnections == 10)
        #expect(configuration.operationDeadline == .milliseconds(1500))
    }

    @Test("user, password and database are percent-decoded; a password may hold ':' and an unencoded '@'")
    func percentDecoding() throws {
        let configuration = try PostgresStore.Configuration(
            url: "postgres://us%40er:p%3Aa%2Fss@word@127.0.0.1:55432/my%20db")
        #expect(configuration.username == "us@er")
        #expect(configuration.password == "p:a/ss@word")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.database == "my db")
    }

    @Test("an IPv6 host in brackets, with and without a port")
    func ipv6() throws {
        let withPort = try PostgresStore.Configuration(url: "postgres://u@[::1]:5433/d")
        #expect(withPort.host == "::1")
        #expect(withPort.port == 5433)
        let withoutPort = try PostgresStore.Configuration(url: "postgres://u@[fe80::1]/d")
        #expect(withoutPort.host == "fe80::1")
        #expect(withoutPort.port == 5432)
    }

    @Test(
        "every libpq sslmode Latchkey supports",
        arguments: [
            ("disable", PostgresStore.Configuration.SSLMode.disable), ("prefer", .prefer), ("require", .require),
            ("verify-ca", .verifyCA), ("verify-full", .verifyFull),
        ])
    func sslModes(text: String, mode: PostgresStore.Configuration.SSLMode) throws {
        let configuration = try PostgresStore.Configuration(url: "postgres://u@h/d?sslmode=\(text)")
        #expect(configuration.sslMode == mode)
    }

    @Test("connect_timeout and application_name are read")
    func otherParameters() throws {
        let configuration = try PostgresStore.Configuration(
            url: "postgres://u@h/d?connect_timeout=3&application_name=node%201")
        #expect(configuration.connectTimeout == .seconds(3))
        #expect(configuration.applicationName == "node 1")
    }

    @Test(
        "a malformed URL is refused with a message naming what is wrong",
        arguments: [
            ("mysql://u:pw@h/d", "postgres://"),
            ("postgres://h/d", "no user"),
            ("postgres://:pw@h/d", "no user"),
            ("postgres://u:pw@/d", "no host"),
            ("postgres://u:pw@h:0/d", "port"),
            ("postgres://u:pw@h:65536/d", "port"),
            ("postgres://u:pw@h:54x2/d", "port"),
            ("postgres://u:pw@h:/d", "port"),
            ("postgres://u:pw@[::1/d", "IPv6"),
            ("postgres://u:pw@h/d?sslmode=allow", "sslmode"),
            ("postgres://u:pw@h/d?sslmode=", "sslmode"),
            ("postgres://u:pw@h/d?sslmod=require", "unknown query parameter \"sslmod\""),
            ("postgres://u:pw@h/d?sslmode", "no value"),
            ("postgres://u:pw@h/d?sslrootcert=", "sslrootcert"),
            ("postgres://u:pw@h/d?connect_timeout=soon", "connect_timeout"),
            ("postgres://u%4@h/d", "user name"),
            ("postgres://u:p%zzw@h/d", "password"),
            ("postgres://u:pw@h/a%2Fb", "database name"),
            ("postgres://u:pw@h/%FF", "database name"),
        ])
    func malformed(url: String, expected: String) {
        #expect {
            try PostgresStore.Configuration(url: url)
        } throws: { error in
            guard let error = error as? PostgresURLError else { return false }
            return error.description.contains(expected)
        }
    }

    @Test(
        "no error message quotes the password",
        arguments: [
            "postgres://u:Hunter2Secret@/d", "postgres://u:Hunter2Secret@h:99999/d",
            "postgres://u:Hunter2Secret%zz@h/d", "postgres://u:Hunter2Secret@h/d?sslmode=bogus",
            "postgres://u:Hunter2Secret@h/d?x=1", "postgres://u:Hunter2Secret@[::1/d",
        ])
    func passwordNeverInMessages(url: String) throws {
        do {
            _ = try PostgresStore.Configuration(url: url)
            Issue.record("\(url) was accepted")
        } catch {
            #expect(!"\(error)".contains("Hunter2Secret"))
        }
    }
}
