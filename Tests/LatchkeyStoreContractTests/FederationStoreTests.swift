import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

@Suite struct FederationStoreTests {
    static func oidc(_ identity: String = "issuer.example.com:8443/realms/ci") -> OIDCProvider {
        OIDCProvider(
            accountId: Fixture.accountId, identity: identity, url: "https://\(identity)",
            clientIDs: ["sts.amazonaws.com", "ci"],
            thumbprints: [String(repeating: "ab", count: 20)], tags: [ResourceTag(key: "team", value: "build")],
            createDate: Date(timeIntervalSince1970: 1_700_000_000))
    }

    static func saml(_ name: String = "Okta") -> SAMLProvider {
        SAMLProvider(
            accountId: Fixture.accountId, name: name, uuid: UUID().uuidString, metadataDocument: "<EntityDescriptor/>",
            signingCertificates: [[0x30, 0x82, 0x01], [0x30, 0x00]], entityId: "http://idp.example.com/\(name)",
            validUntil: Date(timeIntervalSince1970: 1_900_000_000), tags: [],
            createDate: Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test("an OIDC provider reads back equal, keyed by its identity with the port", arguments: StoreKind.allCases)
    func oidcProviderReadsBack(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let provider = Self.oidc()
            try await store.insertOIDCProvider(provider)
            #expect(try await store.oidcProvider(accountId: Fixture.accountId, identity: provider.identity) == provider)
            #expect(
                try await store.oidcProvider(accountId: Fixture.accountId, identity: "issuer.example.com/realms/ci")
                    == nil)
            #expect(provider.arn == "arn:aws:iam::123456789012:oidc-provider/issuer.example.com:8443/realms/ci")
        }
    }

    @Test("a second OIDC provider with the same identity is rejected with alreadyExists", arguments: StoreKind.allCases)
    func duplicateOIDCProviderIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertOIDCProvider(Self.oidc())
            let error = await storeError { try await store.insertOIDCProvider(Self.oidc()) }
            #expect(error?.code == .alreadyExists)
        }
    }

    @Test(
        "modifying an OIDC provider writes client IDs, thumbprints and tags (not its URL or date); a delete removes it",
        arguments: StoreKind.allCases)
    func oidcProviderUpdatesAndDeletes(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            var provider = Self.oidc()
            try await store.insertOIDCProvider(provider)
            provider.clientIDs = ["only"]
            provider.thumbprints = []
            provider.tags = []
            let returned = try await store.modifyOIDCProvider(accountId: Fixture.accountId, identity: provider.identity)
            {
                stored in
                stored.clientIDs = ["only"]
                stored.thumbprints = []
                stored.tags = []
                stored.url = "https://elsewhere.example.com"
                stored.createDate = Date(timeIntervalSince1970: 0)
            }
            #expect(returned == provider)
            #expect(try await store.oidcProviders(accountId: Fixture.accountId) == [provider])
            try await store.deleteOIDCProvider(accountId: Fixture.accountId, identity: provider.identity)
            #expect(try await store.oidcProviders(accountId: Fixture.accountId).isEmpty)
            let error = await storeError {
                try await store.deleteOIDCProvider(accountId: Fixture.accountId, identity: provider.identity)
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test("an OIDC provider for an account that does not exist is notFound", arguments: StoreKind.allCases)
    func oidcProviderNeedsAccount(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            var provider = Self.oidc()
            provider.accountId = "999999999999"
            let error = await storeError { try await store.insertOIDCProvider(provider) }
            #expect(error?.code == .notFound)
        }
    }

    @Test(
        "a SAML provider reads back with its certificates, looked up by name ignoring case",
        arguments: StoreKind.allCases)
    func samlProviderReadsBack(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let provider = Self.saml()
            try await store.insertSAMLProvider(provider)
            #expect(try await store.samlProvider(accountId: Fixture.accountId, name: "okta") == provider)
            let error = await storeError { try await store.insertSAMLProvider(Self.saml("OKTA")) }
            #expect(error?.code == .alreadyExists)
            var updated = provider
            updated.metadataDocument = "<EntityDescriptor new=\"1\"/>"
            updated.signingCertificates = [[1, 2, 3]]
            updated.validUntil = nil
            let returned = try await store.modifySAMLProvider(accountId: Fixture.accountId, name: "OKTA") { stored in
                stored.metadataDocument = "<EntityDescriptor new=\"1\"/>"
                stored.signingCertificates = [[1, 2, 3]]
                stored.validUntil = nil
                stored.uuid = "changed"
            }
            #expect(returned == updated)
            #expect(try await store.samlProviders(accountId: Fixture.accountId) == [updated])
            try await store.deleteSAMLProvider(accountId: Fixture.accountId, name: "OKTA")
            #expect(try await store.samlProvider(accountId: Fixture.accountId, name: "Okta") == nil)
        }
    }

    @Test(
        "outbound federation state and keys are saved, replaced and read back in creation order",
        arguments: StoreKind.allCases)
    func outboundFederationRoundTrips(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            #expect(try await store.outboundFederation(accountId: Fixture.accountId) == nil)
            let first = OutboundSigningKeyRecord(
                keyId: "k1", algorithm: "RS256", sealedPrivateKey: [1, 2, 3],
                createdAt: Date(timeIntervalSince1970: 100))
            let second = OutboundSigningKeyRecord(
                keyId: "k2", algorithm: "ES384", sealedPrivateKey: [4, 5], createdAt: Date(timeIntervalSince1970: 200),
                retiredAt: Date(timeIntervalSince1970: 300))
            try await store.modifyOutboundFederation(accountId: Fixture.accountId) { state in
                #expect(state == OutboundFederation(accountId: Fixture.accountId, enabled: false, keys: []))
                state.enabled = true
                state.keys = [second, first]
            }
            #expect(try await store.outboundFederation(accountId: Fixture.accountId)?.keys == [first, second])
            let state = try await store.modifyOutboundFederation(accountId: Fixture.accountId) { state in
                state.enabled = false
                state.keys = [first]
            }
            #expect(try await store.outboundFederation(accountId: Fixture.accountId) == state)
            let error = await storeError {
                try await store.modifyOutboundFederation(accountId: Fixture.otherAccountId) { $0.enabled = true }
            }
            #expect(error?.code == .notFound)
        }
    }
}
