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
        let dateKey = HMACSHA256(key: Array(("AWS4" + secretAccessKey).utf8)).authenticationCode(date.utf8)
        let regionKey = HMACSHA256(key: dateKey).authenticationCode(region.utf8)
        let serviceKey = HMACSHA256(key: regionKey).authenticationCode(service.utf8)
        let signingKey = HMACSHA256(key: serviceKey).authenticationCode(terminator.utf8)
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
        output.append(contentsOf: algorithm.utf8)
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: timestamp.utf8)
        output.append(UInt8(ascii: "\n"))
        appendScope(scope, to: &output)
        output.append(UInt8(ascii: "\n"))
        Hex.append(SHA256.hash(data: canonicalRequest), to: &output)
        return output
    }

    static func appendScope(_ scope: SigV4Scope, to output: inout [UInt8]) {
        output.append(contentsOf: scope.date.utf8)
        output.append(UInt8(ascii: "/"))
        output.append(contentsOf: scope.region.utf8)
        output.append(UInt8(ascii: "/"))
        output.append(contentsOf: scope.service.utf8)
        output.append(UInt8(ascii: "/"))
        output.append(contentsOf: scope.terminator.utf8)
    }

    /// The signature: lowercase hex HMAC-SHA256 of the string to sign under the signing key.
    public static func signature(stringToSign: String, signingKey: SigV4SigningKey) -> String {
        String(decoding: signatureBytes(stringToSign: Array(stringToSign.utf8), signingKey: signingKey), as: UTF8.self)
    }

    static func signatureBytes(stringToSign: [UInt8], signingKey: SigV4SigningKey) -> [UInt8] {
        Hex.encodeBytes(signingKey.hmac.authenticationCode(stringToSign))
    }
}

/// HMAC-SHA256 (RFC 2104) with the keyed inner and outer hash states computed once, so that each message costs
/// two hash-state copies rather than a full key setup. Used for the SigV4 key chain and signatures.
struct HMACSHA256: Sendable {
    private static let blockSize = 64
    private let inner: SHA256
    private let outer: SHA256

    init(key: some Collection<UInt8>) {
        var block = [UInt8](repeating: 0, count: Self.blockSize)
        if key.count > Self.blockSize {
            block.replaceSubrange(0..<SHA256.byteCount, with: Array(SHA256.hash(data: Array(key))))
        } else {
            block.replaceSubrange(0..<key.count, with: key)
        }
        var inner = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: block.map { $0 ^ 0x5C })
        for index in block.indices { block[index] = 0 }
        self.inner = inner
        self.outer = outer
    }

    /// The 32-byte MAC of `message`.
    func authenticationCode(_ message: some Sequence<UInt8>) -> [UInt8] {
        var innerHash = inner
        let done: Void? = message.withContiguousStorageIfAvailable {
            innerHash.update(bufferPointer: UnsafeRawBufferPointer($0))
        }
        if done == nil { innerHash.update(data: Array(message)) }
        let innerDigest = innerHash.finalize()
        var outerHash = outer
        innerDigest.withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        return Array(outerHash.finalize())
    }
}
