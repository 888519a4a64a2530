import LatchkeyBase

extension QueryParameters {
    /// Parses an `application/x-www-form-urlencoded` POST body or a GET query string (without the `?`).
    ///
    /// Rules: pairs are separated by `&`; a pair splits at its first `=` (later `=` belong to the value);
    /// `+` decodes to a space and `%XX` (two hexadecimal digits, either case) to a byte; the decoded key and
    /// value must be valid UTF-8. Empty pairs from `&&` or a trailing `&` are skipped, as AWS does. A key
    /// without `=` has the empty value. An empty key, a repeated key, malformed percent-encoding and any
    /// exceeded ``QueryLimits`` bound are errors. The input is read once and never retained.
    public static func parse(
        _ bytes: some Collection<UInt8>,
        limits: QueryLimits = .default
    ) throws(QueryDecodingError) -> QueryParameters {
        if let result = bytes.withContiguousStorageIfAvailable({ parse(buffer: $0, limits: limits) }) {
            return try result.get()
        }
        if bytes.count > limits.maxInputLength { throw .inputLength(limits.maxInputLength) }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { parse(buffer: $0, limits: limits) }.get()
    }

    private static func parse(
        buffer: UnsafeBufferPointer<UInt8>,
        limits: QueryLimits
    ) -> Result<QueryParameters, QueryDecodingError> {
        do {
            var parser = FormParser(buffer: buffer, limits: limits)
            return .success(try parser.run())
        } catch {
            return .failure(error)
        }
    }
}

/// The byte-level form parser. One pass over the input, one scratch buffer reused for every decode.
private struct FormParser {
    let buffer: UnsafeBufferPointer<UInt8>
    let limits: QueryLimits
    var scratch: [UInt8] = []

    init(buffer: UnsafeBufferPointer<UInt8>, limits: QueryLimits) {
        self.buffer = buffer
        self.limits = limits
    }

    mutating func run() throws(QueryDecodingError) -> QueryParameters {
        let end = buffer.count
        if end > limits.maxInputLength { throw .inputLength(limits.maxInputLength) }
        var result = QueryParameters(reservingCapacity: min(16, limits.maxParameters))
        var count = 0
        var start = 0
        while start < end {
            var stop = start
            var equals = -1
            while stop < end {
                let byte = buffer[stop]
                if byte == UInt8(ascii: "&") { break }
                if byte == UInt8(ascii: "="), equals < 0 { equals = stop }
                stop += 1
            }
            if stop > start {
                count += 1
                if count > limits.maxParameters { throw .tooMany(limits.maxParameters) }
                let keyEnd = equals < 0 ? stop : equals
                if keyEnd == start { throw .empty }
                let key = try decode(start..<keyEnd, limit: limits.maxKeyLength, key: nil)
                let value = equals < 0 ? "" : try decode((equals + 1)..<stop, limit: limits.maxValueLength, key: key)
                try result.append(key: key, value: value)
            }
            start = stop + 1
        }
        return result
    }

    /// Decodes `range`; `key` is nil when decoding a key, else the key whose value this is.
    private mutating func decode(
        _ range: Range<Int>,
        limit: Int,
        key: String?
    ) throws(QueryDecodingError) -> String {
        let raw = UnsafeBufferPointer(rebasing: buffer[range])
        var plain = true
        for byte in raw where byte == UInt8(ascii: "%") || byte == UInt8(ascii: "+") {
            plain = false
            break
        }
        if plain {
            if raw.count > limit { throw lengthError(limit: limit, key: key) }
            guard let text = UTF8Validation.string(raw) else { throw .utf8 }
            return text
        }
        scratch.removeAll(keepingCapacity: true)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            switch byte {
            case UInt8(ascii: "+"):
                scratch.append(0x20)
                index += 1
            case UInt8(ascii: "%"):
                guard index + 2 < raw.count, let high = Hex.value(of: raw[index + 1]),
                    let low = Hex.value(of: raw[index + 2])
                else { throw .percentEncoding }
                scratch.append(high << 4 | low)
                index += 3
            default:
                scratch.append(byte)
                index += 1
            }
            if scratch.count > limit { throw lengthError(limit: limit, key: key) }
        }
        guard let text = scratch.withUnsafeBufferPointer(UTF8Validation.string) else { throw .utf8 }
        return text
    }

    private func lengthError(limit: Int, key: String?) -> QueryDecodingError {
        if let key { return .valueLength(key, limit) }
        return .keyLength(limit)
    }
}
