#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// A strict, hand-written parser for the ISO 8601 / RFC 3339 extended timestamp forms Latchkey reads
/// (`YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)` and, where allowed, shorter forms).
///
/// Every field is checked: four-digit year, a real calendar date, hours 00…23, minutes and seconds 00…59 (no leap
/// second), zone offsets up to ±23:59. No `DateFormatter`, no locale, linear in the input. The users differ only in
/// what they legitimately need, expressed by the options: see the presets ``aws``, ``rfc3339``, ``xmlSchema`` and
/// ``w3c``.
public struct ISO8601Parser: Sendable {
    /// Which time zone designators the parser accepts after the time.
    public enum Zone: Sendable {
        /// `Z` only: AWS's own timestamps are always UTC.
        case utcOnly
        /// `Z` or a numeric offset `±hh:mm`; a timestamp without either is refused.
        case required
        /// `Z`, `±hh:mm`, or nothing, which means UTC.
        case optional
    }

    /// A parsed timestamp: whole seconds since 1970 in UTC (offset applied) and the fraction in nanoseconds.
    public struct Timestamp: Sendable, Equatable {
        /// Whole seconds since 1970-01-01T00:00:00Z, the zone offset applied.
        public let epochSeconds: Int64
        /// The fractional second in nanoseconds (0…999 999 999); digits beyond the ninth are dropped.
        public let nanoseconds: Int64

        public init(epochSeconds: Int64, nanoseconds: Int64) {
            self.epochSeconds = epochSeconds
            self.nanoseconds = nanoseconds
        }

        /// Seconds since 1970 including the fraction.
        public var timeIntervalSince1970: Double {
            Double(epochSeconds) + Double(nanoseconds) / 1_000_000_000
        }

        /// The `Date` of this timestamp.
        public var date: Date { Date(timeIntervalSince1970: timeIntervalSince1970) }
    }

    /// Which zone designators are accepted.
    public var zone: Zone
    /// The most fraction digits accepted after the seconds (at least one digit when a `.` is written).
    public var maximumFractionDigits: Int
    /// Whether the reduced forms `YYYY-MM`, `YYYY-MM-DD` and `YYYY-MM-DDThh:mm` (no seconds) are accepted.
    public var allowsReducedPrecision: Bool
    /// Whether `t` and `z` are accepted for `T` and `Z`.
    public var allowsLowercaseDesignators: Bool
    /// The longest text accepted, in UTF-8 bytes.
    public var maximumLength: Int

    public init(
        zone: Zone, maximumFractionDigits: Int = 9, allowsReducedPrecision: Bool = false,
        allowsLowercaseDesignators: Bool = false, maximumLength: Int = .max
    ) {
        self.zone = zone
        self.maximumFractionDigits = maximumFractionDigits
        self.allowsReducedPrecision = allowsReducedPrecision
        self.allowsLowercaseDesignators = allowsLowercaseDesignators
        self.maximumLength = maximumLength
    }

    /// AWS's timestamps (`2019-11-09T13:34:41Z`, `2012-05-08T23:34:01.495Z`): `Z` only, uppercase designators,
    /// 1 to 9 fraction digits.
    public static let aws = ISO8601Parser(zone: .utcOnly)

    /// RFC 3339 date-times as botocore's `query` serializer writes them: `Z` or `±hh:mm` required, uppercase
    /// designators, 1 to 9 fraction digits.
    public static let rfc3339 = ISO8601Parser(zone: .required)

    /// `xs:dateTime` as SAML requires it: a zone (`Z` or `±hh:mm`) required, any number of fraction digits,
    /// 40 bytes at the most.
    public static let xmlSchema = ISO8601Parser(zone: .required, maximumFractionDigits: .max, maximumLength: 40)

    /// The W3C profile of ISO 8601 the policy language's `Date*` operators accept: `YYYY-MM`, `YYYY-MM-DD`,
    /// `YYYY-MM-DDThh:mm[:ss[.s…]]`, each time with an optional `Z` or `±hh:mm` (none means UTC), `T` and `Z` in
    /// either case, 64 bytes at the most.
    public static let w3c = ISO8601Parser(
        zone: .optional, maximumFractionDigits: .max, allowsReducedPrecision: true, allowsLowercaseDesignators: true,
        maximumLength: 64)

    /// Parses `text`, or returns nil unless all of it is a timestamp these options accept.
    public func parse(_ text: String) -> Timestamp? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// Parses UTF-8 bytes, or returns nil unless all of them are a timestamp these options accept.
    public func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard bytes.count <= maximumLength else { return nil }
        var reader = Reader(bytes: bytes, lowercase: allowsLowercaseDesignators)
        guard let year = reader.number(digits: 4), reader.take(UInt8(ascii: "-")),
            let month = reader.number(digits: 2), (1...12).contains(month)
        else { return nil }
        var day: Int64 = 1
        if reader.take(UInt8(ascii: "-")) {
            guard let value = reader.number(digits: 2),
                GregorianCalendar.isValidDate(year: year, month: month, day: value)
            else { return nil }
            day = value
        } else {
            guard allowsReducedPrecision, reader.atEnd else { return nil }
        }
        let midnight = GregorianCalendar.days(fromCivil: year, month: month, day: day) * GregorianCalendar.secondsPerDay
        if reader.atEnd {
            guard allowsReducedPrecision else { return nil }
            return Timestamp(epochSeconds: midnight, nanoseconds: 0)
        }
        guard reader.takeDesignator(UInt8(ascii: "T")), let hour = reader.number(digits: 2), hour < 24,
            reader.take(UInt8(ascii: ":")), let minute = reader.number(digits: 2), minute < 60
        else { return nil }
        var second: Int64 = 0
        var nanoseconds: Int64 = 0
        if reader.take(UInt8(ascii: ":")) {
            guard let value = reader.number(digits: 2), value < 60 else { return nil }
            second = value
            if reader.take(UInt8(ascii: ".")) {
                var digits = 0
                var scale: Int64 = 100_000_000
                while digits < maximumFractionDigits, let digit = reader.digit() {
                    nanoseconds += digit * scale
                    scale /= 10
                    digits += 1
                }
                guard digits > 0 else { return nil }
            }
        } else {
            guard allowsReducedPrecision else { return nil }
        }
        var offset: Int64 = 0
        if reader.atEnd {
            guard zone == .optional else { return nil }
        } else if reader.takeDesignator(UInt8(ascii: "Z")) {
            guard reader.atEnd else { return nil }
        } else {
            guard zone != .utcOnly else { return nil }
            let sign: Int64
            if reader.take(UInt8(ascii: "+")) {
                sign = 1
            } else if reader.take(UInt8(ascii: "-")) {
                sign = -1
            } else {
                return nil
            }
            guard let zoneHour = reader.number(digits: 2), zoneHour < 24, reader.take(UInt8(ascii: ":")),
                let zoneMinute = reader.number(digits: 2), zoneMinute < 60, reader.atEnd
            else { return nil }
            offset = sign * (zoneHour * 3600 + zoneMinute * 60)
        }
        return Timestamp(epochSeconds: midnight + hour * 3600 + minute * 60 + second - offset, nanoseconds: nanoseconds)
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        let lowercase: Bool
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>, lowercase: Bool) {
            self.bytes = bytes
            self.lowercase = lowercase
        }

        var atEnd: Bool { position == bytes.count }

        mutating func digit() -> Int64? {
            guard position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 else { return nil }
            defer { position += 1 }
            return Int64(bytes[position] &- UInt8(ascii: "0"))
        }

        mutating func number(digits count: Int) -> Int64? {
            guard position + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        /// An uppercase letter, or its lowercase form when allowed.
        mutating func takeDesignator(_ upper: UInt8) -> Bool {
            take(upper) || (lowercase && take(upper | 0x20))
        }
    }
}
