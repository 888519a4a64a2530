import Yams

/// The configuration file's keys for TLS, trusted proxies and logs (docs/tls-and-proxies.md, docs/logging.md):
///
/// ```yaml
/// tlsCertificateFile: /etc/latchkey/tls/fullchain.pem
/// tlsKeyFile: /etc/latchkey/tls/key.pem
/// trustedProxies: [10.0.0.0/8, "fd00::/8"]
/// logFormat: json
/// accessLog: on
/// ```
public struct TransportFileSettings: Sendable, Equatable {
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?
    public var trustedProxies: [IPNetwork]?
    public var logFormat: LogFormat?
    public var accessLog: Bool?

    public init() {}

    /// The keys, as written in the file.
    static let keys = ["accessLog", "logFormat", "tlsCertificateFile", "tlsKeyFile", "trustedProxies"]

    /// Reads one of ``keys``.
    mutating func parse(_ key: String, _ value: Node) throws(ConfigurationFile.ParseError) {
        let line = value.mark?.line
        switch key {
        case "tlsCertificateFile":
            tlsCertificateFile = try Self.scalar(value, what: key)
        case "tlsKeyFile":
            tlsKeyFile = try Self.scalar(value, what: key)
        case "logFormat":
            let text = try Self.scalar(value, what: key)
            guard let format = LogFormat(rawValue: text) else {
                throw .init(line: line, message: "logFormat must be text or json, not '\(text)'")
            }
            logFormat = format
        case "accessLog":
            let text = try Self.scalar(value, what: key)
            guard let flag = Self.onOff(text) else {
                throw .init(line: line, message: "accessLog must be on or off, not '\(text)'")
            }
            accessLog = flag
        case "trustedProxies":
            let items: [Node]
            if let sequence = value.sequence {
                items = Array(sequence)
            } else {
                items = [value]
            }
            var networks: [IPNetwork] = []
            for item in items {
                let text = try Self.scalar(item, what: "an entry of trustedProxies")
                guard let network = IPNetwork(text) else {
                    throw .init(
                        line: item.mark?.line,
                        message: "trustedProxies: '\(text)' is not an IPv4 or IPv6 address or CIDR block")
                }
                networks.append(network)
            }
            trustedProxies = networks
        default:
            break
        }
    }

    /// `on`/`off` (also `true`/`false`, `yes`/`no`), as YAML spells booleans.
    public static func onOff(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "true", "yes": true
        case "off", "false", "no": false
        default: nil
        }
    }

    private static func scalar(_ node: Node, what: String) throws(ConfigurationFile.ParseError) -> String {
        try ConfigurationFile.scalar(node, what: what)
    }
}
