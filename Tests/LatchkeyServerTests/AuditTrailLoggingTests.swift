import Foundation
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

@testable import LatchkeyServer

/// The trail's reports: a failing sink or a full buffer is logged at most once a minute, however many batches fail,
/// and `/readyz`'s check carries the reason. The trail is the real one; the requests are built here.
@Suite struct AuditTrailLoggingTests {
    static func request() throws -> CompletedRequest {
        let declaration = try #require(OperationDeclaration.allSTS.first { $0.name == "GetCallerIdentity" })
        return CompletedRequest(
            requestId: "request-1", api: .sts, declaration: declaration, eventTime: TestClock.start, duration: .zero,
            caller: nil, signingAccessKeyId: nil, metadata: RequestMetadata(sourceIp: "192.0.2.1"), input: nil,
            result: nil, error: STSError(.missingAuthenticationToken, "Request is missing Authentication Token"),
            status: 403)
    }

    @Test("a failing file is logged once a minute, not once a batch; /readyz names it")
    func failingFileLoggedOnce() async throws {
        try await withTemporaryDirectory { scratch in
            _ = FileManager.default.createFile(atPath: scratch + "/blocker", contents: Data())
            let logs = DatabaseStartupTests.LogLines()
            let readiness = NodeReadiness()
            let trail = AuditTrail(
                settings: AuditSettings(logPath: scratch + "/blocker/audit.jsonl", storeEnabled: false), store: nil,
                readiness: readiness, logger: logs.logger())
            for _ in 0..<3 {
                trail.requestCompleted(try Self.request())
                await trail.flush()
            }
            #expect(trail.statistics.droppedFileFailure == 3)
            #expect(trail.statistics.fileFailures == 3)
            #expect(logs.all.filter { $0.contains("audit events dropped: a sink failed") }.count == 1)
            #expect(readiness.failures[AuditTrail.fileCheck]?.contains("Not a directory") == true)
        }
    }

    @Test("a full buffer drops the newest events, counts them and logs once a minute")
    func fullBufferLoggedOnce() async throws {
        try await withTemporaryDirectory { scratch in
            let logs = DatabaseStartupTests.LogLines()
            let path = scratch + "/audit.jsonl"
            let trail = AuditTrail(
                settings: AuditSettings(logPath: path, storeEnabled: false, bufferCapacity: 2), store: nil,
                readiness: NodeReadiness(), logger: logs.logger())
            for _ in 0..<5 { trail.requestCompleted(try Self.request()) }
            #expect(trail.statistics.droppedBufferFull == 3)
            #expect(trail.statistics.buffered == 2)
            await trail.flush()
            for _ in 0..<5 { trail.requestCompleted(try Self.request()) }
            await trail.flush()
            let statistics = trail.statistics
            #expect(statistics.accepted == 4)
            #expect(statistics.droppedBufferFull == 6)
            #expect(statistics.writtenToFile == 4)
            #expect(statistics.buffered == 0)
            #expect(logs.all.filter { $0.contains("the buffer was full") }.count == 1)
            #expect(AuditHarness.readLines(path).count == 4)
        }
    }
}
