import LatchkeyBase

/// The response writers' output: UTF-8 bytes appended to one growing buffer, reserved once.
///
/// Appending bytes to a `[UInt8]` skips what `String` appends cost per call (uniqueness and capacity checks on
/// the string's storage, `_StringGuts.append`, `prepareForAppendInPlace`: about a third of `QueryResponse.xml` in the
/// AssumeRole profile), and the server hands the bytes to the response without going through a `String`. The
/// output is the same as the `String` writers' was, byte for byte (`XMLWriterTests` compares them).
struct XMLWriter {
    var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends `text` as it is: markup, names and canonical scalars.
    mutating func append(_ text: String) {
        let appended: Void? = text.utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
        if appended == nil { bytes.append(contentsOf: text.utf8) }
    }

    /// Appends `text` as XML character data or attribute content (``TextEscaping/appendXML(_:to:)``'s rules).
    mutating func appendEscaped(_ text: String) {
        let appended: Void? = text.utf8.withContiguousStorageIfAvailable { TextEscaping.appendXML($0, to: &bytes) }
        if appended == nil { Array(text.utf8).withUnsafeBufferPointer { TextEscaping.appendXML($0, to: &bytes) } }
    }

    /// Appends seconds since 1970 as `2019-11-09T13:34:41Z` (``AWSTimestamp``, whose years are clamped to 0…9999).
    mutating func appendTimestamp(epochSeconds: Int64) {
        let (days, secondOfDay) = GregorianCalendar.split(epochSeconds: AWSTimestamp.clamp(epochSeconds))
        let (year, month, day) = GregorianCalendar.civil(fromDays: days)
        put(year, digits: 4)
        bytes.append(UInt8(ascii: "-"))
        put(month, digits: 2)
        bytes.append(UInt8(ascii: "-"))
        put(day, digits: 2)
        bytes.append(UInt8(ascii: "T"))
        put(secondOfDay / 3600, digits: 2)
        bytes.append(UInt8(ascii: ":"))
        put(secondOfDay / 60 % 60, digits: 2)
        bytes.append(UInt8(ascii: ":"))
        put(secondOfDay % 60, digits: 2)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// `value` (0 or more) in exactly `digits` decimal digits, as ``AWSTimestamp`` writes its fields.
    private mutating func put(_ value: Int64, digits: Int) {
        var divisor: Int64 = 1
        for _ in 1..<digits { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
