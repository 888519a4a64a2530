import LatchkeyBase

extension XMLScanner {
    /// Parses an XML name (letters, digits, `_ : - .`, and any non-ASCII character; not starting with a
    /// digit, `-` or `.`).
    mutating func parseName() throws(XMLReaderError) -> String {
        let start = position
        guard position < buffer.count, isNameStart(buffer[position]) else { throw error(.malformed, "Expected a name") }
        position += 1
        while position < buffer.count, isNameStart(buffer[position]) || isNameContinuation(buffer[position]) {
            position += 1
        }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self)
    }

    /// Parses `name = "value"` (or single quotes); the value has references decoded and whitespace
    /// characters turned into spaces, as XML 1.0 attribute-value normalisation requires.
    mutating func parseAttribute() throws(XMLReaderError) -> XMLReader.Attribute {
        let name = try parseName()
        _ = skipWhitespace()
        guard position < buffer.count, buffer[position] == UInt8(ascii: "=") else {
            throw error(.malformed, "Expected '=' after an attribute name")
        }
        position += 1
        _ = skipWhitespace()
        guard position < buffer.count, buffer[position] == UInt8(ascii: "\"") || buffer[position] == UInt8(ascii: "'")
        else { throw error(.malformed, "Expected a quoted attribute value") }
        let quote = buffer[position]
        position += 1
        var value: [UInt8] = []
        while true {
            guard position < buffer.count else { throw error(.malformed, "Unterminated attribute value") }
            let byte = buffer[position]
            if byte == quote {
                position += 1
                break
            }
            switch byte {
            case UInt8(ascii: "<"):
                throw error(.malformed, "'<' in an attribute value")
            case UInt8(ascii: "&"):
                try parseReference(into: &value)
            case 0x0D:
                value.append(0x20)
                position += 1
                if position < buffer.count, buffer[position] == 0x0A { position += 1 }
            case 0x09, 0x0A:
                value.append(0x20)
                position += 1
            default:
                value.append(byte)
                position += 1
            }
        }
        return XMLReader.Attribute(name: name, value: String(decoding: value, as: UTF8.self))
    }

    /// Decodes `&name;` or `&#N;` / `&#xH;` at `position` and appends its UTF-8 bytes.
    mutating func parseReference(into output: inout [UInt8]) throws(XMLReaderError) {
        let start = position + 1
        var end = start
        while end < buffer.count, end - start <= 10, buffer[end] != UInt8(ascii: ";") { end += 1 }
        guard end < buffer.count, buffer[end] == UInt8(ascii: ";"), end > start else {
            throw error(.malformed, "Unterminated entity reference")
        }
        let body = UnsafeBufferPointer(rebasing: buffer[start..<end])
        let scalar: Unicode.Scalar
        if body[0] == UInt8(ascii: "#") {
            guard let value = numericReference(UnsafeBufferPointer(rebasing: body[1...])),
                isXMLCharacter(value), let decoded = Unicode.Scalar(value)
            else { throw error(.invalidCharacter, "Invalid character reference") }
            scalar = decoded
        } else {
            switch String(decoding: body, as: UTF8.self) {
            case "amp": scalar = "&"
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default: throw error(.undefinedEntity, "Undefined entity reference")
            }
        }
        UTF8.encode(scalar) { output.append($0) }
        position = end + 1
    }

    /// The value of `N` or `xH` (at most 8 digits), or nil.
    private func numericReference(_ digits: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var body = digits[...]
        var radix: UInt32 = 10
        if let first = body.first, first == UInt8(ascii: "x") {
            radix = 16
            body = body.dropFirst()
        }
        guard !body.isEmpty, body.count <= 8 else { return nil }
        var value: UInt32 = 0
        for byte in body {
            let digit: UInt32
            if radix == 16 {
                guard let hex = Hex.value(of: byte) else { return nil }
                digit = UInt32(hex)
            } else {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                digit = UInt32(byte - UInt8(ascii: "0"))
            }
            value = value * radix + digit
        }
        return value
    }

    /// XML 1.0 `Char`: tab, LF, CR, U+0020…U+D7FF, U+E000…U+FFFD, U+10000…U+10FFFF.
    private func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Skips XML whitespace; returns whether there was any.
    mutating func skipWhitespace() -> Bool {
        let start = position
        while position < buffer.count, isWhitespace(buffer[position]) { position += 1 }
        return position > start
    }

    func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private func isNameStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"),
            UInt8(ascii: ":"), 0x80...0xFF:
            return true
        default:
            return false
        }
    }

    private func isNameContinuation(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."): return true
        default: return false
        }
    }

    /// Whether the input at `position` starts with `prefix`.
    func starts(with prefix: [UInt8]) -> Bool {
        guard position + prefix.count <= buffer.count else { return false }
        for (offset, byte) in prefix.enumerated() where buffer[position + offset] != byte { return false }
        return true
    }

    /// The offset of the first occurrence of `needle` at or after `start`.
    func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard needle.count <= buffer.count else { return nil }
        var index = start
        while index + needle.count <= buffer.count {
            var matches = true
            for (offset, byte) in needle.enumerated() where buffer[index + offset] != byte {
                matches = false
                break
            }
            if matches { return index }
            index += 1
        }
        return nil
    }
}
