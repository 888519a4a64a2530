import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The rules of groups' inline and attached policies (`IAMService+GroupPolicies.swift`), and what they grant to the
/// group's members, without HTTP.
@Suite struct IAMServiceGroupPoliciesTests {
    typealias K = RoleTestKit
    typealias U = UserTestKit

    @Test("PutGroupPolicy stores an inline policy; GetGroupPolicy answers it URL-encoded; List and Delete")
    func inlinePolicy() async throws {
        let f = try await ServiceFixture.make()
        try await U.createGroup(f, "g")
        let document = K.allow("s3:GetObject", resource: "arn:aws:s3:::bucket/a b+c")
        for name in ["b", "A"] {
            _ = try await f.iam.putGroupPolicy(
                PutGroupPolicyInput(groupName: "g", policyName: name, policyDocument: document), caller: f.root)
        }
        let fetched = try await f.iam.getGroupPolicy(
            GetGroupPolicyInput(groupName: "G", policyName: "b"), caller: f.root)
        #expect(fetched == GetGroupPolicyOutput(groupName: "g", policyName: "b", policyDocument: K.encoded(document)))

        let (names, pages) = try await U.allPages { marker, maxItems in
            let page = try await f.iam.listGroupPolicies(
                ListGroupPoliciesInput(groupName: "g", marker: marker, maxItems: maxItems), caller: f.root)
            return (page.policyNames ?? [], page.isTruncated, page.marker)
        }
        #expect(names == ["A", "b"])
        #expect(pages == 2)

        _ = try await f.iam.deleteGroupPolicy(DeleteGroupPolicyInput(groupName: "g", policyName: "b"), caller: f.root)
        await K.expectError(.noSuchEntity, "The group policy with name b cannot be found.") {
            try await f.iam.getGroupPolicy(GetGroupPolicyInput(groupName: "g", policyName: "b"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The group policy with name b cannot be found.") {
            try await f.iam.deleteGroupPolicy(DeleteGroupPolicyInput(groupName: "g", policyName: "b"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The group with name nope cannot be found.") {
            try await f.iam.putGroupPolicy(
                PutGroupPolicyInput(groupName: "nope", policyName: "P", policyDocument: document), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The group with name nope cannot be found.") {
            try await f.iam.listGroupPolicies(ListGroupPoliciesInput(groupName: "nope"), caller: f.root)
        }
    }

    @Test("a malformed document is refused; a group's inline policies together hold at most 5,120 characters")
    func documentRules() async throws {
        let f = try await ServiceFixture.make()
        try await U.createGroup(f, "g")
        await K.expectError(.malformedPolicyDocument) {
            try await f.iam.putGroupPolicy(
                PutGroupPolicyInput(groupName: "g", policyName: "P", policyDocument: "{"), caller: f.root)
        }
        let big = K.allow("iam:Get*", resource: U.groupArn(f, String(repeating: "a", count: 2000)))
        for name in ["One", "Two"] {
            _ = try await f.iam.putGroupPolicy(
                PutGroupPolicyInput(groupName: "g", policyName: name, policyDocument: big), caller: f.root)
        }
        await K.expectError(.limitExceeded, "Maximum policy size of 5120 bytes exceeded for group g") {
            try await f.iam.putGroupPolicy(
                PutGroupPolicyInput(groupName: "g", policyName: "Three", policyDocument: big), caller: f.root)
        }
        #expect(
            try await f.iam.listGroupPolicies(ListGroupPoliciesInput(groupName: "g"), caller: f.root).policyNames == [
                "One", "Two",
            ])
    }

    @Test("attached group policies: listed by name, filtered by path, detached once; at most ten")
    func attached() async throws {
        let f = try await ServiceFixture.make()
        try await U.createGroup(f, "g")
        let team = try await K.createPolicy(f, "Team", path: "/team/")
        let base = try await K.createPolicy(f, "Base")
        for arn in [team, base, team] {
            _ = try await f.iam.attachGroupPolicy(
                AttachGroupPolicyInput(groupName: "g", policyArn: arn), caller: f.root)
        }
        let listed = try await f.iam.listAttachedGroupPolicies(
            ListAttachedGroupPoliciesInput(groupName: "g"), caller: f.root)
        #expect(
            listed.attachedPolicies
                == [
                    IAM.AttachedPolicy(policyName: "Base", policyArn: base),
                    IAM.AttachedPolicy(policyName: "Team", policyArn: team),
                ])
        let filtered = try await f.iam.listAttachedGroupPolicies(
            ListAttachedGroupPoliciesInput(groupName: "g", pathPrefix: "/team/"), caller: f.root)
        #expect(filtered.attachedPolicies?.map(\.policyArn) == [team])
        _ = try await f.iam.detachGroupPolicy(DetachGroupPolicyInput(groupName: "g", policyArn: team), caller: f.root)
        await K.expectError(.noSuchEntity, "Policy \(team) was not found.") {
            try await f.iam.detachGroupPolicy(DetachGroupPolicyInput(groupName: "g", policyArn: team), caller: f.root)
        }
        let missing = "arn:aws:iam::\(f.accountId):policy/Nope"
        await K.expectError(.noSuchEntity, "Policy \(missing) does not exist or is not attachable.") {
            try await f.iam.attachGroupPolicy(
                AttachGroupPolicyInput(groupName: "g", policyArn: missing), caller: f.root)
        }

        for index in 2...10 {
            let arn = try await K.createPolicy(f, "P\(index)")
            _ = try await f.iam.attachGroupPolicy(
                AttachGroupPolicyInput(groupName: "g", policyArn: arn), caller: f.root)
        }
        let eleventh = try await K.createPolicy(f, "P11")
        await K.expectError(.limitExceeded, "Cannot exceed quota for PoliciesPerGroup: 10") {
            try await f.iam.attachGroupPolicy(
                AttachGroupPolicyInput(groupName: "g", policyArn: eleventh), caller: f.root)
        }
    }

    @Test("a group's inline and attached policies grant to its members, and stop when the member leaves")
    func membersInherit() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        try await U.createGroup(f, "listers")
        try await U.createGroup(f, "readers")
        try await U.grant(f, group: "listers", K.allow("iam:ListUsers"))
        let reader = try await K.createPolicy(f, "Reader", document: K.allow("iam:GetUser"))
        _ = try await f.iam.attachGroupPolicy(
            AttachGroupPolicyInput(groupName: "readers", policyArn: reader), caller: f.root)
        let listUsers = "arn:aws:iam::\(f.accountId):user/"
        await U.expectDenied(alice, "iam:ListUsers", on: listUsers) {
            try await f.iam.listUsers(ListUsersInput(), caller: alice)
        }

        for group in ["listers", "readers"] {
            _ = try await f.iam.addUserToGroup(AddUserToGroupInput(groupName: group, userName: "alice"), caller: f.root)
        }
        f.authorizer.invalidate()
        _ = try await f.iam.listUsers(ListUsersInput(), caller: alice)
        _ = try await f.iam.getUser(GetUserInput(userName: "alice"), caller: alice)

        _ = try await f.iam.removeUserFromGroup(
            RemoveUserFromGroupInput(groupName: "listers", userName: "alice"), caller: f.root)
        f.authorizer.invalidate()
        await U.expectDenied(alice, "iam:ListUsers", on: listUsers) {
            try await f.iam.listUsers(ListUsersInput(), caller: alice)
        }
        _ = try await f.iam.getUser(GetUserInput(userName: "alice"), caller: alice)
    }

    @Test("the group policy operations are authorized against the group's ARN")
    func grantsAndDenials() async throws {
        let f = try await ServiceFixture.make()
        try await U.createGroup(f, "g")
        try await U.createGroup(f, "other")
        let alice = try await f.user(named: "alice")
        let input = PutGroupPolicyInput(groupName: "g", policyName: "P", policyDocument: K.allow("s3:*"))
        await U.expectDenied(alice, "iam:PutGroupPolicy", on: U.groupArn(f, "g")) {
            try await f.iam.putGroupPolicy(input, caller: alice)
        }
        try await K.grant(f, user: "alice", K.allow("iam:*GroupPolic*", resource: U.groupArn(f, "g")))
        _ = try await f.iam.putGroupPolicy(input, caller: alice)
        #expect(
            try await f.iam.getGroupPolicy(GetGroupPolicyInput(groupName: "g", policyName: "P"), caller: alice)
                .policyName == "P")
        await U.expectDenied(alice, "iam:ListAttachedGroupPolicies", on: U.groupArn(f, "other")) {
            try await f.iam.listAttachedGroupPolicies(ListAttachedGroupPoliciesInput(groupName: "other"), caller: alice)
        }
    }
}
