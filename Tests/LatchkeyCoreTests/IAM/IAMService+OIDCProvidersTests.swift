import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The rules of OpenID Connect providers (`IAMService+OIDCProviders.swift`), without HTTP.
@Suite struct IAMServiceOIDCProvidersTests {
    typealias K = ProviderTestKit

    static func thumbprint(_ digit: Character) -> String { String(repeating: digit, count: 40) }

    @discardableResult
    static func create(
        _ f: ServiceFixture, _ url: String, clientIDs: [String]? = nil, thumbprints: [String]? = nil,
        tags: [IAM.Tag]? = nil, as caller: Caller? = nil
    ) async throws -> CreateOpenIDConnectProviderOutput {
        try await f.iam.createOpenIDConnectProvider(
            CreateOpenIDConnectProviderInput(
                url: url, clientIDList: clientIDs, thumbprintList: thumbprints, tags: tags),
            caller: caller ?? f.root, now: f.clock.now)
    }

    static func get(_ f: ServiceFixture, _ arn: String) async throws -> GetOpenIDConnectProviderOutput {
        try await f.iam.getOpenIDConnectProvider(
            GetOpenIDConnectProviderInput(openIDConnectProviderArn: arn), caller: f.root)
    }

    static func arns(_ f: ServiceFixture) async throws -> [String] {
        let listed = try await f.iam.listOpenIDConnectProviders(ListOpenIDConnectProvidersInput(), caller: f.root)
        return listed.openIDConnectProviderList?.compactMap(\.arn) ?? []
    }

    // MARK: Create, Get, List

    @Test(
        "the ARN keeps the port; Get answers the URL without its scheme, client IDs without repeats, thumbprints lowercased"
    )
    func createAndGet() async throws {
        let f = try await ServiceFixture.make()
        f.clock.advance(by: 0.75)
        let created = try await Self.create(
            f, "https://10.0.0.5:8443/realms/ci/", clientIDs: ["sts.amazonaws.com", "ci", "sts.amazonaws.com"],
            thumbprints: [String(repeating: "AB", count: 20)])
        let arn = K.oidcArn(f, "10.0.0.5:8443/realms/ci")
        #expect(created.openIDConnectProviderArn == arn)
        #expect(created.tags == nil)

        let got = try await Self.get(f, arn)
        #expect(got.url == "10.0.0.5:8443/realms/ci")
        #expect(got.clientIDList == ["sts.amazonaws.com", "ci"])
        #expect(got.thumbprintList == [String(repeating: "ab", count: 20)])
        #expect(got.createDate == TestClock.start)  // whole seconds
        #expect(got.tags == [])
        #expect(try await Self.arns(f) == [arn])
    }

    @Test("without client IDs or thumbprints, Get answers empty lists; tags given at creation are answered back")
    func emptyListsAndTags() async throws {
        let f = try await ServiceFixture.make()
        let tags = [IAM.Tag(key: "team", value: "ci")]
        let created = try await Self.create(f, "https://issuer.example.com", tags: tags)
        #expect(created.tags == tags)
        let got = try await Self.get(f, try #require(created.openIDConnectProviderArn))
        #expect(got.clientIDList == [])
        #expect(got.thumbprintList == [])
        #expect(got.tags == tags)
    }

    @Test("a second provider for the same URL is EntityAlreadyExists")
    func duplicate() async throws {
        let f = try await ServiceFixture.make()
        try await Self.create(f, "https://issuer.example.com/path")
        await K.expectError(.entityAlreadyExists, "Provider with url https://issuer.example.com/path already exists.") {
            try await Self.create(f, "https://issuer.example.com/path/", clientIDs: ["x"])
        }
    }

    @Test(
        "a URL that is not https://HOST[:PORT][/PATH] is ValidationError and nothing is stored",
        arguments: [
            "http://issuer.example.com", "https://issuer.example.com/?x=1", "https://issuer.example.com#f",
            "https://user@issuer.example.com", "https://issuer.example.com:0", "https://issuer.example.com:70000",
            "https://", "https://issuer..example.com", "https://issuer.example.com/a/../b", "example.com",
        ])
    func badURL(url: String) async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.validationError, "Invalid Open ID Connect Provider URL") { try await Self.create(f, url) }
        #expect(try await Self.arns(f) == [])
    }

    @Test("tag keys repeated at creation, whatever their case, are InvalidInput")
    func duplicateTagKeys() async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.invalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        {
            try await Self.create(
                f, "https://issuer.example.com", tags: [IAM.Tag(key: "a", value: "1"), IAM.Tag(key: "A", value: "2")])
        }
        #expect(try await Self.arns(f) == [])
    }

    @Test("an account holds at most 100 providers: the 101st is LimitExceeded")
    func providerQuota() async throws {
        let f = try await ServiceFixture.make()
        for index in 1...100 { try await Self.create(f, "https://issuer\(index).example.com") }
        await K.expectError(.limitExceeded, "Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100") {
            try await Self.create(f, "https://issuer101.example.com")
        }
        #expect(try await Self.arns(f).count == 100)
    }

    // MARK: Thumbprints

    @Test("up to five thumbprints of 40 hex digits; six is InvalidInput with IAM's wording, at creation and on update")
    func thumbprintCount() async throws {
        let f = try await ServiceFixture.make()
        let five = ["1", "2", "3", "4", "5"].map { Self.thumbprint(Character($0)) }
        let six = five + [Self.thumbprint("6")]
        let message = "Thumbprint list must contain fewer than 5 entries."
        await K.expectError(.invalidInput, message) {
            try await Self.create(f, "https://issuer.example.com", thumbprints: six)
        }
        let arn = try #require(
            try await Self.create(f, "https://issuer.example.com", thumbprints: five).openIDConnectProviderArn)
        #expect(try await Self.get(f, arn).thumbprintList == five)
        await K.expectError(.invalidInput, message) {
            try await f.iam.updateOpenIDConnectProviderThumbprint(
                UpdateOpenIDConnectProviderThumbprintInput(openIDConnectProviderArn: arn, thumbprintList: six),
                caller: f.root)
        }
        #expect(try await Self.get(f, arn).thumbprintList == five)
    }

    @Test(
        "a thumbprint that is not 40 hex digits is InvalidInput naming it",
        arguments: [
            String(repeating: "g", count: 40), String(repeating: "a", count: 39), String(repeating: "a", count: 41),
        ])
    func thumbprintFormat(thumbprint: String) async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.invalidInput, "Thumbprint \(thumbprint) is not 40 hexadecimal digits.") {
            try await Self.create(f, "https://issuer.example.com", thumbprints: [thumbprint])
        }
    }

    @Test(
        "UpdateOpenIDConnectProviderThumbprint replaces the list (lowercased); a missing provider is NoSuchEntity whatever the list"
    )
    func updateThumbprints() async throws {
        let f = try await ServiceFixture.make()
        let arn = try #require(
            try await Self.create(f, "https://issuer.example.com", thumbprints: [Self.thumbprint("1")])
                .openIDConnectProviderArn)
        _ = try await f.iam.updateOpenIDConnectProviderThumbprint(
            UpdateOpenIDConnectProviderThumbprintInput(
                openIDConnectProviderArn: arn, thumbprintList: [Self.thumbprint("A"), Self.thumbprint("0")]),
            caller: f.root)
        #expect(try await Self.get(f, arn).thumbprintList == [Self.thumbprint("a"), Self.thumbprint("0")])

        let missing = K.oidcArn(f, "nobody.example.com")
        await K.expectError(.noSuchEntity, "OpenIDConnect Provider not found for arn \(missing)") {
            try await f.iam.updateOpenIDConnectProviderThumbprint(
                UpdateOpenIDConnectProviderThumbprintInput(
                    openIDConnectProviderArn: missing, thumbprintList: [String(repeating: "g", count: 40)]),
                caller: f.root)
        }
    }

    // MARK: Client IDs

    @Test("client IDs are added and removed idempotently")
    func clientIDs() async throws {
        let f = try await ServiceFixture.make()
        let arn = try #require(try await Self.create(f, "https://issuer.example.com").openIDConnectProviderArn)
        for _ in 0..<2 {
            _ = try await f.iam.addClientIDToOpenIDConnectProvider(
                AddClientIDToOpenIDConnectProviderInput(openIDConnectProviderArn: arn, clientID: "ci"), caller: f.root)
        }
        _ = try await f.iam.addClientIDToOpenIDConnectProvider(
            AddClientIDToOpenIDConnectProviderInput(openIDConnectProviderArn: arn, clientID: "web"), caller: f.root)
        _ = try await f.iam.removeClientIDFromOpenIDConnectProvider(
            RemoveClientIDFromOpenIDConnectProviderInput(openIDConnectProviderArn: arn, clientID: "absent"),
            caller: f.root)
        #expect(try await Self.get(f, arn).clientIDList == ["ci", "web"])
        _ = try await f.iam.removeClientIDFromOpenIDConnectProvider(
            RemoveClientIDFromOpenIDConnectProviderInput(openIDConnectProviderArn: arn, clientID: "ci"), caller: f.root)
        #expect(try await Self.get(f, arn).clientIDList == ["web"])

        let missing = K.oidcArn(f, "nobody.example.com")
        await K.expectError(.noSuchEntity, "OpenIDConnect Provider not found for arn \(missing)") {
            try await f.iam.addClientIDToOpenIDConnectProvider(
                AddClientIDToOpenIDConnectProviderInput(openIDConnectProviderArn: missing, clientID: "ci"),
                caller: f.root)
        }
        await K.expectError(.noSuchEntity, "OpenIDConnect Provider not found for arn \(missing)") {
            try await f.iam.removeClientIDFromOpenIDConnectProvider(
                RemoveClientIDFromOpenIDConnectProviderInput(openIDConnectProviderArn: missing, clientID: "ci"),
                caller: f.root)
        }
    }

    @Test("a provider holds at most 100 client IDs: at creation and when adding; adding one already there still works")
    func clientIDQuota() async throws {
        let f = try await ServiceFixture.make()
        let hundred = (1...100).map { "client\($0)" }
        let message = "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100"
        await K.expectError(.limitExceeded, message) {
            try await Self.create(f, "https://issuer.example.com", clientIDs: hundred + ["client101"])
        }
        #expect(try await Self.arns(f) == [])
        // Repeats are not counted.
        let arn = try #require(
            try await Self.create(f, "https://issuer.example.com", clientIDs: hundred + ["client1"])
                .openIDConnectProviderArn)
        await K.expectError(.limitExceeded, message) {
            try await f.iam.addClientIDToOpenIDConnectProvider(
                AddClientIDToOpenIDConnectProviderInput(openIDConnectProviderArn: arn, clientID: "client101"),
                caller: f.root)
        }
        _ = try await f.iam.addClientIDToOpenIDConnectProvider(
            AddClientIDToOpenIDConnectProviderInput(openIDConnectProviderArn: arn, clientID: "client100"),
            caller: f.root)
        #expect(try await Self.get(f, arn).clientIDList == hundred)
    }

    // MARK: Delete

    @Test("deleting twice: the second is NoSuchEntity, as is reading a deleted provider or deleting another account's")
    func delete() async throws {
        let f = try await ServiceFixture.make()
        let arn = try #require(try await Self.create(f, "https://issuer.example.com").openIDConnectProviderArn)
        _ = try await f.iam.deleteOpenIDConnectProvider(
            DeleteOpenIDConnectProviderInput(openIDConnectProviderArn: arn), caller: f.root)
        await K.expectError(.noSuchEntity, "OpenId connect Provider \(arn) cannot be found.") {
            try await f.iam.deleteOpenIDConnectProvider(
                DeleteOpenIDConnectProviderInput(openIDConnectProviderArn: arn), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "OpenIDConnect Provider not found for arn \(arn)") {
            try await Self.get(f, arn)
        }
        #expect(try await Self.arns(f) == [])
        let otherAccount = "arn:aws:iam::444455556666:oidc-provider/issuer.example.com"
        await K.expectError(.noSuchEntity, "OpenId connect Provider \(otherAccount) cannot be found.") {
            try await f.iam.deleteOpenIDConnectProvider(
                DeleteOpenIDConnectProviderInput(openIDConnectProviderArn: otherAccount), caller: f.root)
        }
    }

    // MARK: Authorization

    @Test("a user no policy allows cannot create, list or read providers; allowed on the provider's ARN, it can")
    func authorization() async throws {
        let f = try await ServiceFixture.make()
        let bob = try await f.user(named: "bob")
        let arn = K.oidcArn(f, "issuer.example.com")
        await K.expectError(.accessDenied, prefix: K.denial(bob, "iam:CreateOpenIDConnectProvider", arn)) {
            try await Self.create(f, "https://issuer.example.com", as: bob)
        }
        await K.expectError(.accessDenied, prefix: K.denial(bob, "iam:ListOpenIDConnectProviders", "*")) {
            try await f.iam.listOpenIDConnectProviders(ListOpenIDConnectProvidersInput(), caller: bob)
        }
        #expect(try await Self.arns(f) == [])

        try await K.grant(f, user: "bob", K.allow("iam:*OpenIDConnectProvider", resource: arn))
        try await Self.create(f, "https://issuer.example.com", as: bob)
        let got = try await f.iam.getOpenIDConnectProvider(
            GetOpenIDConnectProviderInput(openIDConnectProviderArn: arn), caller: bob)
        #expect(got.url == "issuer.example.com")
        // Another provider's ARN is still refused.
        let other = K.oidcArn(f, "other.example.com")
        await K.expectError(.accessDenied, prefix: K.denial(bob, "iam:GetOpenIDConnectProvider", other)) {
            try await f.iam.getOpenIDConnectProvider(
                GetOpenIDConnectProviderInput(openIDConnectProviderArn: other), caller: bob)
        }
    }
}
