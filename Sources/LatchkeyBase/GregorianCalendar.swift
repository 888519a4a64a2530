/// Calendar arithmetic on the proleptic Gregorian calendar in UTC: leap years, month lengths, and conversions
/// between civil dates and days since 1970-01-01 (Howard Hinnant's `days_from_civil` and `civil_from_days`).
///
/// Pure integer arithmetic, no `Calendar` or `DateFormatter`, exact for any year an `Int64` day count can hold.
/// Every date and timestamp parser and formatter in Latchkey goes through here.
public enum GregorianCalendar {
    /// Seconds in a day (UTC has no leap seconds in this arithmetic, as in POSIX time).
    public static let secondsPerDay: Int64 = 86_400

    /// Whether `year` has a 29 February.
    @inlinable
    public static func isLeapYear(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in `month` (1…12) of `year`.
    @inlinable
    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Whether `year`-`month`-`day` is a real date (month 1…12, day within the month).
    @inlinable
    public static func isValidDate(year: Int64, month: Int64, day: Int64) -> Bool {
        (1...12).contains(month) && day >= 1 && day <= daysInMonth(year: year, month: month)
    }

    /// Days since 1970-01-01 of a civil date (`month` 1…12, `day` 1…31).
    @inlinable
    public static func days(fromCivil civilYear: Int64, month: Int64, day: Int64) -> Int64 {
        let year = month <= 2 ? civilYear - 1 : civilYear
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    @inlinable
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Splits seconds since 1970 into whole days (rounded toward the past) and the second of that day (0…86 399).
    @inlinable
    public static func split(epochSeconds seconds: Int64) -> (days: Int64, secondOfDay: Int64) {
        let days = seconds / secondsPerDay
        let rest = seconds % secondsPerDay
        return rest < 0 ? (days - 1, rest + secondsPerDay) : (days, rest)
    }

    /// Seconds since 1970 of a civil date and time of day in UTC. The fields are not checked.
    @inlinable
    public static func epochSeconds(
        year: Int64, month: Int64, day: Int64, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0
    ) -> Int64 {
        days(fromCivil: year, month: month, day: day) * secondsPerDay + hour * 3600 + minute * 60 + second
    }
}
