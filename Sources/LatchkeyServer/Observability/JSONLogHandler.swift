import Foundation
public import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes each log event as one JSON object on one line (`--log-format json`):
///
/// ```json
/// {"time":"2026-12-07T18:49:21.123Z","level":"info","label":"latchkey.access","message":"request","status":200}
/// ```
///
/// `time` is UTC with milliseconds; `level` is swift-log's level name. The metadata (the handler's, the provider's,
/// the event's, later ones winning) is flattened into the object; a metadata key that is one of the fixed fields
/// (`time`, `level`, `label`, `message`, `error`) is written as `metadata.KEY`. Integers and floating-point values
/// given as `.stringConvertible` are JSON numbers, booleans are JSON booleans, lists and dictionaries are arrays and
/// objects; everything else is a string. Strings are escaped as JSON requires (quotes, backslashes, every control
/// character), so a line never breaks in two. What is logged is what the code logs: it never logs a secret.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let output: LogOutput

    /// A handler writing to `output` (standard error by default).
    public init(
        label: String, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil,
        output: LogOutput = .standardError
    ) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    static let reservedKeys: Set<String> = ["time", "level", "label", "message", "error"]

    public func log(event: LogEvent) {
        output.write(line(event, time: LogOutput.now()))
    }

    /// The JSON line for an event (with its newline).
    func line(_ event: LogEvent, time: (seconds: Int, milliseconds: Int)) -> String {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var text = "{\"time\":\""
        Self.appendTimestamp(seconds: time.seconds, milliseconds: time.milliseconds, to: &text)
        text += "\",\"level\":\""
        text += event.level.rawValue
        text += "\",\"label\":"
        Self.appendString(label, to: &text)
        text += ",\"message\":"
        Self.appendString(event.message.description, to: &text)
        if let error = event.error {
            text += ",\"error\":"
            Self.appendString("\(error)", to: &text)
        }
        for key in merged.keys.sorted() {
            text += ","
            Self.appendString(Self.reservedKeys.contains(key) ? "metadata.\(key)" : key, to: &text)
            text += ":"
            Self.appendValue(merged[key]!, to: &text)
        }
        text += "}\n"
        return text
    }

    static func appendValue(_ value: Logger.MetadataValue, to text: inout String) {
        switch value {
        case .string(let string):
            appendString(string, to: &text)
        case .stringConvertible(let convertible):
            switch convertible {
            case let number as Int: text += String(number)
            case let number as Int64: text += String(number)
            case let number as UInt64: text += String(number)
            case let number as Double where number.isFinite: text += String(number)
            case let flag as Bool: text += flag ? "true" : "false"
            default: appendString(convertible.description, to: &text)
            }
        case .array(let values):
            text += "["
            for (index, element) in values.enumerated() {
                if index > 0 { text += "," }
                appendValue(element, to: &text)
            }
            text += "]"
        case .dictionary(let dictionary):
            text += "{"
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                appendString(key, to: &text)
                text += ":"
                appendValue(dictionary[key]!, to: &text)
            }
            text += "}"
        }
    }

    /// `string` as a JSON string: quotes, backslashes and control characters escaped (U+2028 and U+2029 too, so a
    /// line is also valid JavaScript).
    static func appendString(_ string: String, to text: inout String) {
        text += "\""
        var start = string.unicodeScalars.startIndex
        let scalars = string.unicodeScalars
        var index = start
        while index != scalars.endIndex {
            let scalar = scalars[index]
            let escape: String?
            switch scalar.value {
            case 0x22: escape = "\\\""
            case 0x5C: escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x00..<0x20, 0x7F, 0x2028, 0x2029: escape = unicodeEscape(scalar.value)
            default: escape = nil
            }
            if let escape {
                text.unicodeScalars.append(contentsOf: scalars[start..<index])
                text += escape
                start = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        text.unicodeScalars.append(contentsOf: scalars[start..<scalars.endIndex])
        text += "\""
    }

    private static func unicodeEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: false)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` for a time in seconds since 1970 (UTC); without milliseconds,
    /// `YYYY-MM-DDTHH:MM:SS+0000` (swift-log's text format, in UTC).
    static func appendTimestamp(seconds: Int, milliseconds: Int?, to text: inout String) {
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int, _ width: Int) {
            let digits = String(value)
            if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
            text += digits
        }
        pad(year, 4)
        text += "-"
        pad(month, 2)
        text += "-"
        pad(day, 2)
        text += "T"
        pad(secondOfDay / 3600, 2)
        text += ":"
        pad(secondOfDay % 3600 / 60, 2)
        text += ":"
        pad(secondOfDay % 60, 2)
        if let milliseconds {
            text += "."
            pad(milliseconds, 3)
            text += "Z"
        } else {
            text += "+0000"
        }
    }
}

/// Where log lines go: standard error (each line one `write`, whole, under a lock so lines never interleave), or a
/// function (tests).
public struct LogOutput: Sendable {
    let sink: @Sendable (String) -> Void

    public init(_ sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    func write(_ line: String) { sink(line) }

    private static let lock = Mutex(())

    /// Standard error, unbuffered: a line is written before `log` returns.
    public static let standardError = LogOutput { line in
        var line = line
        line.withUTF8 { bytes in
            lock.withLock { _ in
                var offset = 0
                while offset < bytes.count {
                    let written = writeStandardError(bytes.baseAddress! + offset, bytes.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0, errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }

    /// The current time as whole seconds and milliseconds since 1970 (UTC).
    static func now() -> (seconds: Int, milliseconds: Int) {
        let milliseconds = Int((Date().timeIntervalSince1970 * 1000).rounded(.down))
        return (milliseconds / 1000, milliseconds % 1000)
    }
}

/// `write(2, ...)`.
private func writeStandardError(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(2, bytes, count)
    #elseif canImport(Musl)
        Musl.write(2, bytes, count)
    #else
        Darwin.write(2, bytes, count)
    #endif
}
