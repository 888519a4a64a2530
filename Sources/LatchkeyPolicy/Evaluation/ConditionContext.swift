/// The condition keys of a request and their values (the "request context").
///
/// Keys are case-insensitive ("Key names are case-insensitive", IAM policy variables page): they are stored
/// lowercased, and values given under spellings that differ only in case are joined. A key is multi-valued when it
/// has several values. A key with no values is absent.
public struct ConditionContext: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    private var storage: [String: [String]]

    /// A context holding `values`; keys are folded to lowercase and empty value lists are dropped.
    public init(_ values: [String: [String]] = [:]) {
        storage = [:]
        storage.reserveCapacity(values.count)
        for (key, list) in values { append(key, list) }
    }

    /// A context from a literal such as `["aws:username": ["alice"]]`, folded as ``init(_:)`` does.
    public init(dictionaryLiteral elements: (String, [String])...) {
        storage = [:]
        for (key, list) in elements { append(key, list) }
    }

    /// The values of `key` (any case), or nil when the key is absent.
    public subscript(key: String) -> [String]? {
        storage[key.lowercased()]
    }

    /// Sets `key` to `values` (replacing any earlier values); an empty list removes the key.
    public mutating func set(_ key: String, _ values: [String]) {
        let folded = key.lowercased()
        storage[folded] = values.isEmpty ? nil : values
    }

    /// The keys present, lowercased and sorted.
    public var keys: [String] { storage.keys.sorted() }

    private mutating func append(_ key: String, _ values: [String]) {
        guard !values.isEmpty else { return }
        storage[key.lowercased(), default: []].append(contentsOf: values)
    }

    /// Values for an already-lowercased key.
    func values(folded key: String) -> [String]? {
        storage[key]
    }

    /// The single value of an already-lowercased key, as a policy variable needs it; nil when the key is absent or
    /// multi-valued (multi-valued keys cannot be used as variables).
    func variableValue(folded key: String) -> String? {
        guard let values = storage[key], values.count == 1 else { return nil }
        return values[0]
    }
}
