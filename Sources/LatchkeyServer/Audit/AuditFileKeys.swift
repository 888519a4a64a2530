import Yams

/// The audit keys of the configuration file (`auditLog`, `auditLogMaxSize`, `auditLogMaxFiles`, `auditStore`,
/// `auditRetentionDays`), as written; the flags and the environment win over them (see `serve`'s audit options).
public struct AuditFileSettings: Sendable, Equatable {
    /// `auditLog`: a JSON-lines file, `-` for standard output.
    public var logPath: String?
    /// `auditLogMaxSize`: bytes, or with a K/M/G suffix; 0 never rotates.
    public var logMaxBytes: Int64?
    /// `auditLogMaxFiles`: rotated files kept.
    public var logMaxFiles: Int?
    /// `auditStore`: whether events are kept in the store.
    public var storeEnabled: Bool?
    /// `auditRetentionDays`: days events are kept in the store.
    public var retentionDays: Int?

    public init() {}

    static let keys = ["auditLog", "auditLogMaxFiles", "auditLogMaxSize", "auditRetentionDays", "auditStore"]

    /// Sets the key `key` from its YAML value.
    mutating func set(_ key: String, from node: Node) throws(ConfigurationFile.ParseError) {
        let line = node.mark?.line
        guard let text = node.scalar?.string else {
            throw ConfigurationFile.ParseError(line: line, message: "\(key) must be a single value")
        }
        switch key {
        case "auditLog":
            guard !text.isEmpty else {
                throw ConfigurationFile.ParseError(line: line, message: "auditLog must be a file path or '-'")
            }
            logPath = text
        case "auditLogMaxSize":
            guard let bytes = AuditSettings.parseSize(text) else {
                throw ConfigurationFile.ParseError(
                    line: line, message: "auditLogMaxSize must be a size such as 100MiB, 512K or 0, not '\(text)'")
            }
            logMaxBytes = bytes
        case "auditLogMaxFiles":
            guard let count = Int(text), (0...1000).contains(count) else {
                throw ConfigurationFile.ParseError(
                    line: line, message: "auditLogMaxFiles must be a whole number from 0 to 1000, not '\(text)'")
            }
            logMaxFiles = count
        case "auditStore":
            guard let flag = AuditFileSettings.parseSwitch(text) else {
                throw ConfigurationFile.ParseError(
                    line: line, message: "auditStore must be true or false, not '\(text)'")
            }
            storeEnabled = flag
        case "auditRetentionDays":
            guard let days = Int(text), (1...36500).contains(days) else {
                throw ConfigurationFile.ParseError(
                    line: line,
                    message: "auditRetentionDays must be a whole number of days from 1 to 36500, not '\(text)'")
            }
            retentionDays = days
        default:
            break
        }
    }

    /// `true`/`on`/`yes`/`1` or `false`/`off`/`no`/`0`.
    public static func parseSwitch(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "on", "yes", "1": true
        case "false", "off", "no", "0": false
        default: nil
        }
    }
}
