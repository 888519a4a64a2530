import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

/// Inline policies of users, roles and groups: every test runs for each owner kind.
@Suite struct PolicyInlineStoreTests {
    static let owners: [PolicyOwner] = [.user("Owner"), .role("Owner"), .group("Owner")]

    func inline(_ owner: PolicyOwner, _ name: String, _ document: String = "{}") -> InlinePolicy {
        InlinePolicy(accountId: Fixture.accountId, owner: owner, policyName: name, document: document)
    }

    @Test(
        "a put policy reads back, with its owner's stored name; names list case-insensitively",
        arguments: StoreKind.allCases, owners)
    func putPolicyReadsBack(kind: StoreKind, owner: PolicyOwner) async throws {
        try await withStore(kind) { store throws in
            _ = try await Fixture.insertOwners(store, named: "Owner")
            try await store.putInlinePolicy(inline(owner, "charlie", Fixture.document("c:*")))
            try await store.putInlinePolicy(inline(owner, "Bravo", Fixture.document("b:*")))
            try await store.putInlinePolicy(inline(owner, "alpha", Fixture.document("a:*")))
            let lowerOwner: PolicyOwner =
                switch owner {
                case .user: .user("owner")
                case .role: .role("owner")
                case .group: .group("owner")
                }
            let found = try await store.inlinePolicy(
                accountId: Fixture.accountId, owner: lowerOwner, policyName: "BRAVO")
            #expect(found == inline(owner, "Bravo", Fixture.document("b:*")))
            #expect(
                try await store.inlinePolicyNames(accountId: Fixture.accountId, owner: owner) == [
                    "alpha", "Bravo", "charlie",
                ])
            #expect(
                try await store.inlinePolicy(accountId: Fixture.accountId, owner: owner, policyName: "delta") == nil)
        }
    }

    @Test(
        "putting a policy again replaces it, matched case-insensitively, taking the new name's case",
        arguments: StoreKind.allCases, owners)
    func putReplaces(kind: StoreKind, owner: PolicyOwner) async throws {
        try await withStore(kind) { store throws in
            _ = try await Fixture.insertOwners(store, named: "Owner")
            try await store.putInlinePolicy(inline(owner, "Policy", "old"))
            try await store.putInlinePolicy(inline(owner, "POLICY", "new"))
            #expect(try await store.inlinePolicyNames(accountId: Fixture.accountId, owner: owner) == ["POLICY"])
            let found = try await store.inlinePolicy(accountId: Fixture.accountId, owner: owner, policyName: "policy")
            #expect(found?.document == "new")
        }
    }

    @Test("the same policy name under different owners names different policies", arguments: StoreKind.allCases)
    func ownersAreSeparate(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let owners = try await Fixture.insertOwners(store, named: "Owner")
            for owner in owners { try await store.putInlinePolicy(inline(owner, "P", owner.kindName)) }
            try await store.deleteInlinePolicy(accountId: Fixture.accountId, owner: .role("Owner"), policyName: "P")
            #expect(
                try await store.inlinePolicy(accountId: Fixture.accountId, owner: .user("Owner"), policyName: "P")?
                    .document == "user")
            #expect(
                try await store.inlinePolicy(accountId: Fixture.accountId, owner: .group("Owner"), policyName: "P")?
                    .document == "group")
            #expect(try await store.inlinePolicyNames(accountId: Fixture.accountId, owner: .role("Owner")).isEmpty)
        }
    }

    @Test(
        "every inline policy operation on a missing owner is rejected with notFound naming the owner",
        arguments: StoreKind.allCases, owners
    )
    func missingOwnerIsRejected(kind: StoreKind, owner: PolicyOwner) async throws {
        try await withStore(kind) { store throws in
            let prefix = "\(owner.kindName) Owner"
            let put = await storeError { try await store.putInlinePolicy(inline(owner, "P")) }
            let get = await storeError {
                _ = try await store.inlinePolicy(accountId: Fixture.accountId, owner: owner, policyName: "P")
            }
            let list = await storeError {
                _ = try await store.inlinePolicyNames(accountId: Fixture.accountId, owner: owner)
            }
            let delete = await storeError {
                try await store.deleteInlinePolicy(accountId: Fixture.accountId, owner: owner, policyName: "P")
            }
            for error in [put, get, list, delete] {
                #expect(error?.code == .notFound)
                #expect(error?.detail.hasPrefix(prefix) == true)
            }
        }
    }

    @Test(
        "deleting a missing inline policy is rejected with notFound naming the policy", arguments: StoreKind.allCases,
        owners)
    func deletingMissingPolicyIsRejected(kind: StoreKind, owner: PolicyOwner) async throws {
        try await withStore(kind) { store throws in
            _ = try await Fixture.insertOwners(store, named: "Owner")
            try await store.putInlinePolicy(inline(owner, "P"))
            try await store.deleteInlinePolicy(accountId: Fixture.accountId, owner: owner, policyName: "p")
            let error = await storeError {
                try await store.deleteInlinePolicy(accountId: Fixture.accountId, owner: owner, policyName: "P")
            }
            #expect(error?.code == .notFound)
            #expect(error?.detail.hasPrefix("inline policy") == true)
        }
    }

    @Test(
        "the aggregate size quota counts every policy but the one replaced, white space not counted",
        arguments: StoreKind.allCases)
    func aggregateSizeQuota(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("alice"))
            let owner = PolicyOwner.user("alice")
            try await store.putInlinePolicy(inline(owner, "A", "123456"), maxTotalSize: 10)
            // 4 characters plus white space: 6 + 4 = 10, at the quota.
            try await store.putInlinePolicy(inline(owner, "B", " 1 2\n3\t4 "), maxTotalSize: 10)
            let over = await storeError { try await store.putInlinePolicy(inline(owner, "C", "x"), maxTotalSize: 10) }
            #expect(over?.code == .limitExceeded)
            // Replacing A with a shorter document fits: the old A does not count.
            try await store.putInlinePolicy(inline(owner, "a", "12345"), maxTotalSize: 10)
            try await store.putInlinePolicy(inline(owner, "C", "x"), maxTotalSize: 10)
            #expect(try await store.inlinePolicyNames(accountId: Fixture.accountId, owner: owner) == ["a", "B", "C"])
        }
    }
}
