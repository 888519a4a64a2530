/// A point in time for the `Date*` operators, in seconds since 1970-01-01T00:00:00Z.
///
/// Accepts the W3C profile of ISO 8601 ("W3C implementations of the ISO 8601 date formats", as the condition
/// operators page requires): `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm`, `YYYY-MM-DDThh:mm:ss` and
/// `YYYY-MM-DDThh:mm:ss.s…`, each time optionally followed by `Z` or `±hh:mm` (no zone means UTC), `T` and `Z` in
/// either case; or epoch seconds written as digits only (a bare `2020` is epoch seconds, as IAM reads it).
/// Parsed by hand: no `DateFormatter`, no locale.
enum DateValue {
    static func seconds(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        if bytes.allSatisfy(isDigit) {
            guard bytes.count <= 15, let value = Int64(text) else { return nil }
            return Double(value)
        }
        var reader = Reader(bytes: bytes)
        return reader.readISO()
    }

    fileprivate static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Days from 1970-01-01 to the given civil date (proleptic Gregorian), after H. Hinnant's `days_from_civil`.
    fileprivate static func days(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    fileprivate static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

private struct Reader {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func number(digits count: Int) -> Int? {
        guard position + count <= bytes.count else { return nil }
        var value = 0
        for offset in 0..<count {
            let byte = bytes[position + offset]
            guard DateValue.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        position += count
        return value
    }

    mutating func take(_ character: Character) -> Bool {
        guard position < bytes.count, let ascii = character.asciiValue else { return false }
        if bytes[position] == ascii || (character.isLetter && bytes[position] == ascii | 0x20) {
            position += 1
            return true
        }
        return false
    }

    var atEnd: Bool { position == bytes.count }

    mutating func readISO() -> Double? {
        guard let year = number(digits: 4), take("-"), let month = number(digits: 2), (1...12).contains(month) else {
            return nil
        }
        var day = 1
        if take("-") {
            guard let value = number(digits: 2), (1...DateValue.daysInMonth(year: year, month: month)).contains(value)
            else { return nil }
            day = value
        } else {
            return atEnd ? Double(DateValue.days(year: year, month: month, day: 1) * 86_400) : nil
        }
        var seconds = Double(DateValue.days(year: year, month: month, day: day) * 86_400)
        if atEnd { return seconds }
        guard take("T"), let hour = number(digits: 2), hour < 24, take(":"), let minute = number(digits: 2),
            minute < 60
        else { return nil }
        seconds += Double(hour * 3_600 + minute * 60)
        if take(":") {
            guard let second = number(digits: 2), second < 60 else { return nil }
            seconds += Double(second)
            if take(".") {
                var scale = 0.1
                var digits = 0
                while position < bytes.count, DateValue.isDigit(bytes[position]) {
                    seconds += Double(bytes[position] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    digits += 1
                    position += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        if atEnd || take("Z") { return atEnd ? seconds : nil }
        let sign: Double
        if take("+") { sign = 1 } else if take("-") { sign = -1 } else { return nil }
        guard let zoneHour = number(digits: 2), zoneHour < 24, take(":"), let zoneMinute = number(digits: 2),
            zoneMinute < 60, atEnd
        else { return nil }
        return seconds - sign * Double(zoneHour * 3_600 + zoneMinute * 60)
    }
}
