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
        var result = QueryParameters()
        if let outcome = bytes.withContiguousStorageIfAvailable({ buffer in
            Result { () throws(QueryDecodingError) in try result.append(parsing: buffer, limits: limits) }
        }) {
            try outcome.get()
            return result
        }
        if bytes.count > limits.maxInputLength { throw .inputLength(limits.maxInputLength) }
        let copy = Array(bytes)
        try copy.withUnsafeBufferPointer { buffer in
            Result { () throws(QueryDecodingError) in try result.append(parsing: buffer, limits: limits) }
        }.get()
        return result
    }

    /// Parses a form as ``parse(_:limits:)`` does and appends its pairs to these: the server reads the query string
    /// and then the body into one value. The form is parsed whole first (its own errors come first); then a key it
    /// shares with the pairs already here is a ``QueryDecodingError/duplicate(_:)``, the first such in form order.
    /// `limits` applies to this form alone.
    public mutating func append(parsing bytes: UnsafeRawBufferPointer, limits: QueryLimits = .default)
        throws(QueryDecodingError)
    {
        let buffer = UnsafeBufferPointer(
            start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        try append(parsing: buffer, limits: limits)
    }

    mutating func append(parsing buffer: UnsafeBufferPointer<UInt8>, limits: QueryLimits) throws(QueryDecodingError) {
        let parser = FormParser(buffer: buffer, limits: limits)
        if isEmpty {
            // The usual case (a POST without a query string): straight into these pairs.
            try parser.run(into: &self)
            return
        }
        var form = QueryParameters()
        try parser.run(into: &form)
        for position in form.indices {
            try append(key: form.keys[position], value: form.values[position])
        }
    }
}

/// The byte-level form parser. One pass over the input; a key or value with nothing to decode becomes a String
/// straight from the input, one with `%` or `+` is decoded straight into its String's storage.
private struct FormParser {
    let buffer: UnsafeBufferPointer<UInt8>
    let limits: QueryLimits

    init(buffer: UnsafeBufferPointer<UInt8>, limits: QueryLimits) {
        self.buffer = buffer
        self.limits = limits
    }

    /// Appends the pairs to `result`, which is empty.
    func run(into result: inout QueryParameters) throws(QueryDecodingError) {
        let end = buffer.count
        if end > limits.maxInputLength { throw .inputLength(limits.maxInputLength) }
        result.reserveCapacity(min(16, limits.maxParameters))
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
    }

    /// Decodes `range`; `key` is nil when decoding a key, else the key whose value this is.
    private func decode(
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
        // Decoded bytes are never more than encoded ones: decode into the String's own storage.
        var failure: QueryDecodingError?
        let text = String(unsafeUninitializedCapacity: raw.count) { output in
            var length = 0
            var index = 0
            while index < raw.count {
                let byte = raw[index]
                switch byte {
                case UInt8(ascii: "+"):
                    output[length] = 0x20
                    index += 1
                case UInt8(ascii: "%"):
                    guard index + 2 < raw.count, let high = Hex.value(of: raw[index + 1]),
                        let low = Hex.value(of: raw[index + 2])
                    else {
                        failure = .percentEncoding
                        return 0
                    }
                    output[length] = high << 4 | low
                    index += 3
                default:
                    output[length] = byte
                    index += 1
                }
                length += 1
                if length > limit {
                    failure = lengthError(limit: limit, key: key)
                    return 0
                }
            }
            guard UTF8Validation.isValid(UnsafeBufferPointer(rebasing: output[..<length])) else {
                failure = .utf8
                return 0
            }
            return length
        }
        if let failure { throw failure }
        return text
    }

    private func lengthError(limit: Int, key: String?) -> QueryDecodingError {
        if let key { return .valueLength(key, limit) }
        return .keyLength(limit)
    }
}
