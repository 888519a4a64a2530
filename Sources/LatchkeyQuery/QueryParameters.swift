/// One decoded `key=value` pair of a form.
public struct QueryParameter: Sendable, Hashable {
    /// The decoded key; never empty.
    public let key: String
    /// The decoded value; empty when the pair had no `=` or nothing after it.
    public let value: String

    /// Creates a pair.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// The decoded parameters of an awsQuery request, in input order, with unique keys.
///
/// Build one with ``parse(_:limits:)`` (server) or ``init(_:)`` (client). Keys are compared byte for byte
/// after decoding (`Action` and `action` are different keys). `.member.N` and `.entry.N.key` keys are kept
/// as they are; flattening them into lists and maps is the caller's job.
public struct QueryParameters: Sendable, Hashable, RandomAccessCollection {
    public typealias Element = QueryParameter
    public typealias Index = Int

    /// The decoded keys and their values, in input order (`keys[i]` has `values[i]`): the two arrays
    /// `OperationSchema.decode(keys:values:)` takes as they are.
    public private(set) var keys: [String]
    public private(set) var values: [String]
    /// Key positions, built only past ``linearLookupLimit`` pairs; below it a key is found by comparing lengths and
    /// bytes along `keys`, cheaper than hashing it (a request has about ten parameters: `QueryForm.AssumeRole`).
    private var positions: [String: Int]?

    static let linearLookupLimit = 24

    /// No parameters.
    public init() {
        keys = []
        values = []
    }

    /// Parameters from pairs given in order, rejecting an empty or repeated key.
    public init(_ pairs: some Sequence<(key: String, value: String)>) throws(QueryDecodingError) {
        self.init()
        for pair in pairs {
            try append(key: pair.key, value: pair.value)
        }
    }

    init(reservingCapacity capacity: Int) {
        self.init()
        reserveCapacity(capacity)
    }

    mutating func reserveCapacity(_ capacity: Int) {
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    /// Adds a pair at the end, rejecting an empty or repeated key.
    public mutating func append(key: String, value: String) throws(QueryDecodingError) {
        if key.isEmpty { throw .empty }
        if position(of: key) != nil { throw .duplicate(key) }
        keys.append(key)
        values.append(value)
        if positions != nil {
            positions?[key] = keys.count - 1
        } else if keys.count > Self.linearLookupLimit {
            var built: [String: Int] = [:]
            built.reserveCapacity(keys.count * 2)
            for (position, key) in keys.enumerated() { built[key] = position }
            positions = built
        }
    }

    private func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        let length = key.utf8.count
        for position in keys.indices where keys[position].utf8.count == length && keys[position] == key {
            return position
        }
        return nil
    }

    /// The value for `key`, or `nil` when the key is absent.
    public subscript(key: String) -> String? {
        guard let position = position(of: key) else { return nil }
        return values[position]
    }

    /// Whether `key` is present (possibly with an empty value).
    public func contains(key: String) -> Bool { position(of: key) != nil }

    /// The parameters as a dictionary (keys are unique, so nothing is lost but the order).
    public var dictionary: [String: String] {
        var result: [String: String] = [:]
        result.reserveCapacity(keys.count)
        for position in keys.indices { result[keys[position]] = values[position] }
        return result
    }

    public var startIndex: Int { keys.startIndex }
    public var endIndex: Int { keys.endIndex }
    public subscript(position: Int) -> QueryParameter { QueryParameter(key: keys[position], value: values[position]) }

    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(keys.count)
        for position in keys.indices { hasher.combine(QueryParameter(key: keys[position], value: values[position])) }
    }
}
