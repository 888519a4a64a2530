import Foundation
import HTTPTypes
import HummingbirdTesting
import LatchkeyQuery
import LatchkeyTestSupport
import NIOCore
import Testing

@Suite struct OutboundIssuerTests {
    /// The payload of a compact JWT, decoded.
    static func payload(_ token: String) throws -> [String: Any] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3)
        var text = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        let data = try #require(Data(base64Encoded: text))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("GetWebIdentityToken is refused until outbound federation is enabled, then signs a JWT for the caller")
    func tokenNeedsEnabledFederation() async throws {
        try await TestServer.run { server in
            try await server.sts(
                "GetWebIdentityToken", ["Audience.member.1": "https://api.example.com", "SigningAlgorithm": "RS256"]
            )
            .expectError("OutboundWebIdentityFederationDisabledException", status: 403)
            try await server.iam("GetOutboundWebIdentityFederationInfo").expectError("FeatureDisabled", status: 404)

            let enabled = try await server.iam("EnableOutboundWebIdentityFederation")
                .result("EnableOutboundWebIdentityFederation")
            let issuer = try #require(enabled.text("IssuerIdentifier"))
            #expect(issuer.hasSuffix("/oidc/111122223333"))
            try await server.iam("EnableOutboundWebIdentityFederation").expectError("FeatureEnabled", status: 409)

            let reply = try await server.sts(
                "GetWebIdentityToken",
                [
                    "Audience.member.1": "https://api.example.com", "Audience.member.2": "second",
                    "DurationSeconds": "600",
                    "SigningAlgorithm": "ES384", "Tags.member.1.Key": "env", "Tags.member.1.Value": "ci",
                ])
            let result = try reply.result("GetWebIdentityToken")
            let token = try #require(result.text("WebIdentityToken"))
            let claims = try Self.payload(token)
            #expect(claims["iss"] as? String == issuer)
            #expect(claims["sub"] as? String == "arn:aws:iam::111122223333:root")
            #expect(claims["aud"] as? [String] == ["https://api.example.com", "second"])
            let issued = try #require(claims["iat"] as? Int)
            #expect(claims["exp"] as? Int == issued + 600)
            #expect(issued == Int(server.now.timeIntervalSince1970))
            let namespace = try #require(claims["https://sts.amazonaws.com/"] as? [String: Any])
            #expect(namespace["aws_account"] as? String == "111122223333")
            #expect((namespace["request_tags"] as? [String: String]) == ["env": "ci"])
            #expect(result.text("Expiration") == "2025-06-15T15:16:40Z")
        }
    }

    @Test("the issuer's discovery document and JWKS are served at its URL, and name the key that signed the token")
    func documentsAreServed() async throws {
        try await TestServer.run { server in
            _ = try await server.iam("EnableOutboundWebIdentityFederation")
            let token = try #require(
                try await server.sts("GetWebIdentityToken", ["Audience.member.1": "a", "SigningAlgorithm": "RS256"])
                    .result("GetWebIdentityToken")
                    .text("WebIdentityToken"))
            let header = try Self.payload("x." + String(token.split(separator: ".")[0]) + ".x")
            let configuration = try await server.client.execute(
                uri: "/oidc/111122223333/.well-known/openid-configuration", method: .get, headers: [:], body: nil)
            #expect(configuration.status == .ok)
            #expect(configuration.headers[.contentType] == "application/json")
            let discovery = try #require(
                try JSONSerialization.jsonObject(with: Data(String(buffer: configuration.body).utf8)) as? [String: Any])
            #expect((discovery["jwks_uri"] as? String)?.hasSuffix("/oidc/111122223333/.well-known/jwks.json") == true)
            let jwks = try await server.client.execute(
                uri: "/oidc/111122223333/.well-known/jwks.json", method: .get, headers: [:], body: nil)
            let keys = try #require(
                (try JSONSerialization.jsonObject(with: Data(String(buffer: jwks.body).utf8)) as? [String: Any])?[
                    "keys"] as? [[String: Any]])
            #expect(Set(keys.compactMap { $0["alg"] as? String }) == ["RS256", "ES384"])
            #expect(keys.contains { $0["kid"] as? String == header["kid"] as? String })
            #expect(header["alg"] as? String == "RS256")

            // Another account's issuer publishes nothing until it is enabled: the path is an ordinary (error) request.
            let other = try await server.client.execute(
                uri: "/oidc/444455556666/.well-known/jwks.json", method: .get, headers: [:], body: nil)
            #expect(other.status != .ok)
        }
    }

    @Test("disabling stops new tokens but keeps the JWKS published; disabling twice is FeatureDisabled")
    func disableKeepsKeys() async throws {
        try await TestServer.run { server in
            _ = try await server.iam("EnableOutboundWebIdentityFederation")
            try await server.iam("DisableOutboundWebIdentityFederation").expectSuccess(
                "DisableOutboundWebIdentityFederation")
            try await server.iam("DisableOutboundWebIdentityFederation").expectError("FeatureDisabled", status: 404)
            let info = try await server.iam("GetOutboundWebIdentityFederationInfo").result(
                "GetOutboundWebIdentityFederationInfo")
            #expect(info.text("JwtVendingEnabled") == "false")
            try await server.sts("GetWebIdentityToken", ["Audience.member.1": "a", "SigningAlgorithm": "RS256"])
                .expectError("OutboundWebIdentityFederationDisabledException", status: 403)
            let jwks = try await server.client.execute(
                uri: "/oidc/111122223333/.well-known/jwks.json", method: .get, headers: [:], body: nil)
            #expect(jwks.status == .ok)
        }
    }

    @Test(
        "GetWebIdentityToken bounds: a duration outside 60...3600 and an unknown signing algorithm are ValidationError",
        arguments: [("59", "RS256"), ("3601", "RS256"), ("300", "RS512")])
    func tokenBounds(duration: String, algorithm: String) async throws {
        try await TestServer.run { server in
            _ = try await server.iam("EnableOutboundWebIdentityFederation")
            let reply = try await server.sts(
                "GetWebIdentityToken",
                ["Audience.member.1": "a", "DurationSeconds": duration, "SigningAlgorithm": algorithm])
            try reply.expectError("ValidationError", status: 400)
        }
    }

    @Test("an IAM user needs sts:GetWebIdentityToken in its policies")
    func userNeedsPermission() async throws {
        try await TestServer.run { server in
            _ = try await server.iam("EnableOutboundWebIdentityFederation")
            try await server.createUser("bob")
            let bob = try await server.createAccessKey(for: "bob")
            try await server.sts(
                "GetWebIdentityToken", ["Audience.member.1": "a", "SigningAlgorithm": "RS256"], as: bob
            )
            .expectError("AccessDenied", status: 403)
            let policy =
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetWebIdentityToken","Resource":"*"}]}"#
            try await server.iam("PutUserPolicy", ["UserName": "bob", "PolicyName": "jwt", "PolicyDocument": policy])
                .expectSuccess("PutUserPolicy")
            let token = try #require(
                try await server.sts(
                    "GetWebIdentityToken", ["Audience.member.1": "a", "SigningAlgorithm": "RS256"], as: bob
                )
                .result("GetWebIdentityToken").text("WebIdentityToken"))
            #expect(try Self.payload(token)["sub"] as? String == "arn:aws:iam::111122223333:user/bob")
        }
    }

    /// The `kid` in a token's header.
    static func keyID(_ token: String) throws -> String? {
        try payload("x." + String(token.split(separator: ".")[0]) + ".x")["kid"] as? String
    }

    /// The `kid`s the issuer's JWKS publishes now.
    static func publishedKeyIDs(_ server: TestServer) async throws -> Set<String> {
        let response = try await server.client.execute(
            uri: "/oidc/111122223333/.well-known/jwks.json", method: .get, headers: [:], body: nil)
        let keys = try #require(
            (try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])?[
                "keys"]
                as? [[String: Any]])
        return Set(keys.compactMap { $0["kid"] as? String })
    }

    @Test(
        "a signing key older than outboundKeyRotationDays is replaced; the old one stays published for an hour, then goes"
    )
    func keysRotate() async throws {
        let configuration = TestServer.configurationText + "\noutboundKeyRotationDays: 7\n"
        try await TestServer.run(configuration: configuration) { server in
            _ = try await server.iam("EnableOutboundWebIdentityFederation")
            func token() async throws -> String {
                try #require(
                    try await server.sts(
                        "GetWebIdentityToken", ["Audience.member.1": "a", "SigningAlgorithm": "RS256"]
                    )
                    .result("GetWebIdentityToken").text("WebIdentityToken"))
            }
            let first = try #require(try Self.keyID(try await token()))
            server.clock.advance(by: 6 * 86_400)
            #expect(try Self.keyID(try await token()) == first)

            server.clock.advance(by: 86_400 + 1)
            let second = try #require(try Self.keyID(try await token()))
            #expect(second != first)
            #expect(try Self.keyID(try await token()) == second)
            let published = try await Self.publishedKeyIDs(server)
            #expect(published.contains(first))
            #expect(published.contains(second))

            server.clock.advance(by: 3_601)
            let later = try await Self.publishedKeyIDs(server)
            #expect(!later.contains(first))
            #expect(later.contains(second))
            // The ES384 key was never used, so it was never due for rotation: still published.
            #expect(later.count == 2)
        }
    }
}
