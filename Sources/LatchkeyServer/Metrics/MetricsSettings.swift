/// Whether the server counts and serves its metrics on `GET /metrics` (`--metrics on|off`, `LATCHKEY_METRICS`,
/// configuration key `metrics`; see docs/metrics.md). Default on.
public struct MetricsSettings: Sendable, Equatable {
    /// Off: nothing is counted anywhere (no instrument is built) and `/metrics` is an unknown path like any other.
    public var enabled: Bool

    public init(enabled: Bool = true) {
        self.enabled = enabled
    }

    /// `on`/`off` (also `true`/`false`, `yes`/`no`, `1`/`0`), or nil for anything else.
    public static func parseSwitch(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "true", "yes", "1": true
        case "off", "false", "no", "0": false
        default: nil
        }
    }
}
