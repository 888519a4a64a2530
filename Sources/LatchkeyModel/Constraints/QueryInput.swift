#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The typed, validated input of one operation, decoded from flat query parameters by
/// ``OperationSchema/decode(_:)``. Nested structures (list elements such as tags, or a structure member
/// such as `TaskPolicyArn`) are `QueryInput` values too.
///
/// Accessors take the member's wire name (`RoleArn`, `Key`) and return `nil` (or an empty list) when the
/// member was not sent. A value is only ever present with the kind its shape declares.
public struct QueryInput: Sendable, Hashable {
    var fields: [String: QueryValue]

    init(fields: [String: QueryValue] = [:]) {
        self.fields = fields
    }

    /// Whether the member was sent (an empty list sent as `Tags=` counts as sent).
    public func contains(_ member: String) -> Bool { fields[member] != nil }

    /// The wire names of the members that were sent, sorted.
    public var memberNames: [String] { fields.keys.sorted() }

    /// A string member.
    public func string(_ member: String) -> String? {
        if case .string(let value) = fields[member] { value } else { nil }
    }

    /// An integer member.
    public func int(_ member: String) -> Int? {
        if case .integer(let value) = fields[member] { value } else { nil }
    }

    /// A boolean member.
    public func bool(_ member: String) -> Bool? {
        if case .boolean(let value) = fields[member] { value } else { nil }
    }

    /// A timestamp member.
    public func timestamp(_ member: String) -> Date? {
        if case .timestamp(let value) = fields[member] { value } else { nil }
    }

    /// A blob member, base64-decoded.
    public func blob(_ member: String) -> Data? {
        if case .blob(let value) = fields[member] { value } else { nil }
    }

    /// A list-of-strings member, in index order; empty when not sent.
    public func strings(_ member: String) -> [String] {
        guard case .list(let elements) = fields[member] else { return [] }
        return elements.compactMap { element in
            if case .string(let value) = element { value } else { nil }
        }
    }

    /// A list-of-structures member (`Tags`, `PolicyArns`), in index order; empty when not sent.
    public func structures(_ member: String) -> [QueryInput] {
        guard case .list(let elements) = fields[member] else { return [] }
        return elements.compactMap { element in
            if case .structure(let value) = element { value } else { nil }
        }
    }

    /// A structure member (`TaskPolicyArn`).
    public func structure(_ member: String) -> QueryInput? {
        if case .structure(let value) = fields[member] { value } else { nil }
    }
}

/// One decoded value. Internal: callers use ``QueryInput``'s typed accessors.
indirect enum QueryValue: Sendable, Hashable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case timestamp(Date)
    case blob(Data)
    case list([QueryValue])
    case structure(QueryInput)
}
