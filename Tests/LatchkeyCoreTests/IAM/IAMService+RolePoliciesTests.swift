import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The rules of a role's inline and attached policies (`IAMService+RolePolicies.swift`), without HTTP.
@Suite struct IAMServiceRolePoliciesTests {
    typealias K = RoleTestKit

    @Test(
        "PutRolePolicy stores or replaces an inline policy; GetRolePolicy answers it URL-encoded; ListRolePolicies pages names"
    )
    func inlinePolicies() async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "r")
        let document = K.allow("s3:GetObject", resource: "arn:aws:s3:::bucket/*")
        for (name, text) in [("S3Read", K.allow("s3:*")), ("S3Read", document), ("Logs", K.allow("logs:*"))] {
            let output = try await f.iam.putRolePolicy(
                PutRolePolicyInput(roleName: "r", policyName: name, policyDocument: text), caller: f.root)
            #expect(output == PutRolePolicyOutput())
        }
        let got = try await f.iam.getRolePolicy(GetRolePolicyInput(roleName: "R", policyName: "S3Read"), caller: f.root)
        #expect(got == GetRolePolicyOutput(roleName: "r", policyName: "S3Read", policyDocument: K.encoded(document)))

        let listed = try await f.iam.listRolePolicies(ListRolePoliciesInput(roleName: "r"), caller: f.root)
        #expect(listed == ListRolePoliciesOutput(policyNames: ["Logs", "S3Read"], isTruncated: false))
        let paged = try await f.iam.listRolePolicies(ListRolePoliciesInput(roleName: "r", maxItems: 1), caller: f.root)
        #expect(paged.policyNames == ["Logs"])
        #expect(paged.isTruncated == true)
        let rest = try await f.iam.listRolePolicies(
            ListRolePoliciesInput(roleName: "r", marker: paged.marker), caller: f.root)
        #expect(rest.policyNames == ["S3Read"])
        #expect(rest.isTruncated == false)

        _ = try await f.iam.deleteRolePolicy(DeleteRolePolicyInput(roleName: "r", policyName: "Logs"), caller: f.root)
        let after = try await f.iam.listRolePolicies(ListRolePoliciesInput(roleName: "r"), caller: f.root)
        #expect(after.policyNames == ["S3Read"])
    }

    @Test("a missing inline policy or role is NoSuchEntity with IAM's messages")
    func inlinePolicyErrors() async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "r")
        await K.expectError(.noSuchEntity, "The role policy with name none cannot be found.") {
            try await f.iam.getRolePolicy(GetRolePolicyInput(roleName: "r", policyName: "none"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The role policy with name none cannot be found.") {
            try await f.iam.deleteRolePolicy(DeleteRolePolicyInput(roleName: "r", policyName: "none"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The role with name ghost cannot be found.") {
            try await f.iam.putRolePolicy(
                PutRolePolicyInput(roleName: "ghost", policyName: "p", policyDocument: K.allow("s3:*")), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The role with name ghost cannot be found.") {
            try await f.iam.getRolePolicy(GetRolePolicyInput(roleName: "ghost", policyName: "p"), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The role with name ghost cannot be found.") {
            try await f.iam.listRolePolicies(ListRolePoliciesInput(roleName: "ghost"), caller: f.root)
        }
    }

    @Test(
        "a malformed inline policy is MalformedPolicyDocument with IAM's message and is not stored",
        arguments: [
            (RoleTestKit.trust("111122223333"), "Policy document should not specify a principal."),
            ("{", "Syntax errors in policy."),
        ])
    func malformedInlinePolicy(document: String, message: String) async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "r")
        await K.expectError(.malformedPolicyDocument, message) {
            try await f.iam.putRolePolicy(
                PutRolePolicyInput(roleName: "r", policyName: "p", policyDocument: document), caller: f.root)
        }
        let listed = try await f.iam.listRolePolicies(ListRolePoliciesInput(roleName: "r"), caller: f.root)
        #expect(listed.policyNames == [])
    }

    @Test("a role's inline policies may hold at most 10,240 characters without white space together")
    func inlinePolicySizeQuota() async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "r")
        // About 4,100 characters each: two fit, a third does not.
        let resources = (0..<90).map { #""arn:aws:s3:::bucket-with-a-long-name-\#($0)/*""# }.joined(separator: ",")
        let document =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[\#(resources)]}]}"#
        #expect((4000..<5000).contains(document.count))
        for name in ["a", "b"] {
            _ = try await f.iam.putRolePolicy(
                PutRolePolicyInput(roleName: "r", policyName: name, policyDocument: document), caller: f.root)
        }
        await K.expectError(.limitExceeded, "Maximum policy size of 10240 bytes exceeded for role r") {
            try await f.iam.putRolePolicy(
                PutRolePolicyInput(roleName: "r", policyName: "c", policyDocument: document), caller: f.root)
        }
        // Replacing a policy counts its new size only.
        _ = try await f.iam.putRolePolicy(
            PutRolePolicyInput(roleName: "r", policyName: "b", policyDocument: document), caller: f.root)
        let listed = try await f.iam.listRolePolicies(ListRolePoliciesInput(roleName: "r"), caller: f.root)
        #expect(listed.policyNames == ["a", "b"])
    }

    @Test(
        "AttachRolePolicy attaches a managed policy once; ListAttachedRolePolicies orders and filters; DetachRolePolicy removes it"
    )
    func attachAndDetach() async throws {
        let f = try await ServiceFixture.make()
        let readOnly = try await K.createPolicy(f, "ReadOnly")
        let admin = try await K.createPolicy(f, "Admin", path: "/admin/")
        try await K.createRole(f, "r")
        for arn in [readOnly, admin, readOnly] {
            #expect(
                try await f.iam.attachRolePolicy(AttachRolePolicyInput(roleName: "r", policyArn: arn), caller: f.root)
                    == AttachRolePolicyOutput())
        }
        let listed = try await f.iam.listAttachedRolePolicies(
            ListAttachedRolePoliciesInput(roleName: "r"), caller: f.root)
        #expect(
            listed.attachedPolicies == [
                IAM.AttachedPolicy(policyName: "Admin", policyArn: admin),
                IAM.AttachedPolicy(policyName: "ReadOnly", policyArn: readOnly),
            ])
        #expect(listed.isTruncated == false)
        let filtered = try await f.iam.listAttachedRolePolicies(
            ListAttachedRolePoliciesInput(roleName: "r", pathPrefix: "/admin/"), caller: f.root)
        #expect(filtered.attachedPolicies?.map(\.policyName) == ["Admin"])
        let paged = try await f.iam.listAttachedRolePolicies(
            ListAttachedRolePoliciesInput(roleName: "r", maxItems: 1), caller: f.root)
        #expect(paged.attachedPolicies?.map(\.policyName) == ["Admin"])
        #expect(paged.isTruncated == true)
        #expect(
            try await f.iam.getPolicy(GetPolicyInput(policyArn: readOnly), caller: f.root).policy?.attachmentCount == 1)

        _ = try await f.iam.detachRolePolicy(DetachRolePolicyInput(roleName: "r", policyArn: admin), caller: f.root)
        let after = try await f.iam.listAttachedRolePolicies(
            ListAttachedRolePoliciesInput(roleName: "r"), caller: f.root)
        #expect(after.attachedPolicies?.map(\.policyName) == ["ReadOnly"])
        await K.expectError(.noSuchEntity, "Policy \(admin) was not found.") {
            try await f.iam.detachRolePolicy(DetachRolePolicyInput(roleName: "r", policyArn: admin), caller: f.root)
        }
    }

    @Test(
        "attaching a policy that does not exist, or to a role that does not exist, is NoSuchEntity; a non-policy ARN ValidationError"
    )
    func attachErrors() async throws {
        let f = try await ServiceFixture.make()
        let policy = try await K.createPolicy(f, "P")
        try await K.createRole(f, "r")
        for missing in [K.policyArn(f, "Missing"), "arn:aws:iam::aws:policy/ReadOnlyAccess"] {
            await K.expectError(.noSuchEntity, "Policy \(missing) does not exist or is not attachable.") {
                try await f.iam.attachRolePolicy(
                    AttachRolePolicyInput(roleName: "r", policyArn: missing), caller: f.root)
            }
        }
        let roleArn = K.roleArn(f, "r")
        await K.expectError(.validationError, "ARN \(roleArn) is not valid.") {
            try await f.iam.attachRolePolicy(AttachRolePolicyInput(roleName: "r", policyArn: roleArn), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The role with name ghost cannot be found.") {
            try await f.iam.attachRolePolicy(
                AttachRolePolicyInput(roleName: "ghost", policyArn: policy), caller: f.root)
        }
        await K.expectError(.noSuchEntity, "The role with name ghost cannot be found.") {
            try await f.iam.listAttachedRolePolicies(ListAttachedRolePoliciesInput(roleName: "ghost"), caller: f.root)
        }
    }

    @Test("a role may have at most 10 managed policies attached")
    func attachQuota() async throws {
        let f = try await ServiceFixture.make()
        try await K.createRole(f, "r")
        var arns: [String] = []
        for index in 1...11 { arns.append(try await K.createPolicy(f, "P\(index)")) }
        for arn in arns.prefix(10) {
            _ = try await f.iam.attachRolePolicy(AttachRolePolicyInput(roleName: "r", policyArn: arn), caller: f.root)
        }
        await K.expectError(.limitExceeded, "Cannot exceed quota for PoliciesPerRole: 10") {
            try await f.iam.attachRolePolicy(AttachRolePolicyInput(roleName: "r", policyArn: arns[10]), caller: f.root)
        }
        // Attaching one of the ten again is no new attachment.
        _ = try await f.iam.attachRolePolicy(AttachRolePolicyInput(roleName: "r", policyArn: arns[0]), caller: f.root)
    }

    @Test("a user needs an identity policy for a role's policies, authorized against the role's ARN")
    func grantsAndDenials() async throws {
        let f = try await ServiceFixture.make()
        let policy = try await K.createPolicy(f, "P")
        try await K.createRole(f, "r", path: "/app/")
        let alice = try await f.user(named: "alice")
        let denied = await K.expectError(.accessDenied) {
            try await f.iam.putRolePolicy(
                PutRolePolicyInput(roleName: "r", policyName: "p", policyDocument: K.allow("s3:*")), caller: alice)
        }
        #expect(
            denied?.message.hasPrefix(
                "User: \(K.userArn(f, "alice")) is not authorized to perform: iam:PutRolePolicy on resource: "
                    + K.roleArn(f, "r", path: "/app/")) == true)
        await K.expectError(.accessDenied) {
            try await f.iam.attachRolePolicy(AttachRolePolicyInput(roleName: "r", policyArn: policy), caller: alice)
        }

        try await K.grant(
            f, user: "alice", K.allow("iam:*RolePolic*", resource: "arn:aws:iam::\(f.accountId):role/app/*"))
        _ = try await f.iam.putRolePolicy(
            PutRolePolicyInput(roleName: "r", policyName: "p", policyDocument: K.allow("s3:*")), caller: alice)
        _ = try await f.iam.attachRolePolicy(AttachRolePolicyInput(roleName: "r", policyArn: policy), caller: alice)
        let listed = try await f.iam.listAttachedRolePolicies(
            ListAttachedRolePoliciesInput(roleName: "r"), caller: alice)
        #expect(listed.attachedPolicies?.map(\.policyArn) == [policy])
        // The grant names roles under /app/ only.
        try await K.createRole(f, "other")
        await K.expectError(.accessDenied) {
            try await f.iam.listRolePolicies(ListRolePoliciesInput(roleName: "other"), caller: alice)
        }
    }
}
