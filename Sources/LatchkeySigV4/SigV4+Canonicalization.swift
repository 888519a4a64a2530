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
        output.append(contentsOf: request.method.utf8)
        output.append(newline)
        Canonical.appendPath(request.rawPath, normalize: normalizePath, to: &output)
        output.append(newline)
        try Canonical.appendQuery(request.rawQuery, to: &output)
        output.append(newline)
        Canonical.appendHeaders(request.headers, signedHeaders: signedHeaders, to: &output)
        output.append(newline)
        Canonical.appendSignedHeaders(signedHeaders, to: &output)
        output.append(newline)
        output.append(contentsOf: request.payloadHash.utf8)
        return output
    }
}

private let newline = UInt8(ascii: "\n")

/// The pieces of the canonical request, written into a byte buffer.
enum Canonical {
    private static let slash = UInt8(ascii: "/")

    /// Appends the canonical URI for `rawPath`.
    static func appendPath(_ rawPath: String, normalize: Bool, to output: inout [UInt8]) {
        if rawPath.isEmpty || rawPath == "/" {
            output.append(slash)
            return
        }
        let bytes = Array(rawPath.utf8)
        guard normalize else {
            PercentEncoding.append(bytes, to: &output, keepSlash: true)
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
            PercentEncoding.append(bytes[segment], to: &output)
        }
        if !segments.isEmpty, bytes[bytes.count - 1] == slash {
            output.append(slash)
        }
    }

    /// One encoded query parameter: `bytes[..<keyLength]` is the key, the rest the value.
    private struct EncodedParameter {
        var bytes: [UInt8]
        var keyLength: Int

        var key: ArraySlice<UInt8> { bytes[..<keyLength] }
        var value: ArraySlice<UInt8> { bytes[keyLength...] }

        static func precedes(_ lhs: EncodedParameter, _ rhs: EncodedParameter) -> Bool {
            if lhs.key.elementsEqual(rhs.key) {
                return lhs.value.lexicographicallyPrecedes(rhs.value)
            }
            return lhs.key.lexicographicallyPrecedes(rhs.key)
        }
    }

    private static let signatureKey: [UInt8] = Array("X-Amz-Signature".utf8)

    /// Appends the canonical query string for `rawQuery`.
    static func appendQuery(_ rawQuery: String, to output: inout [UInt8]) throws(SigV4Error) {
        guard !rawQuery.isEmpty else { return }
        let bytes = Array(rawQuery.utf8)
        var parameters: [EncodedParameter] = []
        var scratch: [UInt8] = []
        var failed = false
        QueryScanner.forEach(bytes) { key, value in
            var parameter = EncodedParameter(bytes: [], keyLength: 0)
            parameter.bytes.reserveCapacity(key.count + value.count + 8)
            scratch.removeAll(keepingCapacity: true)
            guard PercentEncoding.decode(bytes, key, into: &scratch) else {
                failed = true
                return
            }
            if scratch == signatureKey { return }
            PercentEncoding.append(scratch, to: &parameter.bytes)
            parameter.keyLength = parameter.bytes.count
            if PercentEncoding.isCanonical(bytes, value) {
                parameter.bytes.append(contentsOf: bytes[value])
            } else {
                scratch.removeAll(keepingCapacity: true)
                guard PercentEncoding.decode(bytes, value, into: &scratch) else {
                    failed = true
                    return
                }
                PercentEncoding.append(scratch, to: &parameter.bytes)
            }
            parameters.append(parameter)
        }
        if failed { throw SigV4Error.malformedQuery }
        parameters.sort(by: EncodedParameter.precedes)
        for (position, parameter) in parameters.enumerated() {
            if position > 0 { output.append(UInt8(ascii: "&")) }
            output.append(contentsOf: parameter.key)
            output.append(UInt8(ascii: "="))
            output.append(contentsOf: parameter.value)
        }
    }

    /// Appends `name:value\n` for each signed header.
    static func appendHeaders(
        _ headers: [SignableRequest.Header],
        signedHeaders: [String],
        to output: inout [UInt8]
    ) {
        for name in signedHeaders {
            for byte in name.utf8 { output.append(ASCII.lower(byte)) }
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
    static func appendSignedHeaders(_ signedHeaders: [String], to output: inout [UInt8]) {
        for (position, name) in signedHeaders.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ";")) }
            for byte in name.utf8 { output.append(ASCII.lower(byte)) }
        }
    }

    @inline(__always)
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }

    /// Appends `value` trimmed, with every inner run of whitespace replaced by one space.
    static func appendTrimmedValue(_ value: String, to output: inout [UInt8]) {
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { appendTrimmed($0, to: &output) }
        if done == nil { appendTrimmed(Array(value.utf8), to: &output) }
    }

    /// Copies the runs between whitespace in bulk rather than byte by byte.
    private static func appendTrimmed(_ bytes: some RandomAccessCollection<UInt8>, to output: inout [UInt8]) {
        var index = bytes.startIndex
        var first = true
        while index != bytes.endIndex {
            while index != bytes.endIndex, isWhitespace(bytes[index]) { bytes.formIndex(after: &index) }
            guard index != bytes.endIndex else { return }
            var end = index
            while end != bytes.endIndex, !isWhitespace(bytes[end]) { bytes.formIndex(after: &end) }
            if !first { output.append(UInt8(ascii: " ")) }
            first = false
            output.append(contentsOf: bytes[index..<end])
            index = end
        }
    }
}

/// Splits a raw query string into `key=value` parts by byte ranges, without decoding.
enum QueryScanner {
    /// Calls `body` with the key and value ranges of each non-empty `&`-separated part; a part without `=`
    /// has an empty value.
    static func forEach(_ bytes: [UInt8], _ body: (Range<Int>, Range<Int>) -> Void) {
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
