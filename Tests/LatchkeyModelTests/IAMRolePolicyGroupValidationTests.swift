import LatchkeyModel
import Testing

/// A trust policy small enough to read, valid against `policyDocumentType`.
private let trustPolicy =
    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#

/// A valid `CreateRole` request, to which each test adds its own faults.
private let validCreateRole = ["RoleName": "deploy", "AssumeRolePolicyDocument": trustPolicy]

private let policyDocumentPattern = #"[\u0009\u000A\u000D\u0020-\u00FF]+"#

/// IAM's message for a single violation of the value `_`: IAM never echoes the value (STS does).
private func single(_: String, at path: String, _ rule: String) -> String {
    "1 validation error detected: Value at '\(path)' failed to satisfy constraint: \(rule)"
}

@Suite struct IAMRolePolicyGroupValidationTests {
    /// The role, policy and group operations whose tables follow `iam-2010-05-08.json`.
    static let addedOperations = [
        "CreateRole", "GetRole", "ListRoles", "UpdateRole", "UpdateRoleDescription", "UpdateAssumeRolePolicy",
        "DeleteRole", "TagRole", "UntagRole", "ListRoleTags", "CreatePolicy", "GetPolicy", "GetPolicyVersion",
        "DeletePolicy", "ListPolicies", "CreatePolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion",
        "ListPolicyVersions", "TagPolicy", "UntagPolicy", "ListPolicyTags", "PutRolePolicy", "GetRolePolicy",
        "DeleteRolePolicy", "ListRolePolicies", "AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies",
        "PutUserPolicy", "GetUserPolicy", "DeleteUserPolicy", "ListUserPolicies", "AttachUserPolicy",
        "DetachUserPolicy", "ListAttachedUserPolicies", "CreateGroup", "GetGroup", "ListGroups", "UpdateGroup",
        "DeleteGroup", "AddUserToGroup", "RemoveUserFromGroup", "ListGroupsForUser", "PutGroupPolicy",
        "GetGroupPolicy", "DeleteGroupPolicy", "ListGroupPolicies", "AttachGroupPolicy", "DetachGroupPolicy",
        "ListAttachedGroupPolicies", "PutUserPermissionsBoundary", "DeleteUserPermissionsBoundary",
        "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary", "SimulatePrincipalPolicy",
    ]

    @Test(
        "a role's MaxSessionDuration must lie within 3600…43200 seconds",
        arguments: [
            ("3599", "Member must have value greater than or equal to 3600"),
            ("43201", "Member must have value less than or equal to 43200"),
            ("0", "Member must have value greater than or equal to 3600"),
        ])
    func maxSessionDurationOutOfRangeIsRejected(value: String, rule: String) throws {
        let error = try rejection(.createRole, merging(validCreateRole, ["MaxSessionDuration": value]))
        #expect(error.code == .validationError)
        #expect(error.message == single("'\(value)'", at: "maxSessionDuration", rule))
    }

    @Test("MaxSessionDuration bounds are inclusive and a full CreateRole decodes into typed values")
    func createRoleDecodes() throws {
        for seconds in [3600, 43200] {
            let input = try OperationSchema.createRole.decode(
                merging(validCreateRole, ["MaxSessionDuration": String(seconds)]))
            #expect(input.int("MaxSessionDuration") == seconds)
        }
        let input = try OperationSchema.createRole.decode(
            merging(
                validCreateRole,
                [
                    "Path": "/service/", "Description": "Déploiement\tCI", "MaxSessionDuration": "7200",
                    "PermissionsBoundary": "arn:aws:iam::123456789012:policy/boundary",
                    "Tags.member.1.Key": "team", "Tags.member.1.Value": "platform",
                ]))
        #expect(input.string("AssumeRolePolicyDocument") == trustPolicy)
        #expect(input.string("Description") == "Déploiement\tCI")
        #expect(input.structures("Tags").first?.string("Value") == "platform")
    }

    @Test(
        "a policy name with a space is rejected by every inline-policy operation",
        arguments: [
            (OperationSchema.putRolePolicy, "RoleName"), (.putUserPolicy, "UserName"), (.putGroupPolicy, "GroupName"),
        ])
    func policyNameWithSpaceIsRejected(operation: OperationSchema, owner: String) throws {
        let params = [owner: "owner", "PolicyName": "read only", "PolicyDocument": trustPolicy]
        let error = try rejection(operation, params)
        #expect(
            error.message
                == single(
                    "'read only'", at: "policyName", #"Member must satisfy regular expression pattern: [\w+=,.@-]+"#))
    }

    @Test("a policy document is never echoed: a bad character yields the redacted value and the model's pattern")
    func policyDocumentIsRedacted() throws {
        let document = #"{"Statement":"secret-ĀĀĀ"}"#
        let error = try rejection(.putRolePolicy, ["RoleName": "r", "PolicyName": "p", "PolicyDocument": document])
        #expect(
            error.message
                == single(
                    "'*** Sensitive Data Redacted ***'", at: "policyDocument",
                    "Member must satisfy regular expression pattern: \(policyDocumentPattern)"))
        #expect(!error.message.contains("secret"))
        let member = try #require(OperationSchema.createRole.input.member("AssumeRolePolicyDocument"))
        #expect(member.isRedacted && !member.isSensitive)
    }

    @Test("policy documents hold up to 131072 characters")
    func policyDocumentLengthBound() throws {
        let longest = String(repeating: " ", count: 131_072)
        #expect(throws: Never.self) {
            try OperationSchema.updateAssumeRolePolicy.decode(["RoleName": "r", "PolicyDocument": longest])
        }
        let error = try rejection(.updateAssumeRolePolicy, ["RoleName": "r", "PolicyDocument": longest + " "])
        #expect(
            error.message
                == single(
                    "'*** Sensitive Data Redacted ***'", at: "policyDocument",
                    "Member must have length less than or equal to 131072"))
    }

    @Test("role names hold 64 characters, group names 128")
    func nameLengthLimits() throws {
        let error = try rejection(.getRole, ["RoleName": String(repeating: "r", count: 65)])
        #expect(
            error.message.hasSuffix(
                "at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64"))
        let longestGroup = String(repeating: "g", count: 128)
        #expect(throws: Never.self) { try OperationSchema.getGroup.decode(["GroupName": longestGroup]) }
        let groupError = try rejection(.getGroup, ["GroupName": String(repeating: "g", count: 129)])
        #expect(groupError.message.hasSuffix("Member must have length less than or equal to 128"))
    }

    @Test(
        "policy version IDs follow v<N>[.<suffix>]",
        arguments: [
            ("v1", true), ("v12", true), ("v3.beta-1", true), ("v1.", true), ("v0", false), ("V1", false), ("v", false),
            ("1", false), ("v1.a_b", false), ("v01", false),
        ])
    func policyVersionIdPattern(versionId: String, accepted: Bool) throws {
        let params = ["PolicyArn": "arn:aws:iam::123456789012:policy/p", "VersionId": versionId]
        if accepted {
            #expect(try OperationSchema.getPolicyVersion.decode(params).string("VersionId") == versionId)
        } else {
            let error = try rejection(.setDefaultPolicyVersion, params)
            #expect(
                error.message
                    == single(
                        "'\(versionId)'", at: "versionId",
                        #"Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?"#))
        }
    }

    @Test(
        "managed policy paths are slash-delimited segments of letters, digits and .,+@=_-",
        arguments: [
            ("/", true), ("/team/", true), ("/a/b.c+d/", true), ("/a", false), ("//", false), ("/a b/", false),
            ("a/", false), ("/é/", false),
        ])
    func policyPathPattern(path: String, accepted: Bool) throws {
        let params = ["PolicyName": "p", "PolicyDocument": trustPolicy, "Path": path]
        if accepted {
            #expect(try OperationSchema.createPolicy.decode(params).string("Path") == path)
        } else {
            let error = try rejection(.createPolicy, params)
            #expect(
                error.message.hasSuffix(
                    #"Member must satisfy regular expression pattern: ((/[A-Za-z0-9\.,\+@=_-]+)*)/"#))
        }
    }

    @Test("ListPolicies checks both enums in member order and reads OnlyAttached as a boolean")
    func listPoliciesEnumsAndBoolean() throws {
        let error = try rejection(.listPolicies, ["Scope": "all", "PolicyUsageFilter": "Boundary"])
        #expect(
            error.message
                == "2 validation errors detected: "
                + "Value at 'scope' failed to satisfy constraint: "
                + "Member must satisfy enum value set: [All, AWS, Local]; "
                + "Value at 'policyUsageFilter' failed to satisfy constraint: "
                + "Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]")
        let input = try OperationSchema.listPolicies.decode(
            ["Scope": "Local", "OnlyAttached": "true", "MaxItems": "100"])
        #expect(input.bool("OnlyAttached") == true)
        #expect(input.int("MaxItems") == 100)
        let notBoolean = try rejection(.listPolicies, ["OnlyAttached": "yes"])
        #expect(notBoolean.code == .invalidParameterValue)
    }

    @Test(
        "role descriptions take tabs, newlines, printable ASCII and Latin-1 above U+00A0, up to 1000 characters",
        arguments: [
            ("", true), ("Rôle für Prod\n\tteam", true), ("del\u{7F}", false), ("nbsp\u{A0}", false), ("Ā", false),
        ])
    func roleDescriptionPattern(description: String, accepted: Bool) throws {
        let params = ["RoleName": "r", "Description": description]
        if accepted {
            #expect(try OperationSchema.updateRoleDescription.decode(params).string("Description") == description)
        } else {
            let error = try rejection(.updateRoleDescription, params)
            #expect(
                error.message.contains(
                    "at 'description' failed to satisfy constraint: Member must satisfy regular expression"))
        }
        let tooLong = try rejection(.updateRole, ["RoleName": "r", "Description": String(repeating: "d", count: 1001)])
        #expect(tooLong.message.hasSuffix("Member must have length less than or equal to 1000"))
    }

    @Test("UpdateGroup reports a bad new path and an over-long new name together")
    func updateGroupViolations() throws {
        let error = try rejection(
            .updateGroup,
            ["GroupName": "admins", "NewPath": "/no-trailing", "NewGroupName": String(repeating: "n", count: 129)])
        #expect(
            error.message
                == "2 validation errors detected: "
                + "Value at 'newPath' failed to satisfy constraint: "
                + #"Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F); "#
                + "Value at 'newGroupName' failed to satisfy constraint: "
                + "Member must have length less than or equal to 128")
    }

    @Test("a full SimulatePrincipalPolicy request decodes its lists and context entries")
    func simulatePrincipalPolicyDecodes() throws {
        let input = try OperationSchema.simulatePrincipalPolicy.decode([
            "PolicySourceArn": "arn:aws:iam::123456789012:user/alice",
            "PolicyInputList.member.1": trustPolicy, "PolicyInputList.member.2": "{}",
            "ActionNames.member.1": "s3:GetObject", "ActionNames.member.2": "sts:AssumeRole",
            "ResourceArns.member.1": "arn:aws:s3:::bucket/key",
            "ContextEntries.member.1.ContextKeyName": "aws:SourceIp",
            "ContextEntries.member.1.ContextKeyValues.member.1": "10.0.0.1",
            "ContextEntries.member.1.ContextKeyValues.member.2": "10.0.0.2",
            "ContextEntries.member.1.ContextKeyType": "ipList",
            "MaxItems": "10",
        ])
        #expect(input.strings("PolicyInputList") == [trustPolicy, "{}"])
        #expect(input.strings("ActionNames") == ["s3:GetObject", "sts:AssumeRole"])
        let entry = try #require(input.structures("ContextEntries").first)
        #expect(entry.strings("ContextKeyValues") == ["10.0.0.1", "10.0.0.2"])
        #expect(entry.string("ContextKeyType") == "ipList")
    }

    @Test("SimulatePrincipalPolicy violations: redacted policy lists, short action names, unknown context key types")
    func simulatePrincipalPolicyViolations() throws {
        let error = try rejection(
            .simulatePrincipalPolicy,
            [
                "PolicySourceArn": "arn:aws:iam::123456789012:user/alice",
                "PolicyInputList.member.1": "secret-Ā",
                "ActionNames.member.1": "s3",
                "ContextEntries.member.1.ContextKeyName": "aws:SourceIp",
                "ContextEntries.member.1.ContextKeyType": "text",
            ])
        #expect(
            error.message
                == "3 validation errors detected: "
                + "Value at 'policyInputList' failed to satisfy constraint: "
                + "Member must satisfy constraint: [Member must have length less than or equal to 131072, "
                + "Member must have length greater than or equal to 1, "
                + "Member must satisfy regular expression pattern: \(policyDocumentPattern)]; "
                + "Value at 'actionNames' failed to satisfy constraint: Member must satisfy constraint: "
                + "[Member must have length less than or equal to 128, "
                + "Member must have length greater than or equal to 3]; "
                + "Value at 'contextEntries.1.member.contextKeyType' failed to satisfy constraint: "
                + "Member must satisfy enum value set: "
                + "[string, stringList, numeric, numericList, boolean, booleanList, "
                + "ip, ipList, binary, binaryList, date, dateList]")
        #expect(!error.message.contains("secret"))
    }
}
