import LatchkeyBase

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The ISO 8601 basic timestamp SigV4 uses (`yyyyMMdd'T'HHmmss'Z'`, UTC), parsed and formatted by hand
/// (no `DateFormatter` on the hot path; the calendar arithmetic is `GregorianCalendar`'s). Values are whole seconds
/// since 1970-01-01T00:00:00Z.
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
        guard index == 16, GregorianCalendar.isValidDate(year: year, month: month, day: day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        return GregorianCalendar.epochSeconds(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Whether `bytes` are exactly eight digits forming a valid `YYYYMMDD` date.
    static func isValidDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 8 else { return false }
        var fields: (year: Int64, month: Int64, day: Int64) = (0, 0, 0)
        for (index, byte) in bytes.enumerated() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            let digit = Int64(byte - UInt8(ascii: "0"))
            switch index {
            case 0...3: fields.year = fields.year * 10 + digit
            case 4...5: fields.month = fields.month * 10 + digit
            default: fields.day = fields.day * 10 + digit
            }
        }
        return GregorianCalendar.isValidDate(year: fields.year, month: fields.month, day: fields.day)
    }

    /// The `YYYYMMDDTHHMMSSZ` form of `seconds` since 1970.
    static func format(_ seconds: Int64) -> String {
        let (days, secondOfDay) = GregorianCalendar.split(epochSeconds: seconds)
        let (year, month, day) = GregorianCalendar.civil(fromDays: days)
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
}
