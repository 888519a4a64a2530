import LatchkeyBase

/// Escaping for the response writers.
///
/// Each function first scans the UTF-8 bytes for anything to escape; most values (ARNs, key IDs, tokens)
/// have nothing, and are appended whole. Otherwise XML is escaped straight onto the output bytes, and JSON is
/// built in one buffer.
enum TextEscaping {
    /// Appends `text` (UTF-8) as XML 1.0 character data or attribute content.
    ///
    /// `& < > " '` become entities; a carriage return becomes `&#13;` so it survives parsing. Characters
    /// that XML 1.0 cannot carry at all, even as character references (C0 controls other than tab, line
    /// feed and carriage return, and U+FFFE/U+FFFF), are replaced by U+FFFD: a response must always be
    /// well-formed, and none of these can appear in a valid AWS value.
    static func appendXML(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        // A plain loop over a bit mask: the scan runs over every byte of every value (a session token is most of an
        // AssumeRole response), and `firstIndex(where:)` left it a call per byte (`XMLWriter.appendEscaped` was 1.6%
        // of the server's AssumeRole profile).
        var first = 0
        while first < text.count, !needsXMLEscapeFast(text[first]) { first += 1 }
        guard first < text.count else {
            output.append(contentsOf: text)
            return
        }
        escapeXML(text, from: first, to: &output)
    }

    /// Whether a byte starts something ``escapeXML(_:from:to:)`` rewrites, without branching on each value: the bytes
    /// below 0x40 it flags (C0 controls but tab and line feed, `"`, `&`, `'`, `<`, `>`) are the bits of the constant;
    /// above, only 0xEF (`XMLWriterTests` checks all 256 bytes against the reference writer's rule).
    @inline(__always)
    static func needsXMLEscapeFast(_ byte: UInt8) -> Bool {
        byte < 0x40 ? (0x5000_00C4_FFFF_F9FF as UInt64) >> UInt64(byte) & 1 != 0 : byte == 0xEF
    }

    /// Appends `text` as a JSON string literal, quotes included.
    ///
    /// `"` and `\` are escaped, control characters use the short escapes or `\u00XX`, and U+2028/U+2029
    /// are escaped so the output is also safe as JavaScript.
    static func appendJSON(_ text: String, to output: inout String) {
        output += "\""
        let escaped: String?? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard let first = bytes.firstIndex(where: needsJSONEscape) else { return nil }
            return escapeJSON(bytes, from: first)
        }
        switch escaped {
        case .some(.none): output += text
        case .some(.some(let escaped)): output += escaped
        case .none: output += escapeJSON(Array(text.utf8))
        }
        output += "\""
    }

    @inline(__always)
    private static func needsJSONEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0xE2
    }

    private static func escapeJSON(_ array: [UInt8]) -> String {
        array.withUnsafeBufferPointer { escapeJSON($0, from: 0) }
    }

    /// Escapes `bytes` onto `output`, copying the prefix before `first` as it is. Replacements happen only at ASCII
    /// bytes or over whole three-byte sequences, so the output stays valid UTF-8.
    private static func escapeXML(_ bytes: UnsafeBufferPointer<UInt8>, from first: Int, to output: inout [UInt8]) {
        output.reserveCapacity(output.count + bytes.count + 16)
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<first]))
        var index = first
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "&"): output.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): output.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): output.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): output.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): output.append(contentsOf: "&apos;".utf8)
            case 0x09, 0x0A: output.append(byte)
            case 0x0D: output.append(contentsOf: "&#13;".utf8)
            case 0x00..<0x20: output.append(contentsOf: replacementCharacter)
            case 0xEF:
                // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
                if index + 1 < bytes.count, bytes[index] == 0xBF, bytes[index + 1] == 0xBE || bytes[index + 1] == 0xBF {
                    output.append(contentsOf: replacementCharacter)
                    index += 2
                } else {
                    output.append(byte)
                }
            default: output.append(byte)
            }
        }
    }

    private static func escapeJSON(_ bytes: UnsafeBufferPointer<UInt8>, from first: Int) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<first]))
        var index = first
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
            case 0x0A: output.append(contentsOf: #"\n"#.utf8)
            case 0x0D: output.append(contentsOf: #"\r"#.utf8)
            case 0x09: output.append(contentsOf: #"\t"#.utf8)
            case 0x08: output.append(contentsOf: #"\b"#.utf8)
            case 0x0C: output.append(contentsOf: #"\f"#.utf8)
            case 0x00..<0x20:
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(Hex.digit(byte >> 4))
                output.append(Hex.digit(byte & 0x0F))
            case 0xE2:
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                if index + 1 < bytes.count, bytes[index] == 0x80, bytes[index + 1] == 0xA8 || bytes[index + 1] == 0xA9 {
                    output.append(contentsOf: (bytes[index + 1] == 0xA8 ? #"\u2028"# : #"\u2029"#).utf8)
                    index += 2
                } else {
                    output.append(byte)
                }
            default: output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]
}
