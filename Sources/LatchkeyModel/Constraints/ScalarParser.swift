#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Parses scalar query values as the botocore `query` serializer writes them: integers in decimal,
/// booleans as `true`/`false`, timestamps in ISO 8601, blobs in base64.
enum ScalarParser {
    static let redactedValue = "*** Sensitive Data Redacted ***"

    static func parse(_ text: String, as kind: ShapeSchema.Kind, parameter: String, redacted: Bool) throws(STSError)
        -> QueryValue
    {
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
            parsed = Data(base64Encoded: text).map(QueryValue.blob)
            expected = "base64"
        }
        guard let parsed else {
            let shown = redacted ? redactedValue : text
            throw STSError(.invalidParameterValue, "Value '\(shown)' for parameter \(parameter) is invalid: it must be \(expected).")
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

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, the form botocore sends (`%Y-%m-%dT%H:%M:%S(.%f)Z`).
    static func timestamp(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        func byte(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
        guard let year = number(0, 4), byte(4) == UInt8(ascii: "-"), let month = number(5, 2),
            byte(7) == UInt8(ascii: "-"), let day = number(8, 2), byte(10) == UInt8(ascii: "T"),
            let hour = number(11, 2), byte(13) == UInt8(ascii: ":"), let minute = number(14, 2),
            byte(16) == UInt8(ascii: ":"), let second = number(17, 2),
            (1...12).contains(month), (1...daysIn(month, year)).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if byte(index) == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while let digit = byte(index), (0x30...0x39).contains(digit), index - start < 9 {
                fraction += Double(digit - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offsetSeconds = 0
        switch byte(index) {
        case UInt8(ascii: "Z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let offsetHours = number(index + 1, 2), byte(index + 3) == UInt8(ascii: ":"),
                let offsetMinutes = number(index + 4, 2), offsetHours < 24, offsetMinutes < 60
            else { return nil }
            let sign = byte(index) == UInt8(ascii: "-") ? -1 : 1
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }
}
