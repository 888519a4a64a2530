/// A wildcard pattern over UTF-8 text: `*` matches any run of characters (including none), `?` exactly one
/// character. Literal characters compare byte for byte.
///
/// Matching is the iterative two-pointer algorithm that remembers only the last `*`: O(pattern × value) steps in
/// the worst case and O(pattern + value) typically, with no recursion and no exponential backtracking.
struct GlobPattern: Sendable, Hashable {
    /// Token values: 0...255 are literal bytes, ``star`` and ``one`` are the wildcards.
    static let star: UInt16 = 256
    static let one: UInt16 = 257

    let tokens: [UInt16]
    let hasWildcards: Bool

    init(tokens: [UInt16]) {
        self.tokens = tokens
        self.hasWildcards = tokens.contains { $0 > 255 }
    }

    /// A pattern whose `*` and `?` are wildcards.
    init(wildcards text: String) {
        var tokens: [UInt16] = []
        tokens.reserveCapacity(text.utf8.count)
        GlobPattern.appendWildcardText(text, to: &tokens)
        self.init(tokens: tokens)
    }

    /// A pattern that matches `text` exactly.
    init(literal text: String) {
        self.init(tokens: text.utf8.map { UInt16($0) })
    }

    static func appendWildcardText(_ text: String, to tokens: inout [UInt16]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "*"): tokens.append(star)
            case UInt8(ascii: "?"): tokens.append(one)
            default: tokens.append(UInt16(byte))
            }
        }
    }

    static func appendLiteralText(_ text: String, to tokens: inout [UInt16]) {
        for byte in text.utf8 { tokens.append(UInt16(byte)) }
    }

    /// Whether the whole of `value` matches the whole pattern.
    func matches(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            tokens.withUnsafeBufferPointer { pattern in GlobPattern.match(pattern, bytes) }
        }
    }

    /// The core matcher over raw buffers.
    static func match(_ pattern: UnsafeBufferPointer<UInt16>, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let patternCount = pattern.count
        let valueCount = value.count
        var patternIndex = 0
        var valueIndex = 0
        var starIndex = -1
        var starValueIndex = 0
        while valueIndex < valueCount {
            if patternIndex < patternCount {
                let token = pattern[patternIndex]
                if token == star {
                    starIndex = patternIndex
                    starValueIndex = valueIndex
                    patternIndex += 1
                    continue
                }
                if token == one {
                    valueIndex += scalarLength(value, at: valueIndex)
                    patternIndex += 1
                    continue
                }
                if token == UInt16(value[valueIndex]) {
                    valueIndex += 1
                    patternIndex += 1
                    continue
                }
            }
            guard starIndex >= 0 else { return false }
            // Let the last `*` absorb one more character and retry the rest of the pattern from there.
            starValueIndex += scalarLength(value, at: starValueIndex)
            valueIndex = starValueIndex
            patternIndex = starIndex + 1
        }
        while patternIndex < patternCount, pattern[patternIndex] == star { patternIndex += 1 }
        return patternIndex == patternCount
    }

    /// The length in bytes of the UTF-8 sequence starting at `index` (1 for anything unexpected), never past the end.
    @inline(__always)
    static func scalarLength(_ value: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let lead = value[index]
        let length: Int
        switch lead {
        case 0xF0...0xFF: length = 4
        case 0xE0...0xEF: length = 3
        case 0xC0...0xDF: length = 2
        default: length = 1
        }
        return min(length, value.count - index)
    }
}
