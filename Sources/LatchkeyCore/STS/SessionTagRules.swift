import LatchkeyDomain
import LatchkeyModel

extension SessionTag {
    /// A tag passed in a request (`Tags.member.N`), as the session carries it.
    init(_ tag: Tag) {
        self.init(key: tag.key, value: tag.value)
    }
}

/// AWS's rules for session tags: at most 50, keys unique case-insensitively, transitive keys a subset of the tags
/// passed, tags inherited transitively from the calling session carried along and not overridable.
enum SessionTagRules {
    struct Combined {
        var tags: [SessionTag]
        var transitiveKeys: [String]
    }

    static func combine(requested: [SessionTag], transitiveKeys: [String], inherited: SessionTokenClaims?)
        throws(STSError)
        -> Combined
    {
        var seen = Set<String>()
        for tag in requested where !seen.insert(tag.key.lowercased()).inserted {
            throw STSError(
                .invalidParameterValue, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        }
        for key in transitiveKeys where !seen.contains(key.lowercased()) {
            throw STSError(
                .invalidParameterValue, "The specified transitive tag key must be included in the requested tags.")
        }
        var tags = requested
        var transitive = transitiveKeys
        if let inherited {
            let inheritedKeys = Set(inherited.transitiveTagKeys.map { $0.lowercased() })
            if requested.contains(where: { inheritedKeys.contains($0.key.lowercased()) }) {
                throw STSError(
                    .invalidParameterValue,
                    "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session."
                )
            }
            for key in inherited.transitiveTagKeys {
                if let tag = inherited.tags.first(where: { $0.key.lowercased() == key.lowercased() }) {
                    tags.append(tag)
                }
                transitive.append(key)
            }
        }
        guard tags.count <= 50 else {
            throw STSError(
                .invalidParameterValue, "The number of session tags (with inherited transitive tags) exceeds 50.")
        }
        return Combined(tags: tags, transitiveKeys: transitive)
    }

    /// The principal tags of a new role session: the role's tags, overridden (case-insensitively) by session tags.
    static func principalTags(roleTags: [ResourceTag], sessionTags: [SessionTag]) -> [SessionTag] {
        let overridden = Set(sessionTags.map { $0.key.lowercased() })
        return roleTags.filter { !overridden.contains($0.key.lowercased()) }.map {
            SessionTag(key: $0.key, value: $0.value)
        }
            + sessionTags
    }
}

/// `PackedPolicySize`: AWS packs session policies, policy ARNs and tags into a binary form of undocumented size.
/// Latchkey's packed form is the policy text without insignificant whitespace, plus each ARN, plus each tag's key and
/// value with two bytes of framing, against a limit of 2,560 bytes; the percentage is rounded up. A maximal
/// 2,048-character inline policy fits; fifty maximal tags do not, as with AWS.
enum PackedPolicy {
    static let limit = 2_560

    static func percentage(policy: String?, policyArns: [String], tags: [SessionTag]) -> Int {
        var size = policy.map(minifiedLength) ?? 0
        size += policyArns.reduce(0) { $0 + $1.utf8.count }
        size += tags.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 2 }
        return (size * 100 + limit - 1) / limit
    }

    /// The length of JSON text without whitespace outside strings.
    static func minifiedLength(_ text: String) -> Int {
        var count = 0
        var inString = false
        var escaped = false
        for byte in text.utf8 {
            if inString {
                count += 1
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                count += 1
            } else if byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                count += 1
            }
        }
        return count
    }
}
