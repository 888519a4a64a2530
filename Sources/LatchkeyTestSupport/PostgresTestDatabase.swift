public import LatchkeyPostgres
public import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The PostgreSQL server the tests use, named by `LATCHKEY_TEST_DATABASE_URL`; every test store gets a schema of
/// its own (`lk_<random>`, the connections' `search_path`), dropped afterwards.
public enum PostgresTestDatabase {
    /// The environment variable naming the server.
    public static let environmentVariable = "LATCHKEY_TEST_DATABASE_URL"

    /// The server's URL, or nil when the variable is unset or empty.
    public static var url: String? {
        guard let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty else { return nil }
        return value
    }

    /// Whether the tests run in CI (`CI=true`), where the PostgreSQL server is always provided.
    public static var isCI: Bool {
        ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"
    }

    /// Whether PostgreSQL cases run: when the server is named, and in CI (where a missing server must fail).
    public static var isEnabled: Bool { url != nil || isCI }

    /// A quiet logger for test stores (warnings and errors only).
    public static var logger: Logger {
        var logger = Logger(label: "latchkey.test.postgres")
        logger.logLevel = .warning
        return logger
    }

    /// The server's configuration with a new random schema name.
    public static func configuration() throws -> PostgresStore.Configuration {
        guard let url else {
            throw PostgresTestDatabaseError(
                "\(environmentVariable) is not set: the PostgreSQL store tests need a server (CI=true always "
                    + "provides one; set it to e.g. postgres://postgres@127.0.0.1:55432/postgres)")
        }
        var configuration = try PostgresStore.Configuration(url: url)
        configuration.schema = "lk_" + randomSuffix()
        return configuration
    }

    /// A new store in a schema of its own, passed to `body`; the store is closed and the schema dropped afterwards.
    public static func withStore<T>(
        _ configure: (inout PostgresStore.Configuration) -> Void = { _ in },
        _ body: (PostgresStore) async throws -> T
    ) async throws -> T {
        var configuration = try configuration()
        configure(&configuration)
        let store = try await PostgresStore.connect(configuration, logger: logger)
        do {
            let result = try await body(store)
            await store.close()
            try await PostgresStore.dropSchema(configuration, logger: logger)
            return result
        } catch {
            await store.close()
            try? await PostgresStore.dropSchema(configuration, logger: logger)
            throw error
        }
    }

    /// A new store in a schema of its own that lives as long as the process (the schema is left behind).
    public static func makeStore() async throws -> PostgresStore {
        try await PostgresStore.connect(try configuration(), logger: logger)
    }

    static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<16).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}

/// The tests' PostgreSQL server is not configured.
public struct PostgresTestDatabaseError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
