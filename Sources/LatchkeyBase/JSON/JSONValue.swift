/// A JSON value as ``JSONReader`` produces it: objects keep their members in document order (duplicates are
/// rejected while reading), numbers keep their exact lexeme, so nothing is lost or reinterpreted.
public enum JSONValue: Sendable, Equatable {
    case string(String)
    /// The number exactly as written (`10`, `-1.50`, `2e3`).
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object(JSONObject)

    /// A short name of the value's type, for diagnostics.
    public var typeName: String {
        switch self {
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Compact JSON text for this value (the audit trail's records, tests' fixture policies, diagnostics).
    public var serialized: String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends this value's compact JSON text, as UTF-8, to `out`: the bytes of ``serialized``, written straight into
    /// a byte buffer (runs that need no escaping are copied in bulk).
    public func write(into out: inout [UInt8]) {
        switch self {
        case .string(let text): JSONValue.writeString(text, into: &out)
        case .number(let lexeme): JSONValue.appendUTF8(lexeme, to: &out)
        case .bool(let flag): JSONValue.appendUTF8(flag ? "true" : "false", to: &out)
        case .null: JSONValue.appendUTF8("null", to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            var first = true
            for member in object.members {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                JSONValue.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `text` as a JSON string literal: quotes, backslashes and control characters escaped (`\n`, `\r`, `\t`,
    /// otherwise `\u00XX`), everything else as it is.
    public static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 2)
        writeString(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` as a JSON string literal (see ``quoted(_:)``) to `out`, as UTF-8.
    public static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                // Every byte of a multi-byte scalar is 0x80 or more: only ASCII bytes are ever escaped.
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                }
                runStart = index + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
                default:
                    out.append(UInt8(ascii: "u"))
                    out.append(UInt8(ascii: "0"))
                    out.append(UInt8(ascii: "0"))
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0x0F)])
                }
            }
            if runStart < bytes.count {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendUTF8(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }
}

/// A JSON object with its members in document order. Keys are unique (the reader rejects duplicates).
public struct JSONObject: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public let key: String
        public let value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public let members: [Member]

    /// An object with `members` in this order; the keys must be unique.
    public init(members: [Member]) {
        self.members = members
    }

    /// The value of `key` (exact, case-sensitive), or nil.
    public subscript(key: String) -> JSONValue? {
        for member in members where member.key == key { return member.value }
        return nil
    }
}
