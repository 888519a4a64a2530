import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The rules of SAML providers (`IAMService+SAMLProviders.swift`), without HTTP; metadata is read with LatchkeySAML's
/// parser, as the server reads it.
@Suite struct IAMServiceSAMLProvidersTests {
    typealias K = ProviderTestKit

    @discardableResult
    static func create(
        _ iam: IAMService, _ f: ServiceFixture, _ name: String, metadata: String = K.samlMetadata(),
        tags: [IAM.Tag]? = nil, as caller: Caller? = nil
    ) async throws -> CreateSAMLProviderOutput {
        try await iam.createSAMLProvider(
            CreateSAMLProviderInput(samlMetadataDocument: metadata, name: name, tags: tags), caller: caller ?? f.root,
            now: f.clock.now)
    }

    static func get(_ iam: IAMService, _ f: ServiceFixture, _ arn: String) async throws -> GetSAMLProviderOutput {
        try await iam.getSAMLProvider(GetSAMLProviderInput(samlProviderArn: arn), caller: f.root)
    }

    static func list(_ iam: IAMService, _ f: ServiceFixture) async throws -> [IAM.SAMLProviderListEntry] {
        try await iam.listSAMLProviders(ListSAMLProvidersInput(), caller: f.root).samlProviderList ?? []
    }

    /// An ISO 8601 date in UTC (`2030-01-01T00:00:00Z`).
    static func date(_ text: String) -> Date? { ISO8601DateFormatter().date(from: text) }

    // MARK: Create, Get, List

    @Test(
        "Get answers the metadata, ValidUntil 100 years on without one in the metadata, Tags, Allowed, no private keys")
    func createAndGet() async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        f.clock.advance(by: 0.5)
        let metadata = K.samlMetadata()
        let created = try await Self.create(iam, f, "Okta", metadata: metadata)
        let arn = K.samlArn(f, "Okta")
        #expect(created.samlProviderArn == arn)
        #expect(created.tags == nil)

        let got = try await Self.get(iam, f, arn)
        let uuid = try #require(got.samlProviderUUID)
        #expect(UUID(uuidString: uuid) != nil)
        #expect(uuid == uuid.lowercased())
        #expect(got.samlMetadataDocument == metadata)
        #expect(got.createDate == TestClock.start)  // whole seconds
        #expect(got.validUntil == Self.date("2125-06-15T15:06:40Z"))
        #expect(got.tags == [])
        #expect(got.assertionEncryptionMode == "Allowed")
        #expect(got.privateKeyList == [])
    }

    @Test("ValidUntil comes from the metadata when it has one; List answers it and the creation date for each provider")
    func validUntil() async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        let tags = [IAM.Tag(key: "team", value: "id")]
        let created = try await Self.create(
            iam, f, "Dated", metadata: K.samlMetadata(validUntil: "2030-01-01T00:00:00Z"), tags: tags)
        #expect(created.tags == tags)
        try await Self.create(iam, f, "Okta")
        let dated = try await Self.get(iam, f, K.samlArn(f, "Dated"))
        #expect(dated.validUntil == Self.date("2030-01-01T00:00:00Z"))
        #expect(dated.tags == tags)
        let listed = try await Self.list(iam, f)
        #expect(listed.map(\.arn) == [K.samlArn(f, "Dated"), K.samlArn(f, "Okta")])
        #expect(
            listed.map(\.validUntil) == [
                Self.date("2030-01-01T00:00:00Z"), Self.date("2125-06-15T15:06:40Z"),
            ])
        #expect(listed.map(\.createDate) == [TestClock.start, TestClock.start])
    }

    @Test("a name is unique ignoring case: a second is EntityAlreadyExists")
    func duplicate() async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        try await Self.create(iam, f, "Okta")
        await K.expectError(.entityAlreadyExists, "SAMLProvider okta already exists.") {
            try await Self.create(iam, f, "okta")
        }
    }

    @Test("tag keys repeated at creation, whatever their case, are InvalidInput")
    func duplicateTagKeys() async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        await K.expectError(.invalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        {
            try await Self.create(iam, f, "Okta", tags: [IAM.Tag(key: "a", value: "1"), IAM.Tag(key: "A", value: "2")])
        }
        #expect(try await Self.list(iam, f).isEmpty)
    }

    @Test("an account holds at most 100 SAML providers: the 101st is LimitExceeded")
    func providerQuota() async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        for index in 1...100 { try await Self.create(iam, f, "idp\(index)") }
        await K.expectError(.limitExceeded, "Cannot exceed quota for SamlProvidersPerAccount: 100") {
            try await Self.create(iam, f, "idp101")
        }
        #expect(try await Self.list(iam, f).count == 100)
    }

    // MARK: Metadata

    @Test(
        "metadata that is not SAML 2.0 IdP metadata with a signing certificate is InvalidInput with the reason, and nothing is stored",
        arguments: [
            (
                String(repeating: "x", count: 999),
                "SAMLMetadataDocument must be between 1000 and 10000000 characters long."
            ),
            (String(repeating: "x", count: 1_000), nil),
            (
                "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY b \"c\">]><a>&b;</a>"
                    + String(repeating: " ", count: 1_000), nil
            ),
            (
                "<a xmlns=\"urn:x\"/>" + String(repeating: " ", count: 1_000),
                "The SAML metadata must have one md:EntityDescriptor root"
            ),
            (ProviderTestKit.samlMetadata(signingKey: false), "The SAML metadata has no signing certificate"),
            (
                ProviderTestKit.samlMetadata(validUntil: "soon"),
                "The SAML metadata validUntil is not a valid dateTime"
            ),
        ] as [(String, String?)])
    func badMetadata(document: String, message: String?) async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        await K.expectError(.invalidInput, message) { try await Self.create(iam, f, "Okta", metadata: document) }
        #expect(try await Self.list(iam, f).isEmpty)
    }

    @Test("without a metadata reader (SAML off on this server), CreateSAMLProvider is InvalidInput")
    func samlOff() async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.invalidInput, "SAML providers are not enabled on this server.") {
            try await Self.create(f.iam, f, "Okta")
        }
    }

    // MARK: Update

    @Test("UpdateSAMLProvider replaces the metadata (and what was read from it); without one it changes nothing")
    func update() async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        try await Self.create(iam, f, "Okta")
        let arn = K.samlArn(f, "Okta")
        let newMetadata = K.samlMetadata(entityID: "https://idp2.example.com", validUntil: "2031-05-01T00:00:00Z")
        let updated = try await iam.updateSAMLProvider(
            UpdateSAMLProviderInput(samlProviderArn: arn, samlMetadataDocument: newMetadata), caller: f.root)
        #expect(updated.samlProviderArn == arn)
        let got = try await Self.get(iam, f, arn)
        #expect(got.samlMetadataDocument == newMetadata)
        #expect(got.validUntil == Self.date("2031-05-01T00:00:00Z"))
        let stored = try #require(try await f.store.samlProvider(accountId: f.accountId, name: "Okta"))
        #expect(stored.entityId == "https://idp2.example.com")

        let unchanged = try await iam.updateSAMLProvider(UpdateSAMLProviderInput(samlProviderArn: arn), caller: f.root)
        #expect(unchanged.samlProviderArn == arn)
        #expect(try await Self.get(iam, f, arn).samlMetadataDocument == newMetadata)
    }

    @Test(
        "UpdateSAMLProvider: a missing provider is NoSuchEntity even with bad metadata; bad metadata on one is InvalidInput and changes nothing"
    )
    func updateErrors() async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        let missing = K.samlArn(f, "Nobody")
        let bad = K.samlMetadata(signingKey: false)
        await K.expectError(.noSuchEntity, "Manifest not found for arn \(missing)") {
            try await iam.updateSAMLProvider(
                UpdateSAMLProviderInput(samlProviderArn: missing, samlMetadataDocument: bad), caller: f.root)
        }
        try await Self.create(iam, f, "Okta")
        let arn = K.samlArn(f, "Okta")
        await K.expectError(.invalidInput, "The SAML metadata has no signing certificate") {
            try await iam.updateSAMLProvider(
                UpdateSAMLProviderInput(samlProviderArn: arn, samlMetadataDocument: bad), caller: f.root)
        }
        #expect(try await Self.get(iam, f, arn).samlMetadataDocument == K.samlMetadata())
        // The ARN must name the provider in its stored case.
        let wrongCase = K.samlArn(f, "OKTA")
        await K.expectError(.noSuchEntity, "Manifest not found for arn \(wrongCase)") {
            try await iam.updateSAMLProvider(UpdateSAMLProviderInput(samlProviderArn: wrongCase), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "Manifest not found for arn \(wrongCase)") {
            try await Self.get(iam, f, wrongCase)
        }
    }

    // MARK: Delete

    @Test("DeleteSAMLProvider: a second delete is NoSuchEntity, as is another account's provider")
    func delete() async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        try await Self.create(iam, f, "Okta")
        let arn = K.samlArn(f, "Okta")
        _ = try await iam.deleteSAMLProvider(DeleteSAMLProviderInput(samlProviderArn: arn), caller: f.root)
        #expect(try await Self.list(iam, f).isEmpty)
        await K.expectError(.noSuchEntity, "Manifest not found for arn \(arn)") {
            try await iam.deleteSAMLProvider(DeleteSAMLProviderInput(samlProviderArn: arn), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "Manifest not found for arn \(arn)") { try await Self.get(iam, f, arn) }
        let otherAccount = "arn:aws:iam::444455556666:saml-provider/Okta"
        await K.expectError(.noSuchEntity, "Manifest not found for arn \(otherAccount)") {
            try await iam.deleteSAMLProvider(DeleteSAMLProviderInput(samlProviderArn: otherAccount), caller: f.root)
        }
    }

    // MARK: Authorization

    @Test("a user no policy allows cannot create or list SAML providers; allowed on the provider's ARN, it can")
    func authorization() async throws {
        let f = try await ServiceFixture.make()
        let iam = K.iam(f)
        let bob = try await f.user(named: "bob")
        let arn = K.samlArn(f, "Okta")
        await K.expectError(.accessDenied, prefix: K.denial(bob, "iam:CreateSAMLProvider", arn)) {
            try await Self.create(iam, f, "Okta", as: bob)
        }
        await K.expectError(.accessDenied, prefix: K.denial(bob, "iam:ListSAMLProviders", "*")) {
            try await iam.listSAMLProviders(ListSAMLProvidersInput(), caller: bob)
        }
        #expect(try await Self.list(iam, f).isEmpty)

        try await K.grant(f, user: "bob", K.allow("iam:*SAMLProvider", resource: arn))
        try await Self.create(iam, f, "Okta", as: bob)
        _ = try await iam.deleteSAMLProvider(DeleteSAMLProviderInput(samlProviderArn: arn), caller: bob)
        #expect(try await Self.list(iam, f).isEmpty)
    }
}
