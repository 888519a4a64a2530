import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// moto's server (`moto_server`) as a child process on a free loopback port, installed into the repository's
/// `.venv` when it is missing.
///
/// Where it comes from, in order: the `MOTO_SERVER` environment variable (a `moto_server` executable),
/// `.venv/bin/moto_server` at the repository root, `.venv/bin/python -m moto.server` when that Python can import
/// moto (a venv made with `--system-site-packages`), else a new `.venv` (`python3 -m venv`) with
/// `pip install 'moto[server]'`. When none of this works the test fails with the reason.
struct MotoServer {
    let endpoint: String

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Starts moto, waits until it answers HTTP as moto, runs `body`, and terminates it.
    ///
    /// The port is free when chosen, but another test's server (tests run in parallel) can take it before moto binds
    /// it: moto then exits, and the start is retried on another port. Readiness is moto's own JSON answer, so a
    /// different server on the port is never mistaken for moto.
    static func run<T>(_ body: (String) async throws -> T) async throws -> T {
        let command = try await locate()
        var failures: [String] = []
        for _ in 1...5 {
            let port = try await freePort(python: command.python)
            let process = try SpawnedProcess(
                executable: command.executable,
                arguments: command.arguments + ["-H", "127.0.0.1", "-p", String(port)])
            // moto's server does not stop on SIGTERM while a request thread lingers: kill it outright.
            defer { process.terminate() }
            let endpoint = "http://127.0.0.1:\(port)"
            do {
                try await waitUntilAnswering(endpoint, process: process)
            } catch let failure as ClientTestFailure where failure.isPortTaken {
                failures.append(failure.description)
                continue
            }
            return try await body(endpoint)
        }
        throw ClientTestFailure("moto_server could not start on a free port: \(failures.joined(separator: "; "))")
    }

    struct Command {
        var executable: String
        var arguments: [String]
        var python: String
    }

    static func locate() async throws -> Command {
        let venv = repositoryRoot.appendingPathComponent(".venv/bin")
        let python = venv.appendingPathComponent("python").path
        if let explicit = ProcessInfo.processInfo.environment["MOTO_SERVER"], !explicit.isEmpty {
            return Command(executable: explicit, arguments: [], python: "/usr/bin/env")
        }
        let script = venv.appendingPathComponent("moto_server").path
        if FileManager.default.isExecutableFile(atPath: script) {
            return Command(executable: script, arguments: [], python: python)
        }
        if FileManager.default.isExecutableFile(atPath: python),
            try await runProcess(python, ["-c", "import moto.server"]).status == 0
        {
            return Command(executable: python, arguments: ["-m", "moto.server"], python: python)
        }
        // Install: a venv at the repository root, then moto with its server extras.
        if !FileManager.default.isExecutableFile(atPath: python) {
            let created = try await runProcess(
                "/usr/bin/env", ["python3", "-m", "venv", repositoryRoot.appendingPathComponent(".venv").path])
            guard created.status == 0 else {
                throw ClientTestFailure(
                    "moto_server is missing and `python3 -m venv .venv` failed: \(created.output.suffix(500))")
            }
        }
        let installed = try await runProcess(venv.appendingPathComponent("pip").path, ["install", "moto[server]"])
        guard installed.status == 0 else {
            throw ClientTestFailure(
                "moto_server is missing and `pip install 'moto[server]'` failed: \(installed.output.suffix(500))")
        }
        if FileManager.default.isExecutableFile(atPath: script) {
            return Command(executable: script, arguments: [], python: python)
        }
        guard try await runProcess(python, ["-c", "import moto.server"]).status == 0 else {
            throw ClientTestFailure("moto was installed into .venv but `import moto.server` still fails")
        }
        return Command(executable: python, arguments: ["-m", "moto.server"], python: python)
    }

    /// A port nothing listens on right now, from the OS.
    static func freePort(python: String) async throws -> Int {
        let arguments = [
            "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()",
        ]
        let result =
            python == "/usr/bin/env"
            ? try await runProcess(python, ["python3"] + arguments) : try await runProcess(python, arguments)
        guard result.status == 0, let port = Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ClientTestFailure("could not find a free port: \(result.output)")
        }
        return port
    }

    /// Polls until moto answers its own JSON API (it takes a second or two to import), at most 120 s. A server that
    /// answers something else, or moto exiting (it could not bind the port), means the port was taken.
    static func waitUntilAnswering(_ endpoint: String, process: SpawnedProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let status = process.exitStatus {
                throw ClientTestFailure("moto_server exited with \(status)", isPortTaken: true)
            }
            var request = HTTPClientRequest(url: endpoint + "/moto-api/data.json")
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)) {
                let body = (try? await response.body.collect(upTo: 16 << 20)).map { String(buffer: $0) } ?? ""
                guard response.status == .ok, body.hasPrefix("{") else {
                    throw ClientTestFailure(
                        "\(endpoint) answered \(response.status.code) without moto's JSON: another server has the port",
                        isPortTaken: true)
                }
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ClientTestFailure("moto_server did not answer on \(endpoint) within 120 s")
    }

    /// Runs a program to completion; returns its exit status and its merged output.
    static func runProcess(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String)
    {
        try await SpawnedProcess.run(executable, arguments)
    }
}
