/// Base64 (RFC 4648) over byte arrays, without Foundation `Data`: the standard alphabet with `=` padding
/// (section 4) and base64url without padding (section 5, as JOSE uses it).
///
/// Decoding is strict and canonical by default: the length must fit the form (a multiple of 4 for padded base64;
/// never 1 more than a multiple of 4 for base64url), padding only at the end, no whitespace, nothing outside the
/// alphabet, and the unused bits of the last character zero, so every byte string has exactly one accepted spelling.
/// ``DecodingOptions`` relax the two rules some inputs legitimately break.
public enum Base64 {
    /// Relaxations of strict decoding.
    public struct DecodingOptions: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// ASCII space, tab, CR and LF anywhere are skipped (base64 wrapped in lines, as IdPs and forms send it).
        public static let ignoringWhitespace = DecodingOptions(rawValue: 1 << 0)
        /// The unused low bits of the last character may be nonzero (`QR==` decodes like `QQ==`), as Foundation's
        /// decoder and most others allow.
        public static let allowingNonzeroTrailingBits = DecodingOptions(rawValue: 1 << 1)
    }

    private static let standardAlphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8
    )
    private static let urlAlphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8
    )

    /// Maps an ASCII byte to its 6-bit value, or 0xff.
    private static let standardReverse = reverseTable(standardAlphabet)
    private static let urlReverse = reverseTable(urlAlphabet)

    private static func reverseTable(_ alphabet: [UInt8]) -> [UInt8] {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }

    // MARK: Encoding

    /// Standard padded base64 of `bytes`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        encode(bytes, alphabet: standardAlphabet, padded: true)
    }

    /// Base64url of `bytes`, without padding.
    public static func encodeURL(_ bytes: some Collection<UInt8>) -> String {
        encode(bytes, alphabet: urlAlphabet, padded: false)
    }

    private static func encode(_ bytes: some Collection<UInt8>, alphabet: [UInt8], padded: Bool) -> String {
        if let encoded = bytes.withContiguousStorageIfAvailable({
            encode(buffer: $0, alphabet: alphabet, padded: padded)
        }) {
            return encoded
        }
        return Array(bytes).withUnsafeBufferPointer { encode(buffer: $0, alphabet: alphabet, padded: padded) }
    }

    private static func encode(buffer input: UnsafeBufferPointer<UInt8>, alphabet: [UInt8], padded: Bool) -> String {
        let remaining = input.count % 3
        let outputCount = input.count / 3 * 4 + (remaining == 0 ? 0 : padded ? 4 : remaining + 1)
        return alphabet.withUnsafeBufferPointer { alphabet in
            String(unsafeUninitializedCapacity: outputCount) { output in
                var inIndex = 0
                var outIndex = 0
                while inIndex + 3 <= input.count {
                    let value =
                        UInt32(input[inIndex]) << 16 | UInt32(input[inIndex + 1]) << 8
                        | UInt32(input[inIndex + 2])
                    output[outIndex] = alphabet[Int(value >> 18 & 0x3f)]
                    output[outIndex + 1] = alphabet[Int(value >> 12 & 0x3f)]
                    output[outIndex + 2] = alphabet[Int(value >> 6 & 0x3f)]
                    output[outIndex + 3] = alphabet[Int(value & 0x3f)]
                    inIndex += 3
                    outIndex += 4
                }
                if remaining > 0 {
                    var value = UInt32(input[inIndex]) << 16
                    if remaining == 2 { value |= UInt32(input[inIndex + 1]) << 8 }
                    output[outIndex] = alphabet[Int(value >> 18 & 0x3f)]
                    output[outIndex + 1] = alphabet[Int(value >> 12 & 0x3f)]
                    outIndex += 2
                    if remaining == 2 {
                        output[outIndex] = alphabet[Int(value >> 6 & 0x3f)]
                        outIndex += 1
                    } else if padded {
                        output[outIndex] = UInt8(ascii: "=")
                        outIndex += 1
                    }
                    if padded {
                        output[outIndex] = UInt8(ascii: "=")
                        outIndex += 1
                    }
                }
                return outIndex
            }
        }
    }

    // MARK: Decoding

    /// Decodes standard padded base64 text; nil unless it is valid under `options`.
    public static func decode(_ text: some StringProtocol, options: DecodingOptions = []) -> [UInt8]? {
        var text = String(text)
        return text.withUTF8 { decode(buffer: $0, url: false, options: options) }
    }

    /// Decodes standard padded base64 from its UTF-8 bytes; nil unless it is valid under `options`.
    public static func decode(_ input: some Collection<UInt8>, options: DecodingOptions = []) -> [UInt8]? {
        if let decoded = input.withContiguousStorageIfAvailable({ decode(buffer: $0, url: false, options: options) }) {
            return decoded
        }
        return Array(input).withUnsafeBufferPointer { decode(buffer: $0, url: false, options: options) }
    }

    /// Decodes unpadded base64url text; nil unless it is valid under `options` (`=` is never accepted).
    public static func decodeURL(_ text: some StringProtocol, options: DecodingOptions = []) -> [UInt8]? {
        var text = String(text)
        return text.withUTF8 { decode(buffer: $0, url: true, options: options) }
    }

    /// Decodes unpadded base64url from its UTF-8 bytes; nil unless it is valid under `options`.
    public static func decodeURL(_ input: some Collection<UInt8>, options: DecodingOptions = []) -> [UInt8]? {
        if let decoded = input.withContiguousStorageIfAvailable({ decode(buffer: $0, url: true, options: options) }) {
            return decoded
        }
        return Array(input).withUnsafeBufferPointer { decode(buffer: $0, url: true, options: options) }
    }

    private static func decode(buffer input: UnsafeBufferPointer<UInt8>, url: Bool, options: DecodingOptions)
        -> [UInt8]?
    {
        guard options.contains(.ignoringWhitespace), input.contains(where: isWhitespace) else {
            return decodeCompact(input, url: url, options: options)
        }
        let compact = input.filter { !isWhitespace($0) }
        return compact.withUnsafeBufferPointer { decodeCompact($0, url: url, options: options) }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\t")
    }

    private static func decodeCompact(_ input: UnsafeBufferPointer<UInt8>, url: Bool, options: DecodingOptions)
        -> [UInt8]?
    {
        // Characters that carry data: all of them in base64url; padded base64 ends in zero to two `=`.
        let significant: Int
        if url {
            significant = input.count
        } else {
            guard input.count % 4 == 0 else { return nil }
            if input.isEmpty { return [] }
            let padding =
                input[input.count - 1] != UInt8(ascii: "=") ? 0 : input[input.count - 2] == UInt8(ascii: "=") ? 2 : 1
            significant = input.count - padding
        }
        let tail = significant % 4
        guard tail != 1 else { return nil }
        let outputCount = significant / 4 * 3 + (tail == 0 ? 0 : tail - 1)
        let checkTrailingBits = !options.contains(.allowingNonzeroTrailingBits)
        return (url ? urlReverse : standardReverse).withUnsafeBufferPointer { reverse -> [UInt8]? in
            var valid = true
            let output = [UInt8](unsafeUninitializedCapacity: outputCount) { output, initialized in
                var inIndex = 0
                var outIndex = 0
                while inIndex + 4 <= significant {
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
                if valid, tail > 0 {
                    // The last, short group: two characters carry one byte, three carry two.
                    let a = reverse[Int(input[inIndex])]
                    let b = reverse[Int(input[inIndex + 1])]
                    let c = tail == 3 ? reverse[Int(input[inIndex + 2])] : 0
                    let value = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6
                    // Unused bits of the last character must be zero in the canonical spelling.
                    let unusedMask: UInt32 = tail == 2 ? 0xffff : 0xff
                    if (a | b | c) & 0xc0 != 0 || (checkTrailingBits && value & unusedMask != 0) {
                        valid = false
                    } else {
                        output[outIndex] = UInt8(truncatingIfNeeded: value >> 16)
                        if tail == 3 { output[outIndex + 1] = UInt8(truncatingIfNeeded: value >> 8) }
                        outIndex += tail - 1
                    }
                }
                initialized = valid ? outIndex : 0
            }
            return valid ? output : nil
        }
    }
}
