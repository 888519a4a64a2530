import Crypto
import LatchkeyBase

/// A derived SigV4 signing key for one (secret, date, region, service), safe to cache for that day.
public struct SigV4SigningKey: Sendable {
    /// The scope date, `YYYYMMDD`.
    public let date: String
    /// The region.
    public let region: String
    /// The service.
    public let service: String
    let hmac: HMACSHA256

    /// Whether this key was derived for `scope` (terminator aside).
    public func matches(_ scope: SigV4Scope) -> Bool {
        date == scope.date && region == scope.region && service == scope.service
    }
}

extension SigV4 {
    /// Derives the signing key: HMAC chain of `"AWS4" + secret` over date, region, service and `aws4_request`.
    ///
    /// Four HMACs per call; a server should cache the result per (secret, date, region, service).
    public static func signingKey(
        secretAccessKey: String,
        date: String,
        region: String,
        service: String
    ) -> SigV4SigningKey {
        let dateKey = secretAccessKey.withUTF8Bytes { secret in
            let length = 4 + secret.count
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { key in
                defer { key.update(repeating: 0) }
                _ = key.initialize(from: "AWS4".utf8)
                if let source = secret.baseAddress, let target = key.baseAddress {
                    (target + 4).initialize(from: source, count: secret.count)
                }
                return HMACSHA256(key: UnsafeRawBufferPointer(key)).authenticationCode(utf8: date)
            }
        }
        let regionKey = HMACSHA256(key: dateKey).authenticationCode(utf8: region)
        let serviceKey = HMACSHA256(key: regionKey).authenticationCode(utf8: service)
        let signingKey = HMACSHA256(key: serviceKey).authenticationCode(utf8: terminator)
        return SigV4SigningKey(date: date, region: region, service: service, hmac: HMACSHA256(key: signingKey))
    }

    /// The string to sign: algorithm, timestamp, scope and the hex SHA-256 of the canonical request, one per line.
    /// - Parameters:
    ///   - canonicalRequest: The output of ``canonicalRequest(for:signedHeaders:normalizePath:)``.
    ///   - timestamp: The request timestamp as sent, `YYYYMMDDTHHMMSSZ`.
    ///   - scope: The credential scope.
    public static func stringToSign(canonicalRequest: String, timestamp: String, scope: SigV4Scope) -> String {
        String(
            decoding: stringToSignBytes(
                canonicalRequest: Array(canonicalRequest.utf8), timestamp: timestamp, scope: scope),
            as: UTF8.self)
    }

    static func stringToSignBytes(canonicalRequest: [UInt8], timestamp: String, scope: SigV4Scope) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(160)
        writeStringToSign(
            canonicalRequestDigest: SHA256.hash(data: canonicalRequest), timestamp: timestamp, scope: scope,
            to: &output)
        return output
    }

    /// Writes the string to sign, given the digest of the canonical request.
    static func writeStringToSign<Output: ByteSink>(
        canonicalRequestDigest: SHA256Digest,
        timestamp: String,
        scope: SigV4Scope,
        to output: inout Output
    ) {
        output.append(utf8: algorithm)
        output.append(UInt8(ascii: "\n"))
        output.append(utf8: timestamp)
        output.append(UInt8(ascii: "\n"))
        output.append(utf8: scope.date)
        output.append(UInt8(ascii: "/"))
        output.append(utf8: scope.region)
        output.append(UInt8(ascii: "/"))
        output.append(utf8: scope.service)
        output.append(UInt8(ascii: "/"))
        output.append(utf8: scope.terminator)
        output.append(UInt8(ascii: "\n"))
        canonicalRequestDigest.withUnsafeBytes { digest in
            for byte in digest {
                output.append(Hex.digit(byte >> 4))
                output.append(Hex.digit(byte & 0x0F))
            }
        }
    }

    /// The signature: lowercase hex HMAC-SHA256 of the string to sign under the signing key.
    public static func signature(stringToSign: String, signingKey: SigV4SigningKey) -> String {
        String(decoding: signatureBytes(stringToSign: Array(stringToSign.utf8), signingKey: signingKey), as: UTF8.self)
    }

    static func signatureBytes(stringToSign: [UInt8], signingKey: SigV4SigningKey) -> [UInt8] {
        let mac = stringToSign.withUnsafeBytes { signingKey.hmac.authenticationCode($0) }
        return Hex.encodeBytes(mac.withUnsafeBytes { Array($0) })
    }
}

/// HMAC-SHA256 (RFC 2104) with the keyed inner and outer hash states computed once, so that each message costs
/// two hash-state copies rather than a full key setup. Used for the SigV4 key chain and signatures.
struct HMACSHA256: Sendable {
    private static let blockSize = 64
    /// The hash state after the inner padded key: continue it with the message, then ``finish(_:)``.
    let inner: SHA256
    private let outer: SHA256

    init(key: UnsafeRawBufferPointer) {
        var inner = SHA256()
        var outer = SHA256()
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.blockSize) { block in
            block.initialize(repeating: 0)
            defer { block.update(repeating: 0) }
            if key.count > Self.blockSize {
                var keyHash = SHA256()
                keyHash.update(bufferPointer: key)
                keyHash.finalize().withUnsafeBytes { digest in
                    for (index, byte) in digest.enumerated() { block[index] = byte }
                }
            } else {
                for (index, byte) in key.enumerated() { block[index] = byte }
            }
            for index in block.indices { block[index] ^= 0x36 }
            inner.update(bufferPointer: UnsafeRawBufferPointer(block))
            for index in block.indices { block[index] ^= 0x36 ^ 0x5C }
            outer.update(bufferPointer: UnsafeRawBufferPointer(block))
        }
        self.inner = inner
        self.outer = outer
    }

    init(key: SHA256Digest) {
        self = key.withUnsafeBytes { HMACSHA256(key: $0) }
    }

    /// The MAC of `message`.
    func authenticationCode(_ message: UnsafeRawBufferPointer) -> SHA256Digest {
        var innerHash = inner
        innerHash.update(bufferPointer: message)
        return finish(innerHash)
    }

    /// The MAC of the UTF-8 bytes of `message`.
    func authenticationCode(utf8 message: String) -> SHA256Digest {
        message.withUTF8Bytes { authenticationCode(UnsafeRawBufferPointer($0)) }
    }

    /// The MAC, given ``inner`` continued with the whole message.
    func finish(_ innerHash: SHA256) -> SHA256Digest {
        let innerDigest = innerHash.finalize()
        var outerHash = outer
        innerDigest.withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        return outerHash.finalize()
    }
}
