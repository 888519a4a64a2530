import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The user rules of `IAMService+Users.swift`, without HTTP.
@Suite struct IAMServiceUsersTests {
    typealias K = RoleTestKit
    typealias U = UserTestKit

    @Test(
        "CreateUser answers the user with an AIDA ID, its path, ARN, boundary and tags; listings leave the last two out"
    )
    func createUser() async throws {
        let f = try await ServiceFixture.make()
        let boundary = try await K.createPolicy(f, "boundary")
        f.clock.advance(by: 90)
        let input = CreateUserInput(
            userName: "alice", path: "/eng/", permissionsBoundary: boundary, tags: [IAM.Tag(key: "team", value: "core")]
        )
        let user = try #require(try await f.iam.createUser(input, caller: f.root, now: f.clock.now).user)
        #expect(user.userName == "alice")
        #expect(user.path == "/eng/")
        #expect(user.arn == "arn:aws:iam::\(f.accountId):user/eng/alice")
        #expect(user.userId.hasPrefix("AIDA") && user.userId.count == 21)
        #expect(user.createDate == TestClock.start.addingTimeInterval(90))
        #expect(
            user.permissionsBoundary
                == IAM.AttachedPermissionsBoundary(
                    permissionsBoundaryType: "PermissionsBoundaryPolicy", permissionsBoundaryArn: boundary))
        #expect(user.tags == [IAM.Tag(key: "team", value: "core")])

        let fetched = try await f.iam.getUser(GetUserInput(userName: "alice"), caller: f.root).user
        #expect(fetched == user)
        let listed = try await f.iam.listUsers(ListUsersInput(), caller: f.root)
        #expect(listed.users?.count == 1)
        #expect(listed.users?.first?.userId == user.userId)
        #expect(listed.users?.first?.permissionsBoundary == nil)
        #expect(listed.users?.first?.tags == nil)
        #expect(listed.isTruncated == false)
        #expect(listed.marker == nil)
    }

    @Test("an untagged user without a boundary answers neither member")
    func plainUser() async throws {
        let f = try await ServiceFixture.make()
        let user = try await U.createUser(f, "alice")
        #expect(user.path == "/")
        #expect(user.tags == nil)
        #expect(user.permissionsBoundary == nil)
    }

    @Test("a user name is unique case-insensitively")
    func duplicateName() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        await K.expectError(.entityAlreadyExists, "User with name ALICE already exists.") {
            try await U.createUser(f, "ALICE", path: "/other/")
        }
    }

    @Test("the schema refuses a user name outside IAM's pattern before the service sees it")
    func nameValidation() async throws {
        await K.expectError(
            .validationError,
            "1 validation error detected: Value at 'userName' failed to satisfy constraint: "
                + #"Member must satisfy regular expression pattern: [\w+=,.@-]+"#
        ) {
            try CreateUserInput(validating: ["UserName": "bad name"])
        }
        let valid = try CreateUserInput(validating: ["UserName": "a.b+c=d,e@f-g_h"])
        #expect(valid.userName == "a.b+c=d,e@f-g_h")
    }

    @Test("duplicate tag keys and a malformed boundary ARN are refused, and no user is created")
    func createValidation() async throws {
        let f = try await ServiceFixture.make()
        let tags = [IAM.Tag(key: "team", value: "a"), IAM.Tag(key: "TEAM", value: "b")]
        await K.expectError(.invalidInput, "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        {
            try await f.iam.createUser(CreateUserInput(userName: "alice", tags: tags), caller: f.root, now: f.clock.now)
        }
        await K.expectError(.validationError, "ARN not-an-arn is not valid.") {
            try await f.iam.createUser(
                CreateUserInput(userName: "alice", permissionsBoundary: "not-an-arn"), caller: f.root, now: f.clock.now)
        }
        await K.expectError(.noSuchEntity, "The user with name alice cannot be found.") {
            try await f.iam.getUser(GetUserInput(userName: "alice"), caller: f.root)
        }
    }

    @Test("GetUser without a name: the root gets the account's root, a user itself")
    func getSelf() async throws {
        let f = try await ServiceFixture.make()
        let root = try #require(try await f.iam.getUser(GetUserInput(), caller: f.root).user)
        #expect(
            root == IAM.User(userId: f.accountId, arn: "arn:aws:iam::\(f.accountId):root", createDate: TestClock.start))

        let alice = try await f.user(named: "alice")
        await U.expectDenied(alice, "iam:GetUser", on: K.userArn(f, "alice")) {
            try await f.iam.getUser(GetUserInput(), caller: alice)
        }
        try await K.grant(f, user: "alice", K.allow("iam:GetUser", resource: K.userArn(f, "alice")))
        let me = try #require(try await f.iam.getUser(GetUserInput(), caller: alice).user)
        #expect(me.userName == "alice")
        #expect(me.arn == K.userArn(f, "alice"))
    }

    @Test("GetUser without a name from a role session is ValidationError, once the session may call it")
    func getSelfFromRoleSession() async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "r")
        let alice = try await f.user(named: "alice")
        try await K.grant(f, user: "alice", K.allow("sts:AssumeRole"))
        let session = try await STSTestKit.session(f, as: alice, role: "r")
        await K.expectError(.accessDenied) { try await f.iam.getUser(GetUserInput(), caller: session) }
        try await STSTestKit.grant(f, role: "r", K.allow("iam:GetUser"))
        await K.expectError(.validationError, "Must specify userName when calling with non-User credentials") {
            try await f.iam.getUser(GetUserInput(), caller: session)
        }
    }

    @Test("GetUser of an unknown user is NoSuchEntity")
    func getUnknown() async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.noSuchEntity, "The user with name nobody cannot be found.") {
            try await f.iam.getUser(GetUserInput(userName: "nobody"), caller: f.root)
        }
    }

    @Test("ListUsers filters by PathPrefix and pages by name with sealed markers bound to the listing")
    func listUsers() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "carol", path: "/ops/")
        try await U.createUser(f, "Alice", path: "/eng/")
        try await U.createUser(f, "bob", path: "/eng/backend/")

        let engineering = try await f.iam.listUsers(ListUsersInput(pathPrefix: "/eng/"), caller: f.root)
        #expect(engineering.users?.map(\.userName) == ["Alice", "bob"])

        let (names, pages) = try await U.allPages { marker, maxItems in
            let page = try await f.iam.listUsers(ListUsersInput(marker: marker, maxItems: maxItems), caller: f.root)
            return (page.users?.compactMap(\.userName) ?? [], page.isTruncated, page.marker)
        }
        #expect(names == ["Alice", "bob", "carol"])
        #expect(pages == 3)

        await K.expectError(.validationError, "Invalid Marker.") {
            try await f.iam.listUsers(ListUsersInput(marker: "not-a-marker"), caller: f.root)
        }
        // A marker of another listing is not one of ListUsers'.
        try await U.createGroup(f, "g1")
        try await U.createGroup(f, "g2")
        let groups = try await f.iam.listGroups(ListGroupsInput(maxItems: 1), caller: f.root)
        let groupMarker = try #require(groups.marker)
        await K.expectError(.validationError, "Invalid Marker.") {
            try await f.iam.listUsers(ListUsersInput(marker: groupMarker), caller: f.root)
        }
    }

    enum Blocker: String, CaseIterable, Sendable {
        case accessKey, mfaDevice, inlinePolicy, attachedPolicy, group
    }

    @Test(
        "DeleteUser is DeleteConflict while the user has anything, with IAM's message for each",
        arguments: Blocker.allCases)
    func deleteConflict(blocker: Blocker) async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        let message: String
        let remove: () async throws -> Void
        switch blocker {
        case .accessKey:
            let key = try await U.createKey(f, for: "alice")
            message = "Cannot delete entity, must delete access keys first."
            remove = {
                _ = try await f.iam.deleteAccessKey(
                    DeleteAccessKeyInput(accessKeyId: key.accessKeyId, userName: "alice"), caller: f.root)
            }
        case .mfaDevice:
            let (device, totp) = try await U.createDevice(f, "phone")
            try await U.enable(f, device.serialNumber, totp: totp, for: "alice")
            message = "Cannot delete entity, must delete MFA device first."
            remove = {
                _ = try await f.iam.deactivateMFADevice(
                    DeactivateMFADeviceInput(serialNumber: device.serialNumber, userName: "alice"), caller: f.root)
            }
        case .inlinePolicy:
            _ = try await f.iam.putUserPolicy(
                PutUserPolicyInput(userName: "alice", policyName: "p", policyDocument: K.allow("s3:*")), caller: f.root)
            message = "Cannot delete entity, must delete policies first."
            remove = {
                _ = try await f.iam.deleteUserPolicy(
                    DeleteUserPolicyInput(userName: "alice", policyName: "p"), caller: f.root)
            }
        case .attachedPolicy:
            let arn = try await K.createPolicy(f, "managed")
            _ = try await f.iam.attachUserPolicy(
                AttachUserPolicyInput(userName: "alice", policyArn: arn), caller: f.root)
            message = "Cannot delete entity, must detach all policies first."
            remove = {
                _ = try await f.iam.detachUserPolicy(
                    DetachUserPolicyInput(userName: "alice", policyArn: arn), caller: f.root)
            }
        case .group:
            try await U.createGroup(f, "admins")
            _ = try await f.iam.addUserToGroup(
                AddUserToGroupInput(groupName: "admins", userName: "alice"), caller: f.root)
            message = "Cannot delete entity, must remove user from all groups first."
            remove = {
                _ = try await f.iam.removeUserFromGroup(
                    RemoveUserFromGroupInput(groupName: "admins", userName: "alice"), caller: f.root)
            }
        }
        await K.expectError(.deleteConflict, message) {
            try await f.iam.deleteUser(DeleteUserInput(userName: "alice"), caller: f.root)
        }
        try await remove()
        _ = try await f.iam.deleteUser(DeleteUserInput(userName: "alice"), caller: f.root)
        await K.expectError(.noSuchEntity, "The user with name alice cannot be found.") {
            try await f.iam.deleteUser(DeleteUserInput(userName: "alice"), caller: f.root)
        }
    }

    @Test("UpdateUser renames and moves a user, which keeps its ID; the old name is gone, a taken name refused")
    func updateUser() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await U.createUser(f, "alice")
        try await U.createUser(f, "bob")
        _ = try await f.iam.updateUser(
            UpdateUserInput(userName: "alice", newPath: "/eng/", newUserName: "robert"), caller: f.root)
        let renamed = try #require(try await f.iam.getUser(GetUserInput(userName: "robert"), caller: f.root).user)
        #expect(renamed.userId == alice.userId)
        #expect(renamed.arn == "arn:aws:iam::\(f.accountId):user/eng/robert")
        await K.expectError(.noSuchEntity, "The user with name alice cannot be found.") {
            try await f.iam.getUser(GetUserInput(userName: "alice"), caller: f.root)
        }
        await K.expectError(.entityAlreadyExists, "User with name BOB already exists.") {
            try await f.iam.updateUser(UpdateUserInput(userName: "robert", newUserName: "BOB"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The user with name ghost cannot be found.") {
            try await f.iam.updateUser(UpdateUserInput(userName: "ghost", newUserName: "spirit"), caller: f.root)
        }
    }

    @Test("UpdateUser needs iam:UpdateUser on the current and the new ARN; an unknown user is denied, not told")
    func updateUserAuthorization() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "bob", path: "/team/")
        let alice = try await f.user(named: "alice")
        let team = "arn:aws:iam::\(f.accountId):user/team/*"
        try await K.grant(f, user: "alice", K.allow("iam:UpdateUser", resource: team))

        _ = try await f.iam.updateUser(UpdateUserInput(userName: "bob", newUserName: "robert"), caller: alice)
        await U.expectDenied(alice, "iam:UpdateUser", on: "arn:aws:iam::\(f.accountId):user/robert") {
            try await f.iam.updateUser(UpdateUserInput(userName: "robert", newPath: "/"), caller: alice)
        }
        await U.expectDenied(alice, "iam:UpdateUser", on: K.userArn(f, "ghost")) {
            try await f.iam.updateUser(UpdateUserInput(userName: "ghost", newUserName: "spirit"), caller: alice)
        }
        let robert = try await f.iam.getUser(GetUserInput(userName: "robert"), caller: f.root).user
        #expect(robert?.path == "/team/")
    }

    @Test("a user without a policy may not manage users; one allowed on a path manages exactly that path")
    func grantsAndDenials() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        await U.expectDenied(alice, "iam:CreateUser", on: "arn:aws:iam::\(f.accountId):user/team/carol") {
            try await f.iam.createUser(
                CreateUserInput(userName: "carol", path: "/team/"), caller: alice, now: f.clock.now)
        }
        await U.expectDenied(alice, "iam:ListUsers", on: "arn:aws:iam::\(f.accountId):user/") {
            try await f.iam.listUsers(ListUsersInput(), caller: alice)
        }

        try await K.grant(f, user: "alice", K.allow("iam:*User", resource: "arn:aws:iam::\(f.accountId):user/team/*"))
        let carol = try await f.iam.createUser(
            CreateUserInput(userName: "carol", path: "/team/"), caller: alice, now: f.clock.now)
        #expect(carol.user?.arn == "arn:aws:iam::\(f.accountId):user/team/carol")
        await U.expectDenied(alice, "iam:CreateUser", on: K.userArn(f, "dave")) {
            try await f.iam.createUser(CreateUserInput(userName: "dave"), caller: alice, now: f.clock.now)
        }
        // Operations on a named user are authorized against `user/NAME`, whatever the user's path.
        await U.expectDenied(alice, "iam:DeleteUser", on: K.userArn(f, "carol")) {
            try await f.iam.deleteUser(DeleteUserInput(userName: "carol"), caller: alice)
        }
        #expect(try await f.iam.listUsers(ListUsersInput(), caller: f.root).users?.count == 2)
    }
}
