import LatchkeyBase

/// `Action`/`NotAction`, `Resource`/`NotResource` and `Principal`/`NotPrincipal`.
extension DocumentParser {
    /// Partitions accepted in resource and principal ARNs.
    static let partitions: Set<String> = [
        "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
    ]

    // MARK: Action

    func parseActionElement(_ object: JSONObject) throws(PolicyError) -> ActionElement {
        let action = object["Action"]
        let notAction = object["NotAction"]
        if action != nil, notAction != nil { throw syntax("a statement has both Action and NotAction") }
        guard let value = action ?? notAction else {
            throw error(.missingField, "Policy statement must contain actions.")
        }
        let strings = try stringList(value, element: action != nil ? "Action" : "NotAction")
        guard !strings.isEmpty else { throw error(.missingField, "Policy statement must contain actions.") }
        var patterns: [GlobPattern] = []
        patterns.reserveCapacity(strings.count)
        for text in strings {
            if use == .roleTrust, !PolicyUse.trustPolicyActions.contains(text.lowercased()) {
                throw error(
                    .invalidAction, "AssumeRole policy may only specify STS AssumeRole actions.",
                    detail: "action \"\(DocumentParser.excerpt(text))\" in a trust policy")
            }
            try validateAction(text)
            patterns.append(GlobPattern(wildcards: PolicyRequest.fold(text)))
        }
        return ActionElement(patterns: patterns, negated: action == nil)
    }

    /// `*`, or `vendor:action` where the vendor is `*` or letters, digits, `-` and `.`.
    private func validateAction(_ text: String) throws(PolicyError) {
        if text == "*" { return }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count > 1 else {
            throw error(
                .invalidAction, DocumentParser.vendorMessage, detail: "action \"\(DocumentParser.excerpt(text))\"")
        }
        guard parts.count == 2 else {
            throw error(
                .invalidAction, "Actions/Condition can contain only one colon.",
                detail: "action \"\(DocumentParser.excerpt(text))\""
            )
        }
        let vendor = parts[0]
        let validVendor =
            vendor == "*"
            || (!vendor.isEmpty
                && vendor.utf8.allSatisfy {
                    DocumentParser.isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
                })
        guard validVendor else {
            throw error(.invalidAction, "Vendor \(DocumentParser.excerpt(String(vendor))) is not valid")
        }
    }

    // MARK: Resource

    func parseResourceElement(_ object: JSONObject) throws(PolicyError) -> ResourceElement? {
        let resource = object["Resource"]
        let notResource = object["NotResource"]
        if resource != nil, notResource != nil { throw syntax("a statement has both Resource and NotResource") }
        if use == .roleTrust {
            // A role trust policy applies to the role itself.
            if resource != nil { throw error(.prohibitedField, "Has prohibited field Resource") }
            if notResource != nil { throw error(.prohibitedField, "AssumeRole policy must not contain resources.") }
        }
        guard let value = resource ?? notResource else {
            if kind == .resource { return nil }
            throw error(.missingField, "Policy statement must contain resources.")
        }
        let strings = try stringList(value, element: resource != nil ? "Resource" : "NotResource")
        guard !strings.isEmpty else { throw error(.missingField, "Policy statement must contain resources.") }
        // IAM reports the first bad ARN in sorted order, then the legacy parser's objections.
        for text in strings.sorted() { try validateResource(text) }
        if checksPermissionsPolicy {
            for text in strings { try legacyParseResource(text) }
        }
        var entries: [ResourceElement.Entry] = []
        var required: [ConditionContext.KeyReference] = []
        entries.reserveCapacity(strings.count)
        for text in strings {
            let template = Template(text, variables: version.supportsVariables)
            required += template.required
            let pattern = template.isStatic ? template.pattern(in: ConditionContext()).map(ARNPattern.init) : nil
            entries.append(ResourceElement.Entry(template: template, pattern: pattern))
        }
        return ResourceElement(entries: entries, negated: resource == nil, requiredKeys: required)
    }

    /// The resource paths an IAM ARN may name (IAM User Guide, "IAM identifiers").
    static let iamResourcePaths = [
        "user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/", "server-certificate/", "policy/",
        "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/",
    ]

    /// `*`, or `arn:PARTITION:SERVICE...` with a known partition, as IAM's policy validator reads a resource: the
    /// text needs a colon, its second part a known partition (or `*`), and a third part; fewer than six parts are
    /// accepted (`arn:aws:fdsasf`). A permissions policy being written also gets IAM's region and path checks for
    /// `iam` and `s3` ARNs.
    private func validateResource(_ text: String) throws(PolicyError) {
        if text == "*" { return }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count > 1 else {
            throw error(.invalidResource, "Resource \(DocumentParser.excerpt(text)) must be in ARN format or \"*\".")
        }
        let partition = String(parts[1])
        guard partition == "*" || DocumentParser.partitions.contains(partition) else {
            throw error(
                .invalidResource,
                "Partition \"\(DocumentParser.excerpt(partition))\" is not valid for resource "
                    + "\"\(DocumentParser.excerpt(DocumentParser.paddedARN(partition: partition, text: text)))\"."
            )
        }
        guard parts.count > 2 else {
            throw error(
                .invalidResource, "Resource vendor must be fully qualified and cannot contain regexes.",
                detail: "resource \"\(DocumentParser.excerpt(text))\"")
        }
        guard checksPermissionsPolicy else { return }
        let service = parts[2]
        // After the service comes an empty region, then the account.
        let regionless = parts.count > 4 && parts[3].isEmpty
        if service == "iam", !regionless {
            throw error(
                .invalidResource, "IAM resource \(DocumentParser.excerpt(text)) cannot contain region information.")
        }
        if service == "s3", !regionless {
            throw error(
                .invalidResource, "Resource \(DocumentParser.excerpt(text)) can not contain region information.")
        }
        if service == "iam" {
            let path = parts.count > 5 ? parts[5] : ""
            guard path == "*" || DocumentParser.iamResourcePaths.contains(where: { path.hasPrefix($0) }) else {
                throw error(
                    .invalidResource,
                    "IAM resource path must either be \"*\" or start with "
                        + DocumentParser.iamResourcePaths.joined(separator: ", ") + ".",
                    detail: "resource \"\(DocumentParser.excerpt(text))\""
                )
            }
        }
    }

    /// IAM's legacy parser refuses an ARN with an empty service, and one with `::` but fewer than six parts
    /// (`arn:aws:s3::bucket`).
    private func legacyParseResource(_ text: String) throws(PolicyError) {
        if text == "*" { return }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let shortWithEmptyPart = parts.count < 6 && text.contains("::")
        if shortWithEmptyPart || parts.count < 3 || parts[2].isEmpty {
            throw error(
                .legacyParsing, DocumentParser.legacyMessage, detail: "resource \"\(DocumentParser.excerpt(text))\"")
        }
    }

    /// The resource as IAM shows it in the partition message: `arn:PARTITION:` and the next four parts, each `*`
    /// when missing, the last one holding any further colons.
    static func paddedARN(partition: String, text: String) -> String {
        let all = text.split(separator: ":", omittingEmptySubsequences: false)
        let rest = Array(all.dropFirst(2)).map(String.init)
        let first = !rest.isEmpty && (!rest[0].isEmpty || rest.count > 1) ? rest[0] : "*"
        let second = rest.count > 1 ? rest[1] : "*"
        let third = rest.count > 2 ? rest[2] : "*"
        let fourth = rest.count > 3 ? rest[3...].joined(separator: ":") : "*"
        return "arn:\(partition):\(first):\(second):\(third):\(fourth)"
    }

    // MARK: Principal

    func parsePrincipalElement(_ object: JSONObject) throws(PolicyError) -> PrincipalElement? {
        let principal = object["Principal"]
        let notPrincipal = object["NotPrincipal"]
        let name = principal != nil ? "Principal" : "NotPrincipal"
        if principal != nil, notPrincipal != nil { throw syntax("a statement has both Principal and NotPrincipal") }
        guard let value = principal ?? notPrincipal else {
            if kind.requiresPrincipal { throw error(.missingField, "Missing required field Principal") }
            return nil
        }
        guard kind.requiresPrincipal else {
            throw error(
                .prohibitedField, "Policy document should not specify a principal.", detail: "\(name) in a \(kind)")
        }
        switch value {
        case .string(let text):
            guard text == "*" else { throw invalidPrincipal("\"\(DocumentParser.excerpt(text))\"") }
            return PrincipalElement(negated: notPrincipal != nil, everyone: true, aws: [], federated: [], service: [])
        case .object(let map):
            guard !map.members.isEmpty else { throw syntax("\(name) is an empty object") }
            var aws: [PrincipalElement.AWSValue] = []
            var federated: [String] = []
            var service: [String] = []
            for member in map.members {
                let values = try stringList(member.value, element: "\(name) \(member.key)")
                guard !values.isEmpty else { throw syntax("\(name) \(member.key) is an empty list") }
                for text in values {
                    switch member.key {
                    case "AWS": aws.append(try awsPrincipal(text))
                    case "Federated": federated.append(try federatedPrincipal(text))
                    case "Service": service.append(try servicePrincipal(text))
                    default:
                        throw invalidPrincipal(
                            "\"\(DocumentParser.excerpt(member.key))\":\"\(DocumentParser.excerpt(text))\"")
                    }
                }
            }
            return PrincipalElement(
                negated: notPrincipal != nil, everyone: false, aws: aws, federated: federated, service: service
            )
        default:
            throw syntax("\(name) is a \(value.typeName)")
        }
    }

    private func invalidPrincipal(_ shown: String) -> PolicyError {
        error(.invalidPrincipal, "Invalid principal in policy: \(shown)")
    }

    private static func isAccountID(_ text: Substring) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// `*`, a 12-digit account, or the ARN of an account root, user, role, assumed-role session or federated user.
    /// Wildcards are not allowed inside a principal ("You cannot use a wildcard to match part of a principal name
    /// or ARN").
    private func awsPrincipal(_ text: String) throws(PolicyError) -> PrincipalElement.AWSValue {
        if text == "*" { return .any }
        if DocumentParser.isAccountID(Substring(text)) { return .account(text) }
        let invalid = invalidPrincipal("\"AWS\":\"\(DocumentParser.excerpt(text))\"")
        guard !text.contains("*"), !text.contains("?") else { throw invalid }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", DocumentParser.partitions.contains(String(parts[1])),
            parts[3].isEmpty,
            DocumentParser.isAccountID(parts[4])
        else { throw invalid }
        let resource = parts[5]
        switch parts[2] {
        case "iam":
            if resource == "root" { return .account(String(parts[4])) }
            guard resource.hasPrefix("user/") || resource.hasPrefix("role/"), !resource.hasSuffix("/") else {
                throw invalid
            }
            return .arn(text)
        case "sts":
            let pieces = resource.split(separator: "/", omittingEmptySubsequences: false)
            let valid =
                (pieces.count == 3 && pieces[0] == "assumed-role" && !pieces[1].isEmpty && !pieces[2].isEmpty)
                || (pieces.count == 2 && pieces[0] == "federated-user" && !pieces[1].isEmpty)
            guard valid else { throw invalid }
            return .arn(text)
        default:
            throw invalid
        }
    }

    /// A SAML or OIDC provider ARN, or a web identity provider host (`accounts.google.com`).
    private func federatedPrincipal(_ text: String) throws(PolicyError) -> String {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        if parts.count == 6, parts[0] == "arn", DocumentParser.partitions.contains(String(parts[1])), parts[2] == "iam",
            parts[3].isEmpty, DocumentParser.isAccountID(parts[4]),
            parts[5].hasPrefix("saml-provider/") || parts[5].hasPrefix("oidc-provider/"), !text.contains("*")
        {
            return text
        }
        guard DocumentParser.isHostName(text) else {
            throw invalidPrincipal("\"Federated\":\"\(DocumentParser.excerpt(text))\"")
        }
        return text
    }

    /// A service principal (`ec2.amazonaws.com`).
    private func servicePrincipal(_ text: String) throws(PolicyError) -> String {
        guard DocumentParser.isHostName(text) else {
            throw invalidPrincipal("\"Service\":\"\(DocumentParser.excerpt(text))\"")
        }
        return text
    }

    /// Letters, digits, `-` and `.`, with at least one dot, at most 253 characters, not starting or ending with a dot.
    private static func isHostName(_ text: String) -> Bool {
        let bytes = text.utf8
        guard bytes.count <= 253, let first = bytes.first, let last = bytes.last, first != UInt8(ascii: "."),
            last != UInt8(ascii: "."), bytes.contains(UInt8(ascii: "."))
        else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }
}
