import Foundation
import JWTKit
import LatchkeyOIDC
import Testing

@Suite struct OutboundIssuerDocumentsTests {
    @Test("the discovery document is fixed bytes naming the issuer, the JWKS URL and RS256/ES384")
    func discoveryDocumentIsStable() throws {
        let issuer = try OutboundFixtures.issuer()
        let document = String(decoding: OutboundIssuerDocuments.openIDConfiguration(for: issuer), as: UTF8.self)
        #expect(
            document
                == #"{"claims_supported":["aud","exp","https://sts.amazonaws.com/","iat","iss","jti","nbf","sub"],"#
                + #""id_token_signing_alg_values_supported":["RS256","ES384"],"#
                + #""issuer":"https://sts.example.test:8443/outbound/acct-111122223333","#
                + #""jwks_uri":"https://sts.example.test:8443/outbound/acct-111122223333/.well-known/jwks.json","#
                + #""response_types_supported":["id_token"],"subject_types_supported":["public"]}"#)
    }

    @Test("the JWKS is stable bytes and parses back into jwt-kit with every published kid")
    func jwksParsesBackIntoJWTKit() async throws {
        let ring = try OutboundKeyRing.generate(now: OutboundFixtures.t0)
        let jwks = OutboundIssuerDocuments.jwks(of: ring, now: OutboundFixtures.t0)
        #expect(jwks == OutboundIssuerDocuments.jwks(of: ring, now: OutboundFixtures.t0.addingTimeInterval(5)))
        #expect(try OutboundFixtures.kids(in: jwks) == ring.keys.map(\.kid))
        let text = String(decoding: jwks, as: UTF8.self)
        #expect(text.hasPrefix(#"{"keys":[{"alg":"RS256","e":"AQAB","kid":""#))
        #expect(!text.contains(" ") && !text.contains("\\/"))
        let keys = JWTKeyCollection()
        try await keys.add(jwksJSON: text)
        for key in ring.keys {
            _ = try await keys.getKey(for: JWKIdentifier(string: key.kid), alg: key.algorithm.rawValue)
        }
    }

    @Test("issuer URLs join the base URL and the issuer ID without a double slash")
    func issuerURLsAreJoined() throws {
        let issuer = try #require(OutboundIssuer(baseURL: "http://127.0.0.1:9000", issuerID: "a1"))
        #expect(issuer.url == "http://127.0.0.1:9000/a1")
        #expect(issuer.configurationURL == "http://127.0.0.1:9000/a1/.well-known/openid-configuration")
        #expect(try OutboundFixtures.issuer().url == "https://sts.example.test:8443/outbound/acct-111122223333")
    }

    @Test(
        "base URLs without an http(s) scheme and host, or with a query, and bad issuer IDs are rejected",
        arguments: [
            ("ftp://h", "a"), ("https://", "a"), ("https:///path", "a"), ("https://h?x=1", "a"), ("https://h#f", "a"),
            ("h.example", "a"), ("https://h", ""), ("https://h", "a/b"), ("https://h", "a.b"),
            ("https://h", String(repeating: "a", count: 65)),
        ])
    func badIssuersAreRejected(base: String, id: String) {
        #expect(OutboundIssuer(baseURL: base, issuerID: id) == nil)
    }

    @Test("request paths route to an issuer's documents and nothing else")
    func pathsRouteToDocuments() {
        let config = OutboundIssuer.route(
            path: "/outbound/acct-1/.well-known/openid-configuration", basePath: "/outbound")
        #expect(config?.issuerID == "acct-1" && config?.document == .configuration)
        let jwks = OutboundIssuer.route(path: "/acct-1/.well-known/jwks.json", basePath: "")
        #expect(jwks?.issuerID == "acct-1" && jwks?.document == .jwks)
        for path in [
            "/outbound/acct-1/.well-known/jwks.json/", "/outbound//.well-known/jwks.json",
            "/other/acct-1/.well-known/jwks.json",
            "/outbound/a/b/.well-known/jwks.json", "/outbound/acct-1", "/outbound/../.well-known/jwks.json",
        ] {
            #expect(OutboundIssuer.route(path: path, basePath: "/outbound/") == nil, "\(path)")
        }
    }
}
