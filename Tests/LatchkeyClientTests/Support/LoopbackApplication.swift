import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// Runs `application` (built with an `onServerRunning`/`onListening` hook that feeds `ports`) until `body`
/// returns, then cancels it. `body` receives the bound loopback port.
func withRunningApplication<T: Sendable>(
    _ application: some ApplicationProtocol,
    ports: AsyncStream<Int>,
    _ body: (Int) async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await application.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            throw ClientTestFailure("the application stopped before it listened")
        }
        let result = try await body(port)
        group.cancelAll()
        return result
    }
}

/// A failure of the test scaffolding itself, with a message that says what to fix.
struct ClientTestFailure: Error, CustomStringConvertible {
    var description: String
    /// Whether a helper server could not have its port (another process took it first): worth a retry.
    var isPortTaken: Bool
    init(_ description: String, isPortTaken: Bool = false) {
        self.description = description
        self.isPortTaken = isPortTaken
    }
}

/// A quiet logger for servers under test.
func quietLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .critical
    return logger
}
