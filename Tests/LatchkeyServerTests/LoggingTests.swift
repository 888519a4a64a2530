import Dispatch
import Foundation
import Logging
import Synchronization
import Testing

@testable import LatchkeyServer

/// The JSON log handler's lines (`--log-format json`) and the log settings of the configuration file.
@Suite struct LoggingTests {
    /// Collects what a handler writes.
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        var output: LogOutput { LogOutput { line in self.lines.withLock { $0.append(line) } } }
    }

    /// A logger writing JSON lines into `lines`.
    func logger(_ lines: Lines, label: String = "latchkey.test", level: Logger.Level = .info) -> Logger {
        Logger(label: label) { label in JSONLogHandler(label: label, level: level, output: lines.output) }
    }

    func object(_ line: String) throws -> [String: Any] {
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false, "one event, one line: \(line)")
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(parsed as? [String: Any])
    }

    @Test("a line holds time, level, label, message and the metadata flattened, numbers as numbers")
    func fields() throws {
        let lines = Lines()
        var logger = logger(lines, label: "latchkey.access")
        logger[metadataKey: "node"] = "a"
        logger.info(
            "request",
            metadata: [
                "status": .stringConvertible(403), "latency-ms": .stringConvertible(1.25), "action": "AssumeRole",
                "ok": .stringConvertible(true),
            ])
        let written = lines.all
        #expect(written.count == 1)
        let object = try object(written[0])
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "latchkey.access")
        #expect(object["message"] as? String == "request")
        #expect(object["node"] as? String == "a")
        #expect(object["action"] as? String == "AssumeRole")
        #expect((object["status"] as? NSNumber)?.intValue == 403)
        #expect((object["latency-ms"] as? NSNumber)?.doubleValue == 1.25)
        #expect(object["ok"] as? Bool == true)
        let time = try #require(object["time"] as? String)
        #expect(time.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(time)")
        // The key order is fixed: the fixed fields first, then the metadata sorted.
        #expect(written[0].hasPrefix(#"{"time":""#))
        #expect(written[0].contains(#""label":"latchkey.access","message":"request","action":"AssumeRole""#))
    }

    @Test("levels below the handler's are not written; the level names are swift-log's")
    func levels() throws {
        let lines = Lines()
        let logger = logger(lines, level: .warning)
        logger.info("not written")
        logger.warning("written")
        logger.error("also written")
        #expect(lines.all.count == 2)
        #expect(try object(lines.all[0])["level"] as? String == "warning")
        #expect(try object(lines.all[1])["level"] as? String == "error")
    }

    @Test("quotes, backslashes, newlines, control characters and non-ASCII text are escaped into valid JSON")
    func escaping() throws {
        let lines = Lines()
        let logger = logger(lines)
        let nasty = "a \"quoted\" \\ back\nslash\r\t\u{1}\u{1F}\u{7F} é 漢 🔑 \u{2028}"
        logger.info("\(nasty)", metadata: ["detail": "\(nasty)", "nested": ["list": [.string(nasty)]]])
        let line = try #require(lines.all.first)
        #expect(!line.dropLast().contains("\n"))
        #expect(line.contains(#"\"quoted\" \\ back\nslash\r\t\u0001\u001f\u007f é 漢 🔑 \u2028"#))
        let object = try object(line)
        #expect(object["message"] as? String == nasty)
        #expect(object["detail"] as? String == nasty)
        let nested = try #require(object["nested"] as? [String: Any])
        #expect(nested["list"] as? [String] == [nasty])
    }

    @Test("a metadata key named like a fixed field does not replace it")
    func reservedKeys() throws {
        let lines = Lines()
        let logger = logger(lines)
        logger.info("the message", metadata: ["message": "from metadata", "level": "x", "time": "y"])
        let object = try object(try #require(lines.all.first))
        #expect(object["message"] as? String == "the message")
        #expect(object["level"] as? String == "info")
        #expect(object["metadata.message"] as? String == "from metadata")
        #expect(object["metadata.level"] as? String == "x")
        #expect(object["metadata.time"] as? String == "y")
    }

    @Test("an error given to the logger is its own field; the metadata provider's values are written")
    func errorAndProvider() throws {
        struct Failure: Error, CustomStringConvertible { var description: String { "disk \"full\"" } }
        let lines = Lines()
        let provider = Logger.MetadataProvider { ["trace": "t-1"] }
        let logger = Logger(label: "x") { label in
            JSONLogHandler(label: label, metadataProvider: provider, output: lines.output)
        }
        logger.error("write failed", error: Failure())
        let object = try object(try #require(lines.all.first))
        #expect(object["error"] as? String == #"disk "full""#)
        #expect(object["trace"] as? String == "t-1")
    }

    @Test(
        "timestamps are UTC calendar dates with milliseconds",
        arguments: [
            (0, 0, "1970-01-01T00:00:00.000Z"), (951_782_400, 5, "2000-02-29T00:00:00.005Z"),
            (1_709_164_800, 999, "2024-02-29T00:00:00.999Z"), (1_796_637_000, 42, "2026-12-07T09:50:00.042Z"),
            (4_102_444_799, 120, "2099-12-31T23:59:59.120Z"),
        ])
    func timestamps(seconds: Int, milliseconds: Int, expected: String) {
        var text = ""
        JSONLogHandler.appendTimestamp(seconds: seconds, milliseconds: milliseconds, to: &text)
        #expect(text == expected)
    }

    @Test("the clock's time is today's, not an epoch or a local time")
    func currentTime() throws {
        let lines = Lines()
        let before = Date()
        logger(lines).info("now")
        let object = try object(try #require(lines.all.first))
        let time = try #require(object["time"] as? String)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let parsed = try #require(formatter.date(from: time))
        #expect(abs(parsed.timeIntervalSince(before)) < 60)
    }

    @Test("logFormat and accessLog in the configuration file; bad values name their line")
    func configurationKeys() throws {
        let file = try ConfigurationFile.parse("logFormat: json\naccessLog: off\n")
        #expect(file.transport.logFormat == .json)
        #expect(file.transport.accessLog == false)
        #expect(try ConfigurationFile.parse("accessLog: on\n").transport.accessLog == true)
        #expect(try ConfigurationFile.parse("sessionTokenKeyId: 1\n").transport == TransportFileSettings())
        #expect(throws: ConfigurationFile.ParseError(line: 2, message: "logFormat must be text or json, not 'xml'")) {
            try ConfigurationFile.parse("\nlogFormat: xml\n")
        }
        #expect(throws: ConfigurationFile.ParseError(line: 1, message: "accessLog must be on or off, not 'sometimes'"))
        {
            try ConfigurationFile.parse("accessLog: sometimes\n")
        }
    }

    // MARK: The access log

    static let accessFields: [(String, Logger.MetadataValue)] = [
        ("action", "AssumeRole"), ("api", "sts"), ("latency-ms", .stringConvertible(1.5)),
        ("outcome", "AccessDenied"), ("principal", "arn:aws:iam::111122223333:user/a\"b"),
        ("request-id", "r-1"), ("source-ip", "203.0.113.9"), ("status", .stringConvertible(403)),
    ]

    @Test("an access line in JSON is the object the JSON handler writes for the same event")
    func accessLineJSON() throws {
        let line = AccessLog.line(Self.accessFields, format: .json, time: (1_796_637_000, 42))
        let lines = Lines()
        let logger = Logger(label: AccessLog.label) { JSONLogHandler(label: $0, output: lines.output) }
        logger.info("request", metadata: Logger.Metadata(uniqueKeysWithValues: Self.accessFields))
        let handled = try #require(lines.all.first)
        // The same text but for the time.
        #expect(line.dropFirst(34) == handled.dropFirst(34))
        #expect(line.hasPrefix(#"{"time":"2026-12-07T09:50:00.042Z","level":"info","label":"latchkey.access""#))
        let object = try object(line)
        #expect(object["principal"] as? String == #"arn:aws:iam::111122223333:user/a"b"#)
        #expect((object["status"] as? NSNumber)?.intValue == 403)
    }

    @Test("an access line in text is swift-log's stream format, in UTC")
    func accessLineText() {
        let line = AccessLog.line(Self.accessFields, format: .text, time: (1_796_637_000, 42))
        #expect(
            line
                == "2026-12-07T09:50:00+0000 info latchkey.access : action=AssumeRole api=sts latency-ms=1.5 "
                + "outcome=AccessDenied principal=arn:aws:iam::111122223333:user/a\"b request-id=r-1 "
                + "source-ip=203.0.113.9 status=403 [LatchkeyServer] request\n")
    }

    /// Polls `condition` for up to 60 s.
    func eventually(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test("the writer writes every line, in order, off the caller's thread")
    func writerWrites() async throws {
        let lines = Lines()
        let writer = AccessLogWriter(output: lines.output)
        for index in 0..<1000 { writer.append("line \(index)\n") }
        let expected = (0..<1000).map { "line \($0)\n" }.joined()
        #expect(try await eventually { lines.all.joined() == expected })
        #expect(writer.dropped == 0)
    }

    @Test("a stalled output never blocks a request: lines past the capacity are dropped, counted and reported")
    func writerDrops() async throws {
        let lines = Lines()
        let gate = DispatchSemaphore(value: 0)
        let entered = Mutex(false)
        let output = LogOutput { line in
            entered.withLock { $0 = true }
            gate.wait()
            lines.output.write(line)
        }
        let writer = AccessLogWriter(capacity: 100, output: output)
        writer.append("first\n")
        // The writer thread is now stuck in the output with the first line.
        #expect(try await eventually { entered.withLock { $0 } })
        for index in 0..<50 { writer.append("line \(index) of ten bytes or so\n") }
        // 100 bytes hold three of these 28-byte lines; the rest are dropped at once, without waiting.
        #expect(writer.dropped == 47)
        for _ in 0..<4 { gate.signal() }
        #expect(try await eventually { lines.all.count == 3 })
        #expect(lines.all[0] == "first\n")
        #expect(lines.all[1].hasPrefix("line 0 of ten"))
        #expect(lines.all[2].contains("47 access log lines dropped"))
    }
}
