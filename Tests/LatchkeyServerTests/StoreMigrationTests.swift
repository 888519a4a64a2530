import Foundation
import LatchkeyDomain
import LatchkeySQLite
import LatchkeyServer
import LatchkeyTestSupport
import Logging
import Testing

/// `latchkey migrate-store`'s copier: an SQLite store holding every kind of entity is copied into an empty store
/// of every kind (SQLite, in memory, PostgreSQL when configured) and reads back equal, version numbers and sealed
/// bytes included; a target that is not empty is refused with nothing written; bad arguments are named.
@Suite struct StoreMigrationTests {
    typealias Fixture = StoreFixture

    static let accountId = Fixture.accountId
    static let now = Fixture.date(plusSeconds: 10_000)

    static func arn(_ policy: String, path: String = "/") -> String { Fixture.policyArn(policy, path: path) }

    /// Fills `store` with one of everything (two accounts), including a managed policy whose first and last
    /// versions were deleted (so the next version number is past every version that exists).
    static func populate(_ store: any LatchkeyStore) async throws {
        let other = Fixture.otherAccountId
        try await store.insertAccount(Fixture.account)
        try await store.insertAccount(Account(id: other, createDate: Fixture.date(plusSeconds: 5)))

        // Managed policies: Alpha with versions v2 and v3 left (v3 the default, next v5), Beta in a path with tags,
        // Gamma used as a boundary.
        try await store.insertManagedPolicy(Fixture.policy("Alpha"), document: Fixture.document("alpha:V1"))
        for number in 2...4 {
            _ = try await store.createPolicyVersion(
                policyArn: arn("Alpha"), document: Fixture.document("alpha:V\(number)"), setAsDefault: false,
                createDate: Fixture.date(plusSeconds: Double(300 + number)))
        }
        try await store.setDefaultPolicyVersion(policyArn: arn("Alpha"), versionId: "v3")
        try await store.deletePolicyVersion(policyArn: arn("Alpha"), versionId: "v1")
        try await store.deletePolicyVersion(policyArn: arn("Alpha"), versionId: "v4")
        try await store.insertManagedPolicy(
            Fixture.policy("Beta", path: "/team/", tags: [ResourceTag(key: "k", value: "v")]),
            document: Fixture.document("beta:Get"))
        try await store.insertManagedPolicy(Fixture.policy("Gamma"), document: Fixture.document("gamma:*"))
        try await store.insertManagedPolicy(
            Fixture.policy("Elsewhere", accountId: other), document: Fixture.document("other:Get"))

        var role = Fixture.role("Deployer", description: "deploys")
        role.maxSessionDuration = 7200
        role.permissionsBoundaryArn = arn("Gamma")
        role.tags = [ResourceTag(key: "team", value: "ops")]
        try await store.insertRole(role)
        try await store.insertRole(Fixture.role("Auditor", path: "/audit/"))
        try await store.insertUser(
            Fixture.user("Alice", tags: [ResourceTag(key: "Dept", value: "R&D"), ResourceTag(key: "a", value: "")]))
        try await store.setPermissionsBoundary(accountId: accountId, principal: .user("Alice"), policyArn: arn("Gamma"))
        try await store.insertUser(Fixture.user("bob", path: "/eng/"))
        try await store.insertUser(Fixture.user("carol", accountId: other))
        try await store.insertGroup(Fixture.group("Admins"))
        try await store.insertGroup(Fixture.group("empty", path: "/x/"))
        try await store.addUserToGroup(accountId: accountId, groupName: "Admins", userName: "Alice")
        try await store.addUserToGroup(accountId: accountId, groupName: "Admins", userName: "bob")

        try await store.putInlinePolicy(
            InlinePolicy(
                accountId: accountId, owner: .user("Alice"), policyName: "S3", document: Fixture.document("s3:*")))
        try await store.putInlinePolicy(
            InlinePolicy(
                accountId: accountId, owner: .role("Deployer"), policyName: "Logs",
                document: Fixture.document("logs:*")))
        try await store.putInlinePolicy(
            InlinePolicy(
                accountId: accountId, owner: .group("Admins"), policyName: "Ec2", document: Fixture.document("ec2:*")))
        for owner: PolicyOwner in [.user("Alice"), .role("Deployer"), .group("Admins")] {
            try await store.attachPolicy(accountId: accountId, owner: owner, policyArn: arn("Alpha"))
        }
        try await store.attachPolicy(accountId: accountId, owner: .user("bob"), policyArn: arn("Beta", path: "/team/"))

        // Keys: a user's with a last use, an inactive one, the root's, another account's.
        try await store.insertAccessKey(Fixture.key("AKIAALICE00000000001", userName: "Alice", createdAfter: 400))
        try await store.insertAccessKey(
            Fixture.key("AKIABOB0000000000001", userName: "bob", createdAfter: 410, status: .inactive))
        try await store.insertAccessKey(Fixture.key("AKIAROOT000000000001", createdAfter: 1))
        try await store.insertAccessKey(Fixture.key("AKIAOTHER00000000001", accountId: other, createdAfter: 2))
        try await store.recordAccessKeyUses([
            AccessKeyUse(
                accessKeyId: "AKIAALICE00000000001", date: Fixture.date(plusSeconds: 500), serviceName: "sts",
                region: "eu-west-1")
        ])
        // MFA: one device enabled for Alice with a last used step, one never enabled.
        try await store.insertMFADevice(Fixture.device("alice-phone"))
        try await store.enableMFADevice(
            accountId: accountId, serialNumber: Fixture.serial("alice-phone"), userName: "Alice",
            enableDate: Fixture.date(plusSeconds: 600), lastUsedStep: 56_789)
        try await store.insertMFADevice(Fixture.device("spare"))

        try await store.insertOIDCProvider(
            OIDCProvider(
                accountId: accountId, identity: "idp.example.com/tenant", url: "https://idp.example.com/tenant",
                clientIDs: ["sts.amazonaws.com", "app"], thumbprints: [String(repeating: "a", count: 40)],
                tags: [ResourceTag(key: "idp", value: "1")], createDate: Fixture.date(plusSeconds: 700)))
        try await store.insertSAMLProvider(
            SAMLProvider(
                accountId: accountId, name: "Corp", uuid: "3f1c2a9e-0000-4000-8000-000000000001",
                metadataDocument: "<EntityDescriptor/>", signingCertificates: [[0x30, 0x82, 0, 1], [0x30, 0]],
                entityId: "https://idp.corp.example/saml", validUntil: Fixture.date(plusSeconds: 99_999),
                createDate: Fixture.date(plusSeconds: 710)))
        try await store.modifyOutboundFederation(accountId: accountId) { state in
            state.enabled = true
            state.keys = [
                OutboundSigningKeyRecord(
                    keyId: "kid-old", algorithm: "RS256", sealedPrivateKey: [1, 2, 3, 0, 255],
                    createdAt: Fixture.date(plusSeconds: 800), retiredAt: Fixture.date(plusSeconds: 900)),
                OutboundSigningKeyRecord(
                    keyId: "kid-new", algorithm: "ES384", sealedPrivateKey: [4, 5, 6],
                    createdAt: Fixture.date(plusSeconds: 900)),
            ]
        }

        // Cluster state: the master-key check, two session-token keys, a live and an expired revocation.
        _ = try await store.insertStoreSettingIfAbsent(StoreSettingName.masterKeyCheck, value: [0xC4, 0, 0x1D])
        try await store.modifySessionTokenKeys { keys in
            keys = [
                SessionTokenKeyRecord(
                    keyId: 1, sealedKey: nil, isActive: false, createDate: Fixture.date(plusSeconds: 0),
                    acceptedUntil: Fixture.date(plusSeconds: 20_000)),
                SessionTokenKeyRecord(
                    keyId: 2, sealedKey: [9, 9, 9, 0], isActive: true, createDate: Fixture.date(plusSeconds: 1000)),
            ]
        }
        try await store.insertSessionRevocation(
            SessionRevocation(
                id: "rev-live", accountId: accountId, target: .principalArn("arn:aws:iam::123456789012:user/Alice"),
                issuedBefore: Fixture.date(plusSeconds: 1100), expiresAt: Fixture.date(plusSeconds: 50_000),
                createDate: Fixture.date(plusSeconds: 1100)))
        try await store.insertSessionRevocation(
            SessionRevocation(
                id: "rev-expired", accountId: accountId, target: .accessKeyId("ASIAEXPIRED000000001"),
                issuedBefore: Fixture.date(plusSeconds: 1200), expiresAt: Fixture.date(plusSeconds: 9_000),
                createDate: Fixture.date(plusSeconds: 1200)))
    }

    /// A populated SQLite store in a temporary folder, passed with its file path.
    static func withPopulatedSQLite(_ body: (SQLiteIdentityStore, String) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/latchkey.sqlite"
            let store = try SQLiteIdentityStore(path: path)
            defer { try? store.close() }
            try await populate(store)
            try await body(store, path)
        }
    }

    @Test("everything is copied into an empty store and reads back equal", arguments: StoreKind.allCases)
    func copiesEverything(kind: StoreKind) async throws {
        try await Self.withPopulatedSQLite { source, _ in
            try await kind.withEmptyStore { target in
                let migration = StoreMigration(source: source, target: target, now: Self.now)
                let counts = try await migration.run()
                try await migration.verify()

                var expected = StoreMigration.Counts()
                expected.accounts = 2
                expected.users = 3
                expected.accessKeys = 4
                expected.accessKeyLastUses = 1
                expected.mfaDevices = 2
                expected.roles = 2
                expected.managedPolicies = 4
                expected.policyVersions = 5
                expected.groups = 2
                expected.groupMemberships = 2
                expected.inlinePolicies = 3
                expected.attachedPolicies = 4
                expected.oidcProviders = 1
                expected.samlProviders = 1
                expected.outboundIssuers = 1
                expected.outboundSigningKeys = 2
                expected.storeSettings = 1
                expected.sessionTokenKeys = 2
                expected.sessionRevocations = 1
                #expect(counts == expected)

                let copied = try await StoreSnapshot.read(target, now: Self.now)
                #expect(copied == (try await StoreSnapshot.read(source, now: Self.now)))

                // Spot checks through the normal readers, independent of the snapshot.
                let versions = try await target.policyVersions(policyArn: Self.arn("Alpha"))
                #expect(versions.map(\.versionId) == ["v3", "v2"])
                #expect(versions.map(\.isDefaultVersion) == [true, false])
                #expect(versions.first?.document == Fixture.document("alpha:V3"))
                let alpha = try await target.managedPolicy(arn: Self.arn("Alpha"))
                #expect(alpha?.defaultVersionId == "v3")
                #expect(alpha?.updateDate == Fixture.date(plusSeconds: 304))
                #expect(alpha?.attachmentCount == 3)
                #expect(try await target.managedPolicy(arn: Self.arn("Gamma"))?.permissionsBoundaryUsageCount == 2)
                #expect(
                    try await target.accessKey(id: "AKIAALICE00000000001")?.sealedSecret
                        == Fixture.key("AKIAALICE00000000001").sealedSecret)
                #expect(try await target.accessKey(id: "AKIABOB0000000000001")?.status == .inactive)
                #expect(
                    try await target.accessKeyLastUse(id: "AKIAALICE00000000001")
                        == AccessKeyUse(
                            accessKeyId: "AKIAALICE00000000001", date: Fixture.date(plusSeconds: 500),
                            serviceName: "sts", region: "eu-west-1"))
                let device = try await target.mfaDevice(
                    accountId: Self.accountId, serialNumber: Fixture.serial("alice-phone"))
                #expect(device?.userName == "Alice")
                #expect(device?.lastUsedStep == 56_789)
                #expect(device?.sealedSeed == Fixture.device("alice-phone").sealedSeed)
                let alice = try await target.user(accountId: Self.accountId, userName: "alice")
                #expect(alice?.permissionsBoundaryArn == Self.arn("Gamma"))
                #expect(
                    try await target.outboundFederation(accountId: Self.accountId)?.keys.map(\.sealedPrivateKey)
                        == [[1, 2, 3, 0, 255], [4, 5, 6]])
                #expect(try await target.sessionTokenKeys().map(\.sealedKey) == [nil, [9, 9, 9, 0]])
                #expect(try await target.sessionRevocations(liveAt: Fixture.epoch).map(\.id) == ["rev-live"])
                #expect(
                    try await target.storeSetting(StoreSettingName.masterKeyCheck) == [0xC4, 0, 0x1D])

                // Version numbers continue where the source's would: never reused.
                let next = try await target.createPolicyVersion(
                    policyArn: Self.arn("Alpha"), document: Fixture.document("alpha:V5"), setAsDefault: false,
                    createDate: Self.now)
                #expect(next.versionId == "v5")
            }
        }
    }

    @Test("a target that holds an account is refused and nothing is written", arguments: StoreKind.allCases)
    func nonEmptyTargetRefused(kind: StoreKind) async throws {
        try await Self.withPopulatedSQLite { source, _ in
            try await kind.withEmptyStore { target in
                try await target.insertAccount(Account(id: "999999999999", createDate: Fixture.epoch))
                let before = try await StoreSnapshot.read(target, now: Self.now)
                await #expect(throws: StoreMigration.Failure.self) {
                    _ = try await StoreMigration(source: source, target: target, now: Self.now).run()
                }
                #expect(try await StoreSnapshot.read(target, now: Self.now) == before)
                #expect(try await target.accounts().map(\.id) == ["999999999999"])
            }
        }
    }

    @Test(
        "a target whose master-key check differs, or that holds session-token keys, is refused",
        arguments: StoreKind.allCases)
    func targetWithClusterStateRefused(kind: StoreKind) async throws {
        try await Self.withPopulatedSQLite { source, _ in
            try await kind.withEmptyStore { target in
                _ = try await target.insertStoreSettingIfAbsent(StoreSettingName.masterKeyCheck, value: [1])
                let error = await #expect(throws: StoreMigration.Failure.self) {
                    _ = try await StoreMigration(source: source, target: target, now: Self.now).run()
                }
                #expect(error?.description.contains(StoreSettingName.masterKeyCheck) == true)
                #expect(try await target.accounts().isEmpty)
            }
            try await kind.withEmptyStore { target in
                try await target.modifySessionTokenKeys { keys in
                    keys = [SessionTokenKeyRecord(keyId: 7, sealedKey: nil, isActive: true, createDate: Fixture.epoch)]
                }
                await #expect(throws: StoreMigration.Failure.self) {
                    _ = try await StoreMigration(source: source, target: target, now: Self.now).run()
                }
                #expect(try await target.accounts().isEmpty)
            }
        }
    }

    @Test("an empty source is refused")
    func emptySourceRefused() async throws {
        try await withTemporaryDirectory { directory in
            let source = try SQLiteIdentityStore(path: directory + "/latchkey.sqlite")
            defer { try? source.close() }
            try await StoreKind.memory.withEmptyStore { target in
                let error = await #expect(throws: StoreMigration.Failure.self) {
                    _ = try await StoreMigration(source: source, target: target, now: Self.now).run()
                }
                #expect(error?.description.contains("holds no account") == true)
            }
        }
    }

    @Test("bad --from arguments are named: not sqlite:, no path, a missing file, not a Latchkey store")
    func badSourceArguments() async throws {
        try await withTemporaryDirectory { directory in
            func failure(_ argument: String) -> String? {
                do {
                    let source = try StoreMigration.openSource(argument)
                    try? source.store.close()
                    Issue.record("\(argument) was accepted")
                    return nil
                } catch let error as StoreMigration.Failure {
                    return error.description
                } catch {
                    Issue.record("\(argument): \(error)")
                    return nil
                }
            }
            #expect(failure("/tmp/latchkey.sqlite")?.contains("--from must be sqlite:PATH") == true)
            #expect(failure("sqlite:")?.contains("names no file") == true)
            #expect(failure("sqlite:\(directory)/missing.sqlite")?.contains("no file at") == true)
            // A folder without a store in it, a text file, an SQLite database of something else.
            #expect(failure("sqlite:\(directory)")?.contains("no file at \(directory)/latchkey.sqlite") == true)
            _ = FileManager.default.createFile(atPath: directory + "/notes.txt", contents: Data("hello".utf8))
            #expect(failure("sqlite:\(directory)/notes.txt")?.contains("not a readable SQLite database") == true)
            #expect(!FileManager.default.fileExists(atPath: directory + "/latchkey.sqlite"))
        }
    }

    @Test("sqlite:PATH names the store file or its data folder, and opens an existing store unchanged")
    func sourceArgumentForms() async throws {
        try await Self.withPopulatedSQLite { _, path in
            let directory = (path as NSString).deletingLastPathComponent
            for argument in ["sqlite:\(path)", "sqlite://\(path)", "sqlite:\(directory)"] {
                let source = try StoreMigration.openSource(argument)
                #expect(try await source.store.accounts().count == 2)
                try source.store.close()
            }
        }
    }

    @Test("a store whose data folder a server holds is refused; once the server is gone it opens")
    func storeInUseRefused() async throws {
        try await Self.withPopulatedSQLite { _, path in
            let directory = (path as NSString).deletingLastPathComponent
            var server: DataDirectoryLock? = try DataDirectoryLock.acquire(directory: directory)
            do {
                let source = try StoreMigration.openSource("sqlite:\(path)")
                try? source.store.close()
                Issue.record("a store in use was opened")
            } catch let error as StoreMigration.Failure {
                #expect(error.description.contains("already in use by another latchkey server"))
                #expect(error.description.hasSuffix("stop it first"))
            }
            withExtendedLifetime(server) {}
            server = nil
            let source = try StoreMigration.openSource("sqlite:\(path)")
            // While the migration holds the folder, no server can start on it.
            #expect(throws: StartupError.self) { _ = try DataDirectoryLock.acquire(directory: directory) }
            try source.store.close()
        }
    }

    @Test("bad --to URLs are refused before anything is opened")
    func badTargetURL() async throws {
        try await Self.withPopulatedSQLite { _, path in
            for url in ["mysql://db/latchkey", "postgres://host/db?sslmode=sometimes", ""] {
                let error = await #expect(throws: StoreMigration.Failure.self) {
                    _ = try await StoreMigration.migrate(
                        from: "sqlite:\(path)", to: url, now: Self.now, logger: Logger(label: "test"))
                }
                #expect(error?.description.hasPrefix("--to: ") == true, "\(url)")
            }
        }
    }

    @Test(
        "migrate copies an SQLite file into a new PostgreSQL schema, verifies it, and refuses a second run",
        .enabled(if: PostgresTestDatabase.isEnabled))
    func migratesIntoPostgreSQL() async throws {
        try await Self.withPopulatedSQLite { source, path in
            let expected = try await StoreSnapshot.read(source, now: Self.now)
            try source.close()
            let configuration = try PostgresTestDatabase.configuration()
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            let counts: StoreMigration.Counts
            do {
                counts = try await StoreMigration.migrate(
                    from: "sqlite:\(path)", to: configuration, now: Self.now, logger: logger)
            } catch {
                // Drop the schema the failed run created.
                try? await PostgresTestDatabase.withStore({ $0 = configuration }) { _ in }
                throw error
            }
            #expect(counts.accounts == 2)
            #expect(counts.policyVersions == 5)
            let second = await #expect(throws: StoreMigration.Failure.self) {
                _ = try await StoreMigration.migrate(
                    from: "sqlite:\(path)", to: configuration, now: Self.now, logger: logger)
            }
            #expect(second?.description.contains("not empty") == true)
            let copied = try await PostgresTestDatabase.withStore({ $0 = configuration }) { target in
                try await StoreSnapshot.read(target, now: Self.now)
            }
            #expect(copied == expected)
        }
    }
}
