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
        // Generous limits for test stores: the contract suite races 20 serializable writers on a loaded 2-core machine,
        // where a 1.5 s deadline has been missed. The production deadline itself is tested (DeadlineAndRecoveryTests,
        // the interop fault tests) with its default.
        configuration.operationDeadline = .seconds(30)
        configuration.connectTimeout = .seconds(30)
        return configuration
    }

    /// How many stores made by ``withStore(_:_:)`` are open at once in this process. Swift Testing runs hundreds
    /// of store-contract cases in parallel; each opening a pool and migrating a schema at the same moment made the
    /// server (and this 2-core machine) take over 10 s per connect. The others wait for a slot.
    public static let concurrentStores = 6

    /// The pool size of a test store: enough for the contract suite's races, small enough for many processes.
    public static let poolSize = 4

    private static let slots = AsyncSlots(concurrentStores)

    /// A new store in a schema of its own, passed to `body`; the store is closed and the schema dropped afterwards.
    public static func withStore<T>(
        _ configure: (inout PostgresStore.Configuration) -> Void = { _ in },
        _ body: (PostgresStore) async throws -> T
    ) async throws -> T {
        var configuration = try configuration()
        configuration.maximumConnections = poolSize
        configure(&configuration)
        await slots.acquire()
        let store: PostgresStore
        do {
            store = try await PostgresStore.connect(configuration, logger: logger)
        } catch {
            try? await PostgresStore.dropSchema(configuration, logger: logger)
            await slots.release()
            throw error
        }
        do {
            let result = try await body(store)
            await store.close()
            try await PostgresStore.dropSchema(configuration, logger: logger)
            await slots.release()
            return result
        } catch {
            await store.close()
            try? await PostgresStore.dropSchema(configuration, logger: logger)
            await slots.release()
            throw error
        }
    }

    /// A new store in a schema of its own that lives as long as the process (the schema is left behind).
    public static func makeStore() async throws -> PostgresStore {
        var configuration = try configuration()
        configuration.maximumConnections = 2
        return try await PostgresStore.connect(configuration, logger: logger)
    }

    static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<16).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}

/// A counting semaphore for async code: at most `count` holders at once, the others wait in order.
actor AsyncSlots {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) {
        available = count
    }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { continuation in waiters.append(continuation) }
    }

    func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// The tests' PostgreSQL server is not configured.
public struct PostgresTestDatabaseError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
