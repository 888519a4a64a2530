/// RFC 3986 percent-encoding as AWS uses it (SigV4 canonical requests, awsQuery form bodies): every byte outside the
/// unreserved set (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with uppercase hex.
public enum PercentEncoding {
    @usableFromInline
    static let unreservedTable: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] = true }
        for byte in [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~")] {
            table[Int(byte)] = true
        }
        return table
    }()

    /// Whether `byte` is an RFC 3986 unreserved character, which is never encoded.
    @inlinable @inline(__always)
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        unreservedTable[Int(byte)]
    }

    /// Appends `bytes` percent-encoded; `/` is kept as is when `keepSlash` is true (paths).
    @inlinable
    public static func append(_ bytes: some Sequence<UInt8>, to output: inout [UInt8], keepSlash: Bool = false) {
        for byte in bytes {
            if unreservedTable[Int(byte)] || (keepSlash && byte == UInt8(ascii: "/")) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(Hex.digit(byte >> 4, uppercase: true))
                output.append(Hex.digit(byte & 0x0F, uppercase: true))
            }
        }
    }

    /// The percent-encoded form of `text` as a string.
    public static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        append(text.utf8, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Percent-decodes `bytes[range]` into `output`. `+` stays a literal `+` (RFC 3986, not HTML forms). Returns
    /// false on a truncated or non-hex escape.
    @inlinable
    public static func decode(_ bytes: [UInt8], _ range: Range<Int>, into output: inout [UInt8]) -> Bool {
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < range.upperBound,
                    let high = Hex.value(of: bytes[index + 1]),
                    let low = Hex.value(of: bytes[index + 2])
                else { return false }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return true
    }

    /// Whether `bytes[range]` needs no decoding or re-encoding (all unreserved).
    @inlinable
    public static func isCanonical(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        for index in range where !unreservedTable[Int(bytes[index])] {
            return false
        }
        return true
    }
}
