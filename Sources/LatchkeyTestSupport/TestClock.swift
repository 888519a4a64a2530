public import Foundation
import Synchronization

/// A clock the tests move by hand, handed to the code under test as its `clock:`/`now:`; expiry and TOTP tests
/// never sleep.
public final class TestClock: Sendable {
    /// 2025-06-15T15:06:40Z: 10 seconds into a TOTP step, on a weekday, far from any date boundary.
    public static let start = Date(timeIntervalSince1970: 1_750_000_000)

    private let current: Mutex<Date>

    public init(_ start: Date = TestClock.start) {
        current = Mutex(start)
    }

    /// The current time.
    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward (or back, with a negative interval).
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Sets the clock.
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }

    /// The closure the code under test reads.
    public var closure: @Sendable () -> Date { { [self] in self.now } }
}

/// A temporary folder, removed when the body returns or throws.
public func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Creates a fresh folder under the system's temporary folder and returns its path; the caller removes it.
func makeTemporaryDirectory() throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("latchkey-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
