/// The parts of a customer managed policy ARN, `arn:aws:iam::ACCOUNT:policy/PATH/NAME`, as every store reads it.
public struct ManagedPolicyARN: Sendable, Hashable {
    public var accountId: String
    /// `/` or `/a/b/`.
    public var path: String
    public var policyName: String

    /// Splits the ARN; nil unless it has the `arn:aws:iam::ACCOUNT:policy/` prefix and a non-empty name.
    public init?(_ arn: String) {
        let prefix = "arn:aws:iam::"
        guard arn.hasPrefix(prefix) else { return nil }
        let rest = arn.dropFirst(prefix.count)
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        let account = rest[..<colon]
        let resource = rest[rest.index(after: colon)...]
        let kind = "policy/"
        guard !account.isEmpty, resource.hasPrefix(kind) else { return nil }
        let pathAndName = resource.dropFirst(kind.count)
        let name: Substring
        let path: String
        if let slash = pathAndName.lastIndex(of: "/") {
            name = pathAndName[pathAndName.index(after: slash)...]
            path = "/" + pathAndName[...slash]
        } else {
            name = pathAndName
            path = "/"
        }
        guard !name.isEmpty else { return nil }
        accountId = String(account)
        self.path = path
        policyName = String(name)
    }
}
