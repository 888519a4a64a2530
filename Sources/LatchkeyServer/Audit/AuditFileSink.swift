import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The audit trail's JSON-lines file: appended to (created with mode 0600), rotated by size (`FILE` → `FILE.1` →
/// ... → `FILE.N`, the oldest deleted), or standard output for `-` (never rotated).
///
/// Writes run on a serial dispatch queue of their own, so a slow or stuck file (a full disk, a FIFO nobody reads)
/// never holds a thread of Swift's cooperative pool. A failed write closes the file; the next batch opens it again,
/// so a file that becomes writable again (space freed, a folder created) is picked up.
final class AuditFileSink: Sendable {
    struct Failure: Error, Equatable {
        var message: String
    }

    private struct State {
        /// The open descriptor, -1 when closed.
        var descriptor: Int32 = -1
        /// The file's size, for rotation.
        var size: Int64 = 0
    }

    let path: String
    let maxBytes: Int64
    let maxFiles: Int
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "latchkey.audit-log")

    var isStandardOutput: Bool { path == "-" }

    init(path: String, maxBytes: Int64, maxFiles: Int) {
        self.path = path
        self.maxBytes = maxBytes
        self.maxFiles = max(0, maxFiles)
    }

    /// Appends `text` (whole lines), rotating first when it would take the file past the size limit. Returns the
    /// number of rotations done.
    func write(_ text: String) async -> Result<Int, Failure> {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.writeNow(text))
            }
        }
    }

    /// Closes the file (at shutdown).
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.state.withLock { state in
                    if state.descriptor > 2 { _ = SystemCalls.close(state.descriptor) }
                    state.descriptor = -1
                }
                continuation.resume()
            }
        }
    }

    private func writeNow(_ text: String) -> Result<Int, Failure> {
        state.withLock { state in
            var rotations = 0
            let length = Int64(text.utf8.count)
            if !isStandardOutput, maxBytes > 0, state.descriptor >= 0, state.size > 0, state.size + length > maxBytes {
                if state.descriptor > 2 { _ = SystemCalls.close(state.descriptor) }
                state.descriptor = -1
                rotate()
                rotations = 1
            }
            if state.descriptor < 0 {
                switch open() {
                case .success(let (descriptor, size)):
                    state.descriptor = descriptor
                    state.size = size
                case .failure(let failure):
                    return .failure(failure)
                }
            }
            var text = text
            let written = text.withUTF8 { bytes -> Int32 in
                var offset = 0
                while offset < bytes.count {
                    let result = SystemCalls.write(
                        state.descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if result < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += result
                }
                return 0
            }
            guard written == 0 else {
                if state.descriptor > 2 { _ = SystemCalls.close(state.descriptor) }
                state.descriptor = -1
                return .failure(Failure(message: Self.describe(errno: written)))
            }
            state.size += length
            return .success(rotations)
        }
    }

    /// Opens the file for appending (creating it with mode 0600), with its current size.
    private func open() -> Result<(Int32, Int64), Failure> {
        if isStandardOutput { return .success((STDOUT_FILENO, 0)) }
        let descriptor = SystemCalls.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return .failure(Failure(message: Self.describe(errno: errno))) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let error = errno
            _ = SystemCalls.close(descriptor)
            return .failure(Failure(message: Self.describe(errno: error)))
        }
        if (info.st_mode & mode_t(S_IFMT)) == mode_t(S_IFREG) {
            // A file created by someone else (or an older run with another umask) is made private too.
            if info.st_mode & 0o077 != 0 { _ = fchmod(descriptor, 0o600) }
            return .success((descriptor, Int64(info.st_size)))
        }
        return .success((descriptor, 0))
    }

    /// `FILE.(N-1)` → `FILE.N`, ..., `FILE` → `FILE.1`; with no rotated files kept, `FILE` is deleted.
    private func rotate() {
        guard maxFiles > 0 else {
            _ = unlink(path)
            return
        }
        if maxFiles > 1 {
            for index in stride(from: maxFiles - 1, through: 1, by: -1) {
                _ = rename("\(path).\(index)", "\(path).\(index + 1)")
            }
        }
        _ = rename(path, "\(path).1")
    }

    static func describe(errno code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// The C calls whose Swift names clash with this file's methods.
private enum SystemCalls {
    static func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
        #if canImport(Darwin)
            Darwin.open(path, flags, mode)
        #elseif canImport(Musl)
            Musl.open(path, flags, mode)
        #else
            Glibc.open(path, flags, mode)
        #endif
    }

    static func write(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Darwin)
            Darwin.write(descriptor, bytes, count)
        #elseif canImport(Musl)
            Musl.write(descriptor, bytes, count)
        #else
            Glibc.write(descriptor, bytes, count)
        #endif
    }

    static func close(_ descriptor: Int32) -> Int32 {
        #if canImport(Darwin)
            Darwin.close(descriptor)
        #elseif canImport(Musl)
            Musl.close(descriptor)
        #else
            Glibc.close(descriptor)
        #endif
    }
}
