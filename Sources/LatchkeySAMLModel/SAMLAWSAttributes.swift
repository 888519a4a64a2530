/// One `https://aws.amazon.com/SAML/Attributes/Role` value: a role and the SAML provider that may assume it.
public struct SAMLRolePair: Sendable, Hashable {
    /// `arn:aws:iam::ACCOUNT:role/NAME`.
    public let roleArn: String
    /// `arn:aws:iam::ACCOUNT:saml-provider/NAME`.
    public let providerArn: String

    /// Creates a pair.
    public init(roleArn: String, providerArn: String) {
        self.roleArn = roleArn
        self.providerArn = providerArn
    }
}

/// A `PrincipalTag:KEY` attribute.
public struct SAMLPrincipalTag: Sendable, Hashable {
    /// The tag key (the part after `PrincipalTag:`).
    public let key: String
    /// The single value.
    public let value: String
}

/// The AWS-defined attributes of an assertion (`https://aws.amazon.com/SAML/Attributes/...`).
///
/// Only their form is checked here (one value where AWS expects one, Role pairs made of one role ARN and one
/// provider ARN, SessionDuration an integer from 900 to 43200); length and count limits on tags and names are the
/// service's, with the same rules as the request parameters.
public struct SAMLAWSAttributes: Sendable, Hashable {
    /// The attribute-name prefix.
    public static let prefix = "https://aws.amazon.com/SAML/Attributes/"

    /// `Role` pairs, in document order (each value is "roleArn,providerArn" in either order).
    public let roles: [SAMLRolePair]
    /// `RoleSessionName`.
    public let roleSessionName: String?
    /// `SessionDuration` in seconds.
    public let sessionDuration: Int?
    /// `PrincipalTag:*`, in document order.
    public let principalTags: [SAMLPrincipalTag]
    /// `TransitiveTagKeys` (every value).
    public let transitiveTagKeys: [String]
    /// `SourceIdentity`.
    public let sourceIdentity: String?

    /// Reads the AWS attributes from the attribute map, in the order of `names`.
    package static func parse(_ attributes: [String: [String]], names: [String]) throws(SAMLError) -> SAMLAWSAttributes
    {
        var roles: [SAMLRolePair] = []
        for value in attributes[prefix + "Role"] ?? [] { roles.append(try parseRole(value)) }
        var tags: [SAMLPrincipalTag] = []
        for name in names where name.hasPrefix(prefix + "PrincipalTag:") {
            let key = String(name.dropFirst((prefix + "PrincipalTag:").count))
            guard !key.isEmpty else { throw SAMLError(.invalidAttribute, "A PrincipalTag attribute has no key") }
            tags.append(SAMLPrincipalTag(key: key, value: try single(name, in: attributes) ?? ""))
        }
        var duration: Int?
        if let text = try single(prefix + "SessionDuration", in: attributes) {
            guard let seconds = Int(text), (900...43_200).contains(seconds) else {
                throw SAMLError(.invalidAttribute, "SessionDuration must be an integer from 900 to 43200")
            }
            duration = seconds
        }
        return SAMLAWSAttributes(
            roles: roles,
            roleSessionName: try single(prefix + "RoleSessionName", in: attributes),
            sessionDuration: duration,
            principalTags: tags,
            transitiveTagKeys: attributes[prefix + "TransitiveTagKeys"] ?? [],
            sourceIdentity: try single(prefix + "SourceIdentity", in: attributes)
        )
    }

    private static func single(_ name: String, in attributes: [String: [String]]) throws(SAMLError) -> String? {
        guard let values = attributes[name] else { return nil }
        guard values.count == 1, let value = values.first else {
            throw SAMLError(.invalidAttribute, "The attribute \(name) must have exactly one value")
        }
        return value
    }

    private static func parseRole(_ value: String) throws(SAMLError) -> SAMLRolePair {
        let parts = value.split(separator: ",", omittingEmptySubsequences: false).map { trimXMLWhitespace(String($0)) }
        guard parts.count == 2 else {
            throw SAMLError(.invalidAttribute, "A Role attribute value must be a role ARN and a provider ARN")
        }
        let isRole: (String) -> Bool = { $0.hasPrefix("arn:") && $0.contains(":role/") }
        let isProvider: (String) -> Bool = { $0.hasPrefix("arn:") && $0.contains(":saml-provider/") }
        if isRole(parts[0]), isProvider(parts[1]) { return SAMLRolePair(roleArn: parts[0], providerArn: parts[1]) }
        if isProvider(parts[0]), isRole(parts[1]) { return SAMLRolePair(roleArn: parts[1], providerArn: parts[0]) }
        throw SAMLError(.invalidAttribute, "A Role attribute value must be a role ARN and a provider ARN")
    }
}

/// `value` without leading and trailing XML whitespace (space, tab, CR, LF).
package func trimXMLWhitespace(_ value: String) -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\r\n" }
    guard let first = value.firstIndex(where: { !isSpace($0) }), let last = value.lastIndex(where: { !isSpace($0) })
    else { return "" }
    return String(value[first...last])
}
