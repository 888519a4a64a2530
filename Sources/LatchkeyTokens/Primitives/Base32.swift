/// RFC 4648 base32 (alphabet `A-Z2-7`), used for TOTP secrets and for the body of access key and unique IDs.
///
/// Output is upper case without padding. Input is case-insensitive; `=` padding is optional, but when present it
/// must be exactly what RFC 4648 prescribes. Decoding is canonical: unused trailing bits must be zero and lengths
/// that no byte string encodes to (1, 3 or 6 characters modulo 8) are rejected.
public enum Base32 {
    /// The RFC 4648 alphabet, in value order.
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Encodes bytes as upper-case base32 without padding.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.underestimatedCount * 8 / 5 + 1)
        var buffer: UInt32 = 0
        var bitCount = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bitCount += 8
            while bitCount >= 5 {
                bitCount -= 5
                output.append(alphabet[Int((buffer >> UInt32(bitCount)) & 0x1f)])
            }
            buffer &= (1 << UInt32(bitCount)) - 1
        }
        if bitCount > 0 {
            output.append(alphabet[Int((buffer << UInt32(5 - bitCount)) & 0x1f)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes base32 text, or returns `nil` when it is not canonical RFC 4648 base32.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        decode(utf8: Array(text.utf8))
    }

    /// Decodes base32 from UTF-8 bytes, or returns `nil` when they are not canonical RFC 4648 base32.
    static func decode(utf8 input: [UInt8]) -> [UInt8]? {
        var characters = input[...]
        // Strip padding: it is optional, but if present it must complete an 8-character group.
        var padding = 0
        while let last = characters.last, last == UInt8(ascii: "=") {
            padding += 1
            characters = characters.dropLast()
        }
        if padding > 0 {
            guard input.count % 8 == 0, expectedPadding(forCharacters: characters.count % 8) == padding else {
                return nil
            }
        }
        guard expectedPadding(forCharacters: characters.count % 8) != nil else { return nil }

        var output: [UInt8] = []
        output.reserveCapacity(characters.count * 5 / 8)
        var buffer: UInt32 = 0
        var bitCount = 0
        for character in characters {
            guard let value = value(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bitCount += 5
            if bitCount >= 8 {
                bitCount -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bitCount)))
                buffer &= (1 << UInt32(bitCount)) - 1
            }
        }
        // Leftover bits are padding bits of the last character; canonical encodings leave them zero.
        guard buffer == 0 else { return nil }
        return output
    }

    /// The value of one base32 character (either case), or `nil`.
    @inline(__always)
    static func value(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character &- UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character &- UInt8(ascii: "a")
        case UInt8(ascii: "2")...UInt8(ascii: "7"): character &- UInt8(ascii: "2") &+ 26
        default: nil
        }
    }

    /// Padding that completes a final group holding `remainder` characters, or `nil` for impossible remainders.
    private static func expectedPadding(forCharacters remainder: Int) -> Int? {
        switch remainder {
        case 0: 0
        case 2: 6
        case 4: 4
        case 5: 3
        case 7: 1
        default: nil
        }
    }
}
