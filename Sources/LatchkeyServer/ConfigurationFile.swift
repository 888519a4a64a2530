import Foundation
public import LatchkeyCore
import LatchkeyDomain
import Yams

/// The YAML configuration (bootstrap) file given with `--config`.
///
/// ```yaml
/// accounts:
///   - id: "111122223333"
///     rootAccessKeys:
///       - {accessKeyId: AKIA..., secretAccessKey: ...}
/// idpTrustedCAFile: /path/to/ca.pem
/// outboundIssuerBaseURL: https://sts.example.internal/oidc
/// outboundKeyRotationDays: 30
/// masterKeyFile: /path/to/master.key
/// sessionTokenKeyId: 1
/// headerTimeout: 10s        # and bodyTimeout, idleTimeout, maxConnections, shutdownGrace (ConnectionSettings)
/// databaseURL: postgres://latchkey:PASSWORD@db.internal:5432/latchkey?sslmode=verify-full
/// databasePoolSize: 10
/// databaseWait: 60s
/// ```
/// Unknown keys are an error naming their line, so a typo never silently drops a setting.
public struct ConfigurationFile: Sendable, Equatable {
    /// Accounts and root keys applied (idempotently) at every start.
    public var bootstrap = BootstrapPlan(accounts: [])
    /// The accounts' declared IAM entities, applied (idempotently) at every start after the bootstrap: docs/seed.md.
    public var seed = SeedPlan()
    /// PEM bundle trusted (besides the system roots) when fetching OIDC issuers' discovery documents and JWKS.
    public var idpTrustedCAFile: String?
    /// The public base URL of Latchkey's own OIDC issuers (GetWebIdentityToken): account A's issuer is
    /// `BASE/A`. Default: `http://HOST:PORT/oidc` of the listening address.
    public var outboundIssuerBaseURL: String?
    /// How many days an outbound signing key signs before it is replaced (1...3650). Default 30.
    public var outboundKeyRotationDays: Int = 30
    /// The master key, base64 (32 bytes). Prefer `masterKeyFile` or `LATCHKEY_MASTER_KEY`.
    public var masterKey: String?
    /// A file holding the base64 master key.
    public var masterKeyFile: String?
    /// The session-token key ID used to seal new tokens (1...4294967295). Raising it rotates the token key; tokens
    /// sealed under lower IDs stay valid until they expire.
    public var sessionTokenKeyId: UInt32 = 1
    /// Connection settings given in the file (`headerTimeout`, `bodyTimeout`, `idleTimeout`, `maxConnections`,
    /// `shutdownGrace`), as written; each was checked by ``ConnectionSettings/set(_:from:source:)``.
    public var connectionSettings: [ConnectionSettings.Setting: String] = [:]
    /// The PostgreSQL store's URL (see ``DatabaseSettings``); the flag and the environment win over it.
    public var databaseURL: String?
    /// Connections to PostgreSQL at most (1...1000).
    public var databasePoolSize: Int?
    /// How long a start waits for an unreachable database (0 fails at once).
    public var databaseWait: Duration?
    /// `metrics: on|off`: whether `GET /metrics` is served (docs/metrics.md); nil leaves the default (on).
    public var metrics: Bool?
    /// The audit keys (`auditLog`, `auditLogMaxSize`, `auditLogMaxFiles`, `auditStore`, `auditRetentionDays`):
    /// docs/audit.md. The flags and the environment win over them.
    public var audit = AuditFileSettings()
    /// TLS, trusted proxies, log format and access log (`tlsCertificateFile`, `tlsKeyFile`, `trustedProxies`,
    /// `logFormat`, `accessLog`); the flags and the environment win over them.
    public var transport = TransportFileSettings()

    public init() {}

    /// An error in the configuration file, with its line.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var line: Int?
        public var message: String
        public var description: String { line.map { "line \($0): \(message)" } ?? message }
    }

    static let topLevelKeys =
        [
            "accounts", "databasePoolSize", "databaseURL", "databaseWait", "idpTrustedCAFile", "masterKey",
            "masterKeyFile", "outboundIssuerBaseURL", "outboundKeyRotationDays", "sessionTokenKeyId", "metrics",
        ] + ConnectionSettings.Setting.allCases.map(\.fileKey) + AuditFileSettings.keys + TransportFileSettings.keys
    static let accountKeys = ["id", "rootAccessKeys"] + seedAccountKeys
    static let rootKeyKeys = ["accessKeyId", "secretAccessKey"]

    /// Parses the YAML text of a configuration file.
    public static func parse(_ text: String) throws(ParseError) -> ConfigurationFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ParseError(line: nil, message: "not valid YAML: \(error)")
        }
        var file = ConfigurationFile()
        guard let root else { return file }
        let top = try mapping(root, what: "the configuration", allowed: topLevelKeys)
        for (key, value) in top {
            switch key.string {
            case "accounts":
                let (entries, seeds) = try accounts(value)
                file.bootstrap.accounts = entries
                file.seed.accounts = seeds
            case "databaseURL":
                let text = try scalar(value, what: "databaseURL")
                do {
                    try DatabaseSettings.checkURLShape(text, source: "databaseURL")
                } catch {
                    throw ParseError(line: value.mark?.line, message: error.message)
                }
                file.databaseURL = text
            case "databasePoolSize":
                let text = try scalar(value, what: "databasePoolSize")
                do {
                    file.databasePoolSize = try DatabaseSettings.parsePoolSize(text, source: "databasePoolSize")
                } catch {
                    throw ParseError(line: value.mark?.line, message: error.message)
                }
            case "databaseWait":
                let text = try scalar(value, what: "databaseWait")
                do {
                    file.databaseWait = try DatabaseSettings.parseWait(text, source: "databaseWait")
                } catch {
                    throw ParseError(line: value.mark?.line, message: error.message)
                }
            case "idpTrustedCAFile":
                file.idpTrustedCAFile = try scalar(value, what: "idpTrustedCAFile")
            case "masterKey":
                file.masterKey = try scalar(value, what: "masterKey")
            case "masterKeyFile":
                file.masterKeyFile = try scalar(value, what: "masterKeyFile")
            case "outboundIssuerBaseURL":
                let text = try scalar(value, what: "outboundIssuerBaseURL")
                guard text.hasPrefix("https://") || text.hasPrefix("http://"), !text.contains("?"), !text.contains("#")
                else {
                    throw ParseError(
                        line: value.mark?.line,
                        message: "outboundIssuerBaseURL must be an http(s) URL without query, not '\(text)'")
                }
                file.outboundIssuerBaseURL = text
            case "outboundKeyRotationDays":
                let text = try scalar(value, what: "outboundKeyRotationDays")
                guard let days = Int(text), (1...3650).contains(days) else {
                    throw ParseError(
                        line: value.mark?.line,
                        message: "outboundKeyRotationDays must be a whole number of days from 1 to 3650, not '\(text)'")
                }
                file.outboundKeyRotationDays = days
            case "sessionTokenKeyId":
                let text = try scalar(value, what: "sessionTokenKeyId")
                guard let id = UInt32(text), id > 0 else {
                    throw ParseError(
                        line: value.mark?.line, message: "sessionTokenKeyId must be a positive integer, not '\(text)'")
                }
                file.sessionTokenKeyId = id
            case "metrics":
                let text = try scalar(value, what: "metrics")
                guard let enabled = MetricsSettings.parseSwitch(text) else {
                    throw ParseError(line: value.mark?.line, message: "metrics must be on or off, not '\(text)'")
                }
                file.metrics = enabled
            case let name? where TransportFileSettings.keys.contains(name):
                try file.transport.parse(name, value)
            case let name? where AuditFileSettings.keys.contains(name):
                try file.audit.set(name, from: value)
            default:
                guard let setting = ConnectionSettings.Setting(rawValue: key.string ?? "") else { break }
                let text = try scalar(value, what: setting.fileKey)
                var scratch = ConnectionSettings()
                do {
                    try scratch.set(setting, from: text, source: setting.fileKey)
                } catch {
                    throw ParseError(line: value.mark?.line, message: error.message)
                }
                file.connectionSettings[setting] = text
            }
        }
        return file
    }

    private static func accounts(_ node: Node) throws(ParseError) -> (
        [BootstrapPlan.AccountEntry], [SeedPlan.Account]
    ) {
        guard let sequence = node.sequence else {
            throw ParseError(line: node.mark?.line, message: "accounts must be a list")
        }
        var entries: [BootstrapPlan.AccountEntry] = []
        var seeds: [SeedPlan.Account] = []
        var seen = Set<String>()
        for item in sequence {
            let fields = try mapping(item, what: "an account", allowed: accountKeys)
            var id: String?
            var keys: [BootstrapPlan.RootKey] = []
            var seed = SeedPlan.Account(id: "")
            for (key, value) in fields {
                switch key.string {
                case "id":
                    let text = try scalar(value, what: "id")
                    guard Account.isValidID(text) else {
                        throw ParseError(
                            line: value.mark?.line, message: "account id must be 12 digits (quote it), not '\(text)'")
                    }
                    id = text
                case "rootAccessKeys":
                    keys = try rootKeys(value)
                default:
                    try seedAccountKey(key.string ?? "", value, into: &seed)
                }
            }
            guard let id else { throw ParseError(line: item.mark?.line, message: "an account needs an id") }
            guard seen.insert(id).inserted else {
                throw ParseError(line: item.mark?.line, message: "account \(id) is declared twice")
            }
            entries.append(.init(id: id, rootAccessKeys: keys))
            seed.id = id
            try checkSeedAccount(seed, line: item.mark?.line)
            if !seed.isEmpty || seed.secretsFile != nil { seeds.append(seed) }
        }
        return (entries, seeds)
    }

    private static func rootKeys(_ node: Node) throws(ParseError) -> [BootstrapPlan.RootKey] {
        guard let sequence = node.sequence else {
            throw ParseError(line: node.mark?.line, message: "rootAccessKeys must be a list")
        }
        var keys: [BootstrapPlan.RootKey] = []
        for item in sequence {
            let fields = try mapping(item, what: "a root access key", allowed: rootKeyKeys)
            var id: String?
            var secret: String?
            for (key, value) in fields {
                if key.string == "accessKeyId" { id = try scalar(value, what: "accessKeyId") }
                if key.string == "secretAccessKey" { secret = try scalar(value, what: "secretAccessKey") }
            }
            guard let id, let secret else {
                throw ParseError(
                    line: item.mark?.line, message: "a root access key needs accessKeyId and secretAccessKey")
            }
            guard isWellFormedAccessKeyID(id) else {
                throw ParseError(
                    line: item.mark?.line,
                    message: "accessKeyId must be 16 to 128 letters and digits starting with AKIA, not '\(id)'")
            }
            guard (16...128).contains(secret.utf8.count), !secret.contains(where: \.isWhitespace) else {
                throw ParseError(
                    line: item.mark?.line,
                    message: "secretAccessKey of \(id) must be 16 to 128 characters without spaces")
            }
            keys.append(.init(accessKeyId: id, secretAccessKey: secret))
        }
        return keys
    }

    static func isWellFormedAccessKeyID(_ id: String) -> Bool {
        id.hasPrefix("AKIA") && (16...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }
    }

    static func mapping(_ node: Node, what: String, allowed: [String]) throws(ParseError) -> [(Node, Node)] {
        guard let mapping = node.mapping else {
            throw ParseError(line: node.mark?.line, message: "\(what) must be a mapping")
        }
        var pairs: [(Node, Node)] = []
        var seen = Set<String>()
        for (key, value) in mapping {
            guard let name = key.string else {
                throw ParseError(line: key.mark?.line, message: "keys in \(what) must be strings")
            }
            guard allowed.contains(name) else {
                throw ParseError(
                    line: key.mark?.line,
                    message: "unknown key '\(name)' in \(what) (expected one of: \(allowed.joined(separator: ", ")))")
            }
            guard seen.insert(name).inserted else {
                throw ParseError(line: key.mark?.line, message: "key '\(name)' appears twice in \(what)")
            }
            pairs.append((key, value))
        }
        return pairs
    }

    static func scalar(_ node: Node, what: String) throws(ParseError) -> String {
        guard let scalar = node.scalar else {
            throw ParseError(line: node.mark?.line, message: "\(what) must be a single value")
        }
        return scalar.string
    }
}
