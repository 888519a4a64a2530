import Foundation
import LatchkeyQuery
import LatchkeyTestSupport
import Testing

/// Identity policy documents the policy tests use.
enum PolicyText {
    static func allow(_ action: String, resource: String = "*") -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"\#(action)","Resource":"\#(resource)"}]}"#
    }

    static func deny(_ action: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"\#(action)","Resource":"*"}]}"#
    }

    /// The form IAM returns a document in: RFC 3986 percent-encoding of the JSON text.
    static func encoded(_ document: String) -> String {
        var output = ""
        QueryParameters.percentEncode(document, into: &output)
        return output
    }
}

extension TestServer {
    /// CreatePolicy as the root; returns the new policy's ARN.
    @discardableResult
    func createManagedPolicy(
        _ name: String, document: String = PolicyText.allow("iam:ListUsers"), path: String = "/",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let result = try await iam(
            "CreatePolicy", ["PolicyName": name, "PolicyDocument": document, "Path": path],
            sourceLocation: sourceLocation
        ).result("CreatePolicy", sourceLocation: sourceLocation)
        return try #require(result.text("Policy", "Arn"), sourceLocation: sourceLocation)
    }
}

@Suite struct IAMPoliciesTests {
    static let arnPrefix = "arn:aws:iam::111122223333:policy"

    @Test(
        "CreatePolicy returns the policy with an ANPA ID and v1 as default; a second one of the same name is EntityAlreadyExists"
    )
    func createPolicy() async throws {
        try await TestServer.run { server in
            let reply = try await server.iam(
                "CreatePolicy",
                [
                    "PolicyName": "ReadOnly", "Path": "/team/", "PolicyDocument": PolicyText.allow("iam:Get*"),
                    "Description": "read things", "Tags.member.1.Key": "owner", "Tags.member.1.Value": "ops",
                ])
            let policy = try #require(try reply.result("CreatePolicy").child("Policy"))
            #expect(policy.text("PolicyName") == "ReadOnly")
            #expect(policy.text("Arn") == "\(Self.arnPrefix)/team/ReadOnly")
            #expect(policy.text("Path") == "/team/")
            #expect(policy.text("PolicyId")?.hasPrefix("ANPA") == true)
            #expect(policy.text("DefaultVersionId") == "v1")
            #expect(policy.text("AttachmentCount") == "0")
            #expect(policy.text("PermissionsBoundaryUsageCount") == "0")
            #expect(policy.text("IsAttachable") == "true")
            #expect(policy.child("Description") == nil)  // IAM's CreatePolicy does not echo it; GetPolicy does
            #expect(policy.text("CreateDate") == "2025-06-15T15:06:40Z")
            #expect(policy.members(of: "Tags").map { $0.text("Key") } == ["owner"])
            let arn = try #require(policy.text("Arn"))
            let stored = try #require(
                try await server.iam("GetPolicy", ["PolicyArn": arn]).result("GetPolicy").child("Policy"))
            #expect(stored.text("Description") == "read things")

            let duplicate = try await server.iam(
                "CreatePolicy", ["PolicyName": "readonly", "PolicyDocument": PolicyText.allow("iam:Get*")])
            try duplicate.expectError(
                "EntityAlreadyExists", status: 409,
                message: "A policy called readonly already exists. Duplicate names are not allowed.")
        }
    }

    @Test(
        "a malformed policy document is MalformedPolicyDocument and nothing is stored",
        arguments: [
            "not json",
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*","Principal":"*"}]}"#,
        ])
    func malformedDocumentIsRejected(document: String) async throws {
        try await TestServer.run { server in
            let reply = try await server.iam("CreatePolicy", ["PolicyName": "Bad", "PolicyDocument": document])
            let error = try reply.expectError("MalformedPolicyDocument", status: 400)
            #expect(!error.message.isEmpty)
            try await server.iam("GetPolicy", ["PolicyArn": "\(Self.arnPrefix)/Bad"]).expectError(
                "NoSuchEntity", status: 404)
        }
    }

    @Test("GetPolicy finds a policy by ARN; a missing one is NoSuchEntity, a non-policy ARN InvalidInput")
    func getPolicy() async throws {
        try await TestServer.run { server in
            let arn = try await server.createManagedPolicy("P", path: "/a/")
            let policy = try #require(
                try await server.iam("GetPolicy", ["PolicyArn": arn]).result("GetPolicy").child("Policy"))
            #expect(policy.text("Arn") == arn)
            #expect(policy.text("UpdateDate") == "2025-06-15T15:06:40Z")

            try await server.iam("GetPolicy", ["PolicyArn": "\(Self.arnPrefix)/P"]).expectError(
                "NoSuchEntity", status: 404, message: "Policy \(Self.arnPrefix)/P was not found.")
            try await server.iam("GetPolicy", ["PolicyArn": "arn:aws:iam::111122223333:role/P"]).expectError(
                "ValidationError", status: 400, message: "ARN arn:aws:iam::111122223333:role/P is not valid.")
        }
    }

    @Test(
        "policy versions: create (as default), get with the URL-encoded document, list newest first, set default, delete"
    )
    func versions() async throws {
        try await TestServer.run { server in
            let arn = try await server.createManagedPolicy("P")
            let second = PolicyText.allow("iam:ListGroups")
            server.clock.advance(by: 60)
            let created = try await server.iam(
                "CreatePolicyVersion", ["PolicyArn": arn, "PolicyDocument": second, "SetAsDefault": "true"]
            ).result("CreatePolicyVersion")
            #expect(created.text("PolicyVersion", "VersionId") == "v2")
            #expect(created.text("PolicyVersion", "IsDefaultVersion") == "true")
            #expect(created.text("PolicyVersion", "Document") == nil)

            let fetched = try await server.iam("GetPolicyVersion", ["PolicyArn": arn, "VersionId": "v2"])
                .result("GetPolicyVersion")
            #expect(fetched.text("PolicyVersion", "Document") == PolicyText.encoded(second))
            #expect(fetched.text("PolicyVersion", "Document")?.removingPercentEncoding == second)
            #expect(fetched.text("PolicyVersion", "CreateDate") == "2025-06-15T15:07:40Z")

            let policy = try await server.iam("GetPolicy", ["PolicyArn": arn]).result("GetPolicy")
            #expect(policy.text("Policy", "DefaultVersionId") == "v2")
            #expect(policy.text("Policy", "UpdateDate") == "2025-06-15T15:07:40Z")

            let listed = try await server.iam("ListPolicyVersions", ["PolicyArn": arn]).result("ListPolicyVersions")
            #expect(listed.members(of: "Versions").map { $0.text("VersionId") } == ["v2", "v1"])
            #expect(listed.members(of: "Versions").map { $0.text("IsDefaultVersion") } == ["true", "false"])
            let firstPage = try await server.iam("ListPolicyVersions", ["PolicyArn": arn, "MaxItems": "1"])
                .result("ListPolicyVersions")
            let marker = try #require(firstPage.text("Marker"))
            let secondPage = try await server.iam("ListPolicyVersions", ["PolicyArn": arn, "Marker": marker])
                .result("ListPolicyVersions")
            #expect(secondPage.members(of: "Versions").map { $0.text("VersionId") } == ["v1"])

            try await server.iam("DeletePolicyVersion", ["PolicyArn": arn, "VersionId": "v2"]).expectError(
                "DeleteConflict", status: 409, message: "Cannot delete the default version of a policy.")
            try await server.iam("SetDefaultPolicyVersion", ["PolicyArn": arn, "VersionId": "v1"])
                .expectSuccess("SetDefaultPolicyVersion")
            try await server.iam("DeletePolicyVersion", ["PolicyArn": arn, "VersionId": "v2"]).expectSuccess(
                "DeletePolicyVersion")
            try await server.iam("GetPolicyVersion", ["PolicyArn": arn, "VersionId": "v2"]).expectError(
                "NoSuchEntity", status: 404, message: "Policy \(arn) version v2 does not exist or is not attachable.")
            try await server.iam("SetDefaultPolicyVersion", ["PolicyArn": arn, "VersionId": "v7"])
                .expectError("NoSuchEntity", status: 404)
        }
    }

    @Test("a policy has at most five versions; a malformed new version is refused")
    func versionLimit() async throws {
        try await TestServer.run { server in
            let arn = try await server.createManagedPolicy("P")
            for _ in 2...5 {
                try await server.iam(
                    "CreatePolicyVersion", ["PolicyArn": arn, "PolicyDocument": PolicyText.allow("iam:Get*")]
                )
                .expectSuccess("CreatePolicyVersion")
            }
            try await server.iam(
                "CreatePolicyVersion", ["PolicyArn": arn, "PolicyDocument": PolicyText.allow("iam:Get*")]
            )
            .expectError(
                "LimitExceeded", status: 409,
                message: "A managed policy can have up to 5 versions. Before you create a new version, you must "
                    + "delete an existing version.")
            try await server.iam("DeletePolicyVersion", ["PolicyArn": arn, "VersionId": "v3"]).expectSuccess(
                "DeletePolicyVersion")
            try await server.iam("CreatePolicyVersion", ["PolicyArn": arn, "PolicyDocument": "{"])
                .expectError("MalformedPolicyDocument", status: 400)
            let listed = try await server.iam("ListPolicyVersions", ["PolicyArn": arn]).result("ListPolicyVersions")
            #expect(listed.members(of: "Versions").map { $0.text("VersionId") } == ["v5", "v4", "v2", "v1"])
        }
    }

    @Test("DeletePolicy is refused while the policy is attached or has other versions, then succeeds")
    func deletePolicy() async throws {
        try await TestServer.run { server in
            let arn = try await server.createManagedPolicy("P")
            try await server.createUser("alice")
            try await server.iam("AttachUserPolicy", ["UserName": "alice", "PolicyArn": arn]).expectSuccess(
                "AttachUserPolicy")
            try await server.iam("DeletePolicy", ["PolicyArn": arn]).expectError(
                "DeleteConflict", status: 409, message: "Cannot delete a policy attached to entities.")
            try await server.iam("DetachUserPolicy", ["UserName": "alice", "PolicyArn": arn]).expectSuccess(
                "DetachUserPolicy")

            try await server.iam(
                "CreatePolicyVersion", ["PolicyArn": arn, "PolicyDocument": PolicyText.allow("iam:Get*")]
            )
            .expectSuccess("CreatePolicyVersion")
            try await server.iam("DeletePolicy", ["PolicyArn": arn]).expectError("DeleteConflict", status: 409)
            try await server.iam("DeletePolicyVersion", ["PolicyArn": arn, "VersionId": "v2"]).expectSuccess(
                "DeletePolicyVersion")

            try await server.iam("DeletePolicy", ["PolicyArn": arn]).expectSuccess("DeletePolicy")
            try await server.iam("GetPolicy", ["PolicyArn": arn]).expectError("NoSuchEntity", status: 404)
            try await server.iam("DeletePolicy", ["PolicyArn": arn]).expectError(
                "NoSuchEntity", status: 404, message: "Policy \(arn) was not found.")
        }
    }

    @Test("ListPolicies: Local and All list the account's policies, AWS none; OnlyAttached and PathPrefix filter")
    func listPolicies() async throws {
        try await TestServer.run { server in
            let attached = try await server.createManagedPolicy("Beta", path: "/eng/")
            try await server.createManagedPolicy("alpha", path: "/ops/")
            try await server.iam(
                "TagPolicy", ["PolicyArn": attached, "Tags.member.1.Key": "k", "Tags.member.1.Value": "v"]
            ).expectSuccess("TagPolicy")
            try await server.createUser("alice")
            try await server.iam("AttachUserPolicy", ["UserName": "alice", "PolicyArn": attached]).expectSuccess(
                "AttachUserPolicy")

            func names(_ params: KeyValuePairs<String, String>) async throws -> [String?] {
                try await server.iam("ListPolicies", params).result("ListPolicies").members(of: "Policies").map {
                    $0.text("PolicyName")
                }
            }
            #expect(try await names([:]) == ["alpha", "Beta"])
            #expect(try await names(["Scope": "Local"]) == ["alpha", "Beta"])
            #expect(try await names(["Scope": "All"]) == ["alpha", "Beta"])
            #expect(try await names(["Scope": "AWS"]) == [])
            #expect(try await names(["OnlyAttached": "true"]) == ["Beta"])
            #expect(try await names(["PathPrefix": "/ops/"]) == ["alpha"])

            let listed = try await server.iam("ListPolicies", ["OnlyAttached": "true"]).result("ListPolicies")
            let member = try #require(listed.members(of: "Policies").first)
            #expect(member.text("AttachmentCount") == "1")
            #expect(member.child("Tags") == nil)
            #expect(listed.text("IsTruncated") == "false")

            let paged = try await server.iam("ListPolicies", ["MaxItems": "1"]).result("ListPolicies")
            #expect(paged.text("IsTruncated") == "true")
            #expect(paged.members(of: "Policies").map { $0.text("PolicyName") } == ["alpha"])
        }
    }

    @Test("TagPolicy adds and replaces tags, ListPolicyTags lists them, UntagPolicy removes them")
    func tags() async throws {
        try await TestServer.run { server in
            let arn = try await server.createManagedPolicy("P")
            try await server.iam(
                "TagPolicy",
                [
                    "PolicyArn": arn, "Tags.member.1.Key": "team", "Tags.member.1.Value": "core",
                    "Tags.member.2.Key": "cost", "Tags.member.2.Value": "42",
                ]
            ).expectSuccess("TagPolicy")
            try await server.iam(
                "TagPolicy", ["PolicyArn": arn, "Tags.member.1.Key": "TEAM", "Tags.member.1.Value": "edge"]
            )
            .expectSuccess("TagPolicy")
            let listed = try await server.iam("ListPolicyTags", ["PolicyArn": arn]).result("ListPolicyTags")
            #expect(
                listed.members(of: "Tags").map { "\($0.text("Key") ?? "")=\($0.text("Value") ?? "")" } == [
                    "cost=42", "TEAM=edge",
                ])
            try await server.iam("UntagPolicy", ["PolicyArn": arn, "TagKeys.member.1": "team"]).expectSuccess(
                "UntagPolicy")
            let after = try await server.iam("ListPolicyTags", ["PolicyArn": arn]).result("ListPolicyTags")
            #expect(after.members(of: "Tags").map { $0.text("Key") } == ["cost"])

            try await server.iam("ListPolicyTags", ["PolicyArn": "\(Self.arnPrefix)/Nope"]).expectError(
                "NoSuchEntity", status: 404)
            try await server.iam(
                "TagPolicy",
                [
                    "PolicyArn": arn, "Tags.member.1.Key": "a", "Tags.member.1.Value": "1",
                    "Tags.member.2.Key": "A", "Tags.member.2.Value": "2",
                ]
            )
            .expectError("InvalidInput", status: 400)
        }
    }
}
