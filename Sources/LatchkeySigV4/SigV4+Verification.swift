import Crypto
import LatchkeyBase

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

extension SigV4 {
    /// Verifies a parsed authorization against the request it came with.
    ///
    /// Checks, in order, failing with the first problem:
    /// 1. the credential scope: terminator `aws4_request`, scope date equal to the date of the request timestamp,
    ///    and service equal to `expectedService` when given;
    /// 2. that `host` is a signed header, and that every signed header is present in the request;
    /// 3. the time window (see below);
    /// 4. the signature, compared in constant time.
    ///
    /// Time window, always in whole seconds. Header form: |now − timestamp| ≤ 15 minutes. Presigned form:
    /// `X-Amz-Expires` must be 1...604800, and the URL is valid from timestamp − 15 minutes until
    /// timestamp + min(X-Amz-Expires, 900) seconds (Latchkey caps presigned validity at 15 minutes). A presigned URL
    /// past its validity V gets the header form's wording with V in place of the 15 minutes:
    /// `Signature expired: <timestamp> is now earlier than <now − V> (<now> - <V>.)`, where `<V>` reads
    /// `15 min.`-style in whole minutes, else `N sec.`.
    ///
    /// - Parameters:
    ///   - auth: The value from ``parseAuthorization(request:)``.
    ///   - request: The request exactly as received.
    ///   - secretAccessKey: The secret for `auth.accessKeyID`; never appears in any error.
    ///   - now: The current time.
    ///   - expectedService: The service the scope must name (e.g. `sts`), or nil to accept any.
    ///   - normalizePath: Whether the client normalized the path (true for every service but S3).
    public static func verify(
        _ auth: SigV4Authorization,
        request: SignableRequest,
        secretAccessKey: String,
        now: Date,
        expectedService: String?,
        normalizePath: Bool = true
    ) throws(SigV4Error) {
        try checkBeforeSignature(auth, request: request, now: now, expectedService: expectedService)
        let key = signingKey(
            secretAccessKey: secretAccessKey, date: auth.scope.date, region: auth.scope.region,
            service: auth.scope.service)
        try checkSignature(auth, request: request, signingKey: key, normalizePath: normalizePath)
    }

    /// Verifies like ``verify(_:request:secretAccessKey:now:expectedService:normalizePath:)`` with a cached signing
    /// key. A key derived for another date, region or service fails as `SignatureDoesNotMatch`.
    public static func verify(
        _ auth: SigV4Authorization,
        request: SignableRequest,
        signingKey: SigV4SigningKey,
        now: Date,
        expectedService: String?,
        normalizePath: Bool = true
    ) throws(SigV4Error) {
        try checkBeforeSignature(auth, request: request, now: now, expectedService: expectedService)
        guard signingKey.matches(auth.scope) else { throw SigV4Error.signatureDoesNotMatch }
        try checkSignature(auth, request: request, signingKey: signingKey, normalizePath: normalizePath)
    }

    private static func checkBeforeSignature(
        _ auth: SigV4Authorization,
        request: SignableRequest,
        now: Date,
        expectedService: String?
    ) throws(SigV4Error) {
        try checkScope(auth, expectedService: expectedService)
        guard auth.signedHeaders.contains("host") else { throw SigV4Error.incomplete(SigV4Error.hostNotSignedText) }
        for name in auth.signedHeaders
        where !request.headers.contains(where: { ASCII.equalsIgnoringCase($0.name, name) }) {
            throw SigV4Error.incomplete("Header '\(name)' is listed in SignedHeaders but is not in the request.")
        }
        try checkTimeWindow(auth, now: AmzTimestamp.seconds(now))
    }

    private static func checkScope(_ auth: SigV4Authorization, expectedService: String?) throws(SigV4Error) {
        let scope = auth.scope
        guard scope.terminator == terminator else {
            let shown = SigV4Error.echoable(scope.terminator) ?? "..."
            throw SigV4Error.mismatch(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '\(shown)'. ")
        }
        let timestampDate = auth.timestampText.prefix(8)
        guard scope.date == timestampDate else {
            throw SigV4Error.mismatch(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                    + "'\(scope.date)' != '\(timestampDate)', from '\(auth.timestampText)'.")
        }
        if let expectedService, scope.service != expectedService {
            throw SigV4Error.mismatch("Credential should be scoped to correct service: '\(expectedService)'. ")
        }
    }

    private static func checkTimeWindow(_ auth: SigV4Authorization, now: Int64) throws(SigV4Error) {
        let timestamp = auth.timestampSeconds
        let skew = Int64(maximumSkewSeconds)
        var validity = skew
        if case .presigned(let expires) = auth.form {
            guard expires >= 1 else {
                throw SigV4Error.incomplete("X-Amz-Expires must be at least 1 second")
            }
            guard expires <= maximumExpiresSeconds else {
                throw SigV4Error.incomplete("X-Amz-Expires must be less than a week (in seconds) that is 604800")
            }
            validity = Int64(min(expires, maximumSkewSeconds))
        }
        if timestamp > now + skew {
            throw SigV4Error.mismatch(
                "Signature not yet current: \(auth.timestampText) is still later than "
                    + "\(AmzTimestamp.format(now + skew)) (\(AmzTimestamp.format(now)) + 15 min.)")
        }
        if timestamp < now - validity {
            let span = validity % 60 == 0 ? "\(validity / 60) min." : "\(validity) sec."
            throw SigV4Error.mismatch(
                "Signature expired: \(auth.timestampText) is now earlier than "
                    + "\(AmzTimestamp.format(now - validity)) (\(AmzTimestamp.format(now)) - \(span))")
        }
    }

    /// Hashes the canonical request and then the string to sign as they are written, through one stack buffer
    /// (see ``HashingSink``), hex-encodes the MAC into that buffer and compares it with the signature in constant
    /// time: no heap buffer per request but the hash states (component benchmark `SigV4.Verify.Header`).
    private static func checkSignature(
        _ auth: SigV4Authorization,
        request: SignableRequest,
        signingKey: SigV4SigningKey,
        normalizePath: Bool
    ) throws(SigV4Error) {
        let matches = try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: HashingSink.bufferSize) {
            (buffer) throws(SigV4Error) -> Bool in
            var canonical = HashingSink(hash: SHA256(), buffer: buffer)
            try writeCanonicalRequest(
                for: request, signedHeaders: auth.signedHeaders, normalizePath: normalizePath, to: &canonical)
            let canonicalDigest = canonical.finalize()
            var toSign = HashingSink(hash: signingKey.hmac.inner, buffer: buffer)
            writeStringToSign(
                canonicalRequestDigest: canonicalDigest, timestamp: auth.timestampText, scope: auth.scope,
                to: &toSign)
            let mac = signingKey.hmac.finish(toSign.flushedHash())
            let expected = UnsafeMutableBufferPointer(rebasing: buffer[..<(2 * SHA256.byteCount)])
            mac.withUnsafeBytes { bytes in
                for (index, byte) in bytes.enumerated() {
                    expected[2 * index] = Hex.digit(byte >> 4)
                    expected[2 * index + 1] = Hex.digit(byte & 0x0F)
                }
            }
            return auth.signature.withUTF8Bytes { ConstantTime.equals(UnsafeBufferPointer(expected), $0) }
        }
        guard matches else { throw SigV4Error.signatureDoesNotMatch }
    }
}
