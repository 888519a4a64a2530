import LatchkeyModel
import Testing

/// Decodes `params` for `operation` and returns the error it must throw.
func rejection(_ operation: OperationSchema, _ params: [String: String]) throws -> STSError {
    do throws(STSError) {
        let input = try operation.decode(params)
        Issue.record("expected a rejection, decoded \(input.memberNames)")
    } catch {
        return error
    }
    throw RejectionMissing()
}

struct RejectionMissing: Error {}

/// A valid `AssumeRole` request, to which each test adds its own faults.
let validAssumeRole = [
    "Action": "AssumeRole", "Version": "2011-06-15",
    "RoleArn": "arn:aws:iam::123456789012:role/demo", "RoleSessionName": "session-1",
]

func merging(_ base: [String: String], _ changes: [String: String]) -> [String: String] {
    base.merging(changes) { _, new in new }
}

@Suite struct ValidationMessageTests {
    @Test("a pattern violation yields AWS's exact message as a 400 ValidationError")
    func patternViolationMessage() throws {
        let error = try rejection(.assumeRole, merging(validAssumeRole, ["RoleSessionName": "a b!"]))
        #expect(error.code == .validationError)
        #expect(error.code.httpStatus == 400)
        #expect(
            error.message
                == #"1 validation error detected: Value 'a b!' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*"#
        )
    }

    @Test("a missing required member is reported as null")
    func missingRequiredMemberIsNull() throws {
        let error = try rejection(.assumeRole, ["Action": "AssumeRole", "RoleSessionName": "s1"])
        #expect(
            error.message
                == "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"
        )
    }

    @Test("several violations are all collected, counted and joined with '; ' in member order")
    func violationsCollectedInMemberOrder() throws {
        let error = try rejection(
            .assumeRole,
            ["DurationSeconds": "60", "RoleSessionName": "x", "ExternalId": "e"])
        #expect(
            error.message
                == "4 validation errors detected: "
                + "Value null at 'roleArn' failed to satisfy constraint: Member must not be null; "
                + "Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; "
                + "Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900; "
                + "Value 'e' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2"
        )
    }

    @Test(
        "length and range bounds use AWS's wording",
        arguments: [
            ("RoleSessionName", String(repeating: "a", count: 65), "Member must have length less than or equal to 64"),
            ("RoleSessionName", "a", "Member must have length greater than or equal to 2"),
            ("DurationSeconds", "899", "Member must have value greater than or equal to 900"),
            ("DurationSeconds", "43201", "Member must have value less than or equal to 43200"),
        ])
    func boundsWording(member: String, value: String, rule: String) throws {
        let error = try rejection(.assumeRole, merging(validAssumeRole, [member: value]))
        let path = member.prefix(1).lowercased() + member.dropFirst()
        #expect(
            error.message
                == "1 validation error detected: Value '\(value)' at '\(path)' failed to satisfy constraint: \(rule)")
    }

    @Test("bounds are inclusive: 900 and 43200 seconds are accepted")
    func boundsAreInclusive() throws {
        for seconds in ["900", "43200"] {
            let input = try OperationSchema.assumeRole.decode(merging(validAssumeRole, ["DurationSeconds": seconds]))
            #expect(input.int("DurationSeconds") == Int(seconds))
        }
    }

    @Test("a value breaking length and pattern yields two violations, length first")
    func lengthThenPattern() throws {
        let error = try rejection(.assumeRole, merging(validAssumeRole, ["RoleSessionName": "!"]))
        #expect(
            error.message
                == "2 validation errors detected: "
                + "Value '!' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; "
                + #"Value '!' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*"#
        )
    }

    @Test("length counts UTF-16 code units: 256 é fit a tag value, 129 astral letters (258 units) do not")
    func lengthCountsUTF16Units() throws {
        let tags = { (value: String) in ["Tags.member.1.Key": "k", "Tags.member.1.Value": value] }
        let accepted = String(repeating: "é", count: 256)
        #expect(throws: Never.self) { try OperationSchema.assumeRole.decode(merging(validAssumeRole, tags(accepted))) }
        // U+1D400 (a letter) is two UTF-16 units: 129 of them are 258 units.
        let long = String(repeating: "\u{1D400}", count: 129)
        let error = try rejection(.assumeRole, merging(validAssumeRole, tags(long)))
        #expect(error.message.hasSuffix("Member must have length less than or equal to 256"))
        #expect(error.message.contains("at 'tags.1.member.value'"))
    }

    @Test("a sensitive member never shows its value")
    func sensitiveValueIsRedacted() throws {
        let token = "abc"
        let error = try rejection(
            .assumeRoleWithWebIdentity,
            ["RoleArn": "arn:aws:iam::123456789012:role/demo", "RoleSessionName": "s1", "WebIdentityToken": token])
        #expect(
            error.message
                == "1 validation error detected: Value '*** Sensitive Data Redacted ***' at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4"
        )
    }

    @Test("a session policy is redacted by Latchkey even though the model does not mark it sensitive")
    func policyIsRedacted() throws {
        let policy = String(repeating: "{", count: 2049)
        let error = try rejection(
            .getFederationToken, ["Name": "bob", "Policy": policy])
        #expect(
            error.message
                == "1 validation error detected: Value '*** Sensitive Data Redacted ***' at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048"
        )
        #expect(!error.message.contains("{{"))
        let policyMember = try #require(OperationSchema.getFederationToken.input.member("Policy"))
        #expect(policyMember.isRedacted && !policyMember.isSensitive)
    }

    @Test("a redacted value stays hidden when it is a parse error too")
    func redactedParseErrorHidesValue() throws {
        let error = try rejection(.assumeRole, merging(validAssumeRole, ["TokenCode.member.1": "123456"]))
        #expect(error.code == .invalidParameterValue)
        #expect(!error.message.contains("123456"))
    }

    @Test("nested tag members are addressed as tags.N.member.key")
    func nestedTagPaths() throws {
        let error = try rejection(
            .assumeRole,
            merging(
                validAssumeRole,
                [
                    "Tags.member.1.Key": "ok", "Tags.member.1.Value": "fine",
                    "Tags.member.2.Key": "bad#key", "Tags.member.2.Value": "v",
                    "Tags.member.3.Value": "no key",
                ]))
        #expect(
            error.message
                == "2 validation errors detected: "
                + #"Value 'bad#key' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+; "#
                + "Value null at 'tags.3.member.key' failed to satisfy constraint: Member must not be null")
    }

    @Test("a policy ARN in a list is addressed as policyArns.N.member.arn")
    func policyArnPath() throws {
        let error = try rejection(
            .assumeRole,
            merging(
                validAssumeRole,
                [
                    "PolicyArns.member.1.arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
                    "PolicyArns.member.2.arn": "short",
                ]))
        #expect(
            error.message
                == "1 validation error detected: Value 'short' at 'policyArns.2.member.arn' failed to satisfy constraint: Member must have length greater than or equal to 20"
        )
    }

    @Test("STS: a list over its size shows the list and AWS's length wording, then element violations")
    func listSizeViolation() throws {
        var params = validAssumeRole
        for index in 1...51 {
            params["Tags.member.\(index).Key"] = "k\(index)"
            params["Tags.member.\(index).Value"] = "v"
        }
        params["Tags.member.51.Key"] = "bad#"
        let error = try rejection(.assumeRole, params)
        let list = (1...50).map { "{Key: k\($0), Value: v}" }.joined(separator: ", ") + ", {Key: bad#, Value: v}"
        #expect(
            error.message
                == "2 validation errors detected: "
                + "Value '[\(list)]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50; "
                + #"Value 'bad#' at 'tags.51.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+"#
        )
    }

    @Test("IAM: the same violations never echo the value")
    func listSizeViolationIAM() throws {
        var params = ["UserName": "alice"]
        for index in 1...51 {
            params["Tags.member.\(index).Key"] = "k\(index)"
            params["Tags.member.\(index).Value"] = "v"
        }
        params["Tags.member.51.Key"] = "bad#"
        let error = try rejection(.tagUser, params)
        #expect(
            error.message
                == "2 validation errors detected: "
                + "Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50; "
                + #"Value at 'tags.51.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+"#
        )
        #expect(!error.message.contains("bad#"))
    }

    @Test("STS: a list of strings with a bad element is one violation listing every element rule")
    func stringListElementViolation() throws {
        let error = try rejection(
            .assumeRole,
            merging(validAssumeRole, ["TransitiveTagKeys.member.1": "good", "TransitiveTagKeys.member.2": ""]))
        #expect(
            error.message
                == "1 validation error detected: Value '[good, ]' at 'transitiveTagKeys' failed to satisfy constraint: "
                + "Member must satisfy constraint: [Member must have length less than or equal to 128, "
                + #"Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+]"#
        )
    }

    @Test("IAM: a list of strings with a bad element names the member, not the value")
    func stringListElementViolationIAM() throws {
        let error = try rejection(
            .untagUser, ["UserName": "alice", "TagKeys.member.1": "good", "TagKeys.member.2": ""])
        #expect(
            error.message
                == "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: "
                + "Member must satisfy constraint: [Member must have length less than or equal to 128, "
                + #"Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+]"#
        )
    }

    @Test("a list below its minimum size is rejected")
    func listBelowMinimumSize() throws {
        let error = try rejection(.getWebIdentityToken, ["Audience": "", "SigningAlgorithm": "RS256"])
        #expect(
            error.message
                == "1 validation error detected: Value '[]' at 'audience' failed to satisfy constraint: Member must have length greater than or equal to 1"
        )
    }

    @Test("an enum violation lists the model's value set (IAM: without the value)")
    func enumViolation() throws {
        let error = try rejection(.updateAccessKey, ["AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Paused"])
        #expect(
            error.message
                == "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]"
        )
    }

    @Test("a nested structure member is addressed through its parent: taskPolicyArn.arn")
    func structureMemberPath() throws {
        let error = try rejection(
            .assumeRoot, ["TargetPrincipal": "123456789012", "TaskPolicyArn.arn": "arn:short"])
        #expect(
            error.message
                == "1 validation error detected: Value 'arn:short' at 'taskPolicyArn.arn' failed to satisfy constraint: Member must have length greater than or equal to 20"
        )
    }

    @Test("a redacted member inside a rendered list stays hidden")
    func redactedInsideList() throws {
        var params = validAssumeRole
        for index in 1...6 {
            params["ProvidedContexts.member.\(index).ProviderArn"] = "arn:aws:iam::aws:contextProvider/IdentityCenter"
            params["ProvidedContexts.member.\(index).ContextAssertion"] = "secret-assertion"
        }
        let error = try rejection(.assumeRole, params)
        #expect(
            error.message.hasPrefix(
                "1 validation error detected: Value '[{ProviderArn: arn:aws:iam::aws:contextProvider/IdentityCenter, ContextAssertion: *** Sensitive Data Redacted ***}"
            ))
        #expect(
            error.message.hasSuffix(
                "at 'providedContexts' failed to satisfy constraint: Member must have length less than or equal to 5"))
        #expect(!error.message.contains("secret-assertion"))
    }
}
