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
        if let value { pairs.append((name, Self.iso8601(value))) }
    }

    mutating func add(_ name: String, _ value: Data?) {
        if let value { pairs.append((name, value.base64EncodedString())) }
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

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC, whole seconds (fractions are dropped, as AWS timestamps have none).
    static func iso8601(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(Int64(secondOfDay / 3600), 2)):"
            + "\(pad(Int64(secondOfDay / 60 % 60), 2)):\(pad(Int64(secondOfDay % 60), 2))Z"
    }
}
