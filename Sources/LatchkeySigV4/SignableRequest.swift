import Crypto
import LatchkeyBase

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// An HTTP request as SigV4 sees it, independent of any HTTP framework.
///
/// Everything is kept exactly as received, because the server must canonicalize what the client signed:
/// the path as on the request line (possibly percent-encoded, possibly with `..` or `//`), the query string
/// undecoded, and the header fields in order with their names in any case and repeats allowed.
public struct SignableRequest: Sendable, Hashable {
    /// One header field: a name in any case and its value as received.
    public struct Header: Sendable, Hashable {
        /// The field name, in any case.
        public var name: String
        /// The field value, untrimmed.
        public var value: String

        /// Creates a header field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The request method, e.g. `POST`.
    public var method: String
    /// The path exactly as on the request line, without the query string.
    public var rawPath: String
    /// The query string exactly as received, without the leading `?`; empty when there is none.
    public var rawQuery: String
    /// The header fields in the order received.
    public var headers: [Header]
    /// The lowercase hex SHA-256 of the payload (see ``hashPayload(_:)``).
    public var payloadHash: String

    /// Creates a request.
    /// - Parameters:
    ///   - method: The request method.
    ///   - rawPath: The path as on the request line, e.g. `/` or `/a%20b`.
    ///   - rawQuery: The undecoded query string without `?`.
    ///   - headers: The header fields in order.
    ///   - payloadHash: The lowercase hex SHA-256 of the body; defaults to the hash of an empty body.
    public init(
        method: String,
        rawPath: String,
        rawQuery: String = "",
        headers: [Header],
        payloadHash: String = SigV4.emptyPayloadHash
    ) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
        self.payloadHash = payloadHash
    }

    /// Creates a request from `(name, value)` pairs.
    public init(
        method: String,
        rawPath: String,
        rawQuery: String = "",
        headerPairs: [(name: String, value: String)],
        payloadHash: String = SigV4.emptyPayloadHash
    ) {
        self.init(
            method: method, rawPath: rawPath, rawQuery: rawQuery,
            headers: headerPairs.map { Header(name: $0.name, value: $0.value) }, payloadHash: payloadHash)
    }

    /// The lowercase hex SHA-256 of `payload`, for ``payloadHash``.
    public static func hashPayload(_ payload: some DataProtocol) -> String {
        let contiguous = payload.withContiguousStorageIfAvailable { hashPayload(bytes: UnsafeRawBufferPointer($0)) }
        return contiguous ?? hex(SHA256.hash(data: payload))
    }

    /// The lowercase hex SHA-256 of the bytes at `bytes`, for ``payloadHash``: one hash over the buffer and one
    /// string written in place (a server hashes the body it holds this way, without going through `DataProtocol`'s
    /// regions generically).
    public static func hashPayload(bytes: UnsafeRawBufferPointer) -> String {
        var hash = SHA256()
        hash.update(bufferPointer: bytes)
        return hex(hash.finalize())
    }

    private static func hex(_ digest: SHA256Digest) -> String {
        String(unsafeUninitializedCapacity: 2 * SHA256.byteCount) { output in
            digest.withUnsafeBytes { bytes in
                for (index, byte) in bytes.enumerated() {
                    output[2 * index] = Hex.digit(byte >> 4)
                    output[2 * index + 1] = Hex.digit(byte & 0x0F)
                }
            }
            return 2 * SHA256.byteCount
        }
    }

    /// The values of every header named `name` (compared case-insensitively), in order.
    public func values(forHeader name: String) -> [String] {
        headers.compactMap { ASCII.equalsIgnoringCase($0.name, name) ? $0.value : nil }
    }
}

/// ASCII helpers that avoid allocating lowercased copies.
enum ASCII {
    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Whether `lhs` and `rhs` are equal ignoring ASCII case.
    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        let fast = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in
                for index in 0..<left.count where lower(left[index]) != lower(right[index]) {
                    return false
                }
                return true
            }
        }
        if let fast, let result = fast { return result }
        for (left, right) in zip(lhs.utf8, rhs.utf8) where lower(left) != lower(right) {
            return false
        }
        return true
    }

    /// `text` with ASCII letters lowercased.
    static func lowercased(_ text: String) -> String {
        var isLower = true
        for byte in text.utf8 where byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
            isLower = false
            break
        }
        if isLower { return text }
        return String(decoding: text.utf8.map(lower), as: UTF8.self)
    }
}
