import ArgumentParser
import Foundation
import LatchkeyServer

/// `serve`'s audit-trail options (docs/audit.md).
struct AuditOptions: ParsableArguments {
    @Option(
        name: .customLong("audit-log"),
        help: ArgumentHelp(
            "Write the audit trail (one CloudTrail record per line) to this file, or - for standard output. Env: LATCHKEY_AUDIT_LOG. File: auditLog. Default: no file.",
            valueName: "file"))
    var auditLog: String?

    @Option(
        name: .customLong("audit-log-max-size"),
        help: ArgumentHelp(
            "Rotate the audit log file (FILE.1, FILE.2, ...) before it grows past this size (bytes, or 512K, 100M, 1G); 0 never rotates. Env: LATCHKEY_AUDIT_LOG_MAX_SIZE. File: auditLogMaxSize. Default: 100M.",
            valueName: "size"))
    var auditLogMaxSize: String?

    @Option(
        name: .customLong("audit-log-max-files"),
        help: ArgumentHelp(
            "Rotated audit log files kept (the oldest is deleted). Env: LATCHKEY_AUDIT_LOG_MAX_FILES. File: auditLogMaxFiles. Default: 5.",
            valueName: "count"))
    var auditLogMaxFiles: String?

    @Option(
        name: .customLong("audit-store"),
        help: ArgumentHelp(
            "on or off: keep the audit trail in the store too, for LookupEvents. Env: LATCHKEY_AUDIT_STORE. File: auditStore. Default: on.",
            valueName: "on|off"))
    var auditStore: String?

    @Option(
        name: .customLong("audit-retention-days"),
        help: ArgumentHelp(
            "Days audit events are kept in the store. Env: LATCHKEY_AUDIT_RETENTION_DAYS. File: auditRetentionDays. Default: 90.",
            valueName: "days"))
    var auditRetentionDays: String?

    func validate() throws {
        var scratch = AuditSettings()
        try resolve(into: &scratch, environment: ProcessInfo.processInfo.environment, file: nil)
    }

    /// Sets the audit settings from the flags, else the environment, else the file.
    func apply(to configuration: inout ServerConfiguration, environment: [String: String]) throws {
        try resolve(into: &configuration.audit, environment: environment, file: configuration.file?.audit)
    }

    private func resolve(
        into settings: inout AuditSettings, environment: [String: String], file: AuditFileSettings?
    ) throws {
        let file = file ?? AuditFileSettings()
        if let path = auditLog ?? environment["LATCHKEY_AUDIT_LOG"] {
            guard !path.isEmpty else {
                throw ValidationError("--audit-log (LATCHKEY_AUDIT_LOG) must be a file path or -")
            }
            settings.logPath = path
        } else if let path = file.logPath {
            settings.logPath = path
        }
        if let text = auditLogMaxSize ?? environment["LATCHKEY_AUDIT_LOG_MAX_SIZE"] {
            guard let bytes = AuditSettings.parseSize(text) else {
                throw ValidationError(
                    "--audit-log-max-size (LATCHKEY_AUDIT_LOG_MAX_SIZE) must be a size such as 100M, 512K or 0, not '\(text)'"
                )
            }
            settings.logMaxBytes = bytes
        } else if let bytes = file.logMaxBytes {
            settings.logMaxBytes = bytes
        }
        if let text = auditLogMaxFiles ?? environment["LATCHKEY_AUDIT_LOG_MAX_FILES"] {
            guard let count = Int(text), (0...1000).contains(count) else {
                throw ValidationError(
                    "--audit-log-max-files (LATCHKEY_AUDIT_LOG_MAX_FILES) must be a whole number from 0 to 1000, not '\(text)'"
                )
            }
            settings.logMaxFiles = count
        } else if let count = file.logMaxFiles {
            settings.logMaxFiles = count
        }
        if let text = auditStore ?? environment["LATCHKEY_AUDIT_STORE"] {
            guard let flag = AuditFileSettings.parseSwitch(text) else {
                throw ValidationError("--audit-store (LATCHKEY_AUDIT_STORE) must be on or off, not '\(text)'")
            }
            settings.storeEnabled = flag
        } else if let flag = file.storeEnabled {
            settings.storeEnabled = flag
        }
        if let text = auditRetentionDays ?? environment["LATCHKEY_AUDIT_RETENTION_DAYS"] {
            guard let days = Int(text), (1...36500).contains(days) else {
                throw ValidationError(
                    "--audit-retention-days (LATCHKEY_AUDIT_RETENTION_DAYS) must be a whole number of days from 1 to 36500, not '\(text)'"
                )
            }
            settings.retentionDays = days
        } else if let days = file.retentionDays {
            settings.retentionDays = days
        }
    }
}
