#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The ISO 8601 basic timestamp SigV4 uses (`yyyyMMdd'T'HHmmss'Z'`, UTC), parsed and formatted by hand
/// (no `DateFormatter` on the hot path). Values are whole seconds since 1970-01-01T00:00:00Z.
enum AmzTimestamp {
    /// Seconds since 1970 for `text`, or nil unless it is exactly `YYYYMMDDTHHMMSSZ` with valid fields.
    static func parse(_ text: String) -> Int64? {
        var year: Int64 = 0
        var month: Int64 = 0
        var day: Int64 = 0
        var hour: Int64 = 0
        var minute: Int64 = 0
        var second: Int64 = 0
        var index = 0
        for byte in text.utf8 {
            switch index {
            case 8: guard byte == UInt8(ascii: "T") else { return nil }
            case 15: guard byte == UInt8(ascii: "Z") else { return nil }
            case 16...: return nil
            default:
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                let digit = Int64(byte - UInt8(ascii: "0"))
                switch index {
                case 0...3: year = year * 10 + digit
                case 4...5: month = month * 10 + digit
                case 6...7: day = day * 10 + digit
                case 9...10: hour = hour * 10 + digit
                case 11...12: minute = minute * 10 + digit
                default: second = second * 10 + digit
                }
            }
            index += 1
        }
        guard index == 16, (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second < 60
        else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// Whether `text` is exactly eight digits forming a valid `YYYYMMDD` date.
    static func isValidDate(_ text: String) -> Bool {
        text.utf8.count == 8 && parse(text + "T000000Z") != nil
    }

    /// The `YYYYMMDDTHHMMSSZ` form of `seconds` since 1970.
    static func format(_ seconds: Int64) -> String {
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = civilFromDays(days)
        var output: [UInt8] = []
        output.reserveCapacity(16)
        appendDigits(year, width: 4, to: &output)
        appendDigits(month, width: 2, to: &output)
        appendDigits(day, width: 2, to: &output)
        output.append(UInt8(ascii: "T"))
        appendDigits(secondOfDay / 3600, width: 2, to: &output)
        appendDigits(secondOfDay / 60 % 60, width: 2, to: &output)
        appendDigits(secondOfDay % 60, width: 2, to: &output)
        output.append(UInt8(ascii: "Z"))
        return String(decoding: output, as: UTF8.self)
    }

    /// Whole seconds since 1970 for `date`, rounded down and clamped to ±10^12 (about ±31 000 years).
    static func seconds(_ date: Date) -> Int64 {
        let interval = date.timeIntervalSince1970
        guard interval.isFinite else { return interval > 0 ? 1_000_000_000_000 : -1_000_000_000_000 }
        return Int64(max(-1e12, min(1e12, interval.rounded(.down))))
    }

    /// The `Date` for whole seconds since 1970.
    static func date(_ seconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(seconds))
    }

    private static func appendDigits(_ value: Int64, width: Int, to output: inout [UInt8]) {
        var text = Array(String(value < 0 ? -value : value).utf8)
        while text.count < width { text.insert(UInt8(ascii: "0"), at: 0) }
        if value < 0 { output.append(UInt8(ascii: "-")) }
        output.append(contentsOf: text)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    private static func isLeapYear(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let shiftedMonth = (month + 9) % 12
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date for days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
