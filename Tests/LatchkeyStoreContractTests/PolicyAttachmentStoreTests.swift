import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

/// Managed-policy attachments, their counts, and permissions boundaries.
@Suite struct PolicyAttachmentStoreTests {
    static let owners: [PolicyOwner] = [.user("Owner"), .role("Owner"), .group("Owner")]

    @Test(
        "attached policies list by name with their ARNs; attaching again changes nothing",
        arguments: StoreKind.allCases, owners)
    func attachAndList(kind: StoreKind, owner: PolicyOwner) async throws {
        try await withStore(kind) { store throws in
            _ = try await Fixture.insertOwners(store, named: "Owner")
            let zeta = try await Fixture.insertPolicy(store, "zeta", path: "/z/")
            let alpha = try await Fixture.insertPolicy(store, "Alpha")
            try await store.attachPolicy(accountId: Fixture.accountId, owner: owner, policyArn: zeta)
            try await store.attachPolicy(accountId: Fixture.accountId, owner: owner, policyArn: alpha)
            try await store.attachPolicy(
                accountId: Fixture.accountId, owner: owner, policyArn: Fixture.policyArn("ALPHA"))
            let attached = try await store.attachedPolicies(accountId: Fixture.accountId, owner: owner)
            #expect(
                attached == [
                    AttachedPolicy(policyName: "Alpha", policyArn: alpha),
                    AttachedPolicy(policyName: "zeta", policyArn: zeta),
                ])
            #expect(try await store.managedPolicy(arn: alpha)?.attachmentCount == 1)
        }
    }

    @Test(
        "the attachment count covers users, roles and groups and follows every attach and detach",
        arguments: StoreKind.allCases)
    func attachmentCountStaysConsistent(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let owners = try await Fixture.insertOwners(store, named: "Owner")
            try await store.insertUser(Fixture.user("second"))
            let arn = try await Fixture.insertPolicy(store, "P")
            var expected = 0
            for owner in owners + [.user("second")] {
                try await store.attachPolicy(accountId: Fixture.accountId, owner: owner, policyArn: arn)
                expected += 1
                #expect(try await store.managedPolicy(arn: arn)?.attachmentCount == expected)
            }
            for owner in owners {
                try await store.detachPolicy(accountId: Fixture.accountId, owner: owner, policyArn: arn)
                expected -= 1
                #expect(try await store.managedPolicy(arn: arn)?.attachmentCount == expected)
            }
            let listed = try await store.managedPolicies(
                accountId: Fixture.accountId, pathPrefix: "/", onlyAttached: true)
            #expect(listed.map(\.attachmentCount) == [1])
        }
    }

    @Test(
        "detaching a policy that is not attached is rejected with notFound naming the attachment",
        arguments: StoreKind.allCases, owners)
    func detachingUnattachedIsRejected(kind: StoreKind, owner: PolicyOwner) async throws {
        try await withStore(kind) { store throws in
            _ = try await Fixture.insertOwners(store, named: "Owner")
            let arn = try await Fixture.insertPolicy(store, "P")
            let error = await storeError {
                try await store.detachPolicy(accountId: Fixture.accountId, owner: owner, policyArn: arn)
            }
            #expect(error?.code == .notFound)
            #expect(error?.detail.hasPrefix("attachment") == true)
        }
    }

    @Test(
        "attachment operations with a missing owner or policy are rejected with notFound naming it",
        arguments: StoreKind.allCases, owners)
    func missingOwnerOrPolicyIsRejected(kind: StoreKind, owner: PolicyOwner) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "P")
            let noOwner = await storeError {
                try await store.attachPolicy(accountId: Fixture.accountId, owner: owner, policyArn: arn)
            }
            #expect(noOwner?.code == .notFound)
            #expect(noOwner?.detail.hasPrefix("\(owner.kindName) Owner") == true)
            let listNoOwner = await storeError {
                _ = try await store.attachedPolicies(accountId: Fixture.accountId, owner: owner)
            }
            #expect(listNoOwner?.code == .notFound)
            _ = try await Fixture.insertOwners(store, named: "Owner")
            for ghost in [Fixture.policyArn("Ghost"), Fixture.policyArn("P", path: "/other/"), "not an arn"] {
                let noPolicy = await storeError {
                    try await store.attachPolicy(accountId: Fixture.accountId, owner: owner, policyArn: ghost)
                }
                #expect(noPolicy?.code == .notFound)
                #expect(noPolicy?.detail.hasPrefix("policy") == true)
                let detach = await storeError {
                    try await store.detachPolicy(accountId: Fixture.accountId, owner: owner, policyArn: ghost)
                }
                #expect(detach?.code == .notFound)
            }
        }
    }

    @Test("a policy of another hosted account cannot be attached", arguments: StoreKind.allCases)
    func otherAccountsPolicyIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertAccount(Account(id: Fixture.otherAccountId, createDate: Fixture.epoch))
            try await store.insertManagedPolicy(
                Fixture.policy("Theirs", accountId: Fixture.otherAccountId), document: "{}")
            try await store.insertUser(Fixture.user("alice"))
            let arn = Fixture.policyArn("Theirs", accountId: Fixture.otherAccountId)
            let error = await storeError {
                try await store.attachPolicy(accountId: Fixture.accountId, owner: .user("alice"), policyArn: arn)
            }
            #expect(error?.code == .notFound)
            #expect(try await store.managedPolicy(arn: arn)?.attachmentCount == 0)
        }
    }

    @Test(
        "attaching past the quota is rejected with limitExceeded; re-attaching at the quota is fine",
        arguments: StoreKind.allCases)
    func attachmentQuota(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("R"))
            let first = try await Fixture.insertPolicy(store, "A")
            let second = try await Fixture.insertPolicy(store, "B")
            try await store.attachPolicy(
                accountId: Fixture.accountId, owner: .role("R"), policyArn: first, maxAttachedPolicies: 1)
            try await store.attachPolicy(
                accountId: Fixture.accountId, owner: .role("R"), policyArn: first, maxAttachedPolicies: 1)
            let error = await storeError {
                try await store.attachPolicy(
                    accountId: Fixture.accountId, owner: .role("R"), policyArn: second, maxAttachedPolicies: 1
                )
            }
            #expect(error?.code == .limitExceeded)
            #expect(try await store.managedPolicy(arn: second)?.attachmentCount == 0)
        }
    }

    @Test(
        "a boundary is stored as the policy's canonical ARN, counted, and cleared",
        arguments: StoreKind.allCases,
        [
            PolicyPrincipal.user("Owner"), .role("Owner"),
        ])
    func boundaryIsSetAndCleared(kind: StoreKind, principal: PolicyPrincipal) async throws {
        try await withStore(kind) { store throws in
            _ = try await Fixture.insertOwners(store, named: "Owner")
            let arn = try await Fixture.insertPolicy(store, "Boundary", path: "/b/")
            try await store.setPermissionsBoundary(
                accountId: Fixture.accountId, principal: principal,
                policyArn: Fixture.policyArn("BOUNDARY", path: "/b/")
            )
            #expect(try await boundary(of: principal, in: store) == arn)
            #expect(try await store.managedPolicy(arn: arn)?.permissionsBoundaryUsageCount == 1)
            let listed = try await store.managedPolicies(
                accountId: Fixture.accountId, pathPrefix: "/", onlyAttached: false)
            #expect(listed.map(\.permissionsBoundaryUsageCount) == [1])
            #expect(
                try await store.managedPolicies(accountId: Fixture.accountId, pathPrefix: "/", onlyAttached: true)
                    .isEmpty)
            try await store.setPermissionsBoundary(accountId: Fixture.accountId, principal: principal, policyArn: nil)
            #expect(try await boundary(of: principal, in: store) == nil)
            #expect(try await store.managedPolicy(arn: arn)?.permissionsBoundaryUsageCount == 0)
        }
    }

    @Test(
        "setting a boundary on a missing principal, or to a missing policy, is rejected with notFound",
        arguments: StoreKind.allCases)
    func boundaryWithMissingEntitiesIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let arn = try await Fixture.insertPolicy(store, "Boundary")
            let noUser = await storeError {
                try await store.setPermissionsBoundary(
                    accountId: Fixture.accountId, principal: .user("ghost"), policyArn: arn)
            }
            #expect(noUser?.code == .notFound)
            #expect(noUser?.detail.hasPrefix("user ghost") == true)
            try await store.insertRole(Fixture.role("R"))
            let noPolicy = await storeError {
                try await store.setPermissionsBoundary(
                    accountId: Fixture.accountId, principal: .role("R"), policyArn: Fixture.policyArn("Ghost")
                )
            }
            #expect(noPolicy?.code == .notFound)
            #expect(noPolicy?.detail.hasPrefix("policy") == true)
            #expect(try await store.role(accountId: Fixture.accountId, roleName: "R")?.permissionsBoundaryArn == nil)
        }
    }

    private func boundary(of principal: PolicyPrincipal, in store: any LatchkeyStore) async throws -> String? {
        switch principal {
        case .user(let name): try await store.user(accountId: Fixture.accountId, userName: name)?.permissionsBoundaryArn
        case .role(let name): try await store.role(accountId: Fixture.accountId, roleName: name)?.permissionsBoundaryArn
        }
    }
}
