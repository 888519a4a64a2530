import LatchkeyBase

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Parses scalar query values as the botocore `query` serializer writes them: integers in decimal,
/// booleans as `true`/`false`, timestamps in ISO 8601, blobs in base64.
enum ScalarParser {
    static let redactedValue = "*** Sensitive Data Redacted ***"

    /// `parameter` names the value in the error, and is only evaluated for one.
    static func parse(
        _ text: String, as kind: ShapeSchema.Kind, parameter: @autoclosure () -> String, redacted: Bool
    ) throws(STSError) -> QueryValue {
        let parsed: QueryValue?
        let expected: String
        switch kind {
        case .string, .list, .structure:
            // Lists and structures never reach here: the decoder splits them into their scalars.
            return .string(text)
        case .integer:
            parsed = integer(text).map(QueryValue.integer)
            expected = "an integer"
        case .boolean:
            parsed = text == "true" ? .boolean(true) : text == "false" ? .boolean(false) : nil
            expected = "true or false"
        case .timestamp:
            parsed = timestamp(text).map(QueryValue.timestamp)
            expected = "an ISO 8601 timestamp such as 2011-06-15T00:00:00Z"
        case .blob:
            parsed = Base64.decode(text, options: .allowingNonzeroTrailingBits).map { QueryValue.blob(Data($0)) }
            expected = "base64"
        }
        guard let parsed else {
            let shown = redacted ? redactedValue : text
            throw STSError(
                .invalidParameterValue,
                "Value '\(shown)' for parameter \(parameter()) is invalid: it must be \(expected).")
        }
        return parsed
    }

    /// A 32-bit integer as Java's `Integer.parseInt` reads it: an optional sign, then ASCII digits.
    static func integer(_ text: String) -> Int? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count <= 11, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let magnitude = Int(digits)
        else { return nil }
        let value = negative ? -magnitude : magnitude
        guard let exact = Int32(exactly: value) else { return nil }
        return Int(exact)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, the form botocore sends (`%Y-%m-%dT%H:%M:%S(.%f)Z`): RFC 3339
    /// with 1 to 9 fraction digits.
    static func timestamp(_ text: String) -> Date? {
        ISO8601Parser.rfc3339.parse(text)?.date
    }
}
