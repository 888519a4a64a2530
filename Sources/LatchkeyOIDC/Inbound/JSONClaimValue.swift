#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A JSON value taken from a verified token's payload, kept for condition keys and session tags.
///
/// Not `indirect`: arrays and objects already hold their elements out of line, and a boxed case would cost one
/// allocation per claim value read (the token parse benchmark of `ClaimsReader`).
public enum JSONClaimValue: Sendable, Hashable {
    /// A JSON string.
    case string(String)
    /// A JSON number.
    case number(Double)
    /// A JSON boolean.
    case bool(Bool)
    /// JSON `null`.
    case null
    /// A JSON array.
    case array([JSONClaimValue])
    /// A JSON object.
    case object([String: JSONClaimValue])

    /// The string when the value is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// A string, or an array of strings, as a list; `nil` for anything else.
    public var stringList: [String]? {
        switch self {
        case .string(let value): return [value]
        case .array(let values):
            var strings: [String] = []
            for value in values {
                guard case .string(let text) = value else { return nil }
                strings.append(text)
            }
            return strings
        default: return nil
        }
    }

    /// The value as a condition-key value list: strings as-is, numbers and booleans rendered, arrays flattened
    /// one level; objects and `null` give no values.
    public var conditionValues: [String] {
        switch self {
        case .string(let value): return [value]
        case .bool(let value): return [value ? "true" : "false"]
        case .number(let value):
            if value == value.rounded(), abs(value) < 1e15 { return [String(Int64(value))] }
            return [String(value)]
        case .array(let values):
            return values.flatMap { value -> [String] in
                if case .array = value { return [] }
                return value.conditionValues
            }
        case .null, .object: return []
        }
    }
}

extension JSONClaimValue: Decodable {
    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode([JSONClaimValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONClaimValue].self))
        }
    }
}
