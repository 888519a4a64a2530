import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeySQLite
import LatchkeyServer
import LatchkeyTestSupport
import LatchkeyTokens
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Starting a server on a database that cannot be used, and with a master key the store was not sealed with:
/// a clear `StartupError`, retries only while the database is unreachable, and nothing written.
@Suite("Database start-up: unusable URLs, waiting for the database, the master-key check")
struct DatabaseStartupTests {
    static let otherMasterKey = Data((0..<32).map { UInt8(255 - $0) }).base64EncodedString()

    /// The log lines of a build, kept for the test to read.
    final class LogLines: Sendable {
        let lines = Mutex<[String]>([])

        var all: [String] { lines.withLock { $0 } }

        func logger() -> Logger {
            Logger(label: "latchkey-startup-test") { _ in Handler(sink: self) }
        }

        struct Handler: LogHandler {
            let sink: LogLines
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .info

            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }

            func log(event: LogEvent) {
                sink.lines.withLock { $0.append("\(event.level): \(event.message)") }
            }
        }
    }

    /// A loopback port nothing listens on (bound, then closed).
    static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Builds a server on `database` in a data folder that does not exist yet; returns the error and whether the
    /// folder was created.
    static func failedStart(
        _ database: ServerConfiguration.Database, masterKey: String? = otherMasterKey, logs: LogLines = LogLines()
    ) async throws -> (error: StartupError, createdDataFolder: Bool) {
        try await withTemporaryDirectory { parent in
            let dataDirectory = (parent as NSString).appendingPathComponent("data")
            let configuration = ServerConfiguration(
                host: "127.0.0.1", port: 0, dataDirectory: dataDirectory, masterKeyOverride: masterKey,
                logLevel: .critical, database: database)
            do {
                _ = try await LatchkeyApplication.build(configuration: configuration, logger: logs.logger())
                Issue.record("the server started")
                throw LoopbackServerFailure("started")
            } catch let error as StartupError {
                return (error, FileManager.default.fileExists(atPath: dataDirectory))
            }
        }
    }

    @Test(
        "a malformed URL is refused before anything is created, without the password",
        arguments: [
            "postgres://:hunter2@host/db",
            "postgres://user:hunter2@host:notaport/db",
            "postgres://user:hunter2@host/db?sslmode=sometimes",
            "postgres://user:hunter2@host/db?unknown=1",
            "postgres://user:hunter2@/db",
        ])
    func malformedURL(url: String) async throws {
        let (error, created) = try await Self.failedStart(.init(url: url, wait: .seconds(60)))
        #expect(error.message.hasPrefix("invalid database URL: "), "\(error)")
        #expect(!error.message.contains("hunter2"))
        #expect(!created)
        // Without a master key given, the key is not generated into a folder either.
        let (_, createdWithoutKey) = try await Self.failedStart(.init(url: url), masterKey: nil)
        #expect(!createdWithoutKey)
    }

    @Test("an unreachable database with --database-wait 0 fails at once, naming the host and port")
    func unreachableWithoutWaiting() async throws {
        let port = try Self.closedPort()
        let logs = LogLines()
        let (error, created) = try await Self.failedStart(
            .init(url: "postgres://latchkey:hunter2@127.0.0.1:\(port)/latchkey", wait: .zero), masterKey: nil,
            logs: logs)
        #expect(error.message.contains("PostgreSQL at 127.0.0.1:\(port)/latchkey is unreachable"), "\(error)")
        #expect(error.message.contains("not waiting (--database-wait 0)"))
        #expect(!error.message.contains("hunter2"))
        #expect(!created)
        #expect(!logs.all.contains { $0.contains("retrying") })
        #expect(!logs.all.contains { $0.contains("hunter2") })
    }

    @Test("an unreachable database is retried with a doubling, capped delay, each attempt logged, until the wait ends")
    func unreachableRetried() async throws {
        let port = try Self.closedPort()
        let logs = LogLines()
        let started = ContinuousClock.now
        // A refused connection fails at once on a quiet machine; in a parallel test run one attempt has been seen to
        // take many seconds (27 s once, connect_timeout=2 notwithstanding, with a CI build beside it), so each
        // attempt is bounded (connect_timeout) and the wait leaves room for several.
        let (error, created) = try await Self.failedStart(
            .init(
                url: "postgres://latchkey:hunter2@127.0.0.1:\(port)/latchkey?connect_timeout=2", wait: .seconds(45),
                backoff: .init(initial: .milliseconds(100), maximum: .milliseconds(400))),
            logs: logs)
        let elapsed = ContinuousClock.now - started
        print("DatabaseStartupTests: gave up after \(elapsed) (wait 45 s)")
        #expect(error.message.contains("is still unreachable after"), "\(error)")
        #expect(error.message.contains("(--database-wait)"))
        #expect(!created)
        let retries = logs.all.filter { $0.contains("database unreachable at 127.0.0.1:\(port), retrying in") }
        #expect(retries.count >= 2, "\(logs.all)")
        // 100 ms doubling to 400 ms; the last pause may be cut short by the end of the wait.
        let delays = retries.map { String($0.split(separator: " ").last ?? "") }
        let expected = ["100ms", "200ms"] + Array(repeating: "400ms", count: max(0, delays.count - 2))
        #expect(Array(delays.dropLast()) == Array(expected.prefix(max(0, delays.count - 1))), "\(retries)")
        #expect(!logs.all.contains { $0.contains("hunter2") })
        #expect(elapsed >= .seconds(45))
    }

    @Test(
        "a database that does not exist is refused at once, not retried",
        .enabled(if: ProcessInfo.processInfo.environment["LATCHKEY_TEST_DATABASE_URL"] != nil))
    func missingDatabase() async throws {
        let server = try #require(ProcessInfo.processInfo.environment["LATCHKEY_TEST_DATABASE_URL"])
        var components = try #require(URLComponents(string: server))
        components.path = "/latchkey_missing_\(UInt32.random(in: 0...UInt32.max))"
        let url = try #require(components.string)
        let logs = LogLines()
        let (error, created) = try await Self.failedStart(.init(url: url, wait: .seconds(60)), logs: logs)
        #expect(error.message.hasPrefix("cannot use the PostgreSQL at "), "\(error)")
        #expect(error.message.contains("3D000"), "\(error)")
        #expect(!created)
        #expect(!logs.all.contains { $0.contains("retrying") }, "\(logs.all)")
    }

    @Test("a restart with another master key is refused with a clear message, and writes nothing")
    func wrongMasterKeyOnSQLite() async throws {
        try await withTemporaryDirectory { directory in
            try await LoopbackServer.run(dataDirectory: directory) { _ in }
            let storePath = (directory as NSString).appendingPathComponent(LatchkeyApplication.databaseFileName)
            let keyFile = (directory as NSString).appendingPathComponent("master.key")
            let firstKey = try MasterKey(
                base64: String(decoding: try #require(FileManager.default.contents(atPath: keyFile)), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines))
            let before = try #require(
                FileManager.default.attributesOfItem(atPath: storePath)[.modificationDate] as? Date)

            await #expect {
                try await LoopbackServer.run(dataDirectory: directory, masterKey: Self.otherMasterKey) { _ in }
            } throws: { error in
                (error as? StartupError)?.message.hasPrefix(
                    "the master key does not match the one this store was sealed with (key from LATCHKEY_MASTER_KEY)")
                    == true
            }
            let store = try SQLiteIdentityStore(path: storePath)
            let check = try #require(try await store.storeSetting(StoreSettingName.masterKeyCheck))
            #expect(firstKey.matchesCheckValue(check))
            let after = try #require(
                FileManager.default.attributesOfItem(atPath: storePath)[.modificationDate] as? Date)
            #expect(before == after)
            // The right key still starts.
            try await LoopbackServer.run(dataDirectory: directory) { _ in }
        }
    }

    @Test("a store from before the check: a key that cannot open its secrets is refused; the right one is recorded")
    func storeFromBeforeTheCheck() async throws {
        try await withTemporaryDirectory { directory in
            let storePath = (directory as NSString).appendingPathComponent(LatchkeyApplication.databaseFileName)
            let sealingKey = MasterKey.generate()
            do {
                // What an older Latchkey left: an account and its root key sealed, and no check value.
                let store = try SQLiteIdentityStore(path: storePath)
                _ = try await Provisioner(store: store, secretBox: SecretBox(masterKey: sealingKey))
                    .createFirstAccountIfEmpty(now: Date())
                #expect(try await store.storeSetting(StoreSettingName.masterKeyCheck) == nil)
                try store.close()
            }
            await #expect {
                try await LoopbackServer.run(dataDirectory: directory, masterKey: Self.otherMasterKey) { _ in }
            } throws: { error in
                (error as? StartupError)?.message.hasPrefix("the master key does not match") == true
            }
            let reopened = try SQLiteIdentityStore(path: storePath)
            #expect(try await reopened.storeSetting(StoreSettingName.masterKeyCheck) == nil)
            #expect(
                !FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("master.key")))

            try await LoopbackServer.run(dataDirectory: directory, masterKey: sealingKey.base64) { _ in }
            let recorded = try #require(try await reopened.storeSetting(StoreSettingName.masterKeyCheck))
            #expect(sealingKey.matchesCheckValue(recorded))
        }
    }
}
