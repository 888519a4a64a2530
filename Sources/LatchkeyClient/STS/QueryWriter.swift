/// A structure that flattens into awsQuery parameters under a prefix (`Tags.member.1.` + `Key`).
protocol QueryStructure {
    func write(into writer: inout QueryWriter, prefix: String)
}

/// Builds the flat `name=value` pairs of an awsQuery request the way botocore's `query` serializer does:
/// absent members are left out, lists are `Name.member.N` (from 1), structures in lists
/// `Name.member.N.Member`, a structure member `Name.Member`, and an empty list `Name=` (an explicit empty list).
struct QueryWriter {
    private(set) var pairs: [(name: String, value: String)] = []

    mutating func add(_ name: String, _ value: String?) {
        if let value { pairs.append((name, value)) }
    }

    mutating func add(_ name: String, _ value: Int?) {
        if let value { pairs.append((name, String(value))) }
    }

    mutating func add(_ name: String, strings: [String]?) {
        guard let strings else { return }
        if strings.isEmpty { pairs.append((name, "")) }
        for (index, value) in strings.enumerated() {
            pairs.append(("\(name).member.\(index + 1)", value))
        }
    }

    mutating func add(_ name: String, structures: [some QueryStructure]?) {
        guard let structures else { return }
        if structures.isEmpty { pairs.append((name, "")) }
        for (index, value) in structures.enumerated() {
            value.write(into: &self, prefix: "\(name).member.\(index + 1).")
        }
    }

    mutating func add(_ name: String, structure: (some QueryStructure)?) {
        structure?.write(into: &self, prefix: "\(name).")
    }
}

extension Tag: QueryStructure {
    func write(into writer: inout QueryWriter, prefix: String) {
        writer.add(prefix + "Key", key)
        writer.add(prefix + "Value", value)
    }
}

extension PolicyDescriptorType: QueryStructure {
    func write(into writer: inout QueryWriter, prefix: String) {
        writer.add(prefix + "arn", arn)
    }
}

extension ProvidedContext: QueryStructure {
    func write(into writer: inout QueryWriter, prefix: String) {
        writer.add(prefix + "ProviderArn", providerArn)
        writer.add(prefix + "ContextAssertion", contextAssertion)
    }
}
