import LatchkeyBase

/// Reads a JWT header or payload (the base64url-decoded bytes) straight into claim values: one pass, no generic
/// JSON tree converted afterwards and no copy of the text (profile of `AssumeRoleWithWebIdentity`: the token parse
/// was 6% of the server's time; the throw-away parse benchmark of this change shows the gain).
///
/// It accepts and refuses exactly what the strict reader (`LatchkeyBase.JSONReader`, with at most 16 levels and
/// 50,000 values) followed by the conversion to ``JSONClaimValue`` does: valid UTF-8 only; RFC 8259 grammar (no
/// leading zeros, no control characters in strings, escapes and surrogate pairs checked); duplicate member names
/// refused (compared as `String`s, at every level); numbers that are not finite doubles refused; nothing but
/// whitespace after the value. The caller checks that the first byte is `{`.
struct ClaimsReader {
    struct Failure: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var nodes = 0
    private static let maxDepth = 16
    private static let maxNodes = 50_000

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The members of the JSON object `bytes` holds; nil unless `bytes` are valid UTF-8 and one JSON object.
    static func object(_ bytes: UnsafeBufferPointer<UInt8>) -> [String: JSONClaimValue]? {
        guard UTF8Validation.isValid(bytes) else { return nil }
        var reader = ClaimsReader(bytes)
        guard case .object(let members)? = try? reader.readDocument() else { return nil }
        return members
    }

    private mutating func readDocument() throws(Failure) -> JSONClaimValue {
        skipWhitespace()
        let value = try readValue(depth: 1)
        skipWhitespace()
        guard position == bytes.count else { throw Failure() }
        return value
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func readValue(depth: Int) throws(Failure) -> JSONClaimValue {
        guard depth <= Self.maxDepth else { throw Failure() }
        nodes += 1
        guard nodes <= Self.maxNodes, position < bytes.count else { throw Failure() }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object(try readObject(depth: depth))
        case UInt8(ascii: "["): return .array(try readArray(depth: depth))
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"):
            try readLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try readLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try readLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
        default: throw Failure()
        }
    }

    private mutating func readLiteral(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count,
            UnsafeBufferPointer(rebasing: bytes[position..<(position + count)]).elementsEqual(
                UnsafeBufferPointer(start: word.utf8Start, count: count))
        else { throw Failure() }
        position += count
    }

    private mutating func readObject(depth: Int) throws(Failure) -> [String: JSONClaimValue] {
        position += 1  // {
        var members: [String: JSONClaimValue] = [:]
        // A token's claims object has a dozen members or so: one table rather than four growing ones.
        if depth == 1 { members.reserveCapacity(16) }
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return members
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw Failure() }
            let key = try readString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw Failure() }
            position += 1
            skipWhitespace()
            let value = try readValue(depth: depth + 1)
            // A duplicate name is refused (as the strict reader refuses it, by `String` equality).
            guard members.updateValue(value, forKey: key) == nil else { throw Failure() }
            skipWhitespace()
            guard position < bytes.count else { throw Failure() }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "}") else { throw Failure() }
            position += 1
            return members
        }
    }

    private mutating func readArray(depth: Int) throws(Failure) -> [JSONClaimValue] {
        position += 1  // [
        var items: [JSONClaimValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return items
        }
        while true {
            skipWhitespace()
            items.append(try readValue(depth: depth + 1))
            skipWhitespace()
            guard position < bytes.count else { throw Failure() }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "]") else { throw Failure() }
            position += 1
            return items
        }
    }

    /// A number as the `Double` its lexeme parses to (finite only). Integers of up to 15 digits, which every
    /// time claim is, are converted exactly without going through text.
    private mutating func readNumber() throws(Failure) -> Double {
        let start = position
        let negative = bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw Failure() }
        let integerStart = position
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) { throw Failure() }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw Failure() }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw Failure() }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if isInteger, position - integerStart <= 15 {
            var magnitude = 0
            for index in integerStart..<position { magnitude = magnitude * 10 + Int(bytes[index] &- 0x30) }
            let value = Double(magnitude)
            return negative ? -value : value
        }
        let lexeme = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(lexeme), value.isFinite else { throw Failure() }
        return value
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// A string's contents: a slice of the (already validated) input when it has no escapes, else decoded.
    private mutating func readString() throws(Failure) -> String {
        position += 1  // opening quote
        let start = position
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                defer { position += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            case UInt8(ascii: "\\"):
                var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
                return try readEscapedString(into: &out)
            case 0x00..<0x20:
                throw Failure()
            default:
                position += 1
            }
        }
        throw Failure()
    }

    private mutating func readEscapedString(into out: inout [UInt8]) throws(Failure) -> String {
        while true {
            guard position < bytes.count else { throw Failure() }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                try readEscape(into: &out)
            case 0x00..<0x20:
                throw Failure()
            default:
                out.append(byte)
                position += 1
            }
        }
    }

    private mutating func readEscape(into out: inout [UInt8]) throws(Failure) {
        guard position < bytes.count else { throw Failure() }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var value = try readHex4()
            if (0xD800...0xDBFF).contains(value) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw Failure() }
                position += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw Failure() }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(value) {
                throw Failure()
            }
            guard let scalar = Unicode.Scalar(value) else { throw Failure() }
            UTF8.encode(scalar) { out.append($0) }
        default:
            throw Failure()
        }
    }

    private mutating func readHex4() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw Failure() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Hex.value(of: bytes[position]) else { throw Failure() }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}

extension String {
    /// Runs `body` over the string's UTF-8 bytes (contiguous; no copy for native strings), with typed throws.
    @inline(__always)
    func withUTF8Bytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        var text = self
        let result = text.withUTF8 { bytes in Result { () throws(E) -> R in try body(bytes) } }
        return try result.get()
    }
}
