/// Standard base64 (RFC 4648 section 4, `+` and `/`, `=` padding) over byte arrays, without Foundation `Data`.
///
/// Decoding is strict and canonical: length a multiple of 4, padding only at the end, no whitespace, and unused
/// trailing bits zero, so every byte string has exactly one accepted spelling.
package enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8
    )

    /// Maps an ASCII byte to its 6-bit value, or 0xff.
    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    package static func encode(_ bytes: some Collection<UInt8>) -> String {
        if let encoded = bytes.withContiguousStorageIfAvailable({ encode(buffer: $0) }) { return encoded }
        return Array(bytes).withUnsafeBufferPointer { encode(buffer: $0) }
    }

    private static func encode(buffer input: UnsafeBufferPointer<UInt8>) -> String {
        let outputCount = (input.count + 2) / 3 * 4
        return alphabet.withUnsafeBufferPointer { alphabet in
            String(unsafeUninitializedCapacity: outputCount) { output in
                var inIndex = 0
                var outIndex = 0
                while inIndex + 3 <= input.count {
                    let value = UInt32(input[inIndex]) << 16 | UInt32(input[inIndex + 1]) << 8
                        | UInt32(input[inIndex + 2])
                    output[outIndex] = alphabet[Int(value >> 18 & 0x3f)]
                    output[outIndex + 1] = alphabet[Int(value >> 12 & 0x3f)]
                    output[outIndex + 2] = alphabet[Int(value >> 6 & 0x3f)]
                    output[outIndex + 3] = alphabet[Int(value & 0x3f)]
                    inIndex += 3
                    outIndex += 4
                }
                let remaining = input.count - inIndex
                if remaining > 0 {
                    var value = UInt32(input[inIndex]) << 16
                    if remaining == 2 { value |= UInt32(input[inIndex + 1]) << 8 }
                    output[outIndex] = alphabet[Int(value >> 18 & 0x3f)]
                    output[outIndex + 1] = alphabet[Int(value >> 12 & 0x3f)]
                    output[outIndex + 2] = remaining == 2 ? alphabet[Int(value >> 6 & 0x3f)] : UInt8(ascii: "=")
                    output[outIndex + 3] = UInt8(ascii: "=")
                    outIndex += 4
                }
                return outIndex
            }
        }
    }

    /// Decodes canonical padded base64 text.
    package static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(buffer: $0) }
    }

    /// Decodes canonical padded base64 from its UTF-8 bytes.
    package static func decode(_ input: [UInt8]) -> [UInt8]? {
        input.withUnsafeBufferPointer { decode(buffer: $0) }
    }

    private static func decode(buffer input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard input.count % 4 == 0 else { return nil }
        if input.isEmpty { return [] }
        let padding = input[input.count - 1] != UInt8(ascii: "=") ? 0 : input[input.count - 2] == UInt8(ascii: "=") ? 2 : 1
        let outputCount = input.count / 4 * 3 - padding
        return reverse.withUnsafeBufferPointer { reverse -> [UInt8]? in
            var valid = true
            let output = [UInt8](unsafeUninitializedCapacity: outputCount) { output, initialized in
                var inIndex = 0
                var outIndex = 0
                // Whole groups, except the last one.
                while inIndex + 4 < input.count {
                    let a = reverse[Int(input[inIndex])]
                    let b = reverse[Int(input[inIndex + 1])]
                    let c = reverse[Int(input[inIndex + 2])]
                    let d = reverse[Int(input[inIndex + 3])]
                    guard (a | b | c | d) & 0xc0 == 0 else {
                        valid = false
                        break
                    }
                    let value = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    output[outIndex] = UInt8(truncatingIfNeeded: value >> 16)
                    output[outIndex + 1] = UInt8(truncatingIfNeeded: value >> 8)
                    output[outIndex + 2] = UInt8(truncatingIfNeeded: value)
                    inIndex += 4
                    outIndex += 3
                }
                if valid {
                    // The last group, where padding may stand for `c` and `d`.
                    let a = reverse[Int(input[inIndex])]
                    let b = reverse[Int(input[inIndex + 1])]
                    let c = padding >= 2 ? 0 : reverse[Int(input[inIndex + 2])]
                    let d = padding >= 1 ? 0 : reverse[Int(input[inIndex + 3])]
                    let value = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    // Unused bits of the last character must be zero in the canonical spelling.
                    let unusedMask: UInt32 = padding == 2 ? 0xffff : padding == 1 ? 0xff : 0
                    if (a | b | c | d) & 0xc0 != 0 || value & unusedMask != 0 {
                        valid = false
                    } else {
                        output[outIndex] = UInt8(truncatingIfNeeded: value >> 16)
                        if padding < 2 { output[outIndex + 1] = UInt8(truncatingIfNeeded: value >> 8) }
                        if padding < 1 { output[outIndex + 2] = UInt8(truncatingIfNeeded: value) }
                        outIndex += 3 - padding
                    }
                }
                initialized = valid ? outIndex : 0
            }
            return valid ? output : nil
        }
    }
}
