import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

@Suite struct RoleStoreTests {
    @Test(
        "an inserted role reads back equal, with trust policy text, duration, boundary and tags in order",
        arguments: StoreKind.allCases)
    func insertedRoleReadsBack(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            var role = Fixture.role("Deployer", path: "/ci/", description: "deploys things")
            role.assumeRolePolicyDocument = "{ \"Version\" : \"2012-10-17\",\n \"Statement\": [] }"
            role.maxSessionDuration = 43200
            role.permissionsBoundaryArn = Fixture.policyArn("Boundary")
            role.tags = [ResourceTag(key: "z", value: "1"), ResourceTag(key: "a", value: "\"quoted\"")]
            try await store.insertRole(role)
            let found = try await store.role(accountId: Fixture.accountId, roleName: "Deployer")
            #expect(found == role)
            #expect(found?.arn == "arn:aws:iam::123456789012:role/ci/Deployer")
        }
    }

    @Test(
        "a role without description or boundary reads back with nil and the default duration",
        arguments: StoreKind.allCases)
    func minimalRoleReadsBack(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("Plain"))
            let found = try await store.role(accountId: Fixture.accountId, roleName: "Plain")
            #expect(found?.description == nil)
            #expect(found?.permissionsBoundaryArn == nil)
            #expect(found?.maxSessionDuration == 3600)
        }
    }

    @Test("a lookup by name ignores case and returns the name as created", arguments: StoreKind.allCases)
    func lookupIgnoresCaseKeepsCase(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("Deployer"))
            #expect(try await store.role(accountId: Fixture.accountId, roleName: "dEPLOYER")?.roleName == "Deployer")
            #expect(try await store.role(accountId: Fixture.accountId, roleName: "Other") == nil)
        }
    }

    @Test("a role name differing only in case is rejected with alreadyExists", arguments: StoreKind.allCases)
    func caseVariantRoleNameIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("Deployer"))
            var other = Fixture.role("DEPLOYER", path: "/elsewhere/")
            other.roleId = "AROAOTHER00000000000"
            let error = await storeError { try await store.insertRole(other) }
            #expect(error?.code == .alreadyExists)
            #expect(
                try await store.roles(accountId: Fixture.accountId, pathPrefix: "/").map(\.roleName) == ["Deployer"])
        }
    }

    @Test("a duplicate role ID is rejected with alreadyExists", arguments: StoreKind.allCases)
    func duplicateRoleIdIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("A"))
            var other = Fixture.role("B")
            other.roleId = Fixture.role("A").roleId
            let error = await storeError { try await store.insertRole(other) }
            #expect(error?.code == .alreadyExists)
        }
    }

    @Test("a role in a missing account is rejected with notFound", arguments: StoreKind.allCases)
    func roleInMissingAccountIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError {
                try await store.insertRole(Fixture.role("A", accountId: Fixture.otherAccountId))
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test("a user and a role may share a name: they are separate namespaces", arguments: StoreKind.allCases)
    func userAndRoleMayShareName(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertUser(Fixture.user("shared"))
            try await store.insertRole(Fixture.role("shared"))
            #expect(try await store.role(accountId: Fixture.accountId, roleName: "shared") != nil)
        }
    }

    @Test(
        "roles are filtered by path prefix (literally, case-sensitively) and ordered by name case-insensitively",
        arguments: StoreKind.allCases)
    func rolesAreFilteredAndOrdered(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("carol", path: "/eng/"))
            try await store.insertRole(Fixture.role("Bob", path: "/eng/team/"))
            try await store.insertRole(Fixture.role("alice", path: "/eng/"))
            try await store.insertRole(Fixture.role("Dave", path: "/sales/"))
            try await store.insertRole(Fixture.role("Eve", path: "/ENG/"))
            try await store.insertRole(Fixture.role("Pct", path: "/e%/"))
            let eng = try await store.roles(accountId: Fixture.accountId, pathPrefix: "/eng/")
            #expect(eng.map(\.roleName) == ["alice", "Bob", "carol"])
            let all = try await store.roles(accountId: Fixture.accountId, pathPrefix: "/")
            #expect(all.map(\.roleName) == ["alice", "Bob", "carol", "Dave", "Eve", "Pct"])
            #expect(try await store.roles(accountId: Fixture.accountId, pathPrefix: "/e%").map(\.roleName) == ["Pct"])
            #expect(try await store.roles(accountId: Fixture.otherAccountId, pathPrefix: "/").isEmpty)
        }
    }

    @Test(
        "modifying a role writes its description, session duration, trust policy and tags, and ignores changes to its name, ID, path, creation date and boundary",
        arguments: StoreKind.allCases)
    func modifyWritesMutableFields(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let original = Fixture.role("Deployer", path: "/ci/", description: "old")
            try await store.insertRole(original)
            let returned = try await store.modifyRole(accountId: Fixture.accountId, roleName: "DEPLOYER") { role in
                role.roleName = "deployer"
                role.roleId = "AROACHANGED000000000"
                role.path = "/moved/"
                role.createDate = Fixture.date(plusSeconds: 9999)
                role.description = nil
                role.maxSessionDuration = 7200
                role.assumeRolePolicyDocument = #"{"Statement":[]}"#
                role.permissionsBoundaryArn = Fixture.policyArn("Boundary")
                role.tags = [ResourceTag(key: "k", value: "v")]
            }
            var expected = original
            expected.description = nil
            expected.maxSessionDuration = 7200
            expected.assumeRolePolicyDocument = #"{"Statement":[]}"#
            expected.tags = [ResourceTag(key: "k", value: "v")]
            #expect(returned == expected)
            #expect(try await store.role(accountId: Fixture.accountId, roleName: "Deployer") == expected)
        }
    }

    @Test(
        "modifying a missing role is rejected with notFound, without calling the change", arguments: StoreKind.allCases)
    func modifyingMissingRoleIsRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError {
                try await store.modifyRole(accountId: Fixture.accountId, roleName: "Ghost") { _ in
                    Issue.record("the change of a missing role was called")
                }
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test("deleting a role removes it; deleting it again is rejected with notFound", arguments: StoreKind.allCases)
    func deleteRemovesRole(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("Deployer"))
            try await store.deleteRole(accountId: Fixture.accountId, roleName: "DEPLOYER")
            #expect(try await store.role(accountId: Fixture.accountId, roleName: "Deployer") == nil)
            let error = await storeError {
                try await store.deleteRole(accountId: Fixture.accountId, roleName: "Deployer")
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test(
        "deleting a role with an inline policy is refused with conflict \"policies\", allowed once it is gone",
        arguments: StoreKind.allCases)
    func roleWithInlinePolicyCannotBeDeleted(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("R"))
            let inline = InlinePolicy(
                accountId: Fixture.accountId, owner: .role("R"), policyName: "P", document: Fixture.document("s3:*")
            )
            try await store.putInlinePolicy(inline)
            let error = await storeError { try await store.deleteRole(accountId: Fixture.accountId, roleName: "R") }
            #expect(error?.code == .conflict)
            #expect(error?.detail == "policies")
            try await store.deleteInlinePolicy(accountId: Fixture.accountId, owner: .role("R"), policyName: "P")
            try await store.deleteRole(accountId: Fixture.accountId, roleName: "R")
            #expect(try await store.role(accountId: Fixture.accountId, roleName: "R") == nil)
        }
    }

    @Test(
        "deleting a role with an attached policy is refused with conflict \"policies\", allowed once detached",
        arguments: StoreKind.allCases)
    func roleWithAttachedPolicyCannotBeDeleted(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("R"))
            let arn = try await Fixture.insertPolicy(store, "ReadOnly")
            try await store.attachPolicy(accountId: Fixture.accountId, owner: .role("R"), policyArn: arn)
            let error = await storeError { try await store.deleteRole(accountId: Fixture.accountId, roleName: "R") }
            #expect(error?.code == .conflict)
            #expect(error?.detail == "policies")
            try await store.detachPolicy(accountId: Fixture.accountId, owner: .role("R"), policyArn: arn)
            try await store.deleteRole(accountId: Fixture.accountId, roleName: "R")
            #expect(try await store.managedPolicy(arn: arn)?.attachmentCount == 0)
        }
    }

    @Test(
        "a role whose boundary is set is still deletable, and the boundary count drops", arguments: StoreKind.allCases)
    func roleWithBoundaryIsDeletable(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await store.insertRole(Fixture.role("R"))
            let arn = try await Fixture.insertPolicy(store, "Boundary")
            try await store.setPermissionsBoundary(accountId: Fixture.accountId, principal: .role("R"), policyArn: arn)
            #expect(try await store.managedPolicy(arn: arn)?.permissionsBoundaryUsageCount == 1)
            try await store.deleteRole(accountId: Fixture.accountId, roleName: "R")
            #expect(try await store.managedPolicy(arn: arn)?.permissionsBoundaryUsageCount == 0)
        }
    }
}
