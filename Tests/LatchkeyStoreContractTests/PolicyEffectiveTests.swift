import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

/// The authorizer's read: every document that applies to a principal, in one snapshot.
@Suite struct PolicyEffectiveTests {
    static let account = Fixture.accountId

    func put(_ store: any LatchkeyStore, _ owner: PolicyOwner, _ name: String) async throws {
        try await store.putInlinePolicy(
            InlinePolicy(
                accountId: Self.account, owner: owner, policyName: name, document: Fixture.document("inline:\(name)")
            ))
    }

    @Test(
        "a user in two groups gets its own inline and attached policies, then each group's, in name order",
        arguments: StoreKind.allCases)
    func userInTwoGroups(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("Alice"))
            try await store.insertUser(Fixture.user("bob"))
            try await store.insertGroup(Fixture.group("Readers"))
            try await store.insertGroup(Fixture.group("admins"))
            try await store.insertGroup(Fixture.group("Unjoined"))
            for group in ["Readers", "admins"] {
                try await store.addUserToGroup(accountId: Self.account, groupName: group, userName: "alice")
            }
            try await store.addUserToGroup(accountId: Self.account, groupName: "Unjoined", userName: "bob")

            try await put(store, .user("Alice"), "UserZ")
            try await put(store, .user("Alice"), "UserA")
            try await put(store, .group("Readers"), "ReadInline")
            try await put(store, .group("admins"), "AdminInline")
            try await put(store, .group("Unjoined"), "NotMine")
            let userPolicy = try await Fixture.insertPolicy(store, "UserManaged")
            let shared = try await Fixture.insertPolicy(store, "Shared", path: "/s/")
            let readOnly = try await Fixture.insertPolicy(store, "ReadOnly")
            let adminPolicy = try await Fixture.insertPolicy(store, "Admin")
            let unrelated = try await Fixture.insertPolicy(store, "Unrelated")
            try await store.attachPolicy(accountId: Self.account, owner: .user("alice"), policyArn: userPolicy)
            try await store.attachPolicy(accountId: Self.account, owner: .user("alice"), policyArn: shared)
            try await store.attachPolicy(accountId: Self.account, owner: .group("Readers"), policyArn: readOnly)
            try await store.attachPolicy(accountId: Self.account, owner: .group("Readers"), policyArn: shared)
            try await store.attachPolicy(accountId: Self.account, owner: .group("admins"), policyArn: adminPolicy)
            try await store.attachPolicy(accountId: Self.account, owner: .group("Unjoined"), policyArn: unrelated)
            _ = try await store.createPolicyVersion(
                policyArn: readOnly, document: Fixture.document("ReadOnly:v2"), setAsDefault: true,
                createDate: Fixture.date(plusSeconds: 5)
            )
            _ = try await store.createPolicyVersion(
                policyArn: adminPolicy, document: Fixture.document("Admin:v2"), setAsDefault: false,
                createDate: Fixture.date(plusSeconds: 5)
            )

            let effective = try await store.effectivePolicies(accountId: Self.account, principal: .user("ALICE"))
            #expect(
                effective.identityPolicies.map(\.identifier) == [
                    "user/Alice/inline/UserA", "user/Alice/inline/UserZ", shared, userPolicy,
                    "group/admins/inline/AdminInline", adminPolicy, "group/Readers/inline/ReadInline", readOnly,
                ])
            // Admin's v2 is not its default; ReadOnly's v2 is.
            #expect(
                effective.identityPolicies.map(\.document)
                    == [
                        "inline:UserA", "inline:UserZ", "Shared:Get", "UserManaged:Get", "inline:AdminInline",
                        "Admin:Get", "inline:ReadInline", "ReadOnly:v2",
                    ].map(Fixture.document))
            #expect(effective.permissionsBoundaryArn == nil)
            #expect(effective.permissionsBoundary == nil)
            #expect(!effective.isPermissionsBoundaryMissing)
        }
    }

    @Test(
        "a group with only attached policies, or only inline ones, still contributes them",
        arguments: StoreKind.allCases)
    func groupsWithOneKindOfPolicy(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("alice"))
            try await store.insertGroup(Fixture.group("A"))
            try await store.insertGroup(Fixture.group("B"))
            try await store.insertGroup(Fixture.group("C"))
            for group in ["A", "B", "C"] {
                try await store.addUserToGroup(accountId: Self.account, groupName: group, userName: "alice")
            }
            let arn = try await Fixture.insertPolicy(store, "P")
            try await store.attachPolicy(accountId: Self.account, owner: .group("A"), policyArn: arn)
            try await put(store, .group("B"), "Inline")
            let effective = try await store.effectivePolicies(accountId: Self.account, principal: .user("alice"))
            #expect(effective.identityPolicies.map(\.identifier) == [arn, "group/B/inline/Inline"])
        }
    }

    @Test(
        "a role gets its inline and attached policies and its boundary's default version", arguments: StoreKind.allCases
    )
    func roleWithBoundary(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("Deployer"))
            try await put(store, .role("Deployer"), "Inline")
            let attached = try await Fixture.insertPolicy(store, "Attached")
            let boundary = try await Fixture.insertPolicy(store, "Boundary", path: "/b/")
            try await store.attachPolicy(accountId: Self.account, owner: .role("Deployer"), policyArn: attached)
            try await store.setPermissionsBoundary(
                accountId: Self.account, principal: .role("Deployer"), policyArn: boundary)
            _ = try await store.createPolicyVersion(
                policyArn: boundary, document: Fixture.document("Boundary:v2"), setAsDefault: true,
                createDate: Fixture.date(plusSeconds: 5)
            )
            let effective = try await store.effectivePolicies(accountId: Self.account, principal: .role("deployer"))
            #expect(
                effective.identityPolicies == [
                    EffectivePolicy(
                        identifier: "role/Deployer/inline/Inline", document: Fixture.document("inline:Inline")),
                    EffectivePolicy(identifier: attached, document: Fixture.document("Attached:Get")),
                ])
            #expect(effective.permissionsBoundaryArn == boundary)
            #expect(
                effective.permissionsBoundary
                    == EffectivePolicy(identifier: boundary, document: Fixture.document("Boundary:v2")))
        }
    }

    @Test("a principal without policies gets none", arguments: StoreKind.allCases)
    func principalWithoutPolicies(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("alice"))
            let effective = try await store.effectivePolicies(accountId: Self.account, principal: .user("alice"))
            #expect(effective == EffectivePolicies(identityPolicies: []))
        }
    }

    @Test(
        "a boundary ARN naming no policy of the account reads as missing, so the caller can fail closed",
        arguments: StoreKind.allCases,
        [
            "arn:aws:iam::123456789012:policy/Ghost", "arn:aws:iam::210987654321:policy/Theirs",
            "arn:aws:iam::aws:policy/AdministratorAccess", "garbage",
        ]
    )
    func danglingBoundaryIsMissing(kind: StoreKind, boundaryArn: String) async throws {
        try await withStore(kind) { store throws in
            try await store.insertAccount(Account(id: Fixture.otherAccountId, createDate: Fixture.epoch))
            try await store.insertManagedPolicy(
                Fixture.policy("Theirs", accountId: Fixture.otherAccountId), document: "{}")
            var user = Fixture.user("alice")
            user.permissionsBoundaryArn = boundaryArn
            try await store.insertUser(user)
            let effective = try await store.effectivePolicies(accountId: Self.account, principal: .user("alice"))
            #expect(effective.permissionsBoundaryArn == boundaryArn)
            #expect(effective.permissionsBoundary == nil)
            #expect(effective.isPermissionsBoundaryMissing)
        }
    }

    @Test(
        "a missing principal is rejected with notFound", arguments: StoreKind.allCases,
        [PolicyPrincipal.user("ghost"), .role("ghost")])
    func missingPrincipalIsRejected(kind: StoreKind, principal: PolicyPrincipal) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError {
                _ = try await store.effectivePolicies(accountId: Self.account, principal: principal)
            }
            #expect(error?.code == .notFound)
        }
    }
}
