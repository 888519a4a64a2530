import Crypto

/// Where the canonical request and the string to sign are written: a byte array (the signer, which returns them as
/// text) or straight into a hash (the verifier, which only needs their digests).
protocol ByteSink {
    mutating func append(_ byte: UInt8)
    mutating func append(bytes: UnsafeBufferPointer<UInt8>)
}

extension ByteSink {
    /// Appends the UTF-8 bytes of `text`.
    @inline(__always)
    mutating func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append(bytes: $0) }
    }
}

extension Array: ByteSink where Element == UInt8 {
    @inline(__always)
    mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        append(contentsOf: bytes)
    }
}

/// A SHA-256 fed through a caller-provided buffer (on the stack, from `withUnsafeTemporaryAllocation`), so that the
/// verifier hashes the canonical request and the string to sign as it writes them: no heap buffer per request,
/// whatever their length, and few calls into BoringSSL.
struct HashingSink: ByteSink {
    private var hash: SHA256
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var count = 0

    init(hash: SHA256, buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.hash = hash
        self.buffer = buffer
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == buffer.count { flush() }
        buffer[count] = byte
        count &+= 1
    }

    mutating func append(bytes: UnsafeBufferPointer<UInt8>) {
        if bytes.count > buffer.count &- count {
            flush()
            if bytes.count >= buffer.count {
                hash.update(bufferPointer: UnsafeRawBufferPointer(bytes))
                return
            }
        }
        guard let source = bytes.baseAddress, let target = buffer.baseAddress else { return }
        (target + count).update(from: source, count: bytes.count)
        count &+= bytes.count
    }

    private mutating func flush() {
        guard count > 0 else { return }
        hash.update(bufferPointer: UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<count])))
        count = 0
    }

    /// The hash state over everything appended; the buffer is free again afterwards.
    mutating func flushedHash() -> SHA256 {
        flush()
        return hash
    }

    /// The digest of everything appended; the buffer is free again afterwards.
    mutating func finalize() -> SHA256Digest {
        flushedHash().finalize()
    }

    /// The stack buffer's size: the whole canonical request of a typical signed STS call, and a string to sign.
    static let bufferSize = 1024
}

extension String {
    /// Runs `body` over the string's UTF-8 bytes (contiguous; no copy for native strings), with typed throws.
    @inline(__always)
    func withUTF8Bytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        var text = self
        let result = text.withUTF8 { bytes in Result { () throws(E) -> R in try body(bytes) } }
        return try result.get()
    }
}
