/// An ARN pattern matched segment by segment, as IAM matches `Resource` entries and the `Arn*` condition operators.
///
/// An ARN has six colon-separated parts: `arn:partition:service:region:account:resource`. The first five are
/// matched separately, so a wildcard there never crosses a `:`; the sixth part is everything after the fifth colon
/// (it may itself hold `:` and `/`), and a `*` in it matches across both. A pattern with fewer than five colons
/// (such as `*`) is matched against the whole value.
struct ARNPattern: Sendable, Hashable {
    private static let colon = UInt16(UInt8(ascii: ":"))

    /// The six segment patterns, or nil when the pattern is not ARN-shaped.
    let segments: [GlobPattern]?
    let whole: GlobPattern

    init(_ pattern: GlobPattern) {
        whole = pattern
        var parts: [GlobPattern] = []
        var start = 0
        for (index, token) in pattern.tokens.enumerated() where token == ARNPattern.colon && parts.count < 5 {
            parts.append(GlobPattern(tokens: Array(pattern.tokens[start..<index])))
            start = index + 1
        }
        if parts.count == 5 {
            parts.append(GlobPattern(tokens: Array(pattern.tokens[start...])))
            segments = parts
        } else {
            segments = nil
        }
    }

    /// Whether `value` matches.
    func matches(_ value: String) -> Bool {
        guard let segments else { return whole.matches(value) }
        var value = value
        return value.withUTF8 { bytes in
            var segment = 0
            var start = 0
            var index = 0
            while index < bytes.count, segment < 5 {
                if bytes[index] == UInt8(ascii: ":") {
                    guard ARNPattern.match(segments[segment], bytes, start..<index) else { return false }
                    segment += 1
                    start = index + 1
                }
                index += 1
            }
            guard segment == 5 else { return false }
            return ARNPattern.match(segments[5], bytes, start..<bytes.count)
        }
    }

    private static func match(_ pattern: GlobPattern, _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool
    {
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        return pattern.tokens.withUnsafeBufferPointer { GlobPattern.match($0, slice) }
    }
}
