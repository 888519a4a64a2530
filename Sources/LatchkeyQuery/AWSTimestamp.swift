#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// AWS's ISO 8601 timestamps, `2019-11-09T13:34:41Z`: UTC, whole seconds, no fraction on output.
///
/// Pure integer arithmetic on the proleptic Gregorian calendar (no `DateFormatter`, no calendar lookup), so
/// it is cheap enough for every response. Output years are clamped to 0000…9999, the range the four-digit
/// form can carry.
public enum AWSTimestamp {
    /// 0000-01-01T00:00:00Z.
    static let minimumEpochSeconds: Int64 = -62_167_219_200
    /// 9999-12-31T23:59:59Z.
    static let maximumEpochSeconds: Int64 = 253_402_300_799

    /// `date` formatted, fractional seconds dropped (rounded toward the past).
    public static func string(from date: Date) -> String {
        string(epochSeconds: epochSeconds(of: date))
    }

    /// Seconds since 1970 formatted.
    public static func string(epochSeconds: Int64) -> String {
        var output = ""
        append(epochSeconds: epochSeconds, to: &output)
        return output
    }

    /// Appends seconds since 1970, formatted, to `output`.
    public static func append(epochSeconds: Int64, to output: inout String) {
        let seconds = clamp(epochSeconds)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civil(fromDays: days)
        let text = String(unsafeUninitializedCapacity: 20) { buffer in
            func put(_ value: Int, at offset: Int, digits: Int) {
                var rest = value
                for position in stride(from: offset + digits - 1, through: offset, by: -1) {
                    buffer[position] = UInt8(ascii: "0") &+ UInt8(rest % 10)
                    rest /= 10
                }
            }
            put(Int(year), at: 0, digits: 4)
            buffer[4] = UInt8(ascii: "-")
            put(month, at: 5, digits: 2)
            buffer[7] = UInt8(ascii: "-")
            put(day, at: 8, digits: 2)
            buffer[10] = UInt8(ascii: "T")
            put(secondOfDay / 3600, at: 11, digits: 2)
            buffer[13] = UInt8(ascii: ":")
            put(secondOfDay / 60 % 60, at: 14, digits: 2)
            buffer[16] = UInt8(ascii: ":")
            put(secondOfDay % 60, at: 17, digits: 2)
            buffer[19] = UInt8(ascii: "Z")
            return 20
        }
        output += text
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]Z` strictly (uppercase `T` and `Z`, 1 to 9 fraction digits,
    /// real calendar dates, seconds 00…59). Returns nil for anything else.
    public static func date(from text: String) -> Date? {
        guard let (seconds, nanoseconds) = parse(text) else { return nil }
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1_000_000_000)
    }

    /// Parses like ``date(from:)`` and returns whole seconds since 1970 (any fraction dropped).
    public static func epochSeconds(from text: String) -> Int64? {
        parse(text)?.seconds
    }

    /// Whole seconds since 1970 of `date`, rounded toward the past and clamped to the formattable range.
    static func epochSeconds(of date: Date) -> Int64 {
        let interval = date.timeIntervalSince1970.rounded(.down)
        guard interval.isFinite else { return interval < 0 ? minimumEpochSeconds : maximumEpochSeconds }
        if interval <= Double(minimumEpochSeconds) { return minimumEpochSeconds }
        if interval >= Double(maximumEpochSeconds) { return maximumEpochSeconds }
        return Int64(interval)
    }

    static func clamp(_ seconds: Int64) -> Int64 {
        min(max(seconds, minimumEpochSeconds), maximumEpochSeconds)
    }

    private static func parse(_ text: String) -> (seconds: Int64, nanoseconds: Int64)? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 30, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ offset: Int, _ count: Int) -> Int? {
            var value = 0
            for index in offset..<(offset + count) {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var nanoseconds: Int64 = 0
        if bytes.count > 20 {
            let digits = bytes.count - 21
            guard bytes[19] == UInt8(ascii: "."), digits >= 1, digits <= 9, let fraction = number(20, digits)
            else { return nil }
            var scale = 1
            for _ in digits..<9 { scale *= 10 }
            nanoseconds = Int64(fraction * scale)
        }
        let days = self.days(fromCivil: Int64(year), month: month, day: day)
        return (days * 86_400 + Int64(hour * 3600 + minute * 60 + second), nanoseconds)
    }

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
    private static func civil(fromDays days: Int64) -> (Int64, Int, Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Howard Hinnant's `days_from_civil`: (year, month, day) to days since 1970-01-01.
    private static func days(fromCivil civilYear: Int64, month: Int, day: Int) -> Int64 {
        let year = month <= 2 ? civilYear - 1 : civilYear
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = Int64((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1)
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
