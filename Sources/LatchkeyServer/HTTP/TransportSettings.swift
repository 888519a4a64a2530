/// HTTPS served directly, the reverse proxies whose forwarding headers are believed, and the access log.
public struct TransportSettings: Sendable, Equatable {
    /// PEM certificate chain served over TLS (`--tls-certificate`); with ``tlsKeyFile``, the server speaks only
    /// HTTPS. Reloaded on SIGHUP.
    public var tlsCertificateFile: String?
    /// PEM private key of the certificate (`--tls-key`).
    public var tlsKeyFile: String?
    /// Peers whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed (`--trusted-proxy`); empty: the headers are
    /// ignored.
    public var trustedProxies: [IPNetwork] = []
    /// One `info` line per answered Query request on the `latchkey.access` logger (`--access-log on|off`).
    public var accessLog = true

    public init() {}

    /// Whether the server serves HTTPS.
    public var servesTLS: Bool { tlsCertificateFile != nil && tlsKeyFile != nil }
}
