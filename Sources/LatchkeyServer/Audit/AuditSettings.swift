import Foundation

/// Where the audit trail goes (`--audit-log`, `--audit-log-max-size`, `--audit-log-max-files`, `--audit-store`,
/// `--audit-retention-days`; see docs/audit.md).
public struct AuditSettings: Sendable, Equatable {
    /// A JSON-lines file, `-` for standard output, nil for none.
    public var logPath: String?
    /// Whether events are kept in the store too (queried with `LookupEvents`). Default true.
    public var storeEnabled: Bool = true
    /// Days events are kept in the store. Default 90.
    public var retentionDays: Int = 90
    /// The size in bytes past which the file is rotated (`FILE` → `FILE.1` → `FILE.2` ...); 0 never rotates.
    /// Default 100 MiB. Standard output is never rotated.
    public var logMaxBytes: Int64 = AuditSettings.defaultLogMaxBytes
    /// How many rotated files are kept (`FILE.1` ... `FILE.N`); the oldest is deleted. Default 5.
    public var logMaxFiles: Int = 5
    /// The most events waiting to be written; past it new events are dropped and counted. Default 10,000.
    public var bufferCapacity: Int = 10_000
    /// How often the writer drains the buffer. Default 100 ms.
    public var flushInterval: Duration = .milliseconds(100)

    public static let defaultLogMaxBytes: Int64 = 100 * 1024 * 1024

    public init(
        logPath: String? = nil, storeEnabled: Bool = true, retentionDays: Int = 90,
        logMaxBytes: Int64 = AuditSettings.defaultLogMaxBytes, logMaxFiles: Int = 5, bufferCapacity: Int = 10_000,
        flushInterval: Duration = .milliseconds(100)
    ) {
        self.logPath = logPath
        self.storeEnabled = storeEnabled
        self.retentionDays = retentionDays
        self.logMaxBytes = logMaxBytes
        self.logMaxFiles = logMaxFiles
        self.bufferCapacity = bufferCapacity
        self.flushInterval = flushInterval
    }

    /// A size such as `100MiB`, `512K`, `1G`, `1048576` (bytes; K/M/G are powers of 1024, an optional `i`/`B`
    /// suffix is accepted); 0 turns rotation off.
    public static func parseSize(_ text: String) -> Int64? {
        var digits = Substring(text.trimmingCharacters(in: .whitespaces))
        var multiplier: Int64 = 1
        if digits.uppercased().hasSuffix("B") { digits = digits.dropLast() }
        if digits.uppercased().hasSuffix("I") { digits = digits.dropLast() }
        switch digits.last.map({ Character($0.uppercased()) }) {
        case "K": multiplier = 1024
        case "M": multiplier = 1024 * 1024
        case "G": multiplier = 1024 * 1024 * 1024
        default: break
        }
        if multiplier != 1 { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            let value = Int64(digits), value <= Int64.max / multiplier
        else { return nil }
        return value * multiplier
    }
}
