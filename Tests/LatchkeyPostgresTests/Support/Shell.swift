import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A test failure with a message.
struct PostgresTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `/bin/bash -c script` with `posix_spawn` (not Foundation's `Process`: see
/// `Tests/LatchkeyClientTests/Support/SpawnedProcess.swift` for why), waits for it by polling, and returns its exit
/// status and its output (standard output and error, through a file).
func runShell(_ script: String) async throws -> (status: Int32, output: String) {
    let outputPath = NSTemporaryDirectory() + "latchkey-pg-shell-\(UUID().uuidString).log"
    defer { unlink(outputPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let words: [String] = ["/bin/bash", "-c", script]
    let argv = words.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, "/bin/bash", &actions, nil, argv, environ)
    guard result == 0 else {
        throw PostgresTestFailure("could not start /bin/bash: \(String(cString: strerror(result)))")
    }
    var raw: Int32 = 0
    while waitpid(pid, &raw, WNOHANG) != pid {
        try? await Task.sleep(for: .milliseconds(20))
    }
    let signal = raw & 0x7f
    let status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    return (status, output)
}

/// A throw-away PostgreSQL cluster of the test's own (`scripts/postgres-cluster`), which the test may stop, freeze
/// and start again on the same port; removed by ``remove()``.
struct PrivateCluster {
    let directory: String
    let url: String
    let port: Int

    /// The repository's root (this file is Tests/LatchkeyPostgresTests/Support/Shell.swift).
    static var repositoryRoot: String {
        var path = #filePath
        for _ in 0..<4 { path = (path as NSString).deletingLastPathComponent }
        return path
    }

    static func start() async throws -> PrivateCluster {
        let directory = "/tmp/latchkey-pg-private-\(UUID().uuidString.prefix(8))"
        let (status, output) = try await runShell(
            "'\(repositoryRoot)/scripts/postgres-cluster' start '\(directory)' 2>&1 | tail -n 1")
        let url = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0, url.hasPrefix("postgres://"),
            let portText = url.split(separator: ":").last?.split(separator: "/").first, let port = Int(portText)
        else {
            throw PostgresTestFailure("scripts/postgres-cluster start failed (\(status)): \(output)")
        }
        return PrivateCluster(directory: directory, url: url, port: port)
    }

    /// Runs a PostgreSQL command as the user that may run it (`postgres` when this process is root).
    private var asPostgres: String { geteuid() == 0 ? "runuser -u postgres --" : "" }

    private var binDirectory: String {
        "$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    }

    /// Stops the server (`pg_ctl -m fast`): new connections are refused, open ones closed.
    func stop() async throws {
        let (status, output) = try await runShell(
            "'\(Self.repositoryRoot)/scripts/postgres-cluster' stop '\(directory)'")
        guard status == 0 else { throw PostgresTestFailure("stopping the private cluster failed: \(output)") }
    }

    /// Starts the stopped server again on the same port.
    func restart() async throws {
        let script = """
            \(asPostgres) "\(binDirectory)/pg_ctl" -D '\(directory)/data' -l '\(directory)/postgres.log' -w -t 60 -s \
                -o "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start
            """
        let (status, output) = try await runShell(script)
        guard status == 0 else { throw PostgresTestFailure("restarting the private cluster failed: \(output)") }
    }

    /// Suspends (SIGSTOP) or resumes (SIGCONT) every process of the server: connections are accepted by the kernel
    /// but nothing answers, as with a host that hangs.
    func signalAll(_ signal: String) async throws {
        let script = """
            pid=$(head -n 1 '\(directory)/data/postmaster.pid')
            kill -\(signal) $(pgrep -P "$pid") "$pid"
            """
        let (status, output) = try await runShell(script)
        guard status == 0 else { throw PostgresTestFailure("kill -\(signal) failed: \(output)") }
    }

    func remove() async {
        try? await signalAll("CONT")
        _ = try? await runShell(
            "'\(Self.repositoryRoot)/scripts/postgres-cluster' stop '\(directory)'; rm -rf '\(directory)'")
    }
}
