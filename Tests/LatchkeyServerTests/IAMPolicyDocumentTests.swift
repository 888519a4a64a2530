import Foundation
import LatchkeyQuery
import Testing

/// IAM checks documents on write as AWS does (issue 9, section 3): one representative row of each message, through
/// the operation that writes that kind of document, on the real server. The full rule table is
/// `Tests/LatchkeyPolicyTests/Fixtures/write-validation.json`.
@Suite struct IAMPolicyDocumentTests {
    static let account = "111122223333"
    static let trust =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}"#

    /// A trust policy with one statement changed.
    static func trust(action: String = #""sts:AssumeRole""#, extra: String = "", principal: Bool = true) -> String {
        let principalText = principal ? #""Principal":{"AWS":"111122223333"},"# : ""
        return
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",\#(principalText)"Action":\#(action)\#(extra)}]}"#
    }

    /// A permissions policy with one statement, under `version` (nil: no Version element).
    static func permissions(
        version: String? = "2012-10-17", resource: String = "arn:aws:s3:::example_bucket", extra: String = ""
    ) -> String {
        let versionText = version.map { #""Version":"\#($0)","# } ?? ""
        return
            #"{\#(versionText)"Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"\#(resource)"\#(extra)}]}"#
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let document: String
        /// nil: accepted.
        let message: String?
        var testDescription: String { name }
    }

    static let trustRows: [Row] = [
        Row(
            name: "invalid JSON", document: #"{"Version":"2012-10-17","Statement":["#,
            message: "This policy contains invalid Json"),
        Row(
            name: "an action that is not an AssumeRole action",
            document: trust(action: #"["sts:AssumeRole","s3:GetObject"]"#),
            message: "AssumeRole policy may only specify STS AssumeRole actions."),
        Row(
            name: "sts:*", document: trust(action: #""sts:*""#),
            message: "AssumeRole policy may only specify STS AssumeRole actions."),
        Row(name: "a Resource", document: trust(extra: #","Resource":"*""#), message: "Has prohibited field Resource"),
        Row(name: "no Principal", document: trust(principal: false), message: "Missing required field Principal"),
        Row(
            name: "accepted: every AssumeRole action",
            document: trust(
                action:
                    #"["sts:AssumeRole","sts:AssumeRoleWithSAML","sts:AssumeRoleWithWebIdentity","sts:TagSession","sts:SetSourceIdentity","sts:SetContext"]"#
            ),
            message: nil),
    ]

    @Test("CreateRole checks the trust policy as IAM does, and creates no role when it refuses", arguments: trustRows)
    func createRole(_ row: Row) async throws {
        try await TestServer.run { server in
            let reply = try await server.iam("CreateRole", ["RoleName": "r", "AssumeRolePolicyDocument": row.document])
            if let message = row.message {
                try reply.expectError("MalformedPolicyDocument", status: 400, message: message)
                try await server.iam("GetRole", ["RoleName": "r"]).expectError("NoSuchEntity", status: 404)
            } else {
                _ = try reply.result("CreateRole")
            }
        }
    }

    @Test(
        "UpdateAssumeRolePolicy checks the new trust policy and keeps the old one when it refuses", arguments: trustRows
    )
    func updateAssumeRolePolicy(_ row: Row) async throws {
        try await TestServer.run { server in
            _ = try await server.iam("CreateRole", ["RoleName": "r", "AssumeRolePolicyDocument": Self.trust]).result(
                "CreateRole")
            let reply = try await server.iam(
                "UpdateAssumeRolePolicy", ["RoleName": "r", "PolicyDocument": row.document])
            let role = try #require(try await server.iam("GetRole", ["RoleName": "r"]).result("GetRole").child("Role"))
            let stored = role.text("AssumeRolePolicyDocument")?.removingPercentEncoding
            if let message = row.message {
                try reply.expectError("MalformedPolicyDocument", status: 400, message: message)
                #expect(stored == Self.trust)
            } else {
                try reply.expectSuccess("UpdateAssumeRolePolicy")
                #expect(stored == row.document)
            }
        }
    }

    static let iamPathMessage =
        #"IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/."#

    /// Rows that IAM answers the same way for managed and inline policies.
    static let permissionsRows: [Row] = [
        Row(
            name: "a duplicate Sid",
            document:
                #"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
            message: "Statement IDs (SID) in a single policy must be unique."),
        Row(
            name: "an IAM ARN that names no IAM resource",
            document: permissions(resource: "arn:aws:iam:::example_bucket"), message: iamPathMessage),
        Row(
            name: "an IAM ARN with a region",
            document: permissions(resource: "arn:aws:iam:us-east-1:111122223333:user/u"),
            message: "IAM resource arn:aws:iam:us-east-1:111122223333:user/u cannot contain region information."),
        Row(
            name: "an unknown partition", document: permissions(resource: "arn:aws2:s3:::b"),
            message: #"Partition "aws2" is not valid for resource "arn:aws2:s3:::b"."#),
        Row(
            name: "a Principal", document: permissions(extra: #","Principal":{"AWS":"*"}"#),
            message: "Policy document should not specify a principal."),
        Row(
            name: "no Resource", document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*"}}"#,
            message: "Policy statement must contain resources."),
        Row(
            name: "no Action", document: #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}"#,
            message: "Policy statement must contain actions."),
        Row(name: "accepted: a short non-IAM ARN", document: permissions(resource: "arn:aws:fdsasf"), message: nil),
        Row(
            name: "accepted: a condition key without a vendor",
            document: permissions(extra: #","Condition":{"StringEquals":{"foo":"bar"}}"#), message: nil),
    ]

    static let versionMessage = "Policy document must be version 2012-10-17 or greater."

    static let managedRows: [Row] =
        permissionsRows + [
            Row(name: "no Version", document: permissions(version: nil), message: versionMessage),
            Row(name: "Version 2008-10-17", document: permissions(version: "2008-10-17"), message: versionMessage),
        ]

    @Test("CreatePolicy checks the document as IAM does and stores nothing when it refuses", arguments: managedRows)
    func createPolicy(_ row: Row) async throws {
        try await TestServer.run { server in
            let reply = try await server.iam("CreatePolicy", ["PolicyName": "P", "PolicyDocument": row.document])
            let arn = "arn:aws:iam::\(Self.account):policy/P"
            if let message = row.message {
                try reply.expectError("MalformedPolicyDocument", status: 400, message: message)
                try await server.iam("GetPolicy", ["PolicyArn": arn]).expectError("NoSuchEntity", status: 404)
            } else {
                #expect(try reply.result("CreatePolicy").text("Policy", "Arn") == arn)
            }
        }
    }

    @Test("CreatePolicyVersion checks the document as IAM does", arguments: managedRows)
    func createPolicyVersion(_ row: Row) async throws {
        try await TestServer.run { server in
            let arn = try await server.createManagedPolicy("P")
            let reply = try await server.iam("CreatePolicyVersion", ["PolicyArn": arn, "PolicyDocument": row.document])
            if let message = row.message {
                try reply.expectError("MalformedPolicyDocument", status: 400, message: message)
            } else {
                #expect(try reply.result("CreatePolicyVersion").text("PolicyVersion", "VersionId") == "v2")
            }
        }
    }

    static let inlineRows: [Row] =
        permissionsRows + [
            Row(name: "accepted: no Version in an inline policy", document: permissions(version: nil), message: nil),
            Row(
                name: "accepted: Version 2008-10-17 in an inline policy", document: permissions(version: "2008-10-17"),
                message: nil),
        ]

    @Test("PutUserPolicy, PutGroupPolicy and PutRolePolicy check the document as IAM does", arguments: inlineRows)
    func putInlinePolicies(_ row: Row) async throws {
        try await TestServer.run { server in
            _ = try await server.iam("CreateUser", ["UserName": "u"]).result("CreateUser")
            _ = try await server.iam("CreateGroup", ["GroupName": "g"]).result("CreateGroup")
            _ = try await server.iam("CreateRole", ["RoleName": "r", "AssumeRolePolicyDocument": Self.trust]).result(
                "CreateRole")
            let replies = [
                (
                    "PutUserPolicy",
                    try await server.iam(
                        "PutUserPolicy", ["UserName": "u", "PolicyName": "p", "PolicyDocument": row.document])
                ),
                (
                    "PutGroupPolicy",
                    try await server.iam(
                        "PutGroupPolicy", ["GroupName": "g", "PolicyName": "p", "PolicyDocument": row.document])
                ),
                (
                    "PutRolePolicy",
                    try await server.iam(
                        "PutRolePolicy", ["RoleName": "r", "PolicyName": "p", "PolicyDocument": row.document])
                ),
            ]
            for (action, reply) in replies {
                if let message = row.message {
                    try reply.expectError("MalformedPolicyDocument", status: 400, message: message)
                } else {
                    try reply.expectSuccess(action)
                }
            }
            let stored = try await server.iam("GetUserPolicy", ["UserName": "u", "PolicyName": "p"])
            if row.message != nil {
                try stored.expectError("NoSuchEntity", status: 404)
            } else {
                #expect(
                    try stored.result("GetUserPolicy").text("PolicyDocument")?.removingPercentEncoding == row.document)
            }
        }
    }

    @Test("an inline policy without Version is accepted and enforced as written")
    func inlinePolicyWithoutVersionIsEnforced() async throws {
        try await TestServer.run { server in
            _ = try await server.iam("CreateUser", ["UserName": "u"]).result("CreateUser")
            let document =
                #"{"Statement":{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111122223333:user/u"}}"#
            try await server.iam("PutUserPolicy", ["UserName": "u", "PolicyName": "p", "PolicyDocument": document])
                .expectSuccess("PutUserPolicy")
            let user = try await server.createAccessKey(for: "u")
            _ = try await server.iam("GetUser", ["UserName": "u"], as: user).result("GetUser")
            try await server.iam("ListUsers", as: user).expectError("AccessDenied", status: 403)
        }
    }
}
