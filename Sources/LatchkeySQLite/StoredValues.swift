import GRDB
import LatchkeyDomain

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Conversions between entity values and their stored column forms: `StoredValueCoding`'s, which the PostgreSQL
/// store shares, so that values move between the stores unchanged.
enum Stored {
    /// The case-folded form of a user or MFA device name: what uniqueness and lookups compare.
    static func nameKey(_ name: String) -> String { StoredValueCoding.nameKey(name) }

    /// Milliseconds since the Unix epoch, rounded to the nearest millisecond (clamped, never trapping).
    static func millis(_ date: Date) -> Int64 { StoredValueCoding.millis(date) }

    static func date(millis: Int64) -> Date { StoredValueCoding.date(millis: millis) }

    /// Tags as JSON text, in the caller's order.
    static func tagsJSON(_ tags: [ResourceTag]) throws -> String { try StoredValueCoding.tagsJSON(tags) }

    static func tags(json: String, table: StaticString) throws -> [ResourceTag] {
        try StoredValueCoding.tags(json: json, table: table)
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
