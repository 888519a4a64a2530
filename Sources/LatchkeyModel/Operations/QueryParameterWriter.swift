import LatchkeyBase

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A nested structure that requests carry (`Tag`, `PolicyDescriptorType`): read from its validated members, and
/// flattened into query parameters under a prefix (`Tags.member.1.` + `Key`).
protocol QueryStructureCoding: Sendable, Hashable {
    init(decoding input: QueryInput) throws(STSError)
    func write(into writer: inout QueryParameterWriter, prefix: String)
}

/// Builds the flat `name=value` pairs of an awsQuery request the way botocore's `query` serializer does: absent
/// members are left out, lists are `Name.member.N` (from 1), structures in lists `Name.member.N.Member`, a structure
/// member `Name.Member`, an empty list `Name=`; booleans `true`/`false`, timestamps ISO 8601 (`2011-06-15T00:00:00Z`),
/// blobs base64.
struct QueryParameterWriter {
    private(set) var pairs: [(name: String, value: String)] = []

    mutating func add(_ name: String, _ value: String?) {
        if let value { pairs.append((name, value)) }
    }

    mutating func add(_ name: String, _ value: Int?) {
        if let value { pairs.append((name, String(value))) }
    }

    mutating func add(_ name: String, _ value: Bool?) {
        if let value { pairs.append((name, value ? "true" : "false")) }
    }

    mutating func add(_ name: String, _ value: Date?) {
        if let value { pairs.append((name, AWSTimestamp.string(from: value))) }
    }

    mutating func add(_ name: String, _ value: Data?) {
        if let value { pairs.append((name, Base64.encode(value))) }
    }

    mutating func add(_ name: String, strings: [String]?) {
        guard let strings else { return }
        if strings.isEmpty { pairs.append((name, "")) }
        for (index, value) in strings.enumerated() {
            pairs.append(("\(name).member.\(index + 1)", value))
        }
    }

    mutating func add(_ name: String, structures: [some QueryStructureCoding]?) {
        guard let structures else { return }
        if structures.isEmpty { pairs.append((name, "")) }
        for (index, value) in structures.enumerated() {
            value.write(into: &self, prefix: "\(name).member.\(index + 1).")
        }
    }

    mutating func add(_ name: String, structure: (some QueryStructureCoding)?) {
        structure?.write(into: &self, prefix: "\(name).")
    }
}
