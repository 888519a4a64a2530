/// Hexadecimal digits: encoding bytes (lowercase, as SigV4 and JSON `\u00XX` escapes write them, or uppercase, as
/// percent-encoding writes them) and reading single digits in either case.
public enum Hex {
    /// The value of an ASCII hexadecimal digit (`0-9`, `a-f`, `A-F`), or nil.
    @inlinable @inline(__always)
    public static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }

    /// The value of a hexadecimal digit scalar (`0-9`, `a-f`, `A-F`), or nil.
    @inlinable
    public static func value(of scalar: Unicode.Scalar) -> UInt8? {
        scalar.isASCII ? value(of: UInt8(truncatingIfNeeded: scalar.value)) : nil
    }

    /// The ASCII digit for a value 0…15: `0-9a-f`, or `0-9A-F` when `uppercase`.
    @inlinable @inline(__always)
    public static func digit(_ nibble: UInt8, uppercase: Bool = false) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : (uppercase ? UInt8(ascii: "A") : UInt8(ascii: "a")) &+ nibble &- 10
    }

    /// Appends two hex digits for each byte of `bytes` to `output` (lowercase unless `uppercase`).
    @inlinable
    public static func append(_ bytes: some Sequence<UInt8>, to output: inout [UInt8], uppercase: Bool = false) {
        for byte in bytes {
            output.append(digit(byte >> 4, uppercase: uppercase))
            output.append(digit(byte & 0x0F, uppercase: uppercase))
        }
    }

    /// The lowercase hex form of `bytes` as bytes.
    @inlinable
    public static func encodeBytes(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        append(bytes, to: &output)
        return output
    }

    /// The lowercase hex form of `bytes` as a string.
    @inlinable
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        String(decoding: encodeBytes(bytes), as: UTF8.self)
    }

    /// Whether `text` is exactly `count` lowercase hex digits.
    public static func isLowercaseHex(_ text: String, count: Int) -> Bool {
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
