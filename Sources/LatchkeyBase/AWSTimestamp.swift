#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// AWS's ISO 8601 timestamps, `2019-11-09T13:34:41Z`: UTC, whole seconds, no fraction on output.
///
/// Pure integer arithmetic on the proleptic Gregorian calendar (``GregorianCalendar``; no `DateFormatter`, no
/// calendar lookup), so it is cheap enough for every response. Output years are clamped to 0000…9999, the range the
/// four-digit form can carry.
public enum AWSTimestamp {
    /// 0000-01-01T00:00:00Z.
    public static let minimumEpochSeconds: Int64 = -62_167_219_200
    /// 9999-12-31T23:59:59Z.
    public static let maximumEpochSeconds: Int64 = 253_402_300_799

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
        let (days, secondOfDay) = GregorianCalendar.split(epochSeconds: clamp(epochSeconds))
        let (year, month, day) = GregorianCalendar.civil(fromDays: days)
        let text = String(unsafeUninitializedCapacity: 20) { buffer in
            func put(_ value: Int64, at offset: Int, digits: Int) {
                var rest = value
                for position in stride(from: offset + digits - 1, through: offset, by: -1) {
                    buffer[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                    rest /= 10
                }
            }
            put(year, at: 0, digits: 4)
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
        ISO8601Parser.aws.parse(text)?.date
    }

    /// Parses like ``date(from:)`` and returns whole seconds since 1970 (any fraction dropped).
    public static func epochSeconds(from text: String) -> Int64? {
        ISO8601Parser.aws.parse(text)?.epochSeconds
    }

    /// Whole seconds since 1970 of `date`, rounded toward the past and clamped to the formattable range.
    public static func epochSeconds(of date: Date) -> Int64 {
        let interval = date.timeIntervalSince1970.rounded(.down)
        guard interval.isFinite else { return interval < 0 ? minimumEpochSeconds : maximumEpochSeconds }
        if interval <= Double(minimumEpochSeconds) { return minimumEpochSeconds }
        if interval >= Double(maximumEpochSeconds) { return maximumEpochSeconds }
        return Int64(interval)
    }

    /// `seconds` clamped to 0000-01-01T00:00:00Z…9999-12-31T23:59:59Z.
    public static func clamp(_ seconds: Int64) -> Int64 {
        min(max(seconds, minimumEpochSeconds), maximumEpochSeconds)
    }
}
