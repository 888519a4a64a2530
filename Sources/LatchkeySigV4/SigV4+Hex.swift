extension SigV4 {
    /// Compares two byte sequences in time that depends only on their lengths, not on their contents.
    ///
    /// Inputs of different lengths compare unequal at once: lengths are not secret (a SigV4 signature is always
    /// 64 characters). Use this for signatures, MACs and any other secret-derived value.
    @inlinable
    public static func constantTimeEquals<A: Collection, B: Collection>(_ lhs: A, _ rhs: B) -> Bool
    where A.Element == UInt8, B.Element == UInt8 {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) {
            difference |= left ^ right
        }
        return difference == 0
    }

    /// Compares the UTF-8 bytes of two strings in time that depends only on their lengths.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        constantTimeEquals(Array(lhs.utf8), Array(rhs.utf8))
    }
}

/// Lowercase hex encoding by table.
enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends the lowercase hex form of `bytes` to `output`.
    static func append(_ bytes: some Sequence<UInt8>, to output: inout [UInt8]) {
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
    }

    /// The lowercase hex form of `bytes` as bytes.
    static func encodeBytes(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        append(bytes, to: &output)
        return output
    }

    /// The lowercase hex form of `bytes` as a string.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        String(decoding: encodeBytes(bytes), as: UTF8.self)
    }

    /// Whether `text` is exactly `count` lowercase hex digits.
    static func isLowercaseHex(_ text: String, count: Int) -> Bool {
        var seen = 0
        for byte in text.utf8 {
            guard
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
            else { return false }
            seen += 1
            if seen > count { return false }
        }
        return seen == count
    }
}
