import GRDB
import LatchkeyDomain

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Conversions between entity values and their stored column forms.
enum Stored {
    /// The case-folded form of a user or MFA device name: what uniqueness and lookups compare.
    static func nameKey(_ name: String) -> String { name.lowercased() }

    /// Milliseconds since the Unix epoch, rounded to the nearest millisecond.
    static func millis(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        // Dates outside ±292 million years cannot be stored; clamp rather than trap.
        guard value > -9.2e18, value < 9.2e18 else { return value < 0 ? Int64.min : Int64.max }
        return Int64(value)
    }

    static func date(millis: Int64) -> Date {
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

    /// Tags as JSON text, in the caller's order.
    static func tagsJSON(_ tags: [ResourceTag]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(tags.map { Tag(key: $0.key, value: $0.value) })
        return String(decoding: data, as: UTF8.self)
    }

    static func tags(json: String, table: StaticString) throws -> [ResourceTag] {
        do {
            let tags = try JSONDecoder().decode([Tag].self, from: Data(json.utf8))
            return tags.map { ResourceTag(key: $0.key, value: $0.value) }
        } catch {
            throw StoreError(.corrupt, "\(table).tags is not a JSON tag list")
        }
    }
}

/// Strict, non-trapping column reads. A NULL or a value of the wrong storage class throws `.corrupt` naming the
/// column, never its contents (which may be a sealed secret).
struct StoredRow {
    let row: Row
    let table: StaticString

    private func value(_ index: Int) -> DatabaseValue {
        index < row.count ? row[index] : .null
    }

    private func corrupt(_ index: Int, _ expected: String) -> StoreError {
        let names = Array(row.columnNames)
        let name = index < names.count ? names[index] : "#\(index)"
        return StoreError(.corrupt, "\(table).\(name) is not \(expected)")
    }

    func string(_ index: Int) throws -> String {
        guard let value = try optionalString(index) else { throw corrupt(index, "text") }
        return value
    }

    func optionalString(_ index: Int) throws -> String? {
        switch value(index).storage {
        case .null: return nil
        case .string(let value): return value
        default: throw corrupt(index, "text")
        }
    }

    func int64(_ index: Int) throws -> Int64 {
        guard let value = try optionalInt64(index) else { throw corrupt(index, "an integer") }
        return value
    }

    func optionalInt64(_ index: Int) throws -> Int64? {
        switch value(index).storage {
        case .null: return nil
        case .int64(let value): return value
        default: throw corrupt(index, "an integer")
        }
    }

    func bytes(_ index: Int) throws -> [UInt8] {
        switch value(index).storage {
        case .blob(let data): return [UInt8](data)
        default: throw corrupt(index, "a blob")
        }
    }

    func date(_ index: Int) throws -> Date {
        Stored.date(millis: try int64(index))
    }

    func optionalDate(_ index: Int) throws -> Date? {
        try optionalInt64(index).map(Stored.date(millis:))
    }

    func tags(_ index: Int) throws -> [ResourceTag] {
        try Stored.tags(json: try string(index), table: table)
    }
}
