import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

/// Customer managed policies: insert, lookup by ARN, listing, tags, deletion.
@Suite struct PolicyStoreTests {
    @Test(
        "an inserted policy reads back by ARN with v1 as default, zero counts and its update date at creation",
        arguments: StoreKind.allCases)
    func insertedPolicyReadsBack(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let policy = Fixture.policy("ReadOnly", path: "/team/", tags: [ResourceTag(key: "b", value: "2")])
            var given = policy
            given.defaultVersionId = "v9"
            given.attachmentCount = 7
            given.updateDate = Fixture.date(plusSeconds: 5000)
            try await store.insertManagedPolicy(given, document: Fixture.document("s3:Get*"))
            let found = try await store.managedPolicy(arn: "arn:aws:iam::123456789012:policy/team/ReadOnly")
            #expect(found == policy)
            #expect(found?.defaultVersionId == "v1")
            #expect(found?.updateDate == found?.createDate)
            let version = try await store.policyVersion(policyArn: policy.arn, versionId: "v1")
            #expect(
                version
                    == PolicyVersion(
                        versionId: "v1", document: Fixture.document("s3:Get*"), isDefaultVersion: true,
                        createDate: policy.createDate
                    ))
        }
    }

    @Test(
        "a lookup by ARN ignores the name's case but needs the exact account and path",
        arguments: StoreKind.allCases,
        [
            ("arn:aws:iam::123456789012:policy/team/readonly", true),
            ("arn:aws:iam::123456789012:policy/team/READONLY", true),
            ("arn:aws:iam::123456789012:policy/ReadOnly", false),
            ("arn:aws:iam::123456789012:policy/Team/ReadOnly", false),
            ("arn:aws:iam::123456789012:policy/team/other/ReadOnly", false),
            ("arn:aws:iam::210987654321:policy/team/ReadOnly", false),
            ("arn:aws:iam::123456789012:policy/team/", false),
            ("arn:aws:iam::123456789012:role/team/ReadOnly", false),
            ("arn:aws:iam:::policy/team/ReadOnly", false),
            ("arn:aws:iam::123456789012", false),
            ("ReadOnly", false),
            ("", false),
        ]
    )
    func lookupByArn(kind: StoreKind, example: (arn: String, found: Bool)) async throws {
        let (arn, found) = example
        try await withStore(kind) { store throws in
            try await Fixture.insertPolicy(store, "ReadOnly", path: "/team/")
            let policy = try await store.managedPolicy(arn: arn)
            #expect((policy != nil) == found)
            if found { #expect(policy?.policyName == "ReadOnly") }
        }
    }

    @Test(
        "a policy name taken case-insensitively, even under another path, is rejected with alreadyExists",
        arguments: StoreKind.allCases)
    func caseVariantNameIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await Fixture.insertPolicy(store, "ReadOnly")
            var other = Fixture.policy("READONLY", path: "/other/")
            other.policyId = "ANPAOTHER00000000000"
            let error = await storeError { try await store.insertManagedPolicy(other, document: "{}") }
            #expect(error?.code == .alreadyExists)
            let listed = try await store.managedPolicies(
                accountId: Fixture.accountId, pathPrefix: "/", onlyAttached: false)
            #expect(listed.map(\.policyName) == ["ReadOnly"])
        }
    }

    @Test(
        "a duplicate policy ID is rejected with alreadyExists and leaves no version behind",
        arguments: StoreKind.allCases)
    func duplicatePolicyIdIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await Fixture.insertPolicy(store, "A")
            var other = Fixture.policy("B")
            other.policyId = Fixture.policy("A").policyId
            let error = await storeError { try await store.insertManagedPolicy(other, document: "{}") }
            #expect(error?.code == .alreadyExists)
            #expect(try await store.managedPolicy(arn: Fixture.policyArn("B")) == nil)
        }
    }

    @Test("a policy in a missing account is rejected with notFound", arguments: StoreKind.allCases)
    func policyInMissingAccountIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let policy = Fixture.policy("A", accountId: Fixture.otherAccountId)
            let error = await storeError { try await store.insertManagedPolicy(policy, document: "{}") }
            #expect(error?.code == .notFound)
        }
    }

    @Test(
        "policies are filtered by path prefix, ordered by name case-insensitively, and optionally only attached",
        arguments: StoreKind.allCases)
    func policiesAreFilteredAndOrdered(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await Fixture.insertPolicy(store, "charlie", path: "/eng/")
            let bravo = try await Fixture.insertPolicy(store, "Bravo", path: "/eng/team/")
            try await Fixture.insertPolicy(store, "alpha", path: "/eng/")
            let delta = try await Fixture.insertPolicy(store, "Delta", path: "/sales/")
            try await store.insertUser(Fixture.user("alice"))
            try await store.insertRole(Fixture.role("R"))
            try await store.attachPolicy(accountId: Fixture.accountId, owner: .user("alice"), policyArn: bravo)
            try await store.attachPolicy(accountId: Fixture.accountId, owner: .role("R"), policyArn: bravo)
            try await store.attachPolicy(accountId: Fixture.accountId, owner: .role("R"), policyArn: delta)

            let eng = try await store.managedPolicies(
                accountId: Fixture.accountId, pathPrefix: "/eng/", onlyAttached: false)
            #expect(eng.map(\.policyName) == ["alpha", "Bravo", "charlie"])
            #expect(eng.map(\.attachmentCount) == [0, 2, 0])
            let attached = try await store.managedPolicies(
                accountId: Fixture.accountId, pathPrefix: "/", onlyAttached: true)
            #expect(attached.map(\.policyName) == ["Bravo", "Delta"])
            #expect(attached.map(\.attachmentCount) == [2, 1])
            #expect(
                try await store.managedPolicies(accountId: Fixture.otherAccountId, pathPrefix: "/", onlyAttached: false)
                    .isEmpty)
        }
    }

    @Test(
        "modifying a policy's tags keeps their order; a missing policy is rejected with notFound",
        arguments: StoreKind.allCases)
    func tagsAreReplaced(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "P")
            let tags = [ResourceTag(key: "z", value: ""), ResourceTag(key: "a", value: "b")]
            #expect(try await store.modifyManagedPolicyTags(policyArn: arn) { $0 = tags } == tags)
            #expect(try await store.managedPolicy(arn: arn)?.tags == tags)
            let error = await storeError {
                try await store.modifyManagedPolicyTags(policyArn: Fixture.policyArn("Ghost")) { $0 = [] }
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test(
        "deleting a policy removes it and its version; a policy of the same name starts again at v1",
        arguments: StoreKind.allCases)
    func deleteRemovesPolicyAndVersion(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "P")
            try await store.deleteManagedPolicy(arn: Fixture.policyArn("p"))
            #expect(try await store.managedPolicy(arn: arn) == nil)
            let error = await storeError { _ = try await store.policyVersions(policyArn: arn) }
            #expect(error?.code == .notFound)
            try await store.insertManagedPolicy(Fixture.policy("P"), document: "{}")
            #expect(try await store.policyVersions(policyArn: arn).map(\.versionId) == ["v1"])
        }
    }

    @Test("deleting a missing policy is rejected with notFound", arguments: StoreKind.allCases)
    func deletingMissingPolicyIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError { try await store.deleteManagedPolicy(arn: Fixture.policyArn("Ghost")) }
            #expect(error?.code == .notFound)
        }
    }

    @Test(
        "deleting an attached policy is refused with conflict \"attachments\", allowed once detached",
        arguments: StoreKind.allCases)
    func attachedPolicyCannotBeDeleted(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "P")
            try await store.insertGroup(Fixture.group("G"))
            try await store.attachPolicy(accountId: Fixture.accountId, owner: .group("G"), policyArn: arn)
            let error = await storeError { try await store.deleteManagedPolicy(arn: arn) }
            #expect(error?.code == .conflict)
            #expect(error?.detail == "attachments")
            try await store.detachPolicy(accountId: Fixture.accountId, owner: .group("G"), policyArn: arn)
            try await store.deleteManagedPolicy(arn: arn)
        }
    }

    @Test(
        "deleting a policy used as a boundary is refused with conflict \"permissions boundaries\"",
        arguments: StoreKind.allCases)
    func boundaryPolicyCannotBeDeleted(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "Boundary")
            try await store.insertUser(Fixture.user("alice"))
            try await store.setPermissionsBoundary(
                accountId: Fixture.accountId, principal: .user("alice"), policyArn: arn)
            let error = await storeError { try await store.deleteManagedPolicy(arn: arn) }
            #expect(error?.code == .conflict)
            #expect(error?.detail == "permissions boundaries")
            try await store.setPermissionsBoundary(
                accountId: Fixture.accountId, principal: .user("alice"), policyArn: nil)
            try await store.deleteManagedPolicy(arn: arn)
        }
    }

    @Test(
        "deleting a policy with non-default versions is refused with conflict \"versions\"",
        arguments: StoreKind.allCases)
    func policyWithVersionsCannotBeDeleted(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "P")
            _ = try await store.createPolicyVersion(
                policyArn: arn, document: "{}", setAsDefault: true, createDate: Fixture.date(plusSeconds: 900)
            )
            let error = await storeError { try await store.deleteManagedPolicy(arn: arn) }
            #expect(error?.code == .conflict)
            #expect(error?.detail == "versions")
            try await store.deletePolicyVersion(policyArn: arn, versionId: "v1")
            try await store.deleteManagedPolicy(arn: arn)
            #expect(try await store.managedPolicy(arn: arn) == nil)
        }
    }
}
