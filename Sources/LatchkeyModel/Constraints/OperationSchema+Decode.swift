extension OperationSchema.Service {
    /// Whether this service's `ValidationError` messages quote the offending values: STS's do
    /// (`Value 'a b' at 'roleSessionName' …`), IAM's never do (`Value at 'tags' …`).
    public var echoesValuesInValidationErrors: Bool { self != .iam }
}

extension OperationSchema {
    /// Requests with more parameters than this are rejected before decoding.
    public static let maximumParameterCount = 500
    /// The largest list index (`Tags.member.N`) accepted; AWS lists in these tables hold at most 50.
    public static let maximumListIndex = 1000

    /// Decodes and validates the flat, percent-decoded query parameters of a request.
    ///
    /// The keys follow the botocore `query` serializer: a list of structures as `PolicyArns.member.N.arn`,
    /// a list of strings as `TransitiveTagKeys.member.N`, a structure member as `TaskPolicyArn.arn`, an
    /// empty list as `Tags=`; `N` counts from 1 without gaps. `Action`, `Version`, `X-Amz-*` and any other
    /// key that names no member are ignored, as AWS ignores unknown parameters.
    ///
    /// Errors, both `400`:
    /// - `InvalidParameterValue` when the request cannot be read as this operation's input at all: more
    ///   than ``maximumParameterCount`` parameters, a value that is not of its member's type
    ///   (`DurationSeconds=abc`), or a key that does not fit the shape (`member.0`, `member.x`, an index
    ///   above ``maximumListIndex``, a gap, a key deeper or shallower than the shape). AWS rejects such
    ///   input while deserializing, before validation, so these are reported one at a time (the first in
    ///   member order) and are not counted as validation errors.
    /// - `ValidationError` with AWS's message, `N validation error(s) detected: …`, listing every
    ///   constraint violation in member order. STS shows each offending value (redacted members never show
    ///   theirs); IAM shows none (`Value at 'tags' failed to satisfy constraint: …`), as the two services answer.
    public func decode(_ params: [String: String]) throws(STSError) -> QueryInput {
        guard params.count <= Self.maximumParameterCount else {
            throw STSError(
                .invalidParameterValue,
                "The request has \(params.count) parameters; at most \(Self.maximumParameterCount) are accepted.")
        }
        let entries = params.keys.sorted().compactMap { key -> QueryDecoder.Entry? in
            guard let value = params[key], !QueryDecoder.isTransportKey(key) else { return nil }
            return QueryDecoder.Entry(key: key, remainder: Substring(key), value: value)
        }
        let input = try QueryDecoder.decodeMembers(of: self.input, from: entries, keyPrefix: "")
        let violations = ConstraintValidator.violations(in: input, shape: self.input)
        guard violations.isEmpty else {
            throw STSError(
                .validationError,
                ConstraintValidator.message(for: violations, echoingValues: service.echoesValuesInValidationErrors))
        }
        return input
    }
}

/// Builds a ``QueryInput`` tree from flat keys, following the shapes. Every rejection is
/// `InvalidParameterValue` and names the offending key.
enum QueryDecoder {
    /// One parameter, with the part of its key not yet consumed by the shapes above it; `nil` once the
    /// key is used up (a leaf: `RoleArn`, `Tags.member.1.Key`).
    struct Entry {
        let key: String
        let remainder: Substring?
        let value: String

        var isLeaf: Bool { remainder == nil }
    }

    /// Keys that belong to the protocol or SigV4, never to an operation's input.
    static func isTransportKey(_ key: String) -> Bool {
        key == "Action" || key == "Version" || key.hasPrefix("X-Amz-")
    }

    /// Splits a remainder at its first dot: `Key.member.1` → (`Key`, `member.1`); `Key` → (`Key`, nil).
    private static func split(_ remainder: Substring?) -> (head: Substring, tail: Substring?) {
        guard let remainder else { return ("", nil) }
        guard let dot = remainder.firstIndex(of: ".") else { return (remainder, nil) }
        return (remainder[..<dot], remainder[remainder.index(after: dot)...])
    }

    static func decodeMembers(of shape: ShapeSchema, from entries: [Entry], keyPrefix: String) throws(STSError)
        -> QueryInput
    {
        var groups: [Substring: [Entry]] = [:]
        for entry in entries {
            let (head, tail) = split(entry.remainder)
            groups[head, default: []].append(Entry(key: entry.key, remainder: tail, value: entry.value))
        }
        var input = QueryInput()
        for member in shape.members {
            guard let memberEntries = groups[Substring(member.wireName)] else { continue }
            let path = keyPrefix + member.wireName
            input.fields[member.wireName] = try decodeValue(
                of: member.shape, from: memberEntries, keyPath: path, redacted: member.isRedacted)
        }
        return input
    }

    private static func decodeValue(of shape: ShapeSchema, from entries: [Entry], keyPath: String, redacted: Bool)
        throws(STSError) -> QueryValue
    {
        switch shape.kind {
        case .list:
            return try decodeList(of: shape, from: entries, keyPath: keyPath, redacted: redacted)
        case .structure:
            if let leaf = entries.first(where: \.isLeaf) {
                throw invalidKey(leaf.key, "\(keyPath) is a structure; send its members as \(keyPath).<Member>.")
            }
            return .structure(try decodeMembers(of: shape, from: entries, keyPrefix: keyPath + "."))
        case .string, .integer, .boolean, .timestamp, .blob:
            if let deeper = entries.first(where: { !$0.isLeaf }) {
                throw invalidKey(deeper.key, "\(keyPath) takes a single value, not a list or structure.")
            }
            guard let leaf = entries.first else {
                throw invalidKey(keyPath, "it has no value.")
            }
            return try ScalarParser.parse(leaf.value, as: shape.kind, parameter: keyPath, redacted: redacted)
        }
    }

    private static func decodeList(of shape: ShapeSchema, from entries: [Entry], keyPath: String, redacted: Bool)
        throws(STSError) -> QueryValue
    {
        if let leaf = entries.first(where: \.isLeaf) {
            // botocore sends an empty list as `Name=` with nothing else.
            guard entries.count == 1, leaf.value.isEmpty else {
                throw invalidKey(
                    leaf.key, "\(keyPath) is a list; send it as \(keyPath).member.N, or as an empty \(keyPath)= alone.")
            }
            return .list([])
        }
        guard let element = shape.element else { return .list([]) }
        var byIndex: [Int: [Entry]] = [:]
        for entry in entries {
            let (head, afterHead) = split(entry.remainder)
            guard head == "member", let afterHead else {
                throw invalidKey(entry.key, "list members are sent as \(keyPath).member.N.")
            }
            let (indexText, tail) = split(afterHead)
            guard let index = listIndex(indexText) else {
                throw invalidKey(
                    entry.key, "the list index must be a whole number from 1 to \(OperationSchema.maximumListIndex).")
            }
            byIndex[index, default: []].append(Entry(key: entry.key, remainder: tail, value: entry.value))
        }
        var elements: [QueryValue] = []
        elements.reserveCapacity(byIndex.count)
        for index in byIndex.keys.sorted() {
            guard index == elements.count + 1, let elementEntries = byIndex[index] else {
                let key = byIndex[index]?.first?.key ?? keyPath
                throw invalidKey(
                    key, "list \(keyPath) has no member \(elements.count + 1); indexes start at 1 and have no gaps.")
            }
            let elementPath = "\(keyPath).member.\(index)"
            elements.append(
                try decodeValue(of: element, from: elementEntries, keyPath: elementPath, redacted: redacted))
        }
        return .list(elements)
    }

    /// A canonical decimal index in `1...maximumListIndex` (no sign, no leading zero).
    private static func listIndex(_ text: Substring) -> Int? {
        guard let first = text.first, first != "0", text.count <= 4,
            text.allSatisfy({ $0.isASCII && $0.isNumber }), let index = Int(text),
            index <= OperationSchema.maximumListIndex
        else { return nil }
        return index
    }

    private static func invalidKey(_ key: String, _ reason: String) -> STSError {
        STSError(.invalidParameterValue, "Parameter \(key) is not valid: \(reason)")
    }
}
