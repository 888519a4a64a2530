import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a program without a shell, bounded in time and in how much of its output is kept.
///
/// The output pipes are read without blocking while the program runs, so a program that writes a lot cannot
/// stall, and a grandchild that keeps a pipe open cannot hang the read after the program exits.
enum ProcessRunner {
    struct Output {
        var status: Int32
        var standardOutput: [UInt8]
        /// At most `errorLimit` bytes of standard error.
        var standardError: [UInt8]
    }

    static func run(
        _ arguments: [String], environment: [String: String], timeout: Duration, outputLimit: Int,
        errorLimit: Int
    ) async throws -> Output {
        guard let program = arguments.first else {
            throw CredentialProviderError(.credentialProcessFailed, "credential_process is empty")
        }
        let executable = try resolveExecutable(program, environment: environment)
        let child = try SpawnedChild(executable: executable, arguments: arguments, environment: environment)
        defer { child.closePipes() }

        var output: [UInt8] = []
        var errorText: [UInt8] = []
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let status = child.exitStatus()
            drain(child.outputDescriptor, into: &output, keepAtMost: outputLimit + 1)
            drain(child.errorDescriptor, into: &errorText, keepAtMost: errorLimit)
            if output.count > outputLimit {
                child.terminate()
                throw CredentialProviderError(
                    .credentialProcessFailed,
                    "credential_process \(program) wrote more than \(outputLimit) bytes")
            }
            if let status {
                return Output(status: status, standardOutput: output, standardError: errorText)
            }
            if ContinuousClock.now >= deadline {
                child.terminate()
                throw CredentialProviderError(
                    .credentialProcessFailed, "credential_process \(program) did not finish within \(timeout)"
                )
            }
            do {
                try await Task.sleep(for: .milliseconds(10))
            } catch {
                child.terminate()
                throw error
            }
        }
    }

    /// Reads what is available now from a non-blocking descriptor, keeping at most `limit` bytes in total
    /// (the rest is read and dropped so the writer never blocks).
    private static func drain(_ descriptor: Int32, into buffer: inout [UInt8], keepAtMost limit: Int) {
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                let room = max(0, limit - buffer.count)
                buffer.append(contentsOf: chunk[..<min(count, room)])
                continue
            }
            if count < 0 && errno == EINTR { continue }
            return  // 0: end of file; -1 with EAGAIN: nothing more now
        }
    }

    /// `program` itself when it contains a `/`, else the first executable of that name on `PATH`.
    static func resolveExecutable(_ program: String, environment: [String: String]) throws -> String {
        if program.contains("/") { return program }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate =
                directory.hasSuffix("/") ? "\(directory)\(program)" : "\(directory)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw CredentialProviderError(
            .credentialProcessFailed, "credential_process \(program) is not on PATH")
    }
}

/// A child started with `posix_spawn`, its standard output and error on non-blocking pipes, reaped by this
/// code alone with `waitpid(WNOHANG)` (Foundation's `Process` can miss a child's exit when many run at once).
private final class SpawnedChild {
    let pid: pid_t
    let outputDescriptor: Int32
    let errorDescriptor: Int32
    private var reaped = false

    init(executable: String, arguments: [String], environment: [String: String]) throws {
        var outputPipe: [Int32] = [-1, -1]
        var errorPipe: [Int32] = [-1, -1]
        guard pipe(&outputPipe) == 0 else { throw Self.failure(executable, "pipe failed") }
        guard pipe(&errorPipe) == 0 else {
            close(outputPipe[0])
            close(outputPipe[1])
            throw Self.failure(executable, "pipe failed")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        for descriptor in outputPipe + errorPipe { posix_spawn_file_actions_addclose(&actions, descriptor) }

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(outputPipe[1])
        close(errorPipe[1])
        guard result == 0 else {
            close(outputPipe[0])
            close(errorPipe[0])
            throw Self.failure(executable, String(cString: strerror(result)))
        }
        self.pid = pid
        self.outputDescriptor = outputPipe[0]
        self.errorDescriptor = errorPipe[0]
        _ = fcntl(outputDescriptor, F_SETFL, O_NONBLOCK)
        _ = fcntl(errorDescriptor, F_SETFL, O_NONBLOCK)
    }

    /// The exit status once the child has ended (128 + signal when a signal ended it), else nil.
    func exitStatus() -> Int32? {
        guard !reaped else { return nil }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        reaped = true
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Kills the child and reaps it.
    func terminate() {
        guard !reaped else { return }
        _ = kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        reaped = true
    }

    func closePipes() {
        close(outputDescriptor)
        close(errorDescriptor)
        terminate()
    }

    private static func failure(_ executable: String, _ reason: String) -> CredentialProviderError {
        CredentialProviderError(.credentialProcessFailed, "credential_process \(executable) could not start: \(reason)")
    }
}
