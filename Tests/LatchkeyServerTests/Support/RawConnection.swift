import Foundation

#if canImport(Glibc)
    import Glibc
    private let systemSend = Glibc.send
#elseif canImport(Darwin)
    import Darwin
    private let systemSend = Darwin.send
#endif

/// A plain TCP connection to the test server, for what an HTTP client library will not send: a header one byte at
/// a time, a body that never comes, garbage. Blocking socket calls run on their own thread, never on the
/// cooperative pool the server's request handlers share.
final class RawConnection: Sendable {
    let descriptor: Int32

    /// What reading found.
    enum End: Equatable, CustomStringConvertible {
        /// The server closed the connection (EOF or reset).
        case closed
        /// The wait ended with the connection still open.
        case stillOpen

        var description: String { self == .closed ? "closed" : "still open" }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Connects to 127.0.0.1:`port`.
    init(port: Int) async throws {
        descriptor = try await Self.offload {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else {
                let error = errno
                close(fd)
                throw Failure(description: "connect: errno \(error)")
            }
            return fd
        }
    }

    deinit {
        close(descriptor)
    }

    /// Sends bytes; false when the connection is closed (EPIPE, reset).
    @discardableResult
    func send(_ bytes: some Collection<UInt8>) async -> Bool {
        let bytes = Array(bytes)
        let descriptor = descriptor
        return await Self.offloadNonThrowing {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes {
                    systemSend(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    @discardableResult
    func send(_ text: String) async -> Bool {
        await send(Array(text.utf8))
    }

    /// Reads until the server closes the connection, `stop` says the bytes so far are enough, or `within` passes.
    func read(within: Duration, until stop: @escaping @Sendable ([UInt8]) -> Bool = { _ in false }) async -> (
        bytes: [UInt8], end: End
    ) {
        let descriptor = descriptor
        return await Self.offloadNonThrowing {
            let deadline = ContinuousClock.now + within
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while ContinuousClock.now < deadline {
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let ready = poll(&poller, 1, 50)
                if ready < 0, errno != EINTR { return (received, .closed) }
                guard ready > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
                if count <= 0 { return (received, .closed) }
                received += buffer[..<count]
                if stop(received) { return (received, .stillOpen) }
            }
            return (received, .stillOpen)
        }
    }

    /// Reads one HTTP response (the header, then `Content-Length` bytes of body).
    func readResponse(within: Duration = .seconds(30)) async throws -> RawResponse {
        let (bytes, _) = await read(within: within) { RawResponse(bytes: $0) != nil }
        guard let response = RawResponse(bytes: bytes) else {
            throw Failure(
                description:
                    "no complete HTTP response within \(within): \(String(decoding: bytes, as: UTF8.self).prefix(300))")
        }
        return response
    }

    /// Waits for the server to close the connection, reading (and dropping) whatever it sends.
    func waitForClose(within: Duration = .seconds(30)) async -> End {
        await read(within: within).end
    }

    private static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    private static func offloadNonThrowing<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }
}

/// An HTTP/1.1 response read off a raw connection.
struct RawResponse: Sendable {
    let status: Int
    /// Header names lowercased.
    let headers: [String: String]
    let body: String

    /// Nil until `bytes` hold a whole response.
    init?(bytes: [UInt8]) {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.dropLast(3).first(where: { bytes[$0..<$0 + 4].elementsEqual(separator) }) else {
            return nil
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = headers["content-length"].flatMap { Int($0) } ?? 0
        let bodyStart = end + 4
        guard bytes.count >= bodyStart + length else { return nil }
        self.status = status
        self.headers = headers
        self.body = String(decoding: bytes[bodyStart..<bodyStart + length], as: UTF8.self)
    }

    /// The `Code` of an `<ErrorResponse>` body, nil if the body is not one.
    var errorCode: String? {
        guard body.contains("<ErrorResponse"), let start = body.range(of: "<Code>"),
            let end = body.range(of: "</Code>", range: start.upperBound..<body.endIndex)
        else { return nil }
        return String(body[start.upperBound..<end.lowerBound])
    }
}
