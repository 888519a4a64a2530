import Foundation
import LatchkeySQLite
import LatchkeyServer
import LatchkeyTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The audit trail's pipeline under trouble: a file that cannot be written, a sink slower than the requests, and
/// size-based rotation. Requests are always answered; what is lost is counted and reported.
@Suite struct AuditTrailPipelineTests {
    @Test("an unwritable audit log: requests still answered, drops counted, /readyz 503 until it can be written")
    func unwritableFile() async throws {
        try await AuditHarness.run(audit: { scratch in
            // The log's folder is a file: every open fails with ENOTDIR.
            _ = FileManager.default.createFile(atPath: scratch + "/blocker", contents: Data("x".utf8))
            return AuditSettings(logPath: scratch + "/blocker/audit.jsonl", storeEnabled: false)
        }) { server, scratch in
            for _ in 0..<3 {
                _ = try await server.callerIdentity(as: TestServer.root)
            }
            let trail = try #require(server.report.auditTrail)
            try await Self.poll { trail.statistics.droppedFileFailure >= 3 }
            #expect(trail.statistics.droppedFileFailure == 3)
            #expect(trail.statistics.fileFailures >= 1)
            #expect(trail.statistics.writtenToFile == 0)
            let notReady = try await AuditHarness.get("/readyz", from: server)
            #expect(notReady.status == 503)
            #expect(notReady.body.contains("\"audit-log\""), "\(notReady.body)")
            #expect(notReady.body.contains("Not a directory"), "\(notReady.body)")
            _ = try await server.callerIdentity(as: TestServer.root)  // still answered while failing

            // The folder appears: the next batch is written and the node is ready again.
            try FileManager.default.removeItem(atPath: scratch + "/blocker")
            try FileManager.default.createDirectory(atPath: scratch + "/blocker", withIntermediateDirectories: false)
            _ = try await server.callerIdentity(as: TestServer.root)
            try await Self.poll { trail.statistics.writtenToFile >= 1 }
            let events = try await AuditHarness.events(in: scratch + "/blocker/audit.jsonl", atLeast: 1)
            #expect(events.allSatisfy { $0["eventName"] as? String == "GetCallerIdentity" })
            let ready = try await AuditHarness.get("/readyz", from: server)
            #expect(ready.status == 200, "\(ready.body)")
            let attributes = try FileManager.default.attributesOfItem(atPath: scratch + "/blocker/audit.jsonl")
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }

    @Test("a sink slower than the requests: the buffer fills, the newest events are dropped and counted, none block")
    func bufferFullDrops() async throws {
        let requests = 40
        let reader = Descriptor()
        defer { reader.close() }
        try await AuditHarness.run(audit: { scratch in
            // A FIFO nobody reads yet: the writer's open blocks (on its own queue), as a stuck disk would.
            _ = mkfifo(scratch + "/audit.fifo", 0o600)
            return AuditSettings(logPath: scratch + "/audit.fifo", storeEnabled: false, bufferCapacity: 5)
        }) { server, scratch in
            // Whatever happens below, the writer's open must find a reader before the server's teardown drains the
            // trail, or the teardown waits for it forever.
            defer { reader.openIfNeeded(scratch + "/audit.fifo") }
            var answered = 0
            for _ in 0..<requests {
                let reply = try await server.sts("GetCallerIdentity", as: TestServer.root)
                if reply.status == 200 { answered += 1 }
            }
            let trail = try #require(server.report.auditTrail)
            let blocked = trail.statistics
            // Now a reader: the writer's open returns and everything it took is written.
            let descriptor = open(scratch + "/audit.fifo", O_RDONLY | O_NONBLOCK)
            reader.set(descriptor)
            #expect(answered == requests)
            #expect(blocked.droppedBufferFull > 0)
            #expect(blocked.accepted + blocked.droppedBufferFull == requests)
            try #require(descriptor >= 0)

            var text = ""
            let deadline = ContinuousClock.now + .seconds(60)
            while text.split(separator: "\n").count < blocked.accepted, ContinuousClock.now < deadline {
                var chunk = [UInt8](repeating: 0, count: 65_536)
                let count = read(descriptor, &chunk, chunk.count)
                if count > 0 {
                    text += String(decoding: chunk[0..<count], as: UTF8.self)
                } else {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let lines = text.split(separator: "\n")
            #expect(lines.count == blocked.accepted)
            for line in lines {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any])
            }
            // The counter follows the write (the lines can be read before it is counted).
            try await Self.poll { trail.statistics.writtenToFile >= blocked.accepted }
            let after = trail.statistics
            #expect(after.writtenToFile == blocked.accepted)
            #expect(after.droppedBufferFull == blocked.droppedBufferFull)
        }
    }

    @Test("rotation by size: FILE.1 and FILE.2 kept, older ones deleted, the newest event in FILE, mode 0600")
    func rotation() async throws {
        try await AuditHarness.run(audit: { scratch in
            AuditSettings(logPath: scratch + "/audit.jsonl", storeEnabled: false, logMaxBytes: 2_000, logMaxFiles: 2)
        }) { server, scratch in
            let path = scratch + "/audit.jsonl"
            var last: Reply?
            for _ in 0..<24 {
                last = try await server.sts("GetCallerIdentity", as: TestServer.root)
                // One batch at a time, so rotation happens between batches of a few events.
                if let trail = server.report.auditTrail {
                    let accepted = trail.statistics.accepted
                    try await Self.poll { trail.statistics.writtenToFile >= accepted }
                }
            }
            let trail = try #require(server.report.auditTrail)
            #expect(trail.statistics.writtenToFile == 24)
            #expect(trail.statistics.fileRotations >= 2)
            let manager = FileManager.default
            #expect(manager.fileExists(atPath: path + ".1"))
            #expect(manager.fileExists(atPath: path + ".2"))
            #expect(!manager.fileExists(atPath: path + ".3"))
            for file in [path, path + ".1", path + ".2"] {
                let size = (try manager.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0
                #expect(size <= 2_000, "\(file): \(size) bytes")
                let attributes = try manager.attributesOfItem(atPath: file)
                #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
                for line in AuditHarness.readLines(file) {
                    #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any])
                }
            }
            let current = try await AuditHarness.events(in: path, atLeast: 1)
            #expect(current.last?["requestID"] as? String == last?.requestIdHeader)
        }
    }

    @Test("the store gone: its audit events are dropped and counted, requests answered, /readyz names the store once")
    func storeGone() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteIdentityStore(path: directory + "/store.sqlite")
            let clock = TestClock(Date())
            try await LoopbackServer.run(clock: clock.closure, store: store) { loopback in
                let server = TestServer(
                    client: loopback.client, clock: clock, dataDirectory: loopback.dataDirectory,
                    report: loopback.report)
                let trail = try #require(server.report.auditTrail)
                // Temporary credentials need no store once issued.
                let session = try await server.sessionToken(as: TestServer.root)
                try await Self.poll { trail.statistics.writtenToStore >= 1 }
                try store.close()

                let identity = try await HealthTests.call(
                    server, "GetCallerIdentity", version: TestServer.stsVersion, as: session.credentials)
                #expect(identity.status == 200, "\(identity.body)")
                try await Self.poll { trail.statistics.droppedStoreFailure >= 1 }
                #expect(trail.statistics.storeFailures >= 1)
                let ready = try await HealthTests.get(server, "/readyz")
                #expect(ready.status == 503)
                #expect(try ready.json()["failing"] as? [String] == ["store"])
            }
        }
    }

    /// Waits (up to 60 s) until `condition` holds.
    static func poll(_ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(condition(), "condition not met within 60 s", sourceLocation: sourceLocation)
    }
}

/// A file descriptor the test closes once the server is gone (a FIFO's read end must outlive the writer).
private final class Descriptor: Sendable {
    private let value = Mutex<Int32>(-1)

    func set(_ descriptor: Int32) { value.withLock { $0 = descriptor } }

    /// Opens the FIFO's read end (without blocking) unless it is open already.
    func openIfNeeded(_ path: String) {
        value.withLock { if $0 < 0 { $0 = open(path, O_RDONLY | O_NONBLOCK) } }
    }

    func close() {
        value.withLock {
            #if canImport(Glibc)
                if $0 >= 0 { _ = Glibc.close($0) }
            #else
                if $0 >= 0 { _ = Darwin.close($0) }
            #endif
            $0 = -1
        }
    }
}
