import LatchkeyBase

extension QueryParameters {
    /// The parameters as an `application/x-www-form-urlencoded` body, in order.
    ///
    /// Keys and values are percent-encoded as SigV4 expects: the RFC 3986 unreserved characters
    /// (`A-Z a-z 0-9 - _ . ~`) stay as they are, every other UTF-8 byte becomes `%XX` with uppercase hex,
    /// so a space is `%20` and `+` is `%2B`. ``parse(_:limits:)`` reads the output back unchanged.
    public func formEncoded() -> String {
        var output = ""
        output.reserveCapacity(self.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 2 })
        var first = true
        for pair in self {
            if !first { output.append("&") }
            first = false
            Self.percentEncode(pair.key, into: &output)
            output.append("=")
            Self.percentEncode(pair.value, into: &output)
        }
        return output
    }

    /// Appends `text` percent-encoded (unreserved characters kept, everything else `%XX` uppercase).
    public static func percentEncode(_ text: String, into output: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        PercentEncoding.append(text.utf8, to: &bytes)
        // Every byte appended is ASCII, so the decode cannot substitute anything.
        output.append(String(decoding: bytes, as: UTF8.self))
    }
}
