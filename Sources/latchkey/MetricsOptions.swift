import ArgumentParser
import Foundation
import LatchkeyServer

/// `serve`'s metrics switch (docs/metrics.md).
struct MetricsOptions: ParsableArguments {
    @Option(
        name: .customLong("metrics"),
        help: ArgumentHelp(
            "on or off: count requests, caches, stores and identity-provider fetches and serve them on GET /metrics (Prometheus text format, unauthenticated like /healthz). Env: LATCHKEY_METRICS. File: metrics. Default: on.",
            valueName: "on|off"))
    var metrics: String?

    func validate() throws {
        _ = try resolve(environment: ProcessInfo.processInfo.environment, file: nil)
    }

    /// The setting from the flag, else the environment, else the file, else on.
    func resolve(environment: [String: String], file: ConfigurationFile?) throws -> MetricsSettings {
        if let metrics {
            guard let enabled = MetricsSettings.parseSwitch(metrics) else {
                throw ValidationError("--metrics must be on or off, not '\(metrics)'")
            }
            return MetricsSettings(enabled: enabled)
        }
        if let text = environment["LATCHKEY_METRICS"] {
            guard let enabled = MetricsSettings.parseSwitch(text) else {
                throw ValidationError("LATCHKEY_METRICS must be on or off, not '\(text)'")
            }
            return MetricsSettings(enabled: enabled)
        }
        return MetricsSettings(enabled: file?.metrics ?? true)
    }

    /// Sets `configuration.metrics` (the file is `configuration.file`).
    func apply(to configuration: inout ServerConfiguration, environment: [String: String]) throws {
        configuration.metrics = try resolve(environment: environment, file: configuration.file)
    }
}
