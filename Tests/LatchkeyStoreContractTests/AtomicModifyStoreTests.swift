import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

/// The `modify...` contract of the store protocols ("No lost updates" in `IdentityStore`): the read, the caller's
/// change and the write happen in one transaction, an error thrown by the change aborts it and comes back
/// unchanged, a missing entity is `.notFound`; and per-account quotas are counted by the inserting transaction.
///
/// The concurrency tests release many calls together and check that every change survives; with the old
/// mechanism (read in one call, write the whole entity back in another) they lose changes.
@Suite struct AtomicModifyStoreTests {
    /// How many calls race in each concurrency test.
    static let racers = 20

    /// An error of the caller's own, which the store must rethrow as it is.
    struct Refused: Error, Equatable {
        let reason: String
    }

    static func tag(_ index: Int) -> ResourceTag {
        ResourceTag(key: "racer-\(index)", value: "\(index)")
    }

    /// The tag keys every racer should have left, in any order.
    static var allRacerKeys: Set<String> { Set((0..<racers).map { tag($0).key }) }

    /// Runs `body(0..<count)` concurrently and waits for all of them; the first error is rethrown.
    static func race(_ count: Int = racers, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask { try await body(index) }
            }
            try await group.waitForAll()
        }
    }

    // MARK: Concurrent changes all survive

    @Test("concurrent modifyRole calls each adding a tag: every tag survives", arguments: StoreKind.allCases)
    func concurrentRoleTagsAllSurvive(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("Deployer"))
            try await Self.race { index in
                try await store.modifyRole(accountId: Fixture.accountId, roleName: "Deployer") { role in
                    role.tags.append(Self.tag(index))
                }
            }
            let role = try await store.role(accountId: Fixture.accountId, roleName: "Deployer")
            #expect(Set(role?.tags.map(\.key) ?? []) == Self.allRacerKeys)
        }
    }

    @Test(
        "a trust policy change racing tag changes on the same role is kept, and so are the tags",
        arguments: StoreKind.allCases)
    func trustPolicyChangeRacingTagsIsKept(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("Deployer"))
            let tightened = #"{"Version":"2012-10-17","Statement":[]}"#
            try await Self.race(Self.racers + 1) { index in
                try await store.modifyRole(accountId: Fixture.accountId, roleName: "Deployer") { role in
                    if index == Self.racers {
                        role.assumeRolePolicyDocument = tightened
                    } else {
                        role.tags.append(Self.tag(index))
                    }
                }
            }
            let role = try await store.role(accountId: Fixture.accountId, roleName: "Deployer")
            #expect(role?.assumeRolePolicyDocument == tightened)
            #expect(Set(role?.tags.map(\.key) ?? []) == Self.allRacerKeys)
        }
    }

    @Test("concurrent modifyUser calls each adding a tag: every tag survives", arguments: StoreKind.allCases)
    func concurrentUserTagsAllSurvive(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            try await Self.race { index in
                try await store.modifyUser(accountId: Fixture.accountId, userName: "alice") { user in
                    user.tags.append(Self.tag(index))
                }
            }
            let user = try await store.user(accountId: Fixture.accountId, userName: "Alice")
            #expect(Set(user?.tags.map(\.key) ?? []) == Self.allRacerKeys)
        }
    }

    @Test(
        "a boundary set while tags are being changed is kept: modifyRole and modifyUser never write the boundary",
        arguments: StoreKind.allCases)
    func boundaryRacingTagsIsKept(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let boundary = try await Fixture.insertPolicy(store, "Boundary")
            try await store.insertRole(Fixture.role("Deployer"))
            try await store.insertUser(Fixture.user("Alice"))
            try await Self.race(Self.racers + 2) { index in
                switch index {
                case Self.racers:
                    try await store.setPermissionsBoundary(
                        accountId: Fixture.accountId, principal: .role("Deployer"), policyArn: boundary)
                case Self.racers + 1:
                    try await store.setPermissionsBoundary(
                        accountId: Fixture.accountId, principal: .user("Alice"), policyArn: boundary)
                default:
                    try await store.modifyRole(accountId: Fixture.accountId, roleName: "Deployer") {
                        $0.tags.append(Self.tag(index))
                    }
                    try await store.modifyUser(accountId: Fixture.accountId, userName: "Alice") {
                        $0.tags.append(Self.tag(index))
                    }
                }
            }
            #expect(
                try await store.role(accountId: Fixture.accountId, roleName: "Deployer")?.permissionsBoundaryArn
                    == boundary)
            #expect(
                try await store.user(accountId: Fixture.accountId, userName: "Alice")?.permissionsBoundaryArn
                    == boundary)
        }
    }

    @Test(
        "concurrent modifyManagedPolicyTags calls each adding a tag: every tag survives", arguments: StoreKind.allCases)
    func concurrentPolicyTagsAllSurvive(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "P")
            try await Self.race { index in
                try await store.modifyManagedPolicyTags(policyArn: arn) { $0.append(Self.tag(index)) }
            }
            #expect(Set(try await store.managedPolicy(arn: arn)?.tags.map(\.key) ?? []) == Self.allRacerKeys)
        }
    }

    @Test(
        "concurrent modifyOIDCProvider calls adding client IDs and removing one: all additions survive, the removal holds",
        arguments: StoreKind.allCases)
    func concurrentOIDCClientIDsAllSurvive(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let provider = FederationStoreTests.oidc()
            try await store.insertOIDCProvider(provider)
            try await Self.race(Self.racers + 1) { index in
                try await store.modifyOIDCProvider(accountId: Fixture.accountId, identity: provider.identity) {
                    stored in
                    if index == Self.racers {
                        stored.clientIDs.removeAll { $0 == "ci" }
                    } else {
                        stored.clientIDs.append("client-\(index)")
                    }
                }
            }
            let stored = try await store.oidcProvider(accountId: Fixture.accountId, identity: provider.identity)
            let expected = Set(["sts.amazonaws.com"] + (0..<Self.racers).map { "client-\($0)" })
            #expect(Set(stored?.clientIDs ?? []) == expected)
            #expect(stored?.clientIDs.count == expected.count)
        }
    }

    @Test("concurrent modifySAMLProvider calls, tags and a metadata change: all survive", arguments: StoreKind.allCases)
    func concurrentSAMLChangesAllSurvive(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertSAMLProvider(FederationStoreTests.saml("Okta"))
            try await Self.race(Self.racers + 1) { index in
                try await store.modifySAMLProvider(accountId: Fixture.accountId, name: "okta") { stored in
                    if index == Self.racers {
                        stored.metadataDocument = "<EntityDescriptor new=\"1\"/>"
                        stored.entityId = "http://idp.example.com/new"
                    } else {
                        stored.tags.append(Self.tag(index))
                    }
                }
            }
            let stored = try await store.samlProvider(accountId: Fixture.accountId, name: "Okta")
            #expect(Set(stored?.tags.map(\.key) ?? []) == Self.allRacerKeys)
            #expect(stored?.metadataDocument == "<EntityDescriptor new=\"1\"/>")
            #expect(stored?.entityId == "http://idp.example.com/new")
        }
    }

    @Test(
        "concurrent modifyOutboundFederation calls each adding a key: every key survives", arguments: StoreKind.allCases
    )
    func concurrentOutboundChangesAllSurvive(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await Self.race { index in
                try await store.modifyOutboundFederation(accountId: Fixture.accountId) { state in
                    state.keys.append(
                        OutboundSigningKeyRecord(
                            keyId: "k\(index)", algorithm: "RS256", sealedPrivateKey: [UInt8(index)],
                            createdAt: Fixture.date(plusSeconds: Double(index))))
                }
            }
            let state = try await store.outboundFederation(accountId: Fixture.accountId)
            #expect(Set(state?.keys.map(\.keyId) ?? []) == Set((0..<Self.racers).map { "k\($0)" }))
        }
    }

    @Test(
        "a check made inside the change sees every earlier change: a cap of 10 tags is never overshot",
        arguments: StoreKind.allCases)
    func capCheckedInsideTheChangeHolds(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("Deployer"))
            let refusals = Counter()
            try await Self.race { index in
                do {
                    try await store.modifyRole(accountId: Fixture.accountId, roleName: "Deployer") { role in
                        guard role.tags.count < 10 else { throw Refused(reason: "full") }
                        role.tags.append(Self.tag(index))
                    }
                } catch let error as Refused {
                    #expect(error == Refused(reason: "full"))
                    await refusals.increment()
                }
            }
            #expect(try await store.role(accountId: Fixture.accountId, roleName: "Deployer")?.tags.count == 10)
            #expect(await refusals.value == Self.racers - 10)
        }
    }

    // MARK: A change that throws

    @Test(
        "a change that throws writes nothing and its error comes back unchanged, for every modify method",
        arguments: StoreKind.allCases)
    func throwingChangeWritesNothing(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let role = Fixture.role("Deployer", description: "kept")
            try await store.insertRole(role)
            let user = Fixture.user("Alice", tags: [ResourceTag(key: "kept", value: "1")])
            try await store.insertUser(user)
            let arn = try await Fixture.insertPolicy(store, "P")
            let policy = try await store.managedPolicy(arn: arn)
            let oidc = FederationStoreTests.oidc()
            try await store.insertOIDCProvider(oidc)
            let saml = FederationStoreTests.saml("Okta")
            try await store.insertSAMLProvider(saml)
            let refused = Refused(reason: "no")

            await #expect(throws: refused) {
                try await store.modifyRole(accountId: Fixture.accountId, roleName: "Deployer") { role in
                    role.description = "changed"
                    role.tags = [ResourceTag(key: "new", value: "")]
                    throw refused
                }
            }
            await #expect(throws: refused) {
                try await store.modifyUser(accountId: Fixture.accountId, userName: "Alice") { user in
                    user.tags = []
                    throw refused
                }
            }
            await #expect(throws: refused) {
                try await store.modifyManagedPolicyTags(policyArn: arn) { tags in
                    tags = [ResourceTag(key: "new", value: "")]
                    throw refused
                }
            }
            await #expect(throws: refused) {
                try await store.modifyOIDCProvider(accountId: Fixture.accountId, identity: oidc.identity) { provider in
                    provider.clientIDs = []
                    throw refused
                }
            }
            await #expect(throws: refused) {
                try await store.modifySAMLProvider(accountId: Fixture.accountId, name: "Okta") { provider in
                    provider.tags = [ResourceTag(key: "new", value: "")]
                    throw refused
                }
            }
            await #expect(throws: refused) {
                try await store.modifyOutboundFederation(accountId: Fixture.accountId) { state in
                    state.enabled = true
                    throw refused
                }
            }
            #expect(try await store.role(accountId: Fixture.accountId, roleName: "Deployer") == role)
            #expect(try await store.user(accountId: Fixture.accountId, userName: "Alice") == user)
            #expect(try await store.managedPolicy(arn: arn) == policy)
            #expect(try await store.oidcProvider(accountId: Fixture.accountId, identity: oidc.identity) == oidc)
            #expect(try await store.samlProvider(accountId: Fixture.accountId, name: "Okta") == saml)
            #expect(try await store.outboundFederation(accountId: Fixture.accountId) == nil)
        }
    }

    @Test(
        "a StoreError thrown by a change comes back as it was, not turned into unavailable",
        arguments: StoreKind.allCases)
    func storeErrorFromChangeIsKept(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("Deployer"))
            let error = await storeError {
                try await store.modifyRole(accountId: Fixture.accountId, roleName: "Deployer") { _ in
                    throw StoreError(.conflict, "mine")
                }
            }
            #expect(error?.code == .conflict)
            #expect(error?.detail == "mine")
        }
    }

    // MARK: Missing entities

    @Test("modifying a missing entity is notFound and never calls the change", arguments: StoreKind.allCases)
    func missingEntitiesAreNotFound(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let change: @Sendable () -> Void = { Issue.record("a change was called for a missing entity") }
            var errors: [StoreError?] = []
            errors.append(
                await storeError {
                    try await store.modifyRole(accountId: Fixture.accountId, roleName: "Ghost") { _ in change() }
                })
            errors.append(
                await storeError {
                    try await store.modifyUser(accountId: Fixture.accountId, userName: "Ghost") { _ in change() }
                })
            errors.append(
                await storeError {
                    try await store.modifyManagedPolicyTags(policyArn: Fixture.policyArn("Ghost")) { _ in change() }
                })
            errors.append(
                await storeError {
                    try await store.modifyOIDCProvider(accountId: Fixture.accountId, identity: "ghost.example.com") {
                        _ in
                        change()
                    }
                })
            errors.append(
                await storeError {
                    try await store.modifySAMLProvider(accountId: Fixture.accountId, name: "Ghost") { _ in change() }
                })
            errors.append(
                await storeError {
                    try await store.modifyOutboundFederation(accountId: Fixture.otherAccountId) { _ in change() }
                })
            #expect(errors.map { $0?.code } == Array(repeating: StoreError.Code.notFound, count: 6))
        }
    }

    // MARK: Quotas

    @Test(
        "concurrent OIDC provider inserts from 95 providers never exceed a quota of 100", arguments: StoreKind.allCases)
    func oidcQuotaHoldsUnderConcurrency(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            for index in 0..<95 {
                try await store.insertOIDCProvider(FederationStoreTests.oidc("existing-\(index).example.com"))
            }
            let outcomes = Outcomes()
            try await Self.race { index in
                do {
                    try await store.insertOIDCProvider(
                        FederationStoreTests.oidc("racer-\(index).example.com"), maxPerAccount: 100)
                    await outcomes.record(nil)
                } catch let error as StoreError {
                    await outcomes.record(error.code)
                }
            }
            #expect(try await store.oidcProviders(accountId: Fixture.accountId).count == 100)
            #expect(await outcomes.successes == 5)
            #expect(await outcomes.failures == Array(repeating: .limitExceeded, count: Self.racers - 5))
        }
    }

    @Test(
        "concurrent SAML provider inserts from 95 providers never exceed a quota of 100", arguments: StoreKind.allCases)
    func samlQuotaHoldsUnderConcurrency(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            for index in 0..<95 {
                try await store.insertSAMLProvider(FederationStoreTests.saml("Existing\(index)"))
            }
            let outcomes = Outcomes()
            try await Self.race { index in
                do {
                    try await store.insertSAMLProvider(FederationStoreTests.saml("Racer\(index)"), maxPerAccount: 100)
                    await outcomes.record(nil)
                } catch let error as StoreError {
                    await outcomes.record(error.code)
                }
            }
            #expect(try await store.samlProviders(accountId: Fixture.accountId).count == 100)
            #expect(await outcomes.successes == 5)
            #expect(await outcomes.failures == Array(repeating: .limitExceeded, count: Self.racers - 5))
        }
    }

    @Test(
        "concurrent first-account inserts on an empty store create exactly one account", arguments: StoreKind.allCases)
    func firstAccountIsCreatedOnce(kind: StoreKind) async throws {
        try await kind.withEmptyStore { store throws in
            let outcomes = Outcomes()
            try await Self.race { index in
                let id = String(100_000_000_000 + index)
                let inserted = try await store.insertFirstAccount(Account(id: id, createDate: Fixture.epoch))
                await outcomes.record(inserted ? nil : .alreadyExists)
            }
            #expect(try await store.accounts().count == 1)
            #expect(await outcomes.successes == 1)
            #expect(try await store.insertFirstAccount(Fixture.account) == false)
        }
    }

    @Test(
        "a full account refuses another provider with limitExceeded; a quota of nil means no quota",
        arguments: StoreKind.allCases)
    func quotaIsCountedPerAccount(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertOIDCProvider(FederationStoreTests.oidc("a.example.com"), maxPerAccount: 1)
            let oidcError = await storeError {
                try await store.insertOIDCProvider(FederationStoreTests.oidc("b.example.com"), maxPerAccount: 1)
            }
            #expect(oidcError?.code == .limitExceeded)
            try await store.insertOIDCProvider(FederationStoreTests.oidc("b.example.com"))
            try await store.insertSAMLProvider(FederationStoreTests.saml("A"), maxPerAccount: 1)
            let samlError = await storeError {
                try await store.insertSAMLProvider(FederationStoreTests.saml("B"), maxPerAccount: 1)
            }
            #expect(samlError?.code == .limitExceeded)
            try await store.insertSAMLProvider(FederationStoreTests.saml("B"))
            #expect(try await store.oidcProviders(accountId: Fixture.accountId).count == 2)
            #expect(try await store.samlProviders(accountId: Fixture.accountId).count == 2)
        }
    }
}

/// A count shared by concurrent tasks.
actor Counter {
    private(set) var value = 0
    func increment() { value += 1 }
}

/// The outcomes of concurrent inserts: how many succeeded, and the codes of those that failed.
actor Outcomes {
    private(set) var successes = 0
    private(set) var failures: [StoreError.Code] = []

    func record(_ failure: StoreError.Code?) {
        if let failure { failures.append(failure) } else { successes += 1 }
    }
}
