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

    private var pairs: [QueryParameter]
    private var positions: [String: Int]

    /// No parameters.
    public init() {
        pairs = []
        positions = [:]
    }

    /// Parameters from pairs given in order, rejecting an empty or repeated key.
    public init(_ pairs: some Sequence<(key: String, value: String)>) throws(QueryDecodingError) {
        self.init()
        for pair in pairs {
            try append(key: pair.key, value: pair.value)
        }
    }

    init(reservingCapacity capacity: Int) {
        pairs = []
        positions = [:]
        pairs.reserveCapacity(capacity)
        positions.reserveCapacity(capacity)
    }

    /// Adds a pair at the end, rejecting an empty or repeated key.
    public mutating func append(key: String, value: String) throws(QueryDecodingError) {
        if key.isEmpty { throw .empty }
        let position = pairs.count
        if positions.updateValue(position, forKey: key) != nil {
            throw .duplicate(key)
        }
        pairs.append(QueryParameter(key: key, value: value))
    }

    /// The value for `key`, or `nil` when the key is absent.
    public subscript(key: String) -> String? {
        guard let position = positions[key] else { return nil }
        return pairs[position].value
    }

    /// Whether `key` is present (possibly with an empty value).
    public func contains(key: String) -> Bool { positions[key] != nil }

    /// The parameters as a dictionary (keys are unique, so nothing is lost but the order).
    public var dictionary: [String: String] {
        var result: [String: String] = [:]
        result.reserveCapacity(pairs.count)
        for pair in pairs { result[pair.key] = pair.value }
        return result
    }

    public var startIndex: Int { pairs.startIndex }
    public var endIndex: Int { pairs.endIndex }
    public subscript(position: Int) -> QueryParameter { pairs[position] }

    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool { lhs.pairs == rhs.pairs }
    public func hash(into hasher: inout Hasher) { hasher.combine(pairs) }
}
