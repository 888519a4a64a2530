import Foundation
import LatchkeyQuery
import Testing

@Suite struct IAMIdentityProviderTests {
    static let arn = "arn:aws:iam::111122223333:oidc-provider/10.0.0.5:8443/realms/ci"

    @Test(
        "an OIDC provider on an IP address and port keeps the port in its ARN, and GetOpenIDConnectProvider answers the URL without its scheme"
    )
    func oidcProviderKeepsPort() async throws {
        try await TestServer.run { server in
            let created = try await server.iam(
                "CreateOpenIDConnectProvider",
                [
                    "Url": "https://10.0.0.5:8443/realms/ci/", "ClientIDList.member.1": "sts.amazonaws.com",
                    "ThumbprintList.member.1": String(repeating: "AB", count: 20),
                ])
            #expect(try created.result("CreateOpenIDConnectProvider").text("OpenIDConnectProviderArn") == Self.arn)
            let got = try await server.iam("GetOpenIDConnectProvider", ["OpenIDConnectProviderArn": Self.arn])
                .result("GetOpenIDConnectProvider")
            #expect(got.text("Url") == "10.0.0.5:8443/realms/ci")
            #expect(got.members(of: "ClientIDList").map(\.text) == ["sts.amazonaws.com"])
            #expect(got.members(of: "ThumbprintList").map(\.text) == [String(repeating: "ab", count: 20)])
            let listed = try await server.iam("ListOpenIDConnectProviders").result("ListOpenIDConnectProviders")
            #expect(listed.members(of: "OpenIDConnectProviderList").map { $0.text("Arn") } == [Self.arn])
            let again = try await server.iam(
                "CreateOpenIDConnectProvider", ["Url": "https://10.0.0.5:8443/realms/ci", "ClientIDList.member.1": "x"])
            try again.expectError("EntityAlreadyExists", status: 409)
        }
    }

    @Test("client IDs are added and removed idempotently; thumbprints are replaced; tags follow")
    func oidcProviderUpdates() async throws {
        try await TestServer.run { server in
            _ = try await server.iam("CreateOpenIDConnectProvider", ["Url": "https://10.0.0.5:8443/realms/ci"])
            for _ in 0..<2 {
                try await server.iam(
                    "AddClientIDToOpenIDConnectProvider", ["OpenIDConnectProviderArn": Self.arn, "ClientID": "ci"]
                ).expectSuccess("AddClientIDToOpenIDConnectProvider")
            }
            try await server.iam(
                "RemoveClientIDFromOpenIDConnectProvider", ["OpenIDConnectProviderArn": Self.arn, "ClientID": "absent"]
            ).expectSuccess("RemoveClientIDFromOpenIDConnectProvider")
            try await server.iam(
                "UpdateOpenIDConnectProviderThumbprint",
                ["OpenIDConnectProviderArn": Self.arn, "ThumbprintList.member.1": String(repeating: "0", count: 40)]
            ).expectSuccess("UpdateOpenIDConnectProviderThumbprint")
            try await server.iam(
                "TagOpenIDConnectProvider",
                ["OpenIDConnectProviderArn": Self.arn, "Tags.member.1.Key": "team", "Tags.member.1.Value": "ci"]
            ).expectSuccess("TagOpenIDConnectProvider")
            let got = try await server.iam("GetOpenIDConnectProvider", ["OpenIDConnectProviderArn": Self.arn])
                .result("GetOpenIDConnectProvider")
            #expect(got.members(of: "ClientIDList").map(\.text) == ["ci"])
            #expect(got.members(of: "ThumbprintList").map(\.text) == [String(repeating: "0", count: 40)])
            let tags = try await server.iam("ListOpenIDConnectProviderTags", ["OpenIDConnectProviderArn": Self.arn])
                .result("ListOpenIDConnectProviderTags")
            #expect(tags.members(of: "Tags").map { $0.text("Key") } == ["team"])
        }
    }

    @Test(
        "an OIDC provider URL that is not https://HOST[:PORT][/PATH] is ValidationError",
        arguments: [
            "http://issuer.example.com", "https://issuer.example.com/?x=1", "https://issuer.example.com#f",
            "https://user@issuer.example.com", "https://issuer.example.com:0", "https://issuer.example.com:70000",
            "https://", "https://issuer..example.com", "https://issuer.example.com/a/../b",
        ])
    func badOIDCProviderURL(url: String) async throws {
        try await TestServer.run { server in
            let reply = try await server.iam("CreateOpenIDConnectProvider", ["Url": url])
            try reply.expectError("ValidationError", status: 400, message: "Invalid Open ID Connect Provider URL")
            let listed = try await server.iam("ListOpenIDConnectProviders").result("ListOpenIDConnectProviders")
            #expect(listed.members(of: "OpenIDConnectProviderList").isEmpty)
        }
    }

    @Test("more than five thumbprints, or a thumbprint that is not 40 hex digits, is InvalidInput")
    func thumbprintRules() async throws {
        try await TestServer.run { server in
            let tooMany = try await server.iam(
                "CreateOpenIDConnectProvider",
                [
                    "Url": "https://issuer.example.com",
                    "ThumbprintList.member.1": String(repeating: "1", count: 40),
                    "ThumbprintList.member.2": String(repeating: "2", count: 40),
                    "ThumbprintList.member.3": String(repeating: "3", count: 40),
                    "ThumbprintList.member.4": String(repeating: "4", count: 40),
                    "ThumbprintList.member.5": String(repeating: "5", count: 40),
                    "ThumbprintList.member.6": String(repeating: "6", count: 40),
                ])
            try tooMany.expectError(
                "InvalidInput", status: 400, message: "Thumbprint list must contain fewer than 5 entries.")
            let notHex = try await server.iam(
                "CreateOpenIDConnectProvider",
                ["Url": "https://issuer.example.com", "ThumbprintList.member.1": String(repeating: "g", count: 40)])
            try notHex.expectError("InvalidInput", status: 400)
        }
    }

    @Test("deleting an OIDC provider twice: the second is NoSuchEntity, as is reading a deleted one")
    func oidcProviderDelete() async throws {
        try await TestServer.run { server in
            _ = try await server.iam("CreateOpenIDConnectProvider", ["Url": "https://10.0.0.5:8443/realms/ci"])
            try await server.iam("DeleteOpenIDConnectProvider", ["OpenIDConnectProviderArn": Self.arn])
                .expectSuccess("DeleteOpenIDConnectProvider")
            try await server.iam("DeleteOpenIDConnectProvider", ["OpenIDConnectProviderArn": Self.arn])
                .expectError(
                    "NoSuchEntity", status: 404, message: "OpenId connect Provider \(Self.arn) cannot be found.")
            try await server.iam("GetOpenIDConnectProvider", ["OpenIDConnectProviderArn": Self.arn])
                .expectError(
                    "NoSuchEntity", status: 404, message: "OpenIDConnect Provider not found for arn \(Self.arn)")
        }
    }

    @Test(
        "a SAML provider needs metadata that is SAML 2.0 IdP metadata: anything else is InvalidInput and nothing is stored"
    )
    func samlProviderNeedsMetadata() async throws {
        try await TestServer.run { server in
            let notXML = String(repeating: "x", count: 1_000)
            let entities =
                "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY b \"c\">]><a>&b;</a>"
                + String(repeating: " ", count: 1_000)
            for document in [notXML, entities] {
                let reply = try await server.iam(
                    "CreateSAMLProvider", ["Name": "Okta", "SAMLMetadataDocument": document])
                try reply.expectError("InvalidInput", status: 400)
            }
            let listed = try await server.iam("ListSAMLProviders").result("ListSAMLProviders")
            #expect(listed.members(of: "SAMLProviderList").isEmpty)
            let missing = "arn:aws:iam::111122223333:saml-provider/Okta"
            try await server.iam("GetSAMLProvider", ["SAMLProviderArn": missing]).expectError(
                "NoSuchEntity", status: 404)
            try await server.iam("DeleteSAMLProvider", ["SAMLProviderArn": missing]).expectError(
                "NoSuchEntity", status: 404)
        }
    }

    @Test("an IAM user without a policy allowing it cannot create identity providers")
    func providersNeedPermission() async throws {
        try await TestServer.run { server in
            try await server.createUser("bob")
            let bob = try await server.createAccessKey(for: "bob")
            let reply = try await server.iam(
                "CreateOpenIDConnectProvider", ["Url": "https://issuer.example.com"], as: bob)
            try reply.expectError("AccessDenied", status: 403)
        }
    }
}
