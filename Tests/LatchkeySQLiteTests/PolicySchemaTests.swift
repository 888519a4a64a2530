import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

@testable import LatchkeySQLite

/// The v2 migration, upgrading a v1 file in place, and the user deletions v2's foreign keys refuse. Uses
/// `@testable` to build a file as the v1 release left it.
@Suite struct PolicySchemaTests {
    @Test("the migration list starts with v1 then v2, in that order")
    func migrationsAreAppended() {
        #expect(
            SQLiteIdentityStore.migrationIdentifiers.starts(with: ["v1-identity-tables", "v2-roles-policies-groups"]))
    }

    @Test("a file left by the v1 release is upgraded in place on open, keeping its data")
    func v1FileUpgradesInPlace() async throws {
        try await withTemporaryDirectory { directory throws in
            let path = directory + "/latchkey.sqlite"
            let created = Int64(Fixture.epoch.timeIntervalSince1970 * 1000)
            try SQLiteIdentityStore.createFileForTesting(
                path: path, upTo: "v1-identity-tables",
                sql: """
                    INSERT INTO accounts (id, create_date) VALUES ('123456789012', \(created));
                    INSERT INTO users (account_id, user_name, name_key, user_id, path, create_date, tags,
                        permissions_boundary_arn)
                    VALUES ('123456789012', 'Alice', 'alice', 'AIDAALICE00000000', '/', \(created),
                        '[{"Key":"team","Value":"blue"}]', 'arn:aws:iam::123456789012:policy/Boundary');
                    INSERT INTO access_keys (access_key_id, account_id, user_name_key, status, create_date,
                        sealed_secret)
                    VALUES ('AKIAUSER000000000001', '123456789012', 'alice', 'Active', \(created), x'00ff07');
                    """
            )
            let store = try SQLiteIdentityStore(path: path)
            defer { try? store.close() }
            #expect(try await store.appliedMigrations() == SQLiteIdentityStore.migrationIdentifiers)
            #expect(try await store.account(id: Fixture.accountId) == Fixture.account)
            let user = try await store.user(accountId: Fixture.accountId, userName: "alice")
            #expect(user?.tags == [ResourceTag(key: "team", value: "blue")])
            #expect(user?.permissionsBoundaryArn == "arn:aws:iam::123456789012:policy/Boundary")
            #expect(try await store.accessKey(id: "AKIAUSER000000000001")?.sealedSecret == [0, 255, 7])

            // The new tables work against the old rows, and the v1 boundary now counts.
            let boundary = try await Fixture.insertPolicy(store, "Boundary")
            #expect(try await store.managedPolicy(arn: boundary)?.permissionsBoundaryUsageCount == 1)
            try await store.insertGroup(Fixture.group("Devs"))
            try await store.addUserToGroup(accountId: Fixture.accountId, groupName: "Devs", userName: "Alice")
            let effective = try await store.effectivePolicies(accountId: Fixture.accountId, principal: .user("alice"))
            #expect(effective.permissionsBoundary?.identifier == boundary)
        }
    }

    @Test("roles, policies, groups and memberships survive closing and reopening the file")
    func v2DataSurvivesReopen() async throws {
        try await withTemporaryDirectory { directory throws in
            let path = directory + "/latchkey.sqlite"
            let first = try SQLiteIdentityStore(path: path)
            try await first.insertAccount(Fixture.account)
            try await first.insertUser(Fixture.user("alice"))
            try await first.insertRole(Fixture.role("R"))
            try await first.insertGroup(Fixture.group("G"))
            try await first.addUserToGroup(accountId: Fixture.accountId, groupName: "G", userName: "alice")
            let arn = try await Fixture.insertPolicy(first, "P")
            try await first.attachPolicy(accountId: Fixture.accountId, owner: .role("R"), policyArn: arn)
            let before = try await first.effectivePolicies(accountId: Fixture.accountId, principal: .role("R"))
            let schema = try await first.schemaStatements()
            try first.close()

            let second = try SQLiteIdentityStore(path: path)
            defer { try? second.close() }
            #expect(try await second.schemaStatements() == schema)
            #expect(try await second.role(accountId: Fixture.accountId, roleName: "R") == Fixture.role("R"))
            #expect(
                try await second.groupsForUser(accountId: Fixture.accountId, userName: "alice") == [Fixture.group("G")])
            #expect(try await second.effectivePolicies(accountId: Fixture.accountId, principal: .role("R")) == before)
        }
    }

    /// What `deleteUser` reports when v2 rows still reference the user: the foreign key restriction surfaces through
    /// v1's mapping as `.conflict` with detail "access keys".
    @Test(
        "deleting a user with an inline policy, an attached policy or a group membership is refused with conflict",
        arguments: ["inline", "attached", "group"]
    )
    func userWithPoliciesOrGroupsCannotBeDeleted(dependent: String) async throws {
        try await withStore { store throws in
            try await store.insertUser(Fixture.user("alice"))
            let arn = try await Fixture.insertPolicy(store, "P")
            try await store.insertGroup(Fixture.group("G"))
            switch dependent {
            case "inline":
                try await store.putInlinePolicy(
                    InlinePolicy(
                        accountId: Fixture.accountId, owner: .user("alice"), policyName: "I", document: "{}"
                    ))
            case "attached":
                try await store.attachPolicy(accountId: Fixture.accountId, owner: .user("alice"), policyArn: arn)
            default:
                try await store.addUserToGroup(accountId: Fixture.accountId, groupName: "G", userName: "alice")
            }
            let error = await storeError { try await store.deleteUser(accountId: Fixture.accountId, userName: "alice") }
            #expect(error?.code == .conflict)
            #expect(
                error?.detail == ["group": "groups", "attached": "attached policies"][dependent, default: "policies"])
            #expect(try await store.user(accountId: Fixture.accountId, userName: "alice") != nil)

            switch dependent {
            case "inline":
                try await store.deleteInlinePolicy(accountId: Fixture.accountId, owner: .user("alice"), policyName: "I")
            case "attached":
                try await store.detachPolicy(accountId: Fixture.accountId, owner: .user("alice"), policyArn: arn)
            default:
                try await store.removeUserFromGroup(accountId: Fixture.accountId, groupName: "G", userName: "alice")
            }
            try await store.deleteUser(accountId: Fixture.accountId, userName: "alice")
            #expect(try await store.user(accountId: Fixture.accountId, userName: "alice") == nil)
        }
    }

    @Test("a role's trust policy hand-edited into a blob reads as corrupt, naming the column")
    func damagedRoleColumnIsCorrupt() async throws {
        try await withStore { store throws in
            try await store.insertRole(Fixture.role("R"))
            try await store.executeForTesting("UPDATE roles SET assume_role_policy = x'2a'")
            let error = await storeError { _ = try await store.role(accountId: Fixture.accountId, roleName: "R") }
            #expect(error?.code == .corrupt)
            #expect(error?.detail.contains("assume_role_policy") == true)
        }
    }
}
