/// How log lines are written: `text` (swift-log's stream format) or `json` (one object per line).
public enum LogFormat: String, Sendable, Equatable, CaseIterable {
    case text
    case json
}
