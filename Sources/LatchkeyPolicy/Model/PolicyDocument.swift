/// A parsed IAM policy document, ready to evaluate many times.
///
/// Parse once with ``parse(_:kind:limits:)`` and keep the value: evaluation never re-reads the text. The raw text is
/// kept in ``text`` exactly as given.
public struct PolicyDocument: Sendable, Hashable {
    /// The document exactly as it was given.
    public let text: String
    /// What the document is for (decides the rules it was parsed with).
    public let kind: PolicyKind
    /// The policy language version; `2008-10-17` when the document has no `Version`.
    public let version: PolicyVersion
    /// The optional `Id` element.
    public let id: String?
    /// The statements in document order.
    public let statements: [PolicyStatement]

    init(text: String, kind: PolicyKind, version: PolicyVersion, id: String?, statements: [PolicyStatement]) {
        self.text = text
        self.kind = kind
        self.version = version
        self.id = id
        self.statements = statements
    }

    /// Parses and validates `text` as a policy of `kind`.
    ///
    /// - Parameters:
    ///   - text: the JSON policy document.
    ///   - kind: what the policy is for; decides required and prohibited elements.
    ///   - limits: size and structure limits; nil means ``PolicyLimits/defaults(for:)``.
    /// - Throws: ``PolicyError`` with AWS's `MalformedPolicyDocument` message (or a size-limit error).
    public static func parse(_ text: String, kind: PolicyKind, limits: PolicyLimits? = nil) throws(PolicyError)
        -> PolicyDocument
    {
        var parser = DocumentParser(kind: kind, limits: limits ?? .defaults(for: kind))
        return try parser.parse(text)
    }

    /// Validates `text` as a caller has just written it for `use`, with the checks IAM makes on write on top of
    /// the shared grammar, and parses it as `use.kind`.
    ///
    /// Every document this accepts is also accepted by ``parse(_:kind:limits:)`` with `use.kind`, so a stored
    /// document can always be read back.
    ///
    /// - Parameters:
    ///   - text: the JSON policy document.
    ///   - use: where the document is going (trust policy, managed or inline policy, session policy, boundary).
    ///   - limits: size and structure limits; nil means ``PolicyLimits/defaults(for:)`` for `use.kind`.
    /// - Throws: ``PolicyError`` with AWS's `MalformedPolicyDocument` message (or a size-limit error).
    public static func validate(_ text: String, as use: PolicyUse, limits: PolicyLimits? = nil) throws(PolicyError)
        -> PolicyDocument
    {
        var parser = DocumentParser(kind: use.kind, limits: limits ?? .defaults(for: use.kind), use: use)
        return try parser.parse(text)
    }

    /// Documents are equal when their text and kind are equal.
    public static func == (lhs: PolicyDocument, rhs: PolicyDocument) -> Bool {
        lhs.kind == rhs.kind && lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(text)
    }
}
