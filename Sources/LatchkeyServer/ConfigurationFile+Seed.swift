import Foundation
import Yams

/// The seed keys of an account in the configuration file (see docs/seed.md): parsed into ``SeedPlan``.
extension ConfigurationFile {
    static let seedAccountKeys = [
        "groups", "mfaDevices", "oidcProviders", "policies", "roles", "samlProviders", "secretsFile", "users",
    ]

    /// Reads one seed key of an account into `account`.
    static func seedAccountKey(_ name: String, _ value: Node, into account: inout SeedPlan.Account)
        throws(ParseError)
    {
        switch name {
        case "secretsFile": account.secretsFile = try seedScalar(value, what: "secretsFile")
        case "policies": account.policies = try seedList(value, what: "policies", seedPolicy)
        case "groups": account.groups = try seedList(value, what: "groups", seedGroup)
        case "users": account.users = try seedList(value, what: "users", seedUser)
        case "roles": account.roles = try seedList(value, what: "roles", seedRole)
        case "oidcProviders": account.oidcProviders = try seedList(value, what: "oidcProviders", seedOIDCProvider)
        case "samlProviders": account.samlProviders = try seedList(value, what: "samlProviders", seedSAMLProvider)
        case "mfaDevices": account.mfaDevices = try seedList(value, what: "mfaDevices", seedMFADevice)
        default: break
        }
    }

    /// Checks what depends on the whole account: generated keys need a secrets file; names are unique.
    static func checkSeedAccount(_ account: SeedPlan.Account, line: Int?) throws(ParseError) {
        if account.secretsFile == nil, let user = account.users.first(where: { $0.generateAccessKeys > 0 }) {
            throw ParseError(
                line: user.line,
                message:
                    "user \(user.name) generates access keys: the account needs secretsFile (where their secrets are written once)"
            )
        }
        func unique(_ names: [(String, Int?)], _ what: String) throws(ParseError) {
            var seen = Set<String>()
            for (name, line) in names where !seen.insert(name.lowercased()).inserted {
                throw ParseError(line: line, message: "\(what) \(name) is declared twice")
            }
        }
        try unique(account.policies.map { ($0.name, $0.line) }, "policy")
        try unique(account.groups.map { ($0.name, $0.line) }, "group")
        try unique(account.users.map { ($0.name, $0.line) }, "user")
        try unique(account.roles.map { ($0.name, $0.line) }, "role")
        try unique(account.oidcProviders.map { ($0.url, $0.line) }, "OIDC provider")
        try unique(account.samlProviders.map { ($0.name, $0.line) }, "SAML provider")
        try unique(account.mfaDevices.map { ($0.path + $0.name, $0.line) }, "MFA device")
    }

    // MARK: Entities

    private static func seedPolicy(_ node: Node) throws(ParseError) -> SeedPlan.ManagedPolicy {
        let fields = try seedMapping(
            node, what: "a policy", allowed: ["description", "document", "name", "path", "tags"])
        var policy = SeedPlan.ManagedPolicy(name: "", line: node.mark?.line)
        var document: SeedPlan.Document?
        for (key, value) in fields {
            switch key {
            case "name": policy.name = try seedScalar(value, what: "name")
            case "path": policy.path = try seedScalar(value, what: "path")
            case "description": policy.description = try seedScalar(value, what: "description")
            case "document": document = try seedDocument(value)
            case "tags": policy.tags = try seedTags(value)
            default: break
            }
        }
        try required(policy.name, "a policy needs a name", node)
        guard let document else {
            throw ParseError(line: node.mark?.line, message: "policy \(policy.name) needs a document")
        }
        policy.document = document
        return policy
    }

    private static func seedGroup(_ node: Node) throws(ParseError) -> SeedPlan.Group {
        let fields = try seedMapping(
            node, what: "a group", allowed: ["inlinePolicies", "managedPolicies", "name", "path"])
        var group = SeedPlan.Group(name: "", line: node.mark?.line)
        for (key, value) in fields {
            switch key {
            case "name": group.name = try seedScalar(value, what: "name")
            case "path": group.path = try seedScalar(value, what: "path")
            case "inlinePolicies": group.inlinePolicies = try seedList(value, what: "inlinePolicies", seedInline)
            case "managedPolicies": group.managedPolicies = try seedReferences(value, what: "managedPolicies")
            default: break
            }
        }
        try required(group.name, "a group needs a name", node)
        return group
    }

    private static func seedUser(_ node: Node) throws(ParseError) -> SeedPlan.User {
        let fields = try seedMapping(
            node, what: "a user",
            allowed: [
                "accessKeys", "generateAccessKeys", "groups", "inlinePolicies", "managedPolicies", "name", "path",
                "permissionsBoundary", "tags",
            ])
        var user = SeedPlan.User(name: "", line: node.mark?.line)
        for (key, value) in fields {
            switch key {
            case "name": user.name = try seedScalar(value, what: "name")
            case "path": user.path = try seedScalar(value, what: "path")
            case "tags": user.tags = try seedTags(value)
            case "accessKeys": user.accessKeys = try seedList(value, what: "accessKeys", seedGivenKey)
            case "generateAccessKeys":
                let text = try seedScalar(value, what: "generateAccessKeys")
                guard let count = Int(text), (0...2).contains(count) else {
                    throw ParseError(
                        line: value.mark?.line,
                        message: "generateAccessKeys must be 0, 1 or 2 (IAM allows two keys per user), not '\(text)'")
                }
                user.generateAccessKeys = count
            case "groups": user.groups = try seedStrings(value, what: "groups")
            case "inlinePolicies": user.inlinePolicies = try seedList(value, what: "inlinePolicies", seedInline)
            case "managedPolicies": user.managedPolicies = try seedReferences(value, what: "managedPolicies")
            case "permissionsBoundary":
                user.permissionsBoundary = .init(
                    text: try seedScalar(value, what: "permissionsBoundary"), line: value.mark?.line)
            default: break
            }
        }
        try required(user.name, "a user needs a name", node)
        guard user.accessKeys.count + user.generateAccessKeys <= 2 else {
            throw ParseError(
                line: node.mark?.line,
                message: "user \(user.name) declares more than two access keys (IAM allows two per user)")
        }
        return user
    }

    private static func seedGivenKey(_ node: Node) throws(ParseError) -> SeedPlan.GivenAccessKey {
        let fields = try seedMapping(node, what: "an access key", allowed: rootKeyKeys)
        var id = ""
        var secret = ""
        for (key, value) in fields {
            if key == "accessKeyId" { id = try seedScalar(value, what: "accessKeyId") }
            if key == "secretAccessKey" { secret = try seedScalar(value, what: "secretAccessKey") }
        }
        guard isWellFormedAccessKeyID(id) else {
            throw ParseError(
                line: node.mark?.line,
                message: "accessKeyId must be 16 to 128 letters and digits starting with AKIA, not '\(id)'")
        }
        guard (16...128).contains(secret.utf8.count), !secret.contains(where: \.isWhitespace) else {
            throw ParseError(
                line: node.mark?.line, message: "secretAccessKey of \(id) must be 16 to 128 characters without spaces")
        }
        return .init(accessKeyId: id, secretAccessKey: secret, line: node.mark?.line)
    }

    private static func seedRole(_ node: Node) throws(ParseError) -> SeedPlan.Role {
        let fields = try seedMapping(
            node, what: "a role",
            allowed: [
                "description", "inlinePolicies", "managedPolicies", "maxSessionDuration", "name", "path",
                "permissionsBoundary", "tags", "trustPolicy",
            ])
        var role = SeedPlan.Role(name: "", line: node.mark?.line)
        var trust: SeedPlan.Document?
        for (key, value) in fields {
            switch key {
            case "name": role.name = try seedScalar(value, what: "name")
            case "path": role.path = try seedScalar(value, what: "path")
            case "description": role.description = try seedScalar(value, what: "description")
            case "maxSessionDuration":
                let text = try seedScalar(value, what: "maxSessionDuration")
                guard let seconds = Int(text) else {
                    throw ParseError(
                        line: value.mark?.line, message: "maxSessionDuration must be a number of seconds, not '\(text)'"
                    )
                }
                role.maxSessionDuration = seconds
            case "trustPolicy": trust = try seedDocument(value)
            case "inlinePolicies": role.inlinePolicies = try seedList(value, what: "inlinePolicies", seedInline)
            case "managedPolicies": role.managedPolicies = try seedReferences(value, what: "managedPolicies")
            case "permissionsBoundary":
                role.permissionsBoundary = .init(
                    text: try seedScalar(value, what: "permissionsBoundary"), line: value.mark?.line)
            case "tags": role.tags = try seedTags(value)
            default: break
            }
        }
        try required(role.name, "a role needs a name", node)
        guard let trust else {
            throw ParseError(line: node.mark?.line, message: "role \(role.name) needs a trustPolicy")
        }
        role.trustPolicy = trust
        return role
    }

    private static func seedOIDCProvider(_ node: Node) throws(ParseError) -> SeedPlan.OIDCProvider {
        let fields = try seedMapping(
            node, what: "an OIDC provider", allowed: ["clientIds", "tags", "thumbprints", "url"])
        var provider = SeedPlan.OIDCProvider(url: "", line: node.mark?.line)
        for (key, value) in fields {
            switch key {
            case "url": provider.url = try seedScalar(value, what: "url")
            case "clientIds": provider.clientIds = try seedStrings(value, what: "clientIds")
            case "thumbprints": provider.thumbprints = try seedStrings(value, what: "thumbprints")
            case "tags": provider.tags = try seedTags(value)
            default: break
            }
        }
        try required(provider.url, "an OIDC provider needs a url", node)
        return provider
    }

    private static func seedSAMLProvider(_ node: Node) throws(ParseError) -> SeedPlan.SAMLProvider {
        let fields = try seedMapping(
            node, what: "a SAML provider", allowed: ["metadata", "metadataFile", "name", "tags"])
        var provider = SeedPlan.SAMLProvider(name: "", metadata: "", line: node.mark?.line)
        var given = 0
        for (key, value) in fields {
            switch key {
            case "name": provider.name = try seedScalar(value, what: "name")
            case "metadata":
                provider.metadata = try seedScalar(value, what: "metadata")
                given += 1
            case "metadataFile":
                let path = try seedScalar(value, what: "metadataFile")
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ParseError(line: value.mark?.line, message: "metadataFile \(path) cannot be read")
                }
                provider.metadata = String(decoding: data, as: UTF8.self)
                given += 1
            case "tags": provider.tags = try seedTags(value)
            default: break
            }
        }
        try required(provider.name, "a SAML provider needs a name", node)
        guard given == 1 else {
            throw ParseError(
                line: node.mark?.line,
                message: "SAML provider \(provider.name) needs exactly one of metadata and metadataFile")
        }
        return provider
    }

    private static func seedMFADevice(_ node: Node) throws(ParseError) -> SeedPlan.MFADevice {
        let fields = try seedMapping(node, what: "an MFA device", allowed: ["name", "path", "seed", "tags", "user"])
        var device = SeedPlan.MFADevice(name: "", seed: "", line: node.mark?.line)
        for (key, value) in fields {
            switch key {
            case "name": device.name = try seedScalar(value, what: "name")
            case "path": device.path = try seedScalar(value, what: "path")
            case "seed": device.seed = try seedScalar(value, what: "seed")
            case "user": device.user = try seedScalar(value, what: "user")
            case "tags": device.tags = try seedTags(value)
            default: break
            }
        }
        try required(device.name, "an MFA device needs a name", node)
        try required(device.seed, "MFA device \(device.name) needs a seed (Base32)", node)
        return device
    }

    private static func seedInline(_ node: Node) throws(ParseError) -> SeedPlan.InlinePolicy {
        let fields = try seedMapping(node, what: "an inline policy", allowed: ["document", "name"])
        var name = ""
        var document: SeedPlan.Document?
        for (key, value) in fields {
            if key == "name" { name = try seedScalar(value, what: "name") }
            if key == "document" { document = try seedDocument(value) }
        }
        try required(name, "an inline policy needs a name", node)
        guard let document else {
            throw ParseError(line: node.mark?.line, message: "inline policy \(name) needs a document")
        }
        return .init(name: name, document: document, line: node.mark?.line)
    }

    // MARK: Values

    /// A policy document: a string (JSON text, kept as written) or a YAML mapping written out as JSON.
    static func seedDocument(_ node: Node) throws(ParseError) -> SeedPlan.Document {
        if let scalar = node.scalar { return .init(json: scalar.string, line: node.mark?.line) }
        guard node.mapping != nil else {
            throw ParseError(line: node.mark?.line, message: "a policy document must be a JSON string or a mapping")
        }
        var json = ""
        writeJSON(node, into: &json)
        return .init(json: json, line: node.mark?.line)
    }

    /// Writes a YAML node as JSON, keys in their order: quoted scalars are strings; plain `true`/`false`, `null`
    /// and numbers keep their JSON type (policies take strings for all of them).
    static func writeJSON(_ node: Node, into json: inout String) {
        switch node {
        case .scalar(let scalar):
            let text = scalar.string
            if scalar.style == .plain, ["true", "false", "null"].contains(text) || isJSONNumber(text) {
                json += text
            } else {
                writeJSONString(text, into: &json)
            }
        case .mapping(let mapping):
            json += "{"
            for (index, pair) in mapping.enumerated() {
                if index > 0 { json += "," }
                writeJSONString(pair.key.string ?? "", into: &json)
                json += ":"
                writeJSON(pair.value, into: &json)
            }
            json += "}"
        case .sequence(let sequence):
            json += "["
            for (index, item) in sequence.enumerated() {
                if index > 0 { json += "," }
                writeJSON(item, into: &json)
            }
            json += "]"
        case .alias:
            json += "null"
        }
    }

    private static func isJSONNumber(_ text: String) -> Bool {
        text.range(of: #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil
    }

    private static func writeJSONString(_ text: String, into json: inout String) {
        json += Health.jsonString(text)
    }

    /// Tags: a mapping of keys to values.
    private static func seedTags(_ node: Node) throws(ParseError) -> [SeedPlan.Tag] {
        guard let mapping = node.mapping else {
            throw ParseError(line: node.mark?.line, message: "tags must be a mapping of keys to values")
        }
        var tags: [SeedPlan.Tag] = []
        for (key, value) in mapping {
            guard let name = key.string else {
                throw ParseError(line: key.mark?.line, message: "tag keys must be strings")
            }
            tags.append(.init(key: name, value: try seedScalar(value, what: "the value of tag \(name)")))
        }
        return tags
    }

    private static func seedReferences(_ node: Node, what: String) throws(ParseError) -> [SeedPlan.PolicyReference] {
        guard let sequence = node.sequence else {
            throw ParseError(line: node.mark?.line, message: "\(what) must be a list")
        }
        var references: [SeedPlan.PolicyReference] = []
        for item in sequence {
            references.append(.init(text: try seedScalar(item, what: "a policy name or ARN"), line: item.mark?.line))
        }
        return references
    }

    private static func seedStrings(_ node: Node, what: String) throws(ParseError) -> [String] {
        guard let sequence = node.sequence else {
            throw ParseError(line: node.mark?.line, message: "\(what) must be a list")
        }
        var values: [String] = []
        for item in sequence { values.append(try seedScalar(item, what: "an entry of \(what)")) }
        return values
    }

    private static func seedList<T>(
        _ node: Node, what: String, _ read: (Node) throws(ParseError) -> T
    ) throws(ParseError) -> [T] {
        guard let sequence = node.sequence else {
            throw ParseError(line: node.mark?.line, message: "\(what) must be a list")
        }
        var values: [T] = []
        for item in sequence { values.append(try read(item)) }
        return values
    }

    private static func required(_ value: String, _ message: String, _ node: Node) throws(ParseError) {
        if value.isEmpty { throw ParseError(line: node.mark?.line, message: message) }
    }

    /// A mapping whose keys are all in `allowed`, each once (``mapping(_:what:allowed:)``), by key name.
    private static func seedMapping(_ node: Node, what: String, allowed: [String]) throws(ParseError) -> [(
        String, Node
    )] {
        try mapping(node, what: what, allowed: allowed).map { key, value in (key.string ?? "", value) }
    }

    private static func seedScalar(_ node: Node, what: String) throws(ParseError) -> String {
        try scalar(node, what: what)
    }
}
