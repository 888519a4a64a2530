import LatchkeyOIDC
import Testing

@Suite struct OIDCProviderIdentityTests {
    @Test(
        "a registered provider URL becomes HOST[:PORT][/PATH]",
        arguments: [
            ("https://token.actions.githubusercontent.com", "token.actions.githubusercontent.com"),
            ("https://Accounts.Google.COM/", "accounts.google.com"),
            ("https://idp.example.com:8443/realms/Main/", "idp.example.com:8443/realms/Main"),
            ("https://127.0.0.1:9443", "127.0.0.1:9443"),
            ("https://[::1]:9443/oidc", "[::1]:9443/oidc"),
            ("HTTPS://example.com/a/b", "example.com/a/b"),
        ]
    )
    func registeredURLBecomesIdentity(url: String, identity: String) throws {
        let parsed = try #require(OIDCProviderIdentity(url: url))
        #expect(parsed.identity == identity)
        #expect(parsed.issuerURL == "https://" + identity)
    }

    @Test(
        "a provider URL that is not https://HOST[:PORT][/PATH] is rejected",
        arguments: [
            "http://example.com", "example.com", "https://", "https://user@example.com", "https://example.com?x=1",
            "https://example.com/a#frag", "https://example.com:0", "https://example.com:65536", "https://example.com:",
            "https://exa mple.com", "https://example.com//a", "https://example.com/../a", "https://-bad.example.com",
            "https://[zz::1]", "https://example.com/a b", "ftp://example.com",
            "https://" + String(repeating: "a", count: 250) + ".com",
        ]
    )
    func invalidProviderURLIsRejected(url: String) {
        #expect(OIDCProviderIdentity(url: url) == nil)
    }

    @Test("an iss claim maps to the identity with or without https://, and other schemes map to nothing")
    func tokenIssuerMapping() throws {
        #expect(OIDCProviderIdentity(tokenIssuer: "https://accounts.google.com")?.identity == "accounts.google.com")
        #expect(OIDCProviderIdentity(tokenIssuer: "accounts.google.com")?.identity == "accounts.google.com")
        #expect(OIDCProviderIdentity(tokenIssuer: "idp.example.com:8443/x")?.identity == "idp.example.com:8443/x")
        #expect(OIDCProviderIdentity(tokenIssuer: "http://accounts.google.com") == nil)
        #expect(OIDCProviderIdentity(tokenIssuer: "") == nil)
    }

    @Test("the port stays in the identity, so it is part of the ARN and the condition-key prefix")
    func portIsKeptInIdentity() throws {
        let provider = try #require(RegisteredOIDCProvider(url: "https://10.0.0.5:8443/issuer", clientIDs: ["a"]))
        #expect(provider.identity.identity == "10.0.0.5:8443/issuer")
        #expect(provider.identity.hostIsIPLiteral)
        #expect(provider.identity.connectPort == 8443)
    }

    @Test("thumbprints are lowercased and anything but 40 hex characters is dropped")
    func thumbprintsAreNormalised() throws {
        let upper = String(repeating: "AB", count: 20)
        let provider = try #require(
            RegisteredOIDCProvider(
                url: "https://a.example", clientIDs: [], thumbprints: [upper, "xyz", String(repeating: "g", count: 40)])
        )
        #expect(provider.thumbprints == [upper.lowercased()])
    }

    @Test("unknown-provider errors carry AWS's message and a printable issuer")
    func unknownProviderMessage() {
        let error = WebIdentityError.unknownProvider(issuer: "https://evil.example/\u{1}x")
        #expect(error.code == .invalidToken)
        #expect(error.message == "No OpenIDConnect provider found in your account for https://evil.example/?x")
        #expect(error.code.wireCode == "InvalidIdentityToken")
        #expect(WebIdentityError.Code.rejectedClaim.httpStatus == 403)
    }
}
