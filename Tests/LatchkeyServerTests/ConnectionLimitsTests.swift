import Foundation
import HTTPTypes
import HummingbirdTesting
import LatchkeyServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Connections cannot exhaust the server (issue 10, parts 3 and 4): idle, slow and stalled connections are closed
/// after their timeouts, the connection limit closes the oldest idle connection for a new one, and requests the
/// HTTP layer rejects get an AWS error document. Raw TCP against the real server on loopback; the timeouts are
/// short and every wait for their effect is generous (30 s), so nothing depends on the machine's speed.
@Suite("Connection limits and HTTP protocol faults")
struct ConnectionLimitsTests {
    /// A complete request: unsigned, so it is answered 403 MissingAuthenticationToken at once.
    static let request = "GET /?Action=GetCallerIdentity&Version=2011-06-15 HTTP/1.1\r\nHost: localhost\r\n\r\n"
    /// Long enough never to fire during a test.
    static let never: Duration = .seconds(600)

    static func settings(
        header: Duration = never, body: Duration = never, idle: Duration = never, maxConnections: Int? = nil
    ) -> ConnectionSettings {
        ConnectionSettings(headerTimeout: header, bodyTimeout: body, idleTimeout: idle, maxConnections: maxConnections)
    }

    static func port(_ server: TestServer) throws -> Int {
        try #require(server.client.port)
    }

    /// The test client's own connection (opened in the background at start) answered once, so that it is
    /// registered, and idle, before the test opens its connections: the oldest idle connection, closed first.
    static func settleTestClient(_ server: TestServer) async throws {
        _ = try await server.client.execute(uri: "/", method: .get, headers: [:], body: nil)
    }

    // MARK: Timeouts

    @Test("a kept-alive connection that sends no next request is closed after the idle timeout")
    func idleKeepAliveClosed() async throws {
        try await TestServer.run(connections: Self.settings(idle: .milliseconds(300))) { server in
            // On a loaded machine the 300 ms idle timeout can close a fresh connection before its request is even
            // sent (CI saw it): such an attempt proves nothing about kept-alive connections, so it is made again.
            for _ in 0..<5 {
                let connection = try await RawConnection(port: try Self.port(server))
                await connection.send(Self.request)
                guard let response = try? await connection.readResponse() else { continue }
                #expect(response.status == 403)
                #expect(response.headers["connection"] != "close")
                #expect(await connection.waitForClose() == .closed)
                return
            }
            Issue.record("five connections in a row were closed before their request was answered")
        }
    }

    @Test("a kept-alive connection serves a second request within the idle timeout")
    func keepAliveServesNextRequest() async throws {
        try await TestServer.run(connections: Self.settings(idle: .seconds(60))) { server in
            let connection = try await RawConnection(port: try Self.port(server))
            for _ in 0..<2 {
                await connection.send(Self.request)
                #expect(try await connection.readResponse().status == 403)
            }
        }
    }

    @Test("a new connection that sends nothing is closed after the idle timeout")
    func silentConnectionClosed() async throws {
        try await TestServer.run(connections: Self.settings(idle: .milliseconds(300))) { server in
            let connection = try await RawConnection(port: try Self.port(server))
            let (bytes, end) = await connection.read(within: .seconds(30))
            #expect(end == .closed)
            #expect(bytes.isEmpty, "nothing is answered to a connection that sent nothing")
        }
    }

    @Test("a header sent one byte every 100 ms is cut off after the header timeout with 408 RequestTimeout")
    func slowHeaderClosed() async throws {
        try await TestServer.run(connections: Self.settings(header: .milliseconds(500))) { server in
            let connection = try await RawConnection(port: try Self.port(server))
            let header =
                Array("GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".utf8)
                + Array(repeating: UInt8(ascii: "a"), count: 600)
            // The trickle goes on for up to 60 s, far past the timeout; it stops when the server closes.
            let trickle = Task {
                for byte in header {
                    guard await connection.send([byte]), !Task.isCancelled else { return }
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { trickle.cancel() }
            let (bytes, end) = await connection.read(within: .seconds(30))
            #expect(end == .closed, "the connection stayed open while the header trickled in")
            let response = try #require(
                RawResponse(bytes: bytes), "no answer: \(String(decoding: bytes, as: UTF8.self))")
            #expect(response.status == 408)
            #expect(response.errorCode == "RequestTimeout")
            #expect(response.headers["connection"] == "close")
        }
    }

    @Test("a body that stops arriving is answered 408 RequestTimeout after the body timeout, and the connection closed")
    func stalledBodyClosed() async throws {
        try await TestServer.run(connections: Self.settings(body: .milliseconds(300))) { server in
            let connection = try await RawConnection(port: try Self.port(server))
            await connection.send(
                "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 100\r\n\r\nAction=GetCallerIdentity")
            let response = try await connection.readResponse()
            #expect(response.status == 408)
            #expect(response.errorCode == "RequestTimeout")
            #expect(response.headers["connection"] == "close")
            #expect(await connection.waitForClose() == .closed)
        }
    }

    // MARK: Request framing

    @Test("a declared Content-Length over the body limit is refused before any body byte is sent")
    func oversizedContentLengthRefusedAtOnce() async throws {
        try await TestServer.run { server in
            let connection = try await RawConnection(port: try Self.port(server))
            await connection.send(
                "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 10000000\r\n\r\n")
            let response = try await connection.readResponse()
            #expect(response.status == 413)
            #expect(response.errorCode == "RequestEntityTooLarge")
            #expect(response.body.contains("Request body is larger than the limit of 524288 bytes."))
            #expect(response.headers["connection"] == "close")
            #expect(await connection.waitForClose() == .closed)
        }
    }

    @Test("a chunked body with a malformed chunk size is a 400 with an error document, not 413")
    func malformedChunkSize() async throws {
        try await TestServer.run { server in
            let connection = try await RawConnection(port: try Self.port(server))
            await connection.send(
                "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\nAction=GetCallerIdentity\r\n0\r\n\r\n")
            let response = try await connection.readResponse()
            #expect(response.status == 400)
            #expect(response.errorCode == "InvalidRequest")
            #expect(response.headers["connection"] == "close")
            #expect(await connection.waitForClose() == .closed)
        }
    }

    @Test("an HTTP/1.0 request without keep-alive is answered, then its connection closed")
    func http10Closed() async throws {
        try await TestServer.run { server in
            let connection = try await RawConnection(port: try Self.port(server))
            await connection.send(
                "GET /?Action=GetCallerIdentity&Version=2011-06-15 HTTP/1.0\r\nHost: localhost\r\n\r\n")
            let (bytes, end) = await connection.read(within: .seconds(30))
            let response = try #require(RawResponse(bytes: bytes))
            #expect(response.status == 403)
            #expect(response.errorCode == "MissingAuthenticationToken")
            #expect(end == .closed)
        }
    }

    @Test("pipelined requests, the last with Connection: close: each is answered, then the connection closed")
    func pipelinedCloseAnswersEveryRequest() async throws {
        try await TestServer.run { server in
            let connection = try await RawConnection(port: try Self.port(server))
            let last =
                "GET /?Action=GetCallerIdentity&Version=2011-06-15 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            await connection.send(Self.request + Self.request + last)
            let (bytes, end) = await connection.read(within: .seconds(30))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.components(separatedBy: "<Code>MissingAuthenticationToken</Code>").count - 1 == 3, "\(text)")
            #expect(text.components(separatedBy: "HTTP/1.1 403").count - 1 == 3)
            #expect(end == .closed)
        }
    }

    @Test("garbage pipelined after a request: the request is answered, then the connection closed")
    func garbageAfterRequest() async throws {
        try await TestServer.run { server in
            let connection = try await RawConnection(port: try Self.port(server))
            await connection.send(
                Array(Self.request.utf8) + [0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a])
            let (bytes, end) = await connection.read(within: .seconds(30))
            let response = try #require(RawResponse(bytes: bytes), "\(String(decoding: bytes, as: UTF8.self))")
            #expect(response.status == 403)
            #expect(end == .closed)
        }
    }

    /// Requests the HTTP decoder rejects.
    enum Rejected: String, CaseIterable, Sendable {
        case twoThousandHeaders, eightyKilobyteHeaderLine, binaryGarbage

        var bytes: [UInt8] {
            switch self {
            case .twoThousandHeaders:
                let fields = (0..<2000).map { "X-Field-\($0): value\r\n" }.joined()
                return Array("GET / HTTP/1.1\r\nHost: localhost\r\n\(fields)\r\n".utf8)
            case .eightyKilobyteHeaderLine:
                return Array(
                    "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: \(String(repeating: "a", count: 80 * 1024))\r\n\r\n"
                        .utf8)
            case .binaryGarbage:
                var generator = SystemRandomNumberGenerator()
                return [0x16, 0x03, 0x01, 0x00] + (0..<1000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
        }

        var code: String {
            switch self {
            case .twoThousandHeaders, .eightyKilobyteHeaderLine: "RequestHeaderSectionTooLarge"
            case .binaryGarbage: "InvalidRequest"
            }
        }
    }

    @Test(
        "a request the HTTP parser rejects gets a 400 with an AWS error document and Connection: close",
        arguments: Rejected.allCases)
    func parserRejects(_ rejected: Rejected) async throws {
        try await TestServer.run { server in
            let connection = try await RawConnection(port: try Self.port(server))
            await connection.send(rejected.bytes)
            let (bytes, end) = await connection.read(within: .seconds(30))
            let response = try #require(
                RawResponse(bytes: bytes), "no answer: \(String(decoding: bytes.prefix(300), as: UTF8.self))")
            #expect(response.status == 400)
            #expect(response.errorCode == rejected.code)
            #expect(response.headers["content-type"] == "text/xml")
            #expect(response.headers["x-amzn-requestid"] != nil)
            #expect(response.headers["connection"] == "close")
            #expect(end == .closed)
        }
    }

    // MARK: Connection limit

    @Test("at the connection limit, a new client is answered and the oldest idle connection is the one closed")
    func limitClosesOldestIdle() async throws {
        let limit = 20
        try await TestServer.run(connections: Self.settings(maxConnections: limit)) { server in
            let port = try Self.port(server)
            try await Self.settleTestClient(server)
            var idle: [RawConnection] = []
            for _ in 0..<limit {
                let connection = try await RawConnection(port: port)
                await connection.send(Self.request)
                #expect(try await connection.readResponse().status == 403)
                idle.append(connection)
            }
            // A well-behaved client at the limit: answered.
            let newcomer = try await RawConnection(port: port)
            await newcomer.send(Self.request)
            #expect(try await newcomer.readResponse().status == 403)
            // The oldest idle connection made room (the test client's went for the 20th) ...
            #expect(await idle[0].waitForClose() == .closed)
            // ... and every other one still serves requests (no further connection was opened meanwhile).
            for (index, connection) in idle.enumerated().dropFirst() {
                await connection.send(Self.request)
                let response = try? await connection.readResponse(within: .seconds(30))
                #expect(response?.status == 403, "connection \(index) was closed")
            }
        }
    }

    @Test(
        "at the limit with every connection reading a body, the new connection is closed; busy ones are never evicted")
    func limitNeverEvictsBusy() async throws {
        try await TestServer.run(connections: Self.settings(maxConnections: 2)) { server in
            let port = try Self.port(server)
            try await Self.settleTestClient(server)
            var busy: [RawConnection] = []
            for _ in 0..<2 {
                let connection = try await RawConnection(port: port)
                // A body that never completes: the connection is busy, not idle.
                await connection.send(
                    "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: 100\r\n\r\nAction=")
                busy.append(connection)
            }
            // Wait (up to 30 s) until the server has read both heads.
            let registry = try #require(server.report.connections)
            let deadline = ContinuousClock.now + .seconds(30)
            while registry.busyCount < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(registry.busyCount == 2)
            let newcomer = try await RawConnection(port: port)
            await newcomer.send(Self.request)
            let (bytes, end) = await newcomer.read(within: .seconds(30)) { RawResponse(bytes: $0) != nil }
            #expect(
                end == .closed && bytes.isEmpty,
                "a connection beyond the limit was served while every other one was busy")
            // The busy connections were not closed: their requests complete.
            for connection in busy {
                await connection.send(String(repeating: "x", count: 93))
                #expect(try await connection.readResponse().status == 400)
            }
        }
    }

    @Test("closeAll closes every connection, idle or busy")
    func closeAllClosesEverything() async throws {
        try await TestServer.run { server in
            let port = try Self.port(server)
            let idle = try await RawConnection(port: port)
            await idle.send(Self.request)
            #expect(try await idle.readResponse().status == 403)
            let stalled = try await RawConnection(port: port)
            await stalled.send("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nAction=")
            let silent = try await RawConnection(port: port)
            // Every connection is registered once one made after them is answered.
            let probe = try await RawConnection(port: port)
            await probe.send(Self.request)
            #expect(try await probe.readResponse().status == 403)
            let registry = try #require(server.report.connections)
            registry.closeAll()
            for connection in [idle, stalled, silent, probe] {
                #expect(await connection.waitForClose() == .closed)
            }
        }
    }

    @Test("the limit derived from the descriptor limit leaves a reserve for the store, logs and clients")
    func derivedLimit() {
        #expect(ConnectionRegistry.effectiveLimit(configured: 7) == (7, false))
        #expect(ConnectionRegistry.derivedLimit(descriptorLimit: 256) == 192)
        #expect(ConnectionRegistry.derivedLimit(descriptorLimit: 1024) == 922)
        #expect(ConnectionRegistry.derivedLimit(descriptorLimit: 65536) == 64512)
        let (derived, _) = ConnectionRegistry.effectiveLimit(configured: nil)
        #expect(derived >= 1)
        var limit = rlimit()
        #expect(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0)
        if limit.rlim_cur != rlim_t.max {
            #expect(derived < Int(limit.rlim_cur))
        }
    }
}
