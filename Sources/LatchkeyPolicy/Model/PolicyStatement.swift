/// `Allow` or `Deny`.
public enum PolicyEffect: String, Sendable, Hashable {
    case allow = "Allow"
    case deny = "Deny"
}

/// One parsed statement. The public surface is what reports need (position, `Sid`, effect); the compiled matchers
/// stay internal.
public struct PolicyStatement: Sendable {
    /// The statement's position in the document, from 0.
    public let index: Int
    /// The `Sid`, if any.
    public let sid: String?
    /// `Allow` or `Deny`.
    public let effect: PolicyEffect

    let principal: PrincipalElement?
    let actions: ActionElement
    /// nil when a resource-based statement has neither `Resource` nor `NotResource` (it applies to any resource).
    let resources: ResourceElement?
    let conditions: [ConditionEntry]
}

/// `Action` or `NotAction`: case-insensitive wildcard patterns (lowercased at parse time).
struct ActionElement: Sendable {
    let patterns: [GlobPattern]
    let negated: Bool

    func matches(folded action: String) -> Bool {
        let any = patterns.contains { $0.matches(action) }
        return negated ? !any : any
    }
}

/// `Resource` or `NotResource`: ARN patterns, possibly with policy variables.
struct ResourceElement: Sendable {
    struct Entry: Sendable {
        let template: Template
        /// Precompiled when the entry has no variables.
        let pattern: ARNPattern?
    }

    let entries: [Entry]
    let negated: Bool
    /// Variables without defaults used by any entry.
    let requiredKeys: [ConditionContext.KeyReference]

    /// Whether the element applies to `resource`; nil when a variable cannot be resolved.
    func matches(_ resource: String, context: ConditionContext) -> Bool? {
        for key in requiredKeys where context.variableValue(key) == nil { return nil }
        var any = false
        for entry in entries {
            let pattern: ARNPattern
            if let compiled = entry.pattern {
                pattern = compiled
            } else {
                guard let built = entry.template.pattern(in: context) else { return nil }
                pattern = ARNPattern(built)
            }
            if pattern.matches(resource) {
                any = true
                break
            }
        }
        return negated ? !any : any
    }
}

/// `Principal` or `NotPrincipal`.
struct PrincipalElement: Sendable {
    /// An `AWS` principal value.
    enum AWSValue: Sendable, Hashable {
        /// `"*"`: every AWS principal (and anonymous callers).
        case any
        /// A 12-digit account or `arn:PARTITION:iam::ACCOUNT:root`: delegates to the account.
        case account(String)
        /// A user, role, assumed-role session or federated user ARN, compared exactly.
        case arn(String)
    }

    let negated: Bool
    /// `"Principal": "*"`: everyone, whatever the kind.
    let everyone: Bool
    let aws: [AWSValue]
    let federated: [String]
    let service: [String]
}
