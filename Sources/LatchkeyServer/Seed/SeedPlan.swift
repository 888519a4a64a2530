import LatchkeyTokens

/// What a configuration file's accounts declare besides their root keys: IAM users, groups, customer managed
/// policies, roles, identity providers and virtual MFA devices, applied idempotently by ``SeedApplier`` at every
/// start (and by `latchkey seed` through the IAM API). See docs/seed.md for the YAML shape.
public struct SeedPlan: Sendable, Equatable {
    /// A policy document: JSON text (given as a string, or a YAML mapping turned into JSON) and its line.
    public struct Document: Sendable, Equatable {
        public var json: String
        public var line: Int?
        public init(json: String, line: Int? = nil) {
            self.json = json
            self.line = line
        }
    }

    /// A tag to set (declared tags are added or changed; others are left alone).
    public struct Tag: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// An inline policy of a user, group or role.
    public struct InlinePolicy: Sendable, Equatable {
        public var name: String
        public var document: Document
        public var line: Int?
    }

    /// A managed policy named by ARN, or by the name of a policy declared in the same account.
    public struct PolicyReference: Sendable, Equatable {
        public var text: String
        public var line: Int?
    }

    public struct ManagedPolicy: Sendable, Equatable {
        public var name: String
        public var path = "/"
        public var description: String?
        public var document = Document(json: "")
        public var tags: [Tag] = []
        public var line: Int?
    }

    public struct GivenAccessKey: Sendable, Equatable {
        public var accessKeyId: String
        public var secretAccessKey: String
        public var line: Int?
    }

    public struct User: Sendable, Equatable {
        public var name: String
        public var path = "/"
        public var tags: [Tag] = []
        public var accessKeys: [GivenAccessKey] = []
        /// Keys the seed generates (besides the given ones), written once to the account's `secretsFile`.
        public var generateAccessKeys = 0
        public var groups: [String] = []
        public var inlinePolicies: [InlinePolicy] = []
        public var managedPolicies: [PolicyReference] = []
        public var permissionsBoundary: PolicyReference?
        public var line: Int?
    }

    public struct Group: Sendable, Equatable {
        public var name: String
        public var path = "/"
        public var inlinePolicies: [InlinePolicy] = []
        public var managedPolicies: [PolicyReference] = []
        public var line: Int?
    }

    public struct Role: Sendable, Equatable {
        public var name: String
        public var path = "/"
        public var description: String?
        public var maxSessionDuration: Int?
        public var trustPolicy = Document(json: "")
        public var inlinePolicies: [InlinePolicy] = []
        public var managedPolicies: [PolicyReference] = []
        public var permissionsBoundary: PolicyReference?
        public var tags: [Tag] = []
        public var line: Int?
    }

    public struct OIDCProvider: Sendable, Equatable {
        public var url: String
        public var clientIds: [String] = []
        /// nil: not declared (Latchkey does not need thumbprints; none are set).
        public var thumbprints: [String]?
        public var tags: [Tag] = []
        public var line: Int?
    }

    public struct SAMLProvider: Sendable, Equatable {
        public var name: String
        /// The metadata XML (from `metadata`, or read from `metadataFile` when the file was parsed).
        public var metadata: String
        public var tags: [Tag] = []
        public var line: Int?
    }

    public struct MFADevice: Sendable, Equatable {
        public var name: String
        public var path = "/"
        /// The TOTP seed in Base32 (as authenticator apps show it). Never logged or reported.
        public var seed: String
        /// The user the device is enabled for, if any.
        public var user: String?
        public var tags: [Tag] = []
        public var line: Int?

        /// The seed's bytes (Base32 in any case, spaces and padding ignored), or nil when it is not Base32.
        public var seedBytes: [UInt8]? { Base32.decode(seed.uppercased().filter { $0 != " " && $0 != "=" }) }

        /// The device's serial number (its ARN) in `account`.
        public func serialNumber(account: String) -> String { "arn:aws:iam::\(account):mfa\(path)\(name)" }
    }

    public struct Account: Sendable, Equatable {
        public var id: String
        public var policies: [ManagedPolicy] = []
        public var groups: [Group] = []
        public var users: [User] = []
        public var roles: [Role] = []
        public var oidcProviders: [OIDCProvider] = []
        public var samlProviders: [SAMLProvider] = []
        public var mfaDevices: [MFADevice] = []
        /// Where the secrets of generated access keys are written (once, mode 0600).
        public var secretsFile: String?

        public init(id: String) { self.id = id }

        /// Whether the account declares anything for the seed (besides its ID and root keys).
        public var isEmpty: Bool {
            policies.isEmpty && groups.isEmpty && users.isEmpty && roles.isEmpty && oidcProviders.isEmpty
                && samlProviders.isEmpty && mfaDevices.isEmpty
        }

        /// The ARN a policy reference names: itself when it is an ARN, else the policy of that name declared here.
        public func policyArn(_ reference: String) -> String? {
            if reference.hasPrefix("arn:") { return reference }
            guard let policy = policies.first(where: { $0.name == reference }) else { return nil }
            return "arn:aws:iam::\(id):policy\(policy.path)\(policy.name)"
        }
    }

    public var accounts: [Account] = []

    public init(accounts: [Account] = []) { self.accounts = accounts }

    /// Whether any account declares anything.
    public var isEmpty: Bool { accounts.allSatisfy(\.isEmpty) }
}
