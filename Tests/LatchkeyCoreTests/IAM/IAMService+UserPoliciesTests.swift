import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The rules of users' inline and attached policies and permissions boundaries (`IAMService+UserPolicies.swift`),
/// without HTTP.
@Suite struct IAMServiceUserPoliciesTests {
    typealias K = RoleTestKit
    typealias U = UserTestKit

    /// The caller as the server resolves it for each request (after a write, the server also clears the policy cache).
    func fresh(_ f: ServiceFixture, _ caller: Caller) async throws -> Caller {
        f.authorizer.invalidate()
        return try await f.resolver.resolve(accessKeyId: caller.accessKeyId, sessionToken: nil, now: f.clock.now).caller
    }

    @Test("PutUserPolicy stores an inline policy; GetUserPolicy answers it URL-encoded; Delete removes it")
    func inlinePolicy() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        let document = K.allow("s3:GetObject", resource: "arn:aws:s3:::bucket/a b+c")
        _ = try await f.iam.putUserPolicy(
            PutUserPolicyInput(userName: "alice", policyName: "Read", policyDocument: document), caller: f.root)
        let fetched = try await f.iam.getUserPolicy(
            GetUserPolicyInput(userName: "ALICE", policyName: "Read"), caller: f.root)
        #expect(fetched.userName == "alice")
        #expect(fetched.policyName == "Read")
        #expect(fetched.policyDocument == K.encoded(document))

        // Putting the same name again replaces the document.
        let replaced = K.allow("s3:PutObject")
        _ = try await f.iam.putUserPolicy(
            PutUserPolicyInput(userName: "alice", policyName: "Read", policyDocument: replaced), caller: f.root)
        let again = try await f.iam.getUserPolicy(
            GetUserPolicyInput(userName: "alice", policyName: "Read"), caller: f.root)
        #expect(again.policyDocument == K.encoded(replaced))

        _ = try await f.iam.deleteUserPolicy(
            DeleteUserPolicyInput(userName: "alice", policyName: "Read"), caller: f.root)
        await K.expectError(.noSuchEntity, "The user policy with name Read cannot be found.") {
            try await f.iam.getUserPolicy(GetUserPolicyInput(userName: "alice", policyName: "Read"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The user policy with name Read cannot be found.") {
            try await f.iam.deleteUserPolicy(
                DeleteUserPolicyInput(userName: "alice", policyName: "Read"), caller: f.root)
        }
    }

    @Test("every user policy operation on an unknown user is NoSuchEntity")
    func unknownUser() async throws {
        let f = try await ServiceFixture.make()
        let arn = try await K.createPolicy(f, "P")
        let message = "The user with name ghost cannot be found."
        await K.expectError(.noSuchEntity, message) {
            try await f.iam.putUserPolicy(
                PutUserPolicyInput(userName: "ghost", policyName: "P", policyDocument: K.allow("s3:*")), caller: f.root)
        }
        await K.expectError(.noSuchEntity, message) {
            try await f.iam.getUserPolicy(GetUserPolicyInput(userName: "ghost", policyName: "P"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, message) {
            try await f.iam.listUserPolicies(ListUserPoliciesInput(userName: "ghost"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, message) {
            try await f.iam.attachUserPolicy(AttachUserPolicyInput(userName: "ghost", policyArn: arn), caller: f.root)
        }
        await K.expectError(.noSuchEntity, message) {
            try await f.iam.listAttachedUserPolicies(ListAttachedUserPoliciesInput(userName: "ghost"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, message) {
            try await f.iam.deleteUserPermissionsBoundary(
                DeleteUserPermissionsBoundaryInput(userName: "ghost"), caller: f.root)
        }
    }

    @Test("a malformed inline document is MalformedPolicyDocument and is not stored")
    func malformed() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        let document = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ListUsers","Resource":"*"}]}"#
        await K.expectError(.malformedPolicyDocument) {
            try await f.iam.putUserPolicy(
                PutUserPolicyInput(userName: "alice", policyName: "P", policyDocument: document), caller: f.root)
        }
        #expect(
            try await f.iam.listUserPolicies(ListUserPoliciesInput(userName: "alice"), caller: f.root).policyNames == []
        )
    }

    @Test("a user's inline policies together hold at most 2,048 characters")
    func sizeQuota() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        let big = K.allow("iam:Get*", resource: K.userArn(f, String(repeating: "a", count: 1200)))
        _ = try await f.iam.putUserPolicy(
            PutUserPolicyInput(userName: "alice", policyName: "One", policyDocument: big), caller: f.root)
        await K.expectError(.limitExceeded, "Maximum policy size of 2048 bytes exceeded for user alice") {
            try await f.iam.putUserPolicy(
                PutUserPolicyInput(userName: "alice", policyName: "Two", policyDocument: big), caller: f.root)
        }
        // Replacing the one policy with one of the same size still fits.
        _ = try await f.iam.putUserPolicy(
            PutUserPolicyInput(userName: "alice", policyName: "One", policyDocument: big), caller: f.root)
    }

    @Test("ListUserPolicies orders names case-insensitively and pages with markers")
    func listInline() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        for name in ["b", "C", "a"] {
            _ = try await f.iam.putUserPolicy(
                PutUserPolicyInput(userName: "alice", policyName: name, policyDocument: K.allow("s3:*")), caller: f.root
            )
        }
        let (names, pages) = try await U.allPages(maxItems: 2) { marker, maxItems in
            let page = try await f.iam.listUserPolicies(
                ListUserPoliciesInput(userName: "alice", marker: marker, maxItems: maxItems), caller: f.root)
            return (page.policyNames ?? [], page.isTruncated, page.marker)
        }
        #expect(names == ["a", "b", "C"])
        #expect(pages == 2)
    }

    @Test(
        "AttachUserPolicy is idempotent, listed by name and filtered by the policy's path; Detach of an unattached one is NoSuchEntity"
    )
    func attached() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        let team = try await K.createPolicy(f, "Team", path: "/team/")
        let base = try await K.createPolicy(f, "Base")
        for arn in [team, base, team] {
            _ = try await f.iam.attachUserPolicy(
                AttachUserPolicyInput(userName: "alice", policyArn: arn), caller: f.root)
        }
        let listed = try await f.iam.listAttachedUserPolicies(
            ListAttachedUserPoliciesInput(userName: "alice"), caller: f.root)
        #expect(
            listed.attachedPolicies
                == [
                    IAM.AttachedPolicy(policyName: "Base", policyArn: base),
                    IAM.AttachedPolicy(policyName: "Team", policyArn: team),
                ])
        let filtered = try await f.iam.listAttachedUserPolicies(
            ListAttachedUserPoliciesInput(userName: "alice", pathPrefix: "/team/"), caller: f.root)
        #expect(filtered.attachedPolicies?.map(\.policyName) == ["Team"])

        _ = try await f.iam.detachUserPolicy(DetachUserPolicyInput(userName: "alice", policyArn: team), caller: f.root)
        await K.expectError(.noSuchEntity, "Policy \(team) was not found.") {
            try await f.iam.detachUserPolicy(DetachUserPolicyInput(userName: "alice", policyArn: team), caller: f.root)
        }
        let missing = "arn:aws:iam::\(f.accountId):policy/Nope"
        for arn in [missing, "arn:aws:iam::aws:policy/ReadOnlyAccess"] {
            await K.expectError(.noSuchEntity, "Policy \(arn) does not exist or is not attachable.") {
                try await f.iam.attachUserPolicy(
                    AttachUserPolicyInput(userName: "alice", policyArn: arn), caller: f.root)
            }
        }
        await K.expectError(.validationError, "ARN not-an-arn is not valid.") {
            try await f.iam.attachUserPolicy(
                AttachUserPolicyInput(userName: "alice", policyArn: "not-an-arn"), caller: f.root)
        }
    }

    @Test("a user may have at most ten managed policies attached")
    func attachQuota() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "alice")
        for index in 1...11 {
            let arn = try await K.createPolicy(f, "P\(index)")
            let input = AttachUserPolicyInput(userName: "alice", policyArn: arn)
            if index <= 10 {
                _ = try await f.iam.attachUserPolicy(input, caller: f.root)
            } else {
                await K.expectError(.limitExceeded, "Cannot exceed quota for PoliciesPerUser: 10") {
                    try await f.iam.attachUserPolicy(input, caller: f.root)
                }
            }
        }
    }

    @Test("a permissions boundary limits what the user's own policies allow, until it is deleted")
    func permissionsBoundary() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        try await K.grant(f, user: "alice", K.allow("iam:*"))
        let boundary = try await K.createPolicy(f, "Boundary", document: K.allow("iam:ListUsers"))
        let missing = "arn:aws:iam::\(f.accountId):policy/Nope"
        await K.expectError(.noSuchEntity, "Policy \(missing) does not exist or is not attachable.") {
            try await f.iam.putUserPermissionsBoundary(
                PutUserPermissionsBoundaryInput(userName: "alice", permissionsBoundary: missing), caller: f.root)
        }
        _ = try await f.iam.putUserPermissionsBoundary(
            PutUserPermissionsBoundaryInput(userName: "alice", permissionsBoundary: boundary), caller: f.root)
        let user = try await f.iam.getUser(GetUserInput(userName: "alice"), caller: f.root).user
        #expect(user?.permissionsBoundary?.permissionsBoundaryArn == boundary)

        let bounded = try await fresh(f, alice)
        // The credential cache was dropped: the caller is the user with its boundary.
        let boundaryArn = { (caller: Caller) -> String? in
            guard case .user(let user) = caller.credentials else { return nil }
            return user.permissionsBoundaryArn
        }
        #expect(boundaryArn(bounded) == boundary)
        _ = try await f.iam.listUsers(ListUsersInput(), caller: bounded)
        await U.expectDenied(bounded, "iam:CreateUser", on: K.userArn(f, "bob")) {
            try await f.iam.createUser(CreateUserInput(userName: "bob"), caller: bounded, now: f.clock.now)
        }

        _ = try await f.iam.deleteUserPermissionsBoundary(
            DeleteUserPermissionsBoundaryInput(userName: "alice"), caller: f.root)
        // Deleting a boundary the user no longer has changes nothing.
        _ = try await f.iam.deleteUserPermissionsBoundary(
            DeleteUserPermissionsBoundaryInput(userName: "alice"), caller: f.root)
        let unbounded = try await fresh(f, alice)
        #expect(boundaryArn(unbounded) == nil)
        _ = try await f.iam.createUser(CreateUserInput(userName: "bob"), caller: unbounded, now: f.clock.now)
    }

    @Test("an attached managed policy grants, and detaching it takes the grant back")
    func attachedPolicyGrants() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        await U.expectDenied(alice, "iam:ListUsers", on: "arn:aws:iam::\(f.accountId):user/") {
            try await f.iam.listUsers(ListUsersInput(), caller: alice)
        }
        let arn = try await K.createPolicy(f, "Lister", document: K.allow("iam:ListUsers"))
        _ = try await f.iam.attachUserPolicy(AttachUserPolicyInput(userName: "alice", policyArn: arn), caller: f.root)
        _ = try await f.iam.listUsers(ListUsersInput(), caller: try await fresh(f, alice))
        _ = try await f.iam.detachUserPolicy(DetachUserPolicyInput(userName: "alice", policyArn: arn), caller: f.root)
        let detached = try await fresh(f, alice)
        await U.expectDenied(detached, "iam:ListUsers", on: "arn:aws:iam::\(f.accountId):user/") {
            try await f.iam.listUsers(ListUsersInput(), caller: detached)
        }
    }

    @Test("the user policy operations are authorized against the user's ARN")
    func grantsAndDenials() async throws {
        let f = try await ServiceFixture.make()
        try await U.createUser(f, "bob")
        let alice = try await f.user(named: "alice")
        let input = PutUserPolicyInput(userName: "bob", policyName: "P", policyDocument: K.allow("s3:*"))
        await U.expectDenied(alice, "iam:PutUserPolicy", on: K.userArn(f, "bob")) {
            try await f.iam.putUserPolicy(input, caller: alice)
        }
        try await K.grant(f, user: "alice", K.allow("iam:*UserPolic*", resource: K.userArn(f, "bob")))
        _ = try await f.iam.putUserPolicy(input, caller: alice)
        let listed = try await f.iam.listUserPolicies(ListUserPoliciesInput(userName: "bob"), caller: alice)
        #expect(listed.policyNames == ["P"])
        await U.expectDenied(alice, "iam:ListUserPolicies", on: K.userArn(f, "alice")) {
            try await f.iam.listUserPolicies(ListUserPoliciesInput(userName: "alice"), caller: alice)
        }
        await U.expectDenied(alice, "iam:PutUserPermissionsBoundary", on: K.userArn(f, "bob")) {
            try await f.iam.putUserPermissionsBoundary(
                PutUserPermissionsBoundaryInput(userName: "bob", permissionsBoundary: "arn:aws:iam::aws:policy/X"),
                caller: alice)
        }
    }
}
