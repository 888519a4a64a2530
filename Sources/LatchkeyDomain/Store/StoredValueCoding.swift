#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The column forms every persistent store (SQLite, PostgreSQL) gives entity values, in one place so that the
/// stores agree and a copy between them moves values unchanged.
public enum StoredValueCoding {
    /// The case-folded form of a name (user, MFA device, role, policy, group): what uniqueness and lookups compare.
    public static func nameKey(_ name: String) -> String { name.lowercased() }

    /// Milliseconds since the Unix epoch, rounded to the nearest millisecond; dates outside ±292 million years are
    /// clamped rather than trapping.
    public static func millis(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        guard value > -9.2e18, value < 9.2e18 else { return value < 0 ? Int64.min : Int64.max }
        return Int64(value)
    }

    public static func date(millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    private struct Tag: Codable {
        var key: String
        var value: String
        enum CodingKeys: String, CodingKey {
            case key = "Key"
            case value = "Value"
        }
    }

    /// Tags as JSON text (`[{"Key":…,"Value":…}]`), in the caller's order.
    public static func tagsJSON(_ tags: [ResourceTag]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(tags.map { Tag(key: $0.key, value: $0.value) })
        return String(decoding: data, as: UTF8.self)
    }

    /// Tags read back from their JSON text; `.corrupt` naming `table` when it is not a tag list.
    public static func tags(json: String, table: StaticString) throws -> [ResourceTag] {
        do {
            let tags = try JSONDecoder().decode([Tag].self, from: Data(json.utf8))
            return tags.map { ResourceTag(key: $0.key, value: $0.value) }
        } catch {
            throw StoreError(.corrupt, "\(table).tags is not a JSON tag list")
        }
    }
}
