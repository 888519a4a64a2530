import Foundation
import LatchkeyModel
import Testing

@Suite struct QueryDecodingTests {
    @Test("a full AssumeRole request decodes into typed values, lists in index order")
    func decodesFlattenedAssumeRole() throws {
        let input = try OperationSchema.assumeRole.decode(
            merging(
                validAssumeRole,
                [
                    "DurationSeconds": "3600",
                    "PolicyArns.member.1.arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
                    "PolicyArns.member.2.arn": "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
                    "Tags.member.1.Key": "Project", "Tags.member.1.Value": "Latchkey",
                    "Tags.member.2.Key": "Team", "Tags.member.2.Value": "",
                    "TransitiveTagKeys.member.1": "Project",
                    "TransitiveTagKeys.member.2": "Team",
                    "X-Amz-Date": "20240101T000000Z",
                ]))
        #expect(input.string("RoleArn") == "arn:aws:iam::123456789012:role/demo")
        #expect(input.string("RoleSessionName") == "session-1")
        #expect(input.int("DurationSeconds") == 3600)
        #expect(input.strings("TransitiveTagKeys") == ["Project", "Team"])
        #expect(
            input.structures("PolicyArns").map { $0.string("arn") } == [
                "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
            ])
        let tags = input.structures("Tags")
        #expect(tags.map { $0.string("Key") } == ["Project", "Team"])
        #expect(tags.map { $0.string("Value") } == ["Latchkey", ""])
        #expect(input.string("Policy") == nil)
        #expect(
            input.memberNames == [
                "DurationSeconds", "PolicyArns", "RoleArn", "RoleSessionName", "Tags", "TransitiveTagKeys",
            ])
    }

    @Test("a list sent out of key order decodes in index order, and index 10 follows 9")
    func listOrderFollowsIndexes() throws {
        var params = validAssumeRole
        for index in 1...12 { params["TransitiveTagKeys.member.\(index)"] = "k\(index)" }
        let input = try OperationSchema.assumeRole.decode(params)
        #expect(input.strings("TransitiveTagKeys") == (1...12).map { "k\($0)" })
    }

    @Test("an empty list is sent as Name= and decodes as present and empty")
    func emptyListMarker() throws {
        let input = try OperationSchema.assumeRole.decode(merging(validAssumeRole, ["Tags": ""]))
        #expect(input.contains("Tags"))
        #expect(input.structures("Tags").isEmpty)
    }

    @Test("a structure member is sent as TaskPolicyArn.arn")
    func structureMemberDecodes() throws {
        let input = try OperationSchema.assumeRoot.decode(
            [
                "TargetPrincipal": "123456789012",
                "TaskPolicyArn.arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
                "DurationSeconds": "900",
            ])
        #expect(
            input.structure("TaskPolicyArn")?.string("arn")
                == "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")
        #expect(input.int("DurationSeconds") == 900)
    }

    @Test("unknown parameters and transport keys are ignored")
    func unknownParametersIgnored() throws {
        let input = try OperationSchema.getCallerIdentity.decode([
            "Action": "GetCallerIdentity", "Version": "2011-06-15", "Bogus": "1", "X-Amz-Signature": "abc",
            "Tags.member.1.Key": "not a member here",
        ])
        #expect(input.memberNames.isEmpty)
    }

    @Test("an unknown member inside a known structure is ignored")
    func unknownNestedMemberIgnored() throws {
        let input = try OperationSchema.assumeRole.decode(
            merging(
                validAssumeRole, ["Tags.member.1.Key": "k", "Tags.member.1.Value": "v", "Tags.member.1.Colour": "red"]))
        #expect(input.structures("Tags").count == 1)
    }

    @Test(
        "a value that is not of its member's type is an InvalidParameterValue naming the parameter",
        arguments: ["abc", "", "12.5", "0x10", " 900", "2147483648", "99999999999999999999"])
    func badIntegerIsRejected(value: String) throws {
        let error = try rejection(.assumeRole, merging(validAssumeRole, ["DurationSeconds": value]))
        #expect(error.code == .invalidParameterValue)
        #expect(error.code.httpStatus == 400)
        #expect(error.message == "Value '\(value)' for parameter DurationSeconds is invalid: it must be an integer.")
    }

    @Test("integers are read as Java reads them: a sign is allowed")
    func signedIntegersParse() throws {
        let error = try rejection(.assumeRole, merging(validAssumeRole, ["DurationSeconds": "-5"]))
        #expect(error.code == .validationError)
        #expect(error.message.contains("Value '-5' at 'durationSeconds'"))
        let input = try OperationSchema.assumeRole.decode(merging(validAssumeRole, ["DurationSeconds": "+1200"]))
        #expect(input.int("DurationSeconds") == 1200)
    }

    @Test(
        "list keys that do not fit the flattening rules are rejected",
        arguments: [
            ("Tags.member.0.Key", "list index must be a whole number"),
            ("Tags.member.x.Key", "list index must be a whole number"),
            ("Tags.member.01.Key", "list index must be a whole number"),
            ("Tags.member.-1.Key", "list index must be a whole number"),
            ("Tags.member.1001.Key", "list index must be a whole number"),
            ("Tags.item.1.Key", "list members are sent as Tags.member.N"),
            ("Tags.member", "list members are sent as Tags.member.N"),
            ("Tags.member.1", "Tags.member.1 is a structure"),
            ("Tags.member.1.Key.member.1", "Tags.member.1.Key takes a single value, not a list or structure"),
            (
                "TransitiveTagKeys.member.1.Key",
                "TransitiveTagKeys.member.1 takes a single value, not a list or structure"
            ),
            ("RoleSessionName.member.1", "RoleSessionName takes a single value, not a list or structure"),
            ("DurationSeconds.member.1", "DurationSeconds takes a single value, not a list or structure"),
            ("Tags", "Tags is a list"),
        ])
    func malformedListKeyIsRejected(key: String, reason: String) throws {
        let error = try rejection(.assumeRole, merging(validAssumeRole, [key: "x"]))
        #expect(error.code == .invalidParameterValue)
        #expect(error.message.hasPrefix("Parameter \(key) is not valid: "))
        #expect(error.message.contains(reason))
    }

    @Test("a gap in list indexes is rejected: member.1 then member.3")
    func sparseIndexesAreRejected() throws {
        let error = try rejection(
            .assumeRole,
            merging(validAssumeRole, ["TransitiveTagKeys.member.1": "a", "TransitiveTagKeys.member.3": "c"]))
        #expect(error.code == .invalidParameterValue)
        #expect(
            error.message
                == "Parameter TransitiveTagKeys.member.3 is not valid: list TransitiveTagKeys has no member 2; indexes start at 1 and have no gaps."
        )
    }

    @Test("a list that does not start at 1 is rejected")
    func listNotStartingAtOneIsRejected() throws {
        let error = try rejection(.assumeRole, merging(validAssumeRole, ["TransitiveTagKeys.member.2": "b"]))
        #expect(error.message.contains("has no member 1"))
    }

    @Test("an empty-list marker next to list members is rejected")
    func emptyMarkerWithMembersIsRejected() throws {
        let error = try rejection(
            .assumeRole, merging(validAssumeRole, ["TransitiveTagKeys": "", "TransitiveTagKeys.member.1": "a"]))
        #expect(error.code == .invalidParameterValue)
    }

    @Test("a structure member sent as a plain value is rejected")
    func structureSentAsValueIsRejected() throws {
        let error = try rejection(
            .assumeRoot, ["TargetPrincipal": "123456789012", "TaskPolicyArn": "arn:aws:iam::aws:policy/x"])
        #expect(
            error.message
                == "Parameter TaskPolicyArn is not valid: TaskPolicyArn is a structure; send its members as TaskPolicyArn.<Member>."
        )
    }

    @Test("more than 500 parameters are rejected before decoding")
    func tooManyParametersAreRejected() throws {
        var params = validAssumeRole
        for index in 0..<497 { params["Unknown\(index)"] = "x" }
        #expect(params.count == 501)
        let error = try rejection(.assumeRole, params)
        #expect(error.code == .invalidParameterValue)
        #expect(error.message == "The request has 501 parameters; at most 500 are accepted.")
        params.removeValue(forKey: "Unknown0")
        #expect(throws: Never.self) { try OperationSchema.assumeRole.decode(params) }
    }

    @Test("parse errors win over validation errors and the first in member order is reported")
    func firstParseErrorReported() throws {
        let error = try rejection(
            .assumeRole,
            ["RoleSessionName": "!", "DurationSeconds": "abc", "Tags.member.0.Key": "k"])
        #expect(error.code == .invalidParameterValue)
        #expect(error.message.contains("DurationSeconds"))
    }
}
