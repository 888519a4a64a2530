import Foundation
import NIOCore
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the server refused to start, in a sentence that names the port or the folder. Thrown before anything is
/// written to the store.
public struct StartupError: Error, Sendable, CustomStringConvertible {
    /// The sentence shown to the operator, e.g. `port 8080 is already in use on 127.0.0.1`.
    public let message: String

    public var description: String { message }

    /// The startup error for a failed bind of the listening socket (the server's own bind, which can still lose a
    /// race against another process after ``StartupGuards/checkPortIsFree(host:port:)`` passed), or nil when
    /// `error` is not about the address being taken.
    public static func bindFailure(_ error: any Error, host: String, port: Int) -> StartupError? {
        guard let error = error as? IOError, error.errnoCode == EADDRINUSE else { return nil }
        return StartupError(message: "port \(port) is already in use on \(host)")
    }
}

/// The checks `LatchkeyApplication.build` makes before it touches the data folder.
public enum StartupGuards {
    /// Fails when `host:port` cannot be bound, typically because another server listens there. The probe binds
    /// the address the way the server will (first resolved address, `SO_REUSEADDR`, so a port in TIME_WAIT is free)
    /// and closes it at once. Port 0 always succeeds.
    public static func checkPortIsFree(host: String, port: Int) throws(StartupError) {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
            hints.ai_socktype = SOCK_STREAM
        #else
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var resolved: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &resolved) == 0, let address = resolved else {
            throw StartupError(message: "cannot listen on \(host):\(port): the host does not resolve")
        }
        defer { freeaddrinfo(resolved) }
        let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
        guard descriptor >= 0 else {
            throw StartupError(message: "cannot listen on \(host):\(port): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            let code = errno
            if code == EADDRINUSE { throw StartupError(message: "port \(port) is already in use on \(host)") }
            throw StartupError(message: "cannot listen on \(host):\(port): \(String(cString: strerror(code)))")
        }
    }
}

/// An exclusive `flock` on `<data-dir>/latchkey.lock`, held as long as this object lives: two servers on one data
/// folder would each cache the store and overwrite each other's changes, so the second is refused.
///
/// `flock` locks belong to the open file, so a second server in the same process is refused too; the kernel drops
/// the lock when the process dies, so a crash never leaves a stale lock behind. The file holds the owner's PID, for
/// the message only.
public final class DataDirectoryLock: Sendable {
    /// The lock file inside the data folder.
    public static let fileName = "latchkey.lock"

    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Takes the lock of `directory` (which must exist), or throws a ``StartupError`` naming the folder.
    public static func acquire(directory: String) throws(StartupError) -> DataDirectoryLock {
        let path = (directory as NSString).appendingPathComponent(fileName)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StartupError(message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let owner = Self.recordedOwner(descriptor)
            close(descriptor)
            if code == EWOULDBLOCK {
                let by = owner.map { " (pid \($0))" } ?? ""
                throw StartupError(
                    message: "the data folder \(directory) is already in use by another latchkey server\(by)")
            }
            throw StartupError(message: "cannot lock \(path): \(String(cString: strerror(code)))")
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 {
            _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
        return DataDirectoryLock(descriptor: descriptor)
    }

    private static func recordedOwner(_ descriptor: Int32) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Keeps the data-folder lock alive for as long as the application (and its service group) lives.
struct DataDirectoryLockHolder: Service {
    /// Nil when the server takes no lock (a PostgreSQL store).
    let lock: DataDirectoryLock?

    func run() async throws {
        try? await gracefulShutdown()
        withExtendedLifetime(lock) {}
    }
}
