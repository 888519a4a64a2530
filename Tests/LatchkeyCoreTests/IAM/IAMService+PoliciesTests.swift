import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The rules of customer managed policies and their versions (`IAMService+Policies.swift`), without HTTP.
@Suite struct IAMServicePoliciesTests {
    typealias K = RoleTestKit

    @Test(
        "CreatePolicy answers the policy with an ANPA ID and v1 as default, without its description; GetPolicy has it")
    func createPolicy() async throws {
        let f = try await ServiceFixture.make()
        let input = CreatePolicyInput(
            policyName: "ReadOnly", policyDocument: K.allow("iam:Get*"), path: "/team/", description: "read things",
            tags: [IAM.Tag(key: "owner", value: "ops")])
        let policy = try #require(try await f.iam.createPolicy(input, caller: f.root, now: f.clock.now).policy)
        #expect(policy.policyName == "ReadOnly")
        #expect(policy.arn == K.policyArn(f, "ReadOnly", path: "/team/"))
        #expect(policy.path == "/team/")
        #expect(policy.policyId?.hasPrefix("ANPA") == true)
        #expect(policy.defaultVersionId == "v1")
        #expect(policy.attachmentCount == 0)
        #expect(policy.permissionsBoundaryUsageCount == 0)
        #expect(policy.isAttachable == true)
        #expect(policy.description == nil)
        #expect(policy.createDate == TestClock.start)
        #expect(policy.updateDate == TestClock.start)
        #expect(policy.tags == [IAM.Tag(key: "owner", value: "ops")])

        let arn = try #require(policy.arn)
        let stored = try #require(try await f.iam.getPolicy(GetPolicyInput(policyArn: arn), caller: f.root).policy)
        #expect(stored.description == "read things")
        #expect(stored.tags == [IAM.Tag(key: "owner", value: "ops")])
    }

    @Test("tags: CreatePolicy leaves an empty list out, GetPolicy always answers one")
    func tagsInAnswers() async throws {
        let f = try await ServiceFixture.make()
        let created = try await f.iam.createPolicy(
            CreatePolicyInput(policyName: "P", policyDocument: K.allow("s3:*")), caller: f.root, now: f.clock.now)
        #expect(created.policy?.tags == nil)
        let fetched = try await f.iam.getPolicy(GetPolicyInput(policyArn: K.policyArn(f, "P")), caller: f.root)
        #expect(fetched.policy?.tags == [])
        #expect(fetched.policy?.description == nil)
    }

    @Test("a policy name is unique case-insensitively (whatever the path)")
    func duplicateName() async throws {
        let f = try await ServiceFixture.make()
        try await K.createPolicy(f, "ReadOnly")
        await K.expectError(
            .entityAlreadyExists, "A policy called readonly already exists. Duplicate names are not allowed."
        ) {
            try await K.createPolicy(f, "readonly", path: "/other/")
        }
    }

    @Test(
        "a policy document IAM refuses is MalformedPolicyDocument with IAM's message, and nothing is stored",
        arguments: [
            ("not json", "Syntax errors in policy."),
            (
                #"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
                "Policy document must be version 2012-10-17 or greater."
            ),
            (RoleTestKit.trust("111122223333"), "Policy document should not specify a principal."),
            (
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}"#,
                "Policy statement must contain resources."
            ),
        ])
    func malformedDocument(document: String, message: String) async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.malformedPolicyDocument, message) {
            try await K.createPolicy(f, "Bad", document: document)
        }
        await K.expectError(.noSuchEntity, "Policy \(K.policyArn(f, "Bad")) was not found.") {
            try await f.iam.getPolicy(GetPolicyInput(policyArn: K.policyArn(f, "Bad")), caller: f.root)
        }
        let arn = try await K.createPolicy(f, "Good")
        await K.expectError(.malformedPolicyDocument, message) {
            try await f.iam.createPolicyVersion(
                CreatePolicyVersionInput(policyArn: arn, policyDocument: document), caller: f.root, now: f.clock.now)
        }
        let versions = try await f.iam.listPolicyVersions(ListPolicyVersionsInput(policyArn: arn), caller: f.root)
        #expect(versions.versions?.map(\.versionId) == ["v1"])
    }

    @Test("a managed policy document over 6,144 characters without white space is LimitExceeded")
    func documentSize() async throws {
        let f = try await ServiceFixture.make()
        let resources = (0..<150).map { #""arn:aws:s3:::bucket-with-a-long-name-\#($0)/*""# }.joined(separator: ",")
        let document =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[\#(resources)]}]}"#
        #expect(document.count > 6144)
        await K.expectError(.limitExceeded, "Cannot exceed quota for PolicySize: 6144") {
            try await K.createPolicy(f, "Big", document: document)
        }
    }

    @Test("GetPolicy: a missing policy is NoSuchEntity, a non-policy ARN ValidationError")
    func getPolicyErrors() async throws {
        let f = try await ServiceFixture.make()
        let missing = K.policyArn(f, "P")
        await K.expectError(.noSuchEntity, "Policy \(missing) was not found.") {
            try await f.iam.getPolicy(GetPolicyInput(policyArn: missing), caller: f.root)
        }
        let roleArn = K.roleArn(f, "P")
        await K.expectError(.validationError, "ARN \(roleArn) is not valid.") {
            try await f.iam.getPolicy(GetPolicyInput(policyArn: roleArn), caller: f.root)
        }
        for operation in ["ListPolicyVersions", "DeletePolicy", "GetPolicyVersion"] {
            await K.expectError(.validationError, "ARN \(roleArn) is not valid.", sourceLocation: #_sourceLocation) {
                switch operation {
                case "ListPolicyVersions":
                    _ = try await f.iam.listPolicyVersions(ListPolicyVersionsInput(policyArn: roleArn), caller: f.root)
                case "DeletePolicy":
                    _ = try await f.iam.deletePolicy(DeletePolicyInput(policyArn: roleArn), caller: f.root)
                default:
                    _ = try await f.iam.getPolicyVersion(
                        GetPolicyVersionInput(policyArn: roleArn, versionId: "v1"), caller: f.root)
                }
            }
        }
    }

    @Test("versions: create (as default or not), get with the URL-encoded document, list newest first, set default")
    func versions() async throws {
        let f = try await ServiceFixture.make()
        let arn = try await K.createPolicy(f, "P", document: K.allow("iam:ListUsers"))
        let second = K.allow("iam:ListGroups")
        f.clock.advance(by: 60)
        let created = try #require(
            try await f.iam.createPolicyVersion(
                CreatePolicyVersionInput(policyArn: arn, policyDocument: second, setAsDefault: true), caller: f.root,
                now: f.clock.now
            ).policyVersion)
        #expect(created == IAM.PolicyVersion(versionId: "v2", isDefaultVersion: true, createDate: f.clock.now))
        f.clock.advance(by: 60)
        let third = try await f.iam.createPolicyVersion(
            CreatePolicyVersionInput(policyArn: arn, policyDocument: K.allow("iam:ListRoles")), caller: f.root,
            now: f.clock.now)
        #expect(third.policyVersion?.isDefaultVersion == false)

        let fetched = try await f.iam.getPolicyVersion(
            GetPolicyVersionInput(policyArn: arn, versionId: "v2"), caller: f.root)
        #expect(
            fetched.policyVersion
                == IAM.PolicyVersion(
                    document: K.encoded(second), versionId: "v2", isDefaultVersion: true,
                    createDate: TestClock.start.addingTimeInterval(60)))

        let policy = try await f.iam.getPolicy(GetPolicyInput(policyArn: arn), caller: f.root).policy
        #expect(policy?.defaultVersionId == "v2")
        #expect(policy?.updateDate == TestClock.start.addingTimeInterval(120))

        let listed = try await f.iam.listPolicyVersions(ListPolicyVersionsInput(policyArn: arn), caller: f.root)
        #expect(listed.versions?.map(\.versionId) == ["v3", "v2", "v1"])
        #expect(listed.versions?.map(\.isDefaultVersion) == [false, true, false])
        #expect(listed.versions?.allSatisfy { $0.document == nil } == true)
        let firstPage = try await f.iam.listPolicyVersions(
            ListPolicyVersionsInput(policyArn: arn, maxItems: 2), caller: f.root)
        #expect(firstPage.versions?.map(\.versionId) == ["v3", "v2"])
        #expect(firstPage.isTruncated == true)
        let secondPage = try await f.iam.listPolicyVersions(
            ListPolicyVersionsInput(policyArn: arn, marker: firstPage.marker), caller: f.root)
        #expect(secondPage.versions?.map(\.versionId) == ["v1"])
        #expect(secondPage.isTruncated == false)

        _ = try await f.iam.setDefaultPolicyVersion(
            SetDefaultPolicyVersionInput(policyArn: arn, versionId: "v3"), caller: f.root)
        let after = try await f.iam.listPolicyVersions(ListPolicyVersionsInput(policyArn: arn), caller: f.root)
        #expect(after.versions?.map(\.isDefaultVersion) == [true, false, false])
        await K.expectError(.noSuchEntity, "Policy \(arn) version v7 does not exist or is not attachable.") {
            try await f.iam.setDefaultPolicyVersion(
                SetDefaultPolicyVersionInput(policyArn: arn, versionId: "v7"), caller: f.root)
        }
        let missing = K.policyArn(f, "Missing")
        await K.expectError(.noSuchEntity, "Policy \(missing) was not found.") {
            try await f.iam.setDefaultPolicyVersion(
                SetDefaultPolicyVersionInput(policyArn: missing, versionId: "v1"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "Policy \(missing) was not found.") {
            try await f.iam.createPolicyVersion(
                CreatePolicyVersionInput(policyArn: missing, policyDocument: second), caller: f.root, now: f.clock.now)
        }
    }

    @Test("the default version cannot be deleted; a deleted version is gone and its number never reused")
    func deleteVersion() async throws {
        let f = try await ServiceFixture.make()
        let arn = try await K.createPolicy(f, "P")
        _ = try await f.iam.createPolicyVersion(
            CreatePolicyVersionInput(policyArn: arn, policyDocument: K.allow("iam:Get*"), setAsDefault: true),
            caller: f.root, now: f.clock.now)
        await K.expectError(.deleteConflict, "Cannot delete the default version of a policy.") {
            try await f.iam.deletePolicyVersion(
                DeletePolicyVersionInput(policyArn: arn, versionId: "v2"), caller: f.root)
        }
        #expect(
            try await f.iam.deletePolicyVersion(
                DeletePolicyVersionInput(policyArn: arn, versionId: "v1"), caller: f.root)
                == DeletePolicyVersionOutput())
        await K.expectError(.noSuchEntity, "Policy \(arn) version v1 does not exist or is not attachable.") {
            try await f.iam.getPolicyVersion(GetPolicyVersionInput(policyArn: arn, versionId: "v1"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "Policy \(arn) version v1 does not exist or is not attachable.") {
            try await f.iam.deletePolicyVersion(
                DeletePolicyVersionInput(policyArn: arn, versionId: "v1"), caller: f.root)
        }
        let next = try await f.iam.createPolicyVersion(
            CreatePolicyVersionInput(policyArn: arn, policyDocument: K.allow("iam:List*")), caller: f.root,
            now: f.clock.now)
        #expect(next.policyVersion?.versionId == "v3")
    }

    @Test("a policy has at most five versions")
    func versionLimit() async throws {
        let f = try await ServiceFixture.make()
        let arn = try await K.createPolicy(f, "P")
        for _ in 2...5 {
            _ = try await f.iam.createPolicyVersion(
                CreatePolicyVersionInput(policyArn: arn, policyDocument: K.allow("iam:Get*")), caller: f.root,
                now: f.clock.now)
        }
        await K.expectError(
            .limitExceeded,
            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."
        ) {
            try await f.iam.createPolicyVersion(
                CreatePolicyVersionInput(policyArn: arn, policyDocument: K.allow("iam:Get*")), caller: f.root,
                now: f.clock.now)
        }
        _ = try await f.iam.deletePolicyVersion(
            DeletePolicyVersionInput(policyArn: arn, versionId: "v3"), caller: f.root)
        let sixth = try await f.iam.createPolicyVersion(
            CreatePolicyVersionInput(policyArn: arn, policyDocument: K.allow("iam:Get*")), caller: f.root,
            now: f.clock.now)
        #expect(sixth.policyVersion?.versionId == "v6")
        let listed = try await f.iam.listPolicyVersions(ListPolicyVersionsInput(policyArn: arn), caller: f.root)
        #expect(listed.versions?.map(\.versionId) == ["v6", "v5", "v4", "v2", "v1"])
    }

    @Test("DeletePolicy is refused while the policy is attached, used as a boundary, or has other versions")
    func deletePolicy() async throws {
        let f = try await ServiceFixture.make()
        let arn = try await K.createPolicy(f, "P")
        try await K.createRole(f, "r")
        _ = try await f.iam.attachRolePolicy(AttachRolePolicyInput(roleName: "r", policyArn: arn), caller: f.root)
        await K.expectError(.deleteConflict, "Cannot delete a policy attached to entities.") {
            try await f.iam.deletePolicy(DeletePolicyInput(policyArn: arn), caller: f.root)
        }
        _ = try await f.iam.detachRolePolicy(DetachRolePolicyInput(roleName: "r", policyArn: arn), caller: f.root)
        _ = try await f.iam.putRolePermissionsBoundary(
            PutRolePermissionsBoundaryInput(roleName: "r", permissionsBoundary: arn), caller: f.root)
        await K.expectError(.deleteConflict, "Cannot delete a policy attached to entities.") {
            try await f.iam.deletePolicy(DeletePolicyInput(policyArn: arn), caller: f.root)
        }
        _ = try await f.iam.deleteRolePermissionsBoundary(
            DeleteRolePermissionsBoundaryInput(roleName: "r"), caller: f.root)

        _ = try await f.iam.createPolicyVersion(
            CreatePolicyVersionInput(policyArn: arn, policyDocument: K.allow("iam:Get*")), caller: f.root,
            now: f.clock.now)
        await K.expectError(
            .deleteConflict,
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. "
                + "The default version is deleted with the policy."
        ) {
            try await f.iam.deletePolicy(DeletePolicyInput(policyArn: arn), caller: f.root)
        }
        _ = try await f.iam.deletePolicyVersion(
            DeletePolicyVersionInput(policyArn: arn, versionId: "v2"), caller: f.root)

        #expect(try await f.iam.deletePolicy(DeletePolicyInput(policyArn: arn), caller: f.root) == DeletePolicyOutput())
        await K.expectError(.noSuchEntity, "Policy \(arn) was not found.") {
            try await f.iam.getPolicy(GetPolicyInput(policyArn: arn), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "Policy \(arn) was not found.") {
            try await f.iam.deletePolicy(DeletePolicyInput(policyArn: arn), caller: f.root)
        }
    }

    @Test(
        "ListPolicies: Local and All list the account's policies, AWS none; OnlyAttached, PathPrefix and the usage filter keep some"
    )
    func listPolicies() async throws {
        let f = try await ServiceFixture.make()
        let attached = try await K.createPolicy(f, "Beta", path: "/eng/")
        let boundary = try await K.createPolicy(f, "alpha", path: "/ops/")
        try await K.createPolicy(f, "gamma")
        try await K.createRole(f, "r")
        _ = try await f.iam.attachRolePolicy(AttachRolePolicyInput(roleName: "r", policyArn: attached), caller: f.root)
        _ = try await f.iam.putRolePermissionsBoundary(
            PutRolePermissionsBoundaryInput(roleName: "r", permissionsBoundary: boundary), caller: f.root)

        func names(_ input: ListPoliciesInput) async throws -> [String?] {
            try await f.iam.listPolicies(input, caller: f.root).policies?.map(\.policyName) ?? []
        }
        #expect(try await names(ListPoliciesInput()) == ["alpha", "Beta", "gamma"])
        #expect(try await names(ListPoliciesInput(scope: "Local")) == ["alpha", "Beta", "gamma"])
        #expect(try await names(ListPoliciesInput(scope: "All")) == ["alpha", "Beta", "gamma"])
        #expect(try await names(ListPoliciesInput(scope: "AWS")) == [])
        #expect(try await names(ListPoliciesInput(onlyAttached: true)) == ["Beta"])
        #expect(try await names(ListPoliciesInput(pathPrefix: "/ops/")) == ["alpha"])
        #expect(try await names(ListPoliciesInput(policyUsageFilter: "PermissionsBoundary")) == ["alpha"])
        #expect(
            try await names(ListPoliciesInput(policyUsageFilter: "PermissionsPolicy")) == ["alpha", "Beta", "gamma"])

        let listed = try await f.iam.listPolicies(ListPoliciesInput(onlyAttached: true), caller: f.root)
        let member = try #require(listed.policies?.first)
        #expect(member.attachmentCount == 1)
        #expect(member.tags == nil)
        #expect(member.description == nil)
        #expect(listed.isTruncated == false)

        let paged = try await f.iam.listPolicies(ListPoliciesInput(maxItems: 2), caller: f.root)
        #expect(paged.policies?.map(\.policyName) == ["alpha", "Beta"])
        #expect(paged.isTruncated == true)
        let rest = try await f.iam.listPolicies(ListPoliciesInput(marker: paged.marker), caller: f.root)
        #expect(rest.policies?.map(\.policyName) == ["gamma"])
    }

    @Test("ListPolicies' Scope and PolicyUsageFilter admit only the model's values")
    func listPoliciesEnums() async throws {
        await K.expectError(.validationError) { try ListPoliciesInput(validating: ["Scope": "Mine"]) }
        await K.expectError(.validationError) { try ListPoliciesInput(validating: ["PolicyUsageFilter": "Both"]) }
        #expect(try ListPoliciesInput(validating: ["Scope": "AWS"]).scope == "AWS")
    }

    @Test("a user needs an identity policy for managed policies, authorized against the policy's ARN")
    func grantsAndDenials() async throws {
        let f = try await ServiceFixture.make()
        let arn = try await K.createPolicy(f, "P", path: "/team/")
        let alice = try await f.user(named: "alice")
        let denied = await K.expectError(.accessDenied) {
            try await f.iam.getPolicy(GetPolicyInput(policyArn: arn), caller: alice)
        }
        #expect(
            denied?.message.hasPrefix(
                "User: \(K.userArn(f, "alice")) is not authorized to perform: iam:GetPolicy on resource: policy \(arn)")
                == true
                || denied?.message.hasPrefix(
                    "User: \(K.userArn(f, "alice")) is not authorized to perform: iam:GetPolicy on resource: \(arn)")
                    == true,
            "\(denied?.message ?? "")")
        await K.expectError(.accessDenied) {
            try await f.iam.createPolicy(
                CreatePolicyInput(policyName: "Q", policyDocument: K.allow("s3:*")), caller: alice, now: f.clock.now)
        }
        await K.expectError(.accessDenied) { try await f.iam.listPolicies(ListPoliciesInput(), caller: alice) }

        try await K.grant(
            f, user: "alice", K.allow("iam:*Polic*", resource: "arn:aws:iam::\(f.accountId):policy/team/*"))
        #expect(try await f.iam.getPolicy(GetPolicyInput(policyArn: arn), caller: alice).policy?.arn == arn)
        _ = try await f.iam.createPolicyVersion(
            CreatePolicyVersionInput(policyArn: arn, policyDocument: K.allow("s3:Get*"), setAsDefault: true),
            caller: alice, now: f.clock.now)
        _ = try await f.iam.createPolicy(
            CreatePolicyInput(policyName: "Q", policyDocument: K.allow("s3:*"), path: "/team/"), caller: alice,
            now: f.clock.now)
        await K.expectError(.accessDenied) {
            try await f.iam.createPolicy(
                CreatePolicyInput(policyName: "R", policyDocument: K.allow("s3:*")), caller: alice, now: f.clock.now)
        }
        // ListPolicies is authorized against the account's policy/ prefix, which the grant does not name.
        await K.expectError(.accessDenied) { try await f.iam.listPolicies(ListPoliciesInput(), caller: alice) }
    }
}
