/// Who is making a request, as resource-based policies name principals.
public struct PolicyPrincipal: Sendable, Hashable {
    /// Which `Principal` map entry can name this principal.
    public enum Kind: String, Sendable, Hashable {
        /// IAM users, roles, role sessions, federated users, the account root: named under `"AWS"`.
        case aws
        /// Web identity and SAML providers: named under `"Federated"`.
        case federated
        /// AWS services: named under `"Service"`.
        case service
    }

    /// Which principal map entry names it.
    public let kind: Kind
    /// The identifiers the principal can be named by. The first is the principal's own (the IAM user ARN, the
    /// role session ARN `arn:aws:sts::111122223333:assumed-role/R/s`, the federated user ARN, the provider or
    /// the service name). Later ones are identities it derives from: for a role session the role ARN
    /// (`arn:aws:iam::111122223333:role/R`), for a federated user session the IAM user who federated. Naming
    /// one of those grants less (see ``PrincipalMatch/parent``).
    public let identifiers: [String]
    /// The 12-digit account the principal belongs to, for account principals (`"AWS": "111122223333"` or
    /// `arn:aws:iam::111122223333:root`). nil for services and providers.
    public let account: String?

    /// A principal of `kind`, named by `identifiers` (its own first), in `account`.
    public init(kind: Kind, identifiers: [String], account: String?) {
        self.kind = kind
        self.identifiers = identifiers
        self.account = account
    }

    /// An IAM principal: its own ARN, the ARNs it derives from, and its account.
    public static func aws(_ arn: String, derivedFrom parents: [String] = [], account: String) -> PolicyPrincipal {
        PolicyPrincipal(kind: .aws, identifiers: [arn] + parents, account: account)
    }

    /// A web identity or SAML provider (`accounts.google.com`, `arn:aws:iam::111122223333:saml-provider/P`).
    public static func federated(_ provider: String, account: String? = nil) -> PolicyPrincipal {
        PolicyPrincipal(kind: .federated, identifiers: [provider], account: account)
    }

    /// An AWS service principal (`ec2.amazonaws.com`).
    public static func service(_ name: String) -> PolicyPrincipal {
        PolicyPrincipal(kind: .service, identifiers: [name], account: nil)
    }
}

/// One request to authorize: the action, the resource, the principal (for resource-based policies) and the
/// condition context.
public struct PolicyRequest: Sendable, Hashable {
    /// The action, such as `sts:AssumeRole` (matched case-insensitively).
    public let action: String
    /// The resource ARN, or `*` for actions without resource-level permissions.
    public let resource: String
    /// The principal making the request; nil for an anonymous caller (only `*` principals match it).
    public let principal: PolicyPrincipal?
    /// The request context: condition keys and their values.
    public let context: ConditionContext

    let foldedAction: String

    /// A request for `action` on `resource` by `principal`, with the condition keys of `context`.
    public init(action: String, resource: String, principal: PolicyPrincipal? = nil, context: ConditionContext = [:]) {
        self.action = action
        self.resource = resource
        self.principal = principal
        self.context = context
        self.foldedAction = PolicyRequest.fold(action)
    }

    /// A request whose context is given as a dictionary (keys are folded to lowercase).
    public init(action: String, resource: String, principal: PolicyPrincipal? = nil, context: [String: [String]]) {
        self.init(action: action, resource: resource, principal: principal, context: ConditionContext(context))
    }

    /// ASCII lowercase (actions are ASCII; anything else is left as is).
    static func fold(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return text }
        // Written straight into the new string (no intermediate array; no allocation at all for short actions).
        let utf8 = text.utf8
        return String(unsafeUninitializedCapacity: utf8.count) { buffer in
            var index = 0
            for byte in utf8 {
                buffer[index] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                index += 1
            }
            return index
        }
    }
}
