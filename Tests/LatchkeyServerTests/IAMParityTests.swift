import Foundation
import LatchkeyQuery
import LatchkeySigV4
import Testing

private typealias F = RoleFixtures

/// IAM's answers as AWS gives them (issue 9, section 3): response shapes, paging, codes and messages.
@Suite struct IAMParityTests {
    static let account = TestServer.accountId
    static let oidcURL = "https://10.0.0.5:8443/realms/ci"
    static let oidcArn = "arn:aws:iam::111122223333:oidc-provider/10.0.0.5:8443/realms/ci"
    static let samlArn = "arn:aws:iam::111122223333:saml-provider/Okta"

    /// A self-signed P-256 certificate (public part only), the signing key of the metadata below.
    static let idpCertificate =
        "MIIBizCCATGgAwIBAgIUfJAlRnd24gfLYzxE1ll1brpZCNQwCgYIKoZIzj0EAwIwGjEYMBYGA1UEAwwPaWRwLmV4YW1wbGUuY29tMCAXDTI2MTIwNzAzMTY0OFoYDzIxMjYxMTEzMDMxNjQ4WjAaMRgwFgYDVQQDDA9pZHAuZXhhbXBsZS5jb20wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ1lWXiqAfbXy3+6ddLTMmPQMwE5zrBHEARNRYgmGJmCajW45bg88Lu+tUmRSGjqksvdF5kXnNkAFPQ51u4EwRMo1MwUTAdBgNVHQ4EFgQUGUJRPkPHC/i0aj6fv/waH1S1yx8wHwYDVR0jBBgwFoAUGUJRPkPHC/i0aj6fv/waH1S1yx8wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEA4dL2z3tY6iYMxUOAQmgCVGLmRi7vwIxYLhwEdDOCUuwCIAsPd6b1vP1MjbOLGgKDLv1DA8WBBYjtOLAoQDfrM2Qo"

    /// SAML 2.0 IdP metadata (padded to IAM's 1,000-character minimum), with or without `validUntil`.
    static func samlMetadata(validUntil: String? = nil) -> String {
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" \
            xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/saml"\
            \(validUntil.map { " validUntil=\"\($0)\"" } ?? "")>
            <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\
            <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>\
            <ds:X509Certificate>\(idpCertificate)</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
            <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" \
            Location="https://idp.example.com/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>
            """
        return document + String(repeating: " ", count: max(0, 1_100 - document.count))
    }

    static func tags(_ count: Int, from first: Int = 1) -> [(String, String)] {
        (first..<(first + count)).flatMap { index in
            [("Tags.member.\(index - first + 1).Key", "k\(index)"), ("Tags.member.\(index - first + 1).Value", "v")]
        }
    }

    // MARK: Response shapes

    @Test("GetPolicy answers an empty Tags list for an untagged policy; CreatePolicy and ListPolicies carry none")
    func policyTagsShape() async throws {
        try await TestServer.run { server in
            let created = try await server.iam("CreatePolicy", ["PolicyName": "P", "PolicyDocument": F.allow("s3:*")])
                .result("CreatePolicy")
            #expect(created.child("Policy")?.child("Tags") == nil)
            let policy = try #require(
                try await server.iam("GetPolicy", ["PolicyArn": F.policyArn("P")]).result("GetPolicy").child("Policy"))
            let tags = try #require(policy.child("Tags"), "GetPolicy of an untagged policy has an empty Tags element")
            #expect(tags.children.isEmpty)
            // Tags is the model's last member of Policy.
            #expect(policy.children.last?.name == "Tags")
            let listed = try await server.iam("ListPolicies", ["Scope": "Local"]).result("ListPolicies")
            #expect(listed.members(of: "Policies").first?.child("Tags") == nil)
        }
    }

    @Test("CreateRole and UpdateRoleDescription carry no MaxSessionDuration; GetRole and ListRoles do")
    func roleShapes() async throws {
        try await TestServer.run { server in
            let trust = F.trust("arn:aws:iam::\(Self.account):root")
            let created = try await server.iam(
                "CreateRole", ["RoleName": "r", "AssumeRolePolicyDocument": trust, "Description": "d"]
            ).result("CreateRole")
            let role = try #require(created.child("Role"))
            #expect(role.child("MaxSessionDuration") == nil)
            #expect(role.child("Description") == nil)
            #expect(
                role.children.map(\.name) == [
                    "Path", "RoleName", "RoleId", "Arn", "CreateDate", "AssumeRolePolicyDocument",
                ])
            let updated = try #require(
                try await server.iam("UpdateRoleDescription", ["RoleName": "r", "Description": "e"])
                    .result("UpdateRoleDescription").child("Role"))
            #expect(updated.child("MaxSessionDuration") == nil)
            #expect(updated.text("Description") == "e")
            let got = try #require(try await server.iam("GetRole", ["RoleName": "r"]).result("GetRole").child("Role"))
            #expect(got.text("MaxSessionDuration") == "3600")
            let listed = try await server.iam("ListRoles").result("ListRoles")
            #expect(listed.members(of: "Roles").first?.text("MaxSessionDuration") == "3600")
        }
    }

    @Test(
        "GetSAMLProvider answers ValidUntil and an empty PrivateKeyList in model order; ListSAMLProviders answers ValidUntil"
    )
    func samlProviderShapes() async throws {
        try await TestServer.run { server in
            _ = try await server.iam(
                "CreateSAMLProvider", ["Name": "Okta", "SAMLMetadataDocument": Self.samlMetadata()]
            ).result("CreateSAMLProvider")
            _ = try await server.iam(
                "CreateSAMLProvider",
                ["Name": "Dated", "SAMLMetadataDocument": Self.samlMetadata(validUntil: "2030-01-01T00:00:00Z")]
            ).result("CreateSAMLProvider")

            let okta = try await server.iam("GetSAMLProvider", ["SAMLProviderArn": Self.samlArn]).result(
                "GetSAMLProvider")
            #expect(
                okta.children.map(\.name) == [
                    "SAMLProviderUUID", "SAMLMetadataDocument", "CreateDate", "ValidUntil", "Tags",
                    "AssertionEncryptionMode", "PrivateKeyList",
                ])
            // Without validUntil in the metadata: 100 years after creation (Latchkey's documented choice).
            #expect(okta.text("CreateDate") == "2025-06-15T15:06:40Z")
            #expect(okta.text("ValidUntil") == "2125-06-15T15:06:40Z")
            #expect(okta.child("PrivateKeyList")?.children.isEmpty == true)

            let dated = try await server.iam(
                "GetSAMLProvider", ["SAMLProviderArn": "arn:aws:iam::111122223333:saml-provider/Dated"]
            ).result("GetSAMLProvider")
            #expect(dated.text("ValidUntil") == "2030-01-01T00:00:00Z")

            let listed = try await server.iam("ListSAMLProviders").result("ListSAMLProviders")
            let entries = listed.members(of: "SAMLProviderList")
            #expect(
                entries.map { $0.children.map(\.name) }
                    == Array(repeating: ["Arn", "ValidUntil", "CreateDate"], count: 2))
            #expect(
                Set(entries.compactMap { $0.text("ValidUntil") }) == ["2125-06-15T15:06:40Z", "2030-01-01T00:00:00Z"])
        }
    }

    // MARK: Paging

    /// One listing to page through: how to fill it, and where its items are.
    struct Listing: Sendable {
        var action: String
        var params: [(String, String)]
        var list: String
        /// The member of each item that names it (nil: the item is a string).
        var field: String?
        var setUp: @Sendable (TestServer) async throws -> Void
    }

    static let listings: [Listing] = [
        Listing(action: "ListUsers", params: [], list: "Users", field: "UserName") { server in
            for name in ["u1", "u2", "u3"] { try await server.createUser(name) }
        },
        Listing(action: "ListUserTags", params: [("UserName", "u")], list: "Tags", field: "Key") { server in
            try await server.createUser("u")
            _ = try await F.iam(server, "TagUser", [("UserName", "u")] + tags(3)).expectSuccess("TagUser")
        },
        Listing(action: "ListRoles", params: [], list: "Roles", field: "RoleName") { server in
            for name in ["r1", "r2", "r3"] {
                try await F.createRole(server, name, trust: F.trust("arn:aws:iam::\(account):root"))
            }
        },
        Listing(action: "ListRoleTags", params: [("RoleName", "r")], list: "Tags", field: "Key") { server in
            try await F.createRole(server, "r", trust: F.trust("arn:aws:iam::\(account):root"))
            _ = try await F.iam(server, "TagRole", [("RoleName", "r")] + tags(3)).expectSuccess("TagRole")
        },
        Listing(action: "ListPolicies", params: [("Scope", "Local")], list: "Policies", field: "PolicyName") { server in
            for name in ["p1", "p2", "p3"] { try await F.seedManagedPolicy(server, name, document: F.allow("s3:*")) }
        },
        Listing(action: "ListPolicyTags", params: [("PolicyArn", F.policyArn("p"))], list: "Tags", field: "Key") {
            server in
            try await F.seedManagedPolicy(server, "p", document: F.allow("s3:*"))
            _ = try await F.iam(server, "TagPolicy", [("PolicyArn", F.policyArn("p"))] + tags(3)).expectSuccess(
                "TagPolicy")
        },
        Listing(
            action: "ListPolicyVersions", params: [("PolicyArn", F.policyArn("p"))], list: "Versions",
            field: "VersionId"
        ) { server in
            try await F.seedManagedPolicy(server, "p", document: F.allow("s3:*"))
            for action in ["s3:Get*", "s3:Put*"] {
                _ = try await server.iam(
                    "CreatePolicyVersion", ["PolicyArn": F.policyArn("p"), "PolicyDocument": F.allow(action)]
                )
                .result("CreatePolicyVersion")
            }
        },
        Listing(
            action: "ListOpenIDConnectProviderTags", params: [("OpenIDConnectProviderArn", oidcArn)], list: "Tags",
            field: "Key"
        ) { server in
            _ = try await F.iam(server, "CreateOpenIDConnectProvider", [("Url", oidcURL)] + tags(3))
                .result("CreateOpenIDConnectProvider")
        },
        Listing(action: "ListSAMLProviderTags", params: [("SAMLProviderArn", samlArn)], list: "Tags", field: "Key") {
            server in
            _ = try await F.iam(
                server, "CreateSAMLProvider", [("Name", "Okta"), ("SAMLMetadataDocument", samlMetadata())] + tags(3)
            ).result("CreateSAMLProvider")
        },
        Listing(action: "ListAccessKeys", params: [("UserName", "u")], list: "AccessKeyMetadata", field: "AccessKeyId")
        {
            server in
            try await server.createUser("u")
            _ = try await server.createAccessKey(for: "u")
            _ = try await server.createAccessKey(for: "u")
        },
        Listing(action: "ListVirtualMFADevices", params: [], list: "VirtualMFADevices", field: "SerialNumber") {
            server in
            for name in ["m1", "m2", "m3"] {
                _ = try await server.iam("CreateVirtualMFADevice", ["VirtualMFADeviceName": name]).result(
                    "CreateVirtualMFADevice")
            }
        },
        Listing(action: "ListMFADevices", params: [("UserName", "u")], list: "MFADevices", field: "SerialNumber") {
            server in
            try await server.createUser("u")
            for name in ["m1", "m2"] {
                let device = try await server.createVirtualMFADevice(name)
                try await server.enable(device, for: "u", atStep: server.step)
            }
        },
        Listing(action: "ListGroups", params: [], list: "Groups", field: "GroupName") { server in
            for name in ["g1", "g2", "g3"] {
                _ = try await server.iam("CreateGroup", ["GroupName": name]).result("CreateGroup")
            }
        },
        Listing(action: "GetGroup", params: [("GroupName", "g")], list: "Users", field: "UserName") { server in
            _ = try await server.iam("CreateGroup", ["GroupName": "g"]).result("CreateGroup")
            for name in ["u1", "u2", "u3"] {
                try await server.createUser(name)
                try await server.iam("AddUserToGroup", ["GroupName": "g", "UserName": name]).expectSuccess(
                    "AddUserToGroup")
            }
        },
        Listing(action: "ListGroupsForUser", params: [("UserName", "u")], list: "Groups", field: "GroupName") {
            server in
            try await server.createUser("u")
            for name in ["g1", "g2", "g3"] {
                _ = try await server.iam("CreateGroup", ["GroupName": name]).result("CreateGroup")
                try await server.iam("AddUserToGroup", ["GroupName": name, "UserName": "u"]).expectSuccess(
                    "AddUserToGroup")
            }
        },
        Listing(action: "ListUserPolicies", params: [("UserName", "u")], list: "PolicyNames", field: nil) { server in
            try await server.createUser("u")
            for name in ["i1", "i2", "i3"] {
                try await server.iam(
                    "PutUserPolicy", ["UserName": "u", "PolicyName": name, "PolicyDocument": F.allow("s3:*")]
                )
                .expectSuccess("PutUserPolicy")
            }
        },
        Listing(
            action: "ListAttachedUserPolicies", params: [("UserName", "u")], list: "AttachedPolicies",
            field: "PolicyName"
        ) {
            server in
            try await server.createUser("u")
            for name in ["p1", "p2", "p3"] {
                try await F.seedManagedPolicy(server, name, document: F.allow("s3:*"))
                try await server.iam("AttachUserPolicy", ["UserName": "u", "PolicyArn": F.policyArn(name)])
                    .expectSuccess("AttachUserPolicy")
            }
        },
        Listing(action: "ListRolePolicies", params: [("RoleName", "r")], list: "PolicyNames", field: nil) { server in
            try await F.createRole(server, "r", trust: F.trust("arn:aws:iam::\(account):root"))
            for name in ["i1", "i2", "i3"] {
                try await server.iam(
                    "PutRolePolicy", ["RoleName": "r", "PolicyName": name, "PolicyDocument": F.allow("s3:*")]
                )
                .expectSuccess("PutRolePolicy")
            }
        },
        Listing(
            action: "ListAttachedRolePolicies", params: [("RoleName", "r")], list: "AttachedPolicies",
            field: "PolicyName"
        ) {
            server in
            try await F.createRole(server, "r", trust: F.trust("arn:aws:iam::\(account):root"))
            for name in ["p1", "p2", "p3"] {
                try await F.seedManagedPolicy(server, name, document: F.allow("s3:*"))
                try await server.iam("AttachRolePolicy", ["RoleName": "r", "PolicyArn": F.policyArn(name)])
                    .expectSuccess("AttachRolePolicy")
            }
        },
        Listing(action: "ListGroupPolicies", params: [("GroupName", "g")], list: "PolicyNames", field: nil) { server in
            _ = try await server.iam("CreateGroup", ["GroupName": "g"]).result("CreateGroup")
            for name in ["i1", "i2", "i3"] {
                try await server.iam(
                    "PutGroupPolicy", ["GroupName": "g", "PolicyName": name, "PolicyDocument": F.allow("s3:*")]
                )
                .expectSuccess("PutGroupPolicy")
            }
        },
        Listing(
            action: "ListAttachedGroupPolicies", params: [("GroupName", "g")], list: "AttachedPolicies",
            field: "PolicyName"
        ) { server in
            _ = try await server.iam("CreateGroup", ["GroupName": "g"]).result("CreateGroup")
            for name in ["p1", "p2", "p3"] {
                try await F.seedManagedPolicy(server, name, document: F.allow("s3:*"))
                try await server.iam("AttachGroupPolicy", ["GroupName": "g", "PolicyArn": F.policyArn(name)])
                    .expectSuccess("AttachGroupPolicy")
            }
        },
    ]

    static func items(_ result: XMLReader.Element, _ listing: Listing) -> [String] {
        guard let list = result.child(listing.list) else { return [] }
        return list.children(named: "member").compactMap { member in
            listing.field.map { member.text($0) } ?? member.text
        }
    }

    @Test("every List operation pages with MaxItems, Marker and IsTruncated, and visits each item once in order")
    func everyListingPages() async throws {
        for listing in Self.listings {
            try await TestServer.run { server in
                try await listing.setUp(server)
                let whole = try await F.iam(server, listing.action, listing.params).result(listing.action)
                let all = Self.items(whole, listing)
                #expect(all.count >= 2, "\(listing.action) set up too few items")
                #expect(whole.text("IsTruncated") == "false", "\(listing.action)")
                #expect(whole.child("Marker") == nil, "\(listing.action)")

                var seen: [String] = []
                var marker: String?
                var pages = 0
                repeat {
                    let params = listing.params + [("MaxItems", "1")] + (marker.map { [("Marker", $0)] } ?? [])
                    let page = try await F.iam(server, listing.action, params).result(listing.action)
                    let items = Self.items(page, listing)
                    #expect(items.count == 1, "\(listing.action) page \(pages + 1)")
                    seen += items
                    marker = page.text("Marker")
                    #expect(page.text("IsTruncated") == (marker == nil ? "false" : "true"), "\(listing.action)")
                    pages += 1
                } while marker != nil && pages <= all.count
                #expect(seen == all, "\(listing.action) paged \(seen), whole \(all)")
                #expect(pages == all.count, "\(listing.action)")
            }
        }
    }

    @Test("a Marker Latchkey did not issue, or issued for another listing, is ValidationError \"Invalid Marker.\"")
    func badMarkers() async throws {
        try await TestServer.run { server in
            for name in ["alice", "bob"] { try await server.createUser(name) }
            try await server.iam(
                "TagUser",
                [
                    "UserName": "alice", "Tags.member.1.Key": "a", "Tags.member.1.Value": "1",
                    "Tags.member.2.Key": "b", "Tags.member.2.Value": "2",
                ]
            ).expectSuccess("TagUser")
            let marker = try #require(
                try await server.iam("ListUsers", ["MaxItems": "1"]).result("ListUsers").text("Marker"))
            // The old form of marker (base64 of the last key), garbage, and a ListUsers marker elsewhere.
            let forged = Data("alice".utf8).base64EncodedString()
            for bad in [forged, "garbage", "%%%", String(marker.dropLast(2))] {
                try await server.iam("ListUsers", ["Marker": bad]).expectError(
                    "ValidationError", status: 400, message: "Invalid Marker.")
            }
            try await server.iam("ListRoles", ["Marker": marker]).expectError(
                "ValidationError", status: 400, message: "Invalid Marker.")
            try await server.iam("ListUserTags", ["UserName": "alice", "Marker": marker]).expectError(
                "ValidationError", status: 400, message: "Invalid Marker.")
            // The genuine marker still works where it was issued.
            let next = try await server.iam("ListUsers", ["Marker": marker]).result("ListUsers")
            #expect(next.members(of: "Users").map { $0.text("UserName") } == ["bob"])
        }
    }

    // MARK: Semantics

    @Test("RemoveUserFromGroup of a user who is not a member succeeds; a missing group or user is still NoSuchEntity")
    func removeNonMember() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            _ = try await server.iam("CreateGroup", ["GroupName": "devs"]).result("CreateGroup")
            try await server.iam("RemoveUserFromGroup", ["GroupName": "devs", "UserName": "alice"])
                .expectSuccess("RemoveUserFromGroup")
            try await server.iam("RemoveUserFromGroup", ["GroupName": "devs", "UserName": "nobody"]).expectError(
                "NoSuchEntity", status: 404, message: "The user with name nobody cannot be found.")
            try await server.iam("RemoveUserFromGroup", ["GroupName": "nope", "UserName": "alice"]).expectError(
                "NoSuchEntity", status: 404, message: "The group with name nope cannot be found.")
        }
    }

    @Test("DeleteOpenIDConnectProvider of a provider that does not exist is NoSuchEntity")
    func deleteMissingOIDCProvider() async throws {
        try await TestServer.run { server in
            try await server.iam("DeleteOpenIDConnectProvider", ["OpenIDConnectProviderArn": Self.oidcArn]).expectError(
                "NoSuchEntity", status: 404, message: "OpenId connect Provider \(Self.oidcArn) cannot be found.")
            let otherAccount = "arn:aws:iam::444455556666:oidc-provider/example.com"
            try await server.iam("DeleteOpenIDConnectProvider", ["OpenIDConnectProviderArn": otherAccount]).expectError(
                "NoSuchEntity", status: 404, message: "OpenId connect Provider \(otherAccount) cannot be found.")
        }
    }

    // MARK: Codes and messages

    @Test("IAM validation messages never echo the value; STS's do")
    func validationMessagesEchoOnlyInSTS() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let reply = try await F.iam(server, "TagUser", [("UserName", "alice")] + Self.tags(51))
            try reply.expectError(
                "ValidationError", status: 400,
                message: "1 validation error detected: Value at 'tags' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 50")
            try await server.iam("CreateUser", ["UserName": "bad name!"]).expectError(
                "ValidationError", status: 400,
                message: "1 validation error detected: Value at 'userName' failed to satisfy constraint: "
                    + #"Member must satisfy regular expression pattern: [\w+=,.@-]+"#)
            try await server.sts("AssumeRole", ["RoleArn": F.roleArn("r"), "RoleSessionName": "a b"]).expectError(
                "ValidationError", status: 400,
                message: "1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: "
                    + #"Member must satisfy regular expression pattern: [\w+=,.@-]*"#)
        }
    }

    @Test("a PolicyArn or PermissionsBoundary that is not a policy ARN is ValidationError")
    func nonPolicyArns() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            try await F.createRole(server, "r", trust: F.trust(F.userArn("alice")))
            _ = try await server.iam("CreateGroup", ["GroupName": "g"]).result("CreateGroup")
            for bad in ["arn:aws:iam::111122223333:role/P", "not-an-arn-of-any-kind"] {
                let calls: [(String, [(String, String)])] = [
                    ("GetPolicy", [("PolicyArn", bad)]),
                    ("AttachUserPolicy", [("UserName", "alice"), ("PolicyArn", bad)]),
                    ("DetachUserPolicy", [("UserName", "alice"), ("PolicyArn", bad)]),
                    ("AttachRolePolicy", [("RoleName", "r"), ("PolicyArn", bad)]),
                    ("AttachGroupPolicy", [("GroupName", "g"), ("PolicyArn", bad)]),
                    ("ListPolicyVersions", [("PolicyArn", bad)]),
                    ("PutUserPermissionsBoundary", [("UserName", "alice"), ("PermissionsBoundary", bad)]),
                    ("PutRolePermissionsBoundary", [("RoleName", "r"), ("PermissionsBoundary", bad)]),
                    ("CreateUser", [("UserName", "bob"), ("PermissionsBoundary", bad)]),
                ]
                for (action, params) in calls {
                    try await F.iam(server, action, params).expectError(
                        "ValidationError", status: 400, message: "ARN \(bad) is not valid.")
                }
            }
        }
    }

    @Test("MFA devices: a second of the same name is EntityAlreadyExists; deleting a missing one is NoSuchEntity")
    func mfaDeviceMessages() async throws {
        try await TestServer.run { server in
            _ = try await server.iam("CreateVirtualMFADevice", ["VirtualMFADeviceName": "phone"]).result(
                "CreateVirtualMFADevice")
            try await server.iam("CreateVirtualMFADevice", ["VirtualMFADeviceName": "phone"]).expectError(
                "EntityAlreadyExists", status: 409, message: "MFA device already exists.")
            let missing = "arn:aws:iam::111122223333:mfa/tablet"
            try await server.iam("DeleteVirtualMFADevice", ["SerialNumber": missing]).expectError(
                "NoSuchEntity", status: 404, message: "MFA Device with serial number \(missing) does not exist.")
        }
    }

    @Test("OIDC providers: six thumbprints are InvalidInput; a bad URL is ValidationError")
    func oidcMessages() async throws {
        try await TestServer.run { server in
            let six = (1...6).map { ("ThumbprintList.member.\($0)", String(repeating: String($0), count: 40)) }
            try await F.iam(server, "CreateOpenIDConnectProvider", [("Url", Self.oidcURL)] + six).expectError(
                "InvalidInput", status: 400, message: "Thumbprint list must contain fewer than 5 entries.")
            _ = try await server.iam("CreateOpenIDConnectProvider", ["Url": Self.oidcURL]).result(
                "CreateOpenIDConnectProvider")
            try await F.iam(
                server, "UpdateOpenIDConnectProviderThumbprint", [("OpenIDConnectProviderArn", Self.oidcArn)] + six
            )
            .expectError("InvalidInput", status: 400, message: "Thumbprint list must contain fewer than 5 entries.")
            for url in ["http://example.com", "https://user@example.com", "https://example.com/?q=1", "example.com"] {
                try await server.iam("CreateOpenIDConnectProvider", ["Url": url]).expectError(
                    "ValidationError", status: 400, message: "Invalid Open ID Connect Provider URL")
            }
        }
    }

    @Test("the 51st tag on any entity is LimitExceeded \"The number of tags has reached the maximum limit.\"")
    func fiftyFirstTag() async throws {
        try await TestServer.run { server in
            try await server.createUser("u")
            try await F.createRole(server, "r", trust: F.trust(F.userArn("u")))
            try await F.seedManagedPolicy(server, "p", document: F.allow("s3:*"))
            _ = try await server.iam("CreateOpenIDConnectProvider", ["Url": Self.oidcURL]).result(
                "CreateOpenIDConnectProvider")
            _ = try await server.iam(
                "CreateSAMLProvider", ["Name": "Okta", "SAMLMetadataDocument": Self.samlMetadata()]
            )
            .result("CreateSAMLProvider")
            let targets: [(String, (String, String))] = [
                ("TagUser", ("UserName", "u")), ("TagRole", ("RoleName", "r")),
                ("TagPolicy", ("PolicyArn", F.policyArn("p"))),
                ("TagOpenIDConnectProvider", ("OpenIDConnectProviderArn", Self.oidcArn)),
                ("TagSAMLProvider", ("SAMLProviderArn", Self.samlArn)),
            ]
            for (action, target) in targets {
                try await F.iam(server, action, [target] + Self.tags(50)).expectSuccess(action)
                try await F.iam(server, action, [target] + Self.tags(1, from: 51)).expectError(
                    "LimitExceeded", status: 409, message: "The number of tags has reached the maximum limit.")
            }
        }
    }

    @Test("a policy version that does not exist is NoSuchEntity naming the policy and the version")
    func missingPolicyVersion() async throws {
        try await TestServer.run { server in
            try await F.seedManagedPolicy(server, "p", document: F.allow("s3:*"))
            let arn = F.policyArn("p")
            for action in ["GetPolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion"] {
                try await server.iam(action, ["PolicyArn": arn, "VersionId": "v7"]).expectError(
                    "NoSuchEntity", status: 404,
                    message: "Policy \(arn) version v7 does not exist or is not attachable.")
            }
        }
    }

    @Test("without UserName, a role session is refused by every user-defaulting operation with ValidationError")
    func nonUserCredentialsMustNameTheUser() async throws {
        try await TestServer.run { server in
            try await server.createUser("alice")
            let alice = try await server.createAccessKey(for: "alice")
            try await F.createRole(server, "admin", trust: F.trust(F.userArn("alice")))
            try await server.iam(
                "PutRolePolicy", ["RoleName": "admin", "PolicyName": "all", "PolicyDocument": F.allow("iam:*")]
            )
            .expectSuccess("PutRolePolicy")
            try await server.iam(
                "PutUserPolicy",
                ["UserName": "alice", "PolicyName": "keys", "PolicyDocument": F.allow("iam:ListAccessKeys")]
            ).expectSuccess("PutUserPolicy")
            let session = try await F.session(server, as: alice, role: "admin")
            let calls: [(String, [(String, String)])] = [
                ("CreateAccessKey", []), ("ListAccessKeys", []),
                ("UpdateAccessKey", [("AccessKeyId", alice.accessKeyID), ("Status", "Inactive")]),
                ("DeleteAccessKey", [("AccessKeyId", alice.accessKeyID)]),
                ("ListMFADevices", []), ("DeactivateMFADevice", [("SerialNumber", "arn:aws:iam::111122223333:mfa/x")]),
                ("GetUser", []),
            ]
            for (action, params) in calls {
                try await F.iam(server, action, params, as: session).expectError(
                    "ValidationError", status: 400,
                    message: "Must specify userName when calling with non-User credentials")
            }
            // Naming the user works for the same session, and alice's key was left alone.
            let keys = try await server.iam("ListAccessKeys", ["UserName": "alice"], as: session).result(
                "ListAccessKeys")
            #expect(keys.members(of: "AccessKeyMetadata").map { $0.text("Status") } == ["Active"])
            // The root and users still default to themselves.
            let own = try await server.iam("ListAccessKeys", as: alice).result("ListAccessKeys")
            #expect(own.members(of: "AccessKeyMetadata").map { $0.text("AccessKeyId") } == [alice.accessKeyID])
        }
    }
}
