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
        var keys: [String] = []
        var values: [String] = []
        keys.reserveCapacity(params.count)
        values.reserveCapacity(params.count)
        for (key, value) in params {
            keys.append(key)
            values.append(value)
        }
        return try decode(keys: keys, values: values)
    }

    /// ``decode(_:)`` over the parameters as two parallel arrays (`keys[i]` has `values[i]`; keys unique), the form
    /// `QueryParameters` keeps them in: no dictionary is built for the decoder. The answer does not depend on the
    /// order of the pairs.
    public func decode(keys: [String], values: [String]) throws(STSError) -> QueryInput {
        precondition(keys.count == values.count, "one value per key")
        guard keys.count <= Self.maximumParameterCount else {
            throw STSError(
                .invalidParameterValue,
                "The request has \(keys.count) parameters; at most \(Self.maximumParameterCount) are accepted.")
        }
        let input: QueryInput
        if let scalars = QueryDecoder.decodeScalarMembers(of: self.input, keys: keys, values: values) {
            input = scalars
        } else {
            input = try QueryDecoder.decodeAll(of: self.input, keys: keys, values: values)
        }
        let violations = ConstraintValidator.violations(in: input, shape: self.input)
        if !violations.isEmpty {
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

    /// The fast path, for requests whose every key that names a member is a bare scalar member (`RoleArn=…`,
    /// `DurationSeconds=…`), as most requests are: one pass over the pairs, no grouping, no sorting. Returns nil,
    /// having decided nothing, when a key names a list or structure member, goes below a member (`RoleArn.x`), or a
    /// scalar does not parse: ``decodeAll(of:keys:values:)`` then decodes (or rejects) the request as before.
    /// (`QueryForm.AssumeRole` and the server's AssumeRole profile show the grouping and sorting this skips.)
    static func decodeScalarMembers(of shape: ShapeSchema, keys: [String], values: [String]) -> QueryInput? {
        var input = QueryInput()
        input.fields.reserveCapacity(min(keys.count, shape.members.count))
        for index in keys.indices {
            let key = keys[index]
            if isTransportKey(key) { continue }
            guard let member = shape.memberIndex[key].map({ shape.members[$0] }) else {
                // `Tags.member.1.Key` names `Tags`; a dotted key whose head names no member is ignored.
                if let dot = key.utf8.firstIndex(of: UInt8(ascii: ".")),
                    shape.memberIndex[String(key[..<dot])] != nil
                {
                    return nil
                }
                continue
            }
            switch member.shape.kind {
            case .list, .structure:
                return nil
            case .string:
                input.fields[member.wireName] = .string(values[index])
            case .integer, .boolean, .timestamp, .blob:
                guard
                    let value = try? ScalarParser.parse(
                        values[index], as: member.shape.kind, parameter: member.wireName, redacted: member.isRedacted)
                else { return nil }
                input.fields[member.wireName] = value
            }
        }
        return input
    }

    /// The general decoder: every key shape, each rejection reported as `InvalidParameterValue`. The pairs are decoded
    /// in the order given; only when that fails are they decoded again in key order, so the error reported is the one
    /// of a sorted walk, as before (which keys decode, and to what, does not depend on their order).
    static func decodeAll(of shape: ShapeSchema, keys: [String], values: [String]) throws(STSError) -> QueryInput {
        var entries: [Entry] = []
        entries.reserveCapacity(keys.count)
        for index in keys.indices where !isTransportKey(keys[index]) {
            entries.append(Entry(key: keys[index], remainder: Substring(keys[index]), value: values[index]))
        }
        do {
            return try decodeMembers(of: shape, from: entries, keyPrefix: { "" })
        } catch {
            entries.sort { $0.key < $1.key }
            return try decodeMembers(of: shape, from: entries, keyPrefix: { "" })
        }
    }

    /// Splits a remainder at its first dot: `Key.member.1` → (`Key`, `member.1`); `Key` → (`Key`, nil).
    private static func split(_ remainder: Substring?) -> (head: Substring, tail: Substring?) {
        guard let remainder else { return ("", nil) }
        guard let dot = remainder.firstIndex(of: ".") else { return (remainder, nil) }
        return (remainder[..<dot], remainder[remainder.index(after: dot)...])
    }

    /// `keyPrefix` and `keyPath` give the key path of the shape for messages; they are only called when a message
    /// needs one, so a valid request builds no path strings (`QueryForm.AssumeRole`).
    static func decodeMembers(of shape: ShapeSchema, from entries: [Entry], keyPrefix: () -> String)
        throws(STSError) -> QueryInput
    {
        var groups: [Substring: [Entry]] = [:]
        for entry in entries {
            let (head, tail) = split(entry.remainder)
            groups[head, default: []].append(Entry(key: entry.key, remainder: tail, value: entry.value))
        }
        var input = QueryInput()
        for member in shape.members {
            guard let memberEntries = groups[Substring(member.wireName)] else { continue }
            input.fields[member.wireName] = try decodeValue(
                of: member.shape, from: memberEntries, keyPath: { keyPrefix() + member.wireName },
                redacted: member.isRedacted)
        }
        return input
    }

    private static func decodeValue(
        of shape: ShapeSchema, from entries: [Entry], keyPath: () -> String, redacted: Bool
    ) throws(STSError) -> QueryValue {
        switch shape.kind {
        case .list:
            return try decodeList(of: shape, from: entries, keyPath: keyPath, redacted: redacted)
        case .structure:
            if let leaf = entries.first(where: \.isLeaf) {
                let path = keyPath()
                throw invalidKey(leaf.key, "\(path) is a structure; send its members as \(path).<Member>.")
            }
            return .structure(try decodeMembers(of: shape, from: entries, keyPrefix: { keyPath() + "." }))
        case .string, .integer, .boolean, .timestamp, .blob:
            if let deeper = entries.first(where: { !$0.isLeaf }) {
                throw invalidKey(deeper.key, "\(keyPath()) takes a single value, not a list or structure.")
            }
            guard let leaf = entries.first else {
                throw invalidKey(keyPath(), "it has no value.")
            }
            return try ScalarParser.parse(leaf.value, as: shape.kind, parameter: keyPath(), redacted: redacted)
        }
    }

    private static func decodeList(
        of shape: ShapeSchema, from entries: [Entry], keyPath: () -> String, redacted: Bool
    ) throws(STSError) -> QueryValue {
        if let leaf = entries.first(where: \.isLeaf) {
            // botocore sends an empty list as `Name=` with nothing else.
            guard entries.count == 1, leaf.value.isEmpty else {
                let path = keyPath()
                throw invalidKey(
                    leaf.key, "\(path) is a list; send it as \(path).member.N, or as an empty \(path)= alone.")
            }
            return .list([])
        }
        guard let element = shape.element else { return .list([]) }
        var byIndex: [Int: [Entry]] = [:]
        for entry in entries {
            let (head, afterHead) = split(entry.remainder)
            guard head == "member", let afterHead else {
                throw invalidKey(entry.key, "list members are sent as \(keyPath()).member.N.")
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
                let path = keyPath()
                let key = byIndex[index]?.first?.key ?? path
                throw invalidKey(
                    key, "list \(path) has no member \(elements.count + 1); indexes start at 1 and have no gaps.")
            }
            elements.append(
                try decodeValue(
                    of: element, from: elementEntries, keyPath: { "\(keyPath()).member.\(index)" }, redacted: redacted))
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
