import Logging

/// The start-up side of the transport settings: the TLS certificates and the outbound issuer's address check.
enum TransportSetup {
    /// The certificate store when TLS is configured; a file that cannot be served is a ``StartupError`` naming it.
    static func certificates(_ settings: TransportSettings) throws(StartupError) -> TLSCertificateStore? {
        guard let certificate = settings.tlsCertificateFile, let key = settings.tlsKeyFile else { return nil }
        do {
            return try TLSCertificateStore(certificateFile: certificate, keyFile: key)
        } catch {
            throw StartupError(message: error.message)
        }
    }

    /// Warns when the outbound issuer's URL would be derived from a wildcard listening address
    /// (`http://0.0.0.0:PORT/oidc`), which no token verifier can fetch.
    static func warnIfOutboundIssuerUnreachable(_ configuration: ServerConfiguration, logger: Logger) {
        guard configuration.file?.outboundIssuerBaseURL == nil, isWildcard(configuration.host) else { return }
        let scheme = configuration.transport.servesTLS ? "https" : "http"
        logger.warning(
            "the outbound issuer's URL (GetWebIdentityToken) would be \(scheme)://\(configuration.host):PORT/oidc, which no verifier can reach: set outboundIssuerBaseURL in the configuration file to the URL clients reach this server at"
        )
    }

    static func isWildcard(_ host: String) -> Bool {
        ["0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0"].contains(host)
    }
}
