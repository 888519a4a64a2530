import Foundation
import LatchkeyTestSupport
import Testing

@testable import LatchkeyClient

@Suite struct ProcessCredentialProviderTests {
    private func profile(_ name: String, clock: TestClock = TestClock()) throws
        -> ProfileCredentialProvider
    {
        try ProfileCredentialProvider(
            profileName: name, environment: ProfileFixtures.environment(config: "process-config"),
            calls: RecordingSTS(clock: clock).stsCalls, now: clock.function)
    }

    @Test("A script's JSON with session token and expiration becomes temporary credentials")
    func scriptOutput() async throws {
        let credentials = try await profile("script").credentials()
        #expect(
            credentials
                == AWSCredentials(
                    accessKeyId: "ASIAPROCESSSCRIPT001", secretAccessKey: "script-secret",
                    sessionToken: "script-session-token",
                    expiration: Date(timeIntervalSince1970: 1_893_553_445)))
    }

    @Test("A non-zero exit is an error quoting the status and standard error")
    func nonZeroExit() async throws {
        let provider = try profile("failing")
        let error = await #expect(throws: CredentialProviderError.self) {
            try await provider.credentials()
        }
        #expect(error?.code == .credentialProcessFailed)
        #expect(error?.message.contains("status 3") == true)
        #expect(error?.message.contains("token expired, run login") == true)
    }

    @Test(
        "Output that is not a version-1 credentials document is rejected",
        arguments: ["garbage", "version2"])
    func malformedOutputIsRejected(profileName: String) async throws {
        let provider = try profile(profileName)
        await #expect(throws: CredentialProviderError(.malformedCredentialProcessOutput, "")) {
            try await provider.credentials()
        }
    }

    @Test("A program that is not on PATH is an error naming it")
    func missingProgram() async throws {
        let provider = try profile("missingprogram")
        let error = await #expect(throws: CredentialProviderError.self) {
            try await provider.credentials()
        }
        #expect(error?.code == .credentialProcessFailed)
        #expect(error?.message.contains("latchkey-no-such-program-here") == true)
    }

    // The outcome proves the timeout: without it the program would run for 120 s and then exit successfully with
    // no credentials, a different error. No wall-clock bound decides the test (a loaded machine is slow, not
    // wrong); the time limit only stops a hang.
    @Test("A program that runs past the timeout is killed and reported", .timeLimit(.minutes(10)))
    func timeoutIsEnforced() async throws {
        let provider = ProcessCredentialProvider(
            command: "/bin/sh -c 'sleep 120'", environment: ["PATH": "/usr/bin:/bin"],
            timeout: .milliseconds(200))
        let error = await #expect(throws: CredentialProviderError.self) {
            try await provider.credentials()
        }
        #expect(error?.message.contains("did not finish") == true)
    }

    @Test("Standard output beyond the limit is rejected")
    func outputIsBounded() async throws {
        let provider = ProcessCredentialProvider(
            command: "/bin/sh -c 'head -c 200000 /dev/zero'", environment: ["PATH": "/usr/bin:/bin"])
        let error = await #expect(throws: CredentialProviderError.self) {
            try await provider.credentials()
        }
        #expect(error?.message.contains("more than") == true)
    }

    @Test(
        "Credentials with an Expiration are refreshed by running the program again, others are kept")
    func expiringCredentialsAreRefreshed() async throws {
        let folder = try ProfileFixtures.directory()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lk-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let runs = scratch.appendingPathComponent("runs").path
        let clock = TestClock(Date(timeIntervalSince1970: 1_893_553_445 - 3600))
        let provider = ProcessCredentialProvider(
            command:
                "/bin/sh -c 'echo run >> \"$0\"; cat \"$1\"' '\(runs)' '\(folder)/process-output.json'",
            environment: ["PATH": "/usr/bin:/bin"], now: clock.function)
        func runCount() throws -> Int {
            try String(contentsOfFile: runs, encoding: .utf8).split(separator: "\n").count
        }
        _ = try await provider.credentials()
        _ = try await provider.credentials()
        #expect(try runCount() == 1)
        clock.advance(by: 3600 - 200)
        #expect(try await provider.credentials().accessKeyId == "ASIAPROCESSSCRIPT001")
        #expect(try runCount() == 2)

        let printf = ProcessCredentialProvider(
            command: "/bin/sh -c 'echo run >> \"$0\"; printf \"%s\" \"$1\"' '\(runs)' "
                + "'{\"Version\": 1, \"AccessKeyId\": \"AKIA1\", \"SecretAccessKey\": \"s\"}'",
            environment: ["PATH": "/usr/bin:/bin"], now: clock.function)
        _ = try await printf.credentials()
        clock.advance(by: 100_000)
        #expect(try await printf.credentials().accessKeyId == "AKIA1")
        #expect(try runCount() == 3)
    }

    @Test(
        "Command lines are split like a shell splits them, without a shell",
        arguments: [
            ("a b  c", ["a", "b", "c"]),
            ("printf '{\"a\": 1}'", ["printf", "{\"a\": 1}"]),
            ("say \"it's \\\"quoted\\\" \\n\"", ["say", "it's \"quoted\" \\n"]),
            ("one\\ arg two", ["one arg", "two"]),
            ("empty '' end", ["empty", "", "end"]),
            ("glued'single'\"double\"", ["gluedsingledouble"]),
        ])
    func commandSplitting(command: String, expected: [String]) throws {
        #expect(try CommandLineSplitter.split(command) == expected)
    }

    @Test("Unterminated quotes are rejected", arguments: ["say 'oops", "say \"oops", "trailing\\"])
    func unterminatedQuoteIsRejected(command: String) {
        #expect(throws: CredentialProviderError(.invalidValue, "")) {
            try CommandLineSplitter.split(command)
        }
    }
}
