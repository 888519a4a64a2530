import LatchkeyBase

extension SigV4 {
    /// The canonical request for `request`, as AWS defines it for every service except S3.
    ///
    /// - The path is normalized when `normalizePath` is true (dot segments removed, empty segments collapsed, a
    ///   trailing `/` kept only if the raw path ends with one) and each segment is URI-encoded as received
    ///   (so an already-encoded `%20` becomes `%2520`: the "double encoding" non-S3 services use).
    /// - The query is split on `&` and each part on its first `=`; keys and values are percent-decoded (`+` stays
    ///   a literal plus), re-encoded with the RFC 3986 unreserved set, and sorted by key then value in byte
    ///   order. Empty parts are skipped; `X-Amz-Signature` is never included, since it carries the signature.
    /// - Each signed header is written as `name:value` with the values of repeated fields joined by `,` in
    ///   order, each value trimmed and with inner runs of whitespace (including folded lines) made one space.
    ///
    /// - Parameters:
    ///   - request: The request as received (or about to be sent).
    ///   - signedHeaders: The lowercase, sorted names of the headers to include.
    ///   - normalizePath: Whether to normalize the path (true for every service but S3).
    /// - Throws: ``SigV4Error/Code/malformedQueryString`` when the query has invalid percent-encoding.
    public static func canonicalRequest(
        for request: SignableRequest,
        signedHeaders: [String],
        normalizePath: Bool = true
    ) throws(SigV4Error) -> String {
        let bytes = try canonicalRequestBytes(for: request, signedHeaders: signedHeaders, normalizePath: normalizePath)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func canonicalRequestBytes(
        for request: SignableRequest,
        signedHeaders: [String],
        normalizePath: Bool
    ) throws(SigV4Error) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256 + request.rawPath.utf8.count + 2 * request.rawQuery.utf8.count)
        try writeCanonicalRequest(for: request, signedHeaders: signedHeaders, normalizePath: normalizePath, to: &output)
        return output
    }

    /// Writes the canonical request into `output`: a byte array for the signer, a hash for the verifier.
    static func writeCanonicalRequest<Output: ByteSink>(
        for request: SignableRequest,
        signedHeaders: [String],
        normalizePath: Bool,
        to output: inout Output
    ) throws(SigV4Error) {
        output.append(utf8: request.method)
        output.append(newline)
        Canonical.appendPath(request.rawPath, normalize: normalizePath, to: &output)
        output.append(newline)
        try Canonical.appendQuery(request.rawQuery, to: &output)
        output.append(newline)
        Canonical.appendHeaders(request.headers, signedHeaders: signedHeaders, to: &output)
        output.append(newline)
        Canonical.appendSignedHeaders(signedHeaders, to: &output)
        output.append(newline)
        output.append(utf8: request.payloadHash)
    }
}

private let newline = UInt8(ascii: "\n")

/// The pieces of the canonical request, written into a ``ByteSink`` straight from the request's own bytes.
enum Canonical {
    private static let slash = UInt8(ascii: "/")

    /// Appends the canonical URI for `rawPath`.
    static func appendPath<Output: ByteSink>(_ rawPath: String, normalize: Bool, to output: inout Output) {
        if rawPath.isEmpty || rawPath == "/" {
            output.append(slash)
            return
        }
        rawPath.withUTF8Bytes { bytes in
            guard normalize else {
                percentEncode(bytes, to: &output, keepSlash: true)
                return
            }
            var segments: [Range<Int>] = []
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == slash {
                let segment = start..<index
                start = index + 1
                switch segment.count {
                case 0:
                    continue
                case 1 where bytes[segment.lowerBound] == UInt8(ascii: "."):
                    continue
                case 2
                where bytes[segment.lowerBound] == UInt8(ascii: ".")
                    && bytes[segment.lowerBound + 1] == UInt8(ascii: "."):
                    _ = segments.popLast()
                default:
                    segments.append(segment)
                }
            }
            output.append(slash)
            for (position, segment) in segments.enumerated() {
                if position > 0 { output.append(slash) }
                percentEncode(UnsafeBufferPointer(rebasing: bytes[segment]), to: &output)
            }
            if !segments.isEmpty, bytes[bytes.count - 1] == slash {
                output.append(slash)
            }
        }
    }

    /// Appends `bytes` percent-encoded (RFC 3986 unreserved set, uppercase hex), copying runs of unreserved
    /// bytes in bulk; `/` is kept as is when `keepSlash` is true.
    static func percentEncode<Output: ByteSink>(
        _ bytes: UnsafeBufferPointer<UInt8>,
        to output: inout Output,
        keepSlash: Bool = false
    ) {
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if PercentEncoding.isUnreserved(byte) || (keepSlash && byte == slash) { continue }
            if runStart < index { output.append(bytes: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            appendEscape(byte, to: &output)
            runStart = index + 1
        }
        if runStart < bytes.count { output.append(bytes: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
    }

    @inline(__always)
    private static func appendEscape<Output: ByteSink>(_ byte: UInt8, to output: inout Output) {
        output.append(UInt8(ascii: "%"))
        output.append(Hex.digit(byte >> 4, uppercase: true))
        output.append(Hex.digit(byte & 0x0F, uppercase: true))
    }

    /// Whether `bytes` is already in canonical form, i.e. decoding and re-encoding it gives the same bytes: every
    /// byte unreserved, or a `%XX` escape with uppercase hex digits of a byte that is not unreserved.
    private static func isCanonical(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if PercentEncoding.isUnreserved(byte) {
                index += 1
                continue
            }
            guard byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = uppercaseHexValue(bytes[index + 1]), let low = uppercaseHexValue(bytes[index + 2]),
                !PercentEncoding.isUnreserved(high << 4 | low)
            else { return false }
            index += 3
        }
        return true
    }

    @inline(__always)
    private static func uppercaseHexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }

    /// Appends `bytes` percent-decoded (`+` stays a literal plus) and re-encoded; false on a truncated or non-hex
    /// escape.
    private static func appendRecoded(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            var byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = Hex.value(of: bytes[index + 1]),
                    let low = Hex.value(of: bytes[index + 2])
                else { return false }
                byte = high << 4 | low
                index += 3
            } else {
                index += 1
            }
            if PercentEncoding.isUnreserved(byte) { output.append(byte) } else { appendEscape(byte, to: &output) }
        }
        return true
    }

    /// One part of the canonical query: `start..<end` of the raw query when already canonical, else of the side
    /// buffer of re-encoded bytes.
    private struct Piece {
        var start: Int
        var end: Int
        var recoded: Bool
    }

    private struct Parameter {
        var key: Piece
        var value: Piece
    }

    private static let signatureKey: StaticString = "X-Amz-Signature"

    /// Appends the canonical query string for `rawQuery`.
    ///
    /// Parameters already in canonical form (the usual case: SDKs encode exactly so) are sorted and written as
    /// ranges of the raw query; only the others are decoded and re-encoded, into one side buffer.
    static func appendQuery<Output: ByteSink>(_ rawQuery: String, to output: inout Output) throws(SigV4Error) {
        guard !rawQuery.isEmpty else { return }
        try rawQuery.withUTF8Bytes { (bytes) throws(SigV4Error) in
            var partCount = 1
            for byte in bytes where byte == UInt8(ascii: "&") { partCount += 1 }
            try withUnsafeTemporaryAllocation(of: Parameter.self, capacity: partCount) {
                (parameters) throws(SigV4Error) in
                var count = 0
                var recoded: [UInt8] = []
                var failed = false
                QueryScanner.forEach(bytes) { key, value in
                    guard let keyPiece = piece(bytes, key, side: &recoded) else {
                        failed = true
                        return
                    }
                    if isSignatureKey(keyPiece, raw: bytes, side: recoded) { return }
                    guard let valuePiece = piece(bytes, value, side: &recoded) else {
                        failed = true
                        return
                    }
                    // `Parameter` is a trivial type: nothing to deinitialize afterwards.
                    parameters.initializeElement(at: count, to: Parameter(key: keyPiece, value: valuePiece))
                    count += 1
                }
                if failed { throw SigV4Error.malformedQuery }
                recoded.withUnsafeBufferPointer { side in
                    var sorted = UnsafeMutableBufferPointer(rebasing: parameters[..<count])
                    sorted.sort { lhs, rhs in
                        let leftKey = resolve(lhs.key, bytes, side)
                        let rightKey = resolve(rhs.key, bytes, side)
                        if leftKey.elementsEqual(rightKey) {
                            return resolve(lhs.value, bytes, side).lexicographicallyPrecedes(
                                resolve(rhs.value, bytes, side))
                        }
                        return leftKey.lexicographicallyPrecedes(rightKey)
                    }
                    for (position, parameter) in sorted.enumerated() {
                        if position > 0 { output.append(UInt8(ascii: "&")) }
                        output.append(bytes: resolve(parameter.key, bytes, side))
                        output.append(UInt8(ascii: "="))
                        output.append(bytes: resolve(parameter.value, bytes, side))
                    }
                }
            }
        }
    }

    /// The canonical form of `raw[range]`: the range itself when already canonical, else re-encoded into `side`;
    /// nil on invalid percent-encoding.
    private static func piece(
        _ raw: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, side: inout [UInt8]
    ) -> Piece? {
        let bytes = UnsafeBufferPointer(rebasing: raw[range])
        if isCanonical(bytes) { return Piece(start: range.lowerBound, end: range.upperBound, recoded: false) }
        let start = side.count
        guard appendRecoded(bytes, to: &side) else { return nil }
        return Piece(start: start, end: side.count, recoded: true)
    }

    @inline(__always)
    private static func resolve(
        _ piece: Piece, _ raw: UnsafeBufferPointer<UInt8>, _ side: UnsafeBufferPointer<UInt8>
    ) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: (piece.recoded ? side : raw)[piece.start..<piece.end])
    }

    /// Whether a canonical key is `X-Amz-Signature` (encoding is one-to-one and leaves that name as it is, so
    /// comparing canonical forms is comparing decoded names).
    private static func isSignatureKey(_ key: Piece, raw: UnsafeBufferPointer<UInt8>, side: [UInt8]) -> Bool {
        guard key.end - key.start == signatureKey.utf8CodeUnitCount else { return false }
        let name = UnsafeBufferPointer(start: signatureKey.utf8Start, count: signatureKey.utf8CodeUnitCount)
        if key.recoded {
            return side.withUnsafeBufferPointer { resolve(key, raw, $0).elementsEqual(name) }
        }
        return UnsafeBufferPointer(rebasing: raw[key.start..<key.end]).elementsEqual(name)
    }

    /// Appends `name:value\n` for each signed header.
    static func appendHeaders<Output: ByteSink>(
        _ headers: [SignableRequest.Header],
        signedHeaders: [String],
        to output: inout Output
    ) {
        for name in signedHeaders {
            appendLowercased(name, to: &output)
            output.append(UInt8(ascii: ":"))
            var first = true
            for header in headers where ASCII.equalsIgnoringCase(header.name, name) {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                appendTrimmedValue(header.value, to: &output)
            }
            output.append(newline)
        }
    }

    /// Appends the signed header names joined by `;`.
    static func appendSignedHeaders<Output: ByteSink>(_ signedHeaders: [String], to output: inout Output) {
        for (position, name) in signedHeaders.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ";")) }
            appendLowercased(name, to: &output)
        }
    }

    /// Appends `name` with ASCII letters lowercased (in bulk when it has none to lower, as parsed names never do).
    private static func appendLowercased<Output: ByteSink>(_ name: String, to output: inout Output) {
        name.withUTF8Bytes { bytes in
            if !bytes.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
                output.append(bytes: bytes)
            } else {
                for byte in bytes { output.append(ASCII.lower(byte)) }
            }
        }
    }

    @inline(__always)
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }

    /// Appends `value` trimmed, with every inner run of whitespace replaced by one space; the runs between
    /// whitespace are copied in bulk.
    static func appendTrimmedValue<Output: ByteSink>(_ value: String, to output: inout Output) {
        value.withUTF8Bytes { bytes in
            var index = 0
            var first = true
            while index < bytes.count {
                while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
                guard index < bytes.count else { return }
                var end = index
                while end < bytes.count, !isWhitespace(bytes[end]) { end += 1 }
                if !first { output.append(UInt8(ascii: " ")) }
                first = false
                output.append(bytes: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                index = end
            }
        }
    }
}

/// Splits a raw query string into `key=value` parts by byte ranges, without decoding.
enum QueryScanner {
    /// Calls `body` with the key and value ranges of each non-empty `&`-separated part; a part without `=`
    /// has an empty value.
    static func forEach(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>, Range<Int>) -> Void) {
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "&") {
            defer { start = index + 1 }
            guard index > start else { continue }
            var equals = index
            for position in start..<index where bytes[position] == UInt8(ascii: "=") {
                equals = position
                break
            }
            body(start..<equals, min(equals + 1, index)..<index)
        }
    }
}
