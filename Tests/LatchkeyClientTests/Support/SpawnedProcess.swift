import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process started with `posix_spawn`, its standard output and error sent to a file (or `/dev/null`),
/// reaped by this code alone.
///
/// Not Foundation's `Process`: on Linux its `run()` lists `/proc/self/fd` and copies each entry's whole 256-byte
/// `d_name`, reading past the end of the directory buffer; in a test process that holds over a thousand descriptors
/// (hundreds of parallel tests, each with its SQLite files) that read crossed into unmapped memory and crashed the
/// whole test run with SIGSEGV.
final class SpawnedProcess: Sendable {
    let pid: pid_t
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable` (a path) with `arguments` and this process's environment; standard input is `/dev/null`,
    /// standard output and error go to `outputPath` (created or truncated) or to `/dev/null`.
    init(executable: String, arguments: [String], outputPath: String? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard result == 0 else {
            throw ClientTestFailure("could not start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// The exit status once the child has ended (128 + signal when a signal ended it), else nil. Never blocks.
    var exitStatus: Int32? {
        status.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            let signal = raw & 0x7f
            status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
            return status
        }
    }

    var isRunning: Bool { exitStatus == nil }

    /// Polls until the child ends and returns its exit status.
    func waitForExit() async -> Int32 {
        while true {
            if let exitStatus { return exitStatus }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// SIGKILL, then reaps the child.
    func terminate() {
        status.withLock { status in
            guard status == nil else { return }
            _ = kill(pid, SIGKILL)
            var raw: Int32 = 0
            _ = waitpid(pid, &raw, 0)
            status = 128 + SIGKILL
        }
    }

    /// Runs `executable` to completion; returns its exit status and its merged output.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let log = "/tmp/latchkey-child-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).log"
        defer { unlink(log) }
        let child = try SpawnedProcess(executable: executable, arguments: arguments, outputPath: log)
        let status = await child.waitForExit()
        return (status, readFile(log))
    }

    private static func readFile(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
