import LatchkeyBase

/// A point in time for the `Date*` operators, in seconds since 1970-01-01T00:00:00Z.
///
/// Accepts the W3C profile of ISO 8601 ("W3C implementations of the ISO 8601 date formats", as the condition
/// operators page requires): `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm`, `YYYY-MM-DDThh:mm:ss` and
/// `YYYY-MM-DDThh:mm:ss.s…`, each time optionally followed by `Z` or `±hh:mm` (no zone means UTC), `T` and `Z` in
/// either case (``ISO8601Parser/w3c``); or epoch seconds written as digits only (a bare `2020` is epoch seconds, as
/// IAM reads it). Parsed by hand: no `DateFormatter`, no locale.
enum DateValue {
    static func seconds(_ text: String) -> Double? {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        if bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard bytes.count <= 15, let value = Int64(text) else { return nil }
            return Double(value)
        }
        return ISO8601Parser.w3c.parse(text)?.timeIntervalSince1970
    }
}
