/// A policy string that may hold policy variables (IAM User Guide, "IAM policy elements: Variables and tags").
///
/// `${key}` is replaced with the single value of `key` in the request context, `${key, 'default'}` falls back to
/// `default` when the key is absent, and `${*}`, `${?}`, `${$}` stand for a literal `*`, `?` and `$`. A substituted
/// value is always literal text: a `*` inside a user name never becomes a wildcard. Only 2012-10-17 documents have
/// variables; in 2008-10-17 documents the whole string is plain text. Templates are split once at parse time.
struct Template: Sendable, Hashable {
    enum Piece: Sendable, Hashable {
        /// Policy text: `*` and `?` are wildcards for operators that have them.
        case text(String)
        /// A literal character from `${*}`, `${?}` or `${$}`.
        case literal(String)
        /// A variable: its key (lowercased, resolved to the context's well-known keys) and its default, if any.
        case variable(key: ConditionContext.KeyReference, fallback: String?)
    }

    let pieces: [Piece]
    /// Keys of variables without a default: the statement needs them in the context.
    let required: [ConditionContext.KeyReference]

    /// The lowercased names of ``required``.
    var requiredKeys: [String] { required.map(\.folded) }

    var isStatic: Bool {
        !pieces.contains { if case .variable = $0 { true } else { false } }
    }

    init(_ text: String, variables: Bool) {
        guard variables, text.utf8.contains(UInt8(ascii: "$")) else {
            pieces = [.text(text)]
            required = []
            return
        }
        var pieces: [Piece] = []
        var required: [ConditionContext.KeyReference] = []
        let bytes = Array(text.utf8)
        var textStart = 0
        var index = 0
        func flush(upTo end: Int) {
            if end > textStart { pieces.append(.text(String(decoding: bytes[textStart..<end], as: UTF8.self))) }
        }
        while index + 1 < bytes.count {
            guard bytes[index] == UInt8(ascii: "$"), bytes[index + 1] == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            // No `}` left: the rest is text (and no later `${` can close either, so stop scanning).
            guard let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}")) else { break }
            guard close > index + 2 else {
                index += 1
                continue
            }
            flush(upTo: index)
            let content = String(decoding: bytes[(index + 2)..<close], as: UTF8.self)
            switch content {
            case "*", "?", "$":
                pieces.append(.literal(content))
            default:
                let (name, fallback) = Template.splitVariable(content)
                let key = ConditionContext.KeyReference(folded: name)
                pieces.append(.variable(key: key, fallback: fallback))
                if fallback == nil { required.append(key) }
            }
            index = close + 1
            textStart = index
        }
        flush(upTo: bytes.count)
        self.pieces = pieces
        self.required = required
    }

    /// Splits `key, 'default'` into the lowercased key and the default. Without a well-formed quoted default the
    /// whole content is the key.
    private static func splitVariable(_ content: String) -> (String, String?) {
        if let comma = content.firstIndex(of: ",") {
            let key = trimmed(content[..<comma])
            let rest = trimmed(content[content.index(after: comma)...])
            if rest.count >= 2, rest.hasPrefix("'"), rest.hasSuffix("'"), !key.isEmpty {
                return (key.lowercased(), String(rest.dropFirst().dropLast()))
            }
        }
        return (trimmed(Substring(content)).lowercased(), nil)
    }

    private static func trimmed(_ text: Substring) -> String {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }

    /// The value of a variable piece, or nil when it cannot be resolved.
    private static func resolve(
        key: ConditionContext.KeyReference, fallback: String?, in context: ConditionContext
    ) -> String? {
        context.variableValue(key) ?? fallback
    }

    /// The text with variables substituted and every character literal (for exact comparisons), or nil when a
    /// variable cannot be resolved.
    func string(in context: ConditionContext) -> String? {
        if pieces.count == 1, case .text(let text) = pieces[0] { return text }
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text), .literal(let text): out += text
            case .variable(let key, let fallback):
                guard let value = Template.resolve(key: key, fallback: fallback, in: context) else { return nil }
                out += value
            }
        }
        return out
    }

    /// The wildcard pattern with variables substituted (substituted values and `${*}`-style pieces are literal),
    /// or nil when a variable cannot be resolved.
    func pattern(in context: ConditionContext) -> GlobPattern? {
        var tokens: [UInt16] = []
        for piece in pieces {
            switch piece {
            case .text(let text): GlobPattern.appendWildcardText(text, to: &tokens)
            case .literal(let text): GlobPattern.appendLiteralText(text, to: &tokens)
            case .variable(let key, let fallback):
                guard let value = Template.resolve(key: key, fallback: fallback, in: context) else { return nil }
                GlobPattern.appendLiteralText(value, to: &tokens)
            }
        }
        return GlobPattern(tokens: tokens)
    }
}
