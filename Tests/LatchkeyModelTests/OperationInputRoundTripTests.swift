import Foundation
import LatchkeyModel
import Testing

/// Query parameters that set every member of an operation's input (lists with two elements, structures with every
/// member), with values that satisfy the constraint tables.
enum SampleParameters {
    static func every(_ schema: OperationSchema) -> [String: String] {
        var parameters: [String: String] = [:]
        for member in schema.members {
            add(member, shape: member.shape, key: member.wireName, into: &parameters)
        }
        return parameters
    }

    private static func add(
        _ member: MemberSchema, shape: ShapeSchema, key: String, into parameters: inout [String: String]
    ) {
        switch shape.kind {
        case .list:
            guard let element = shape.element else { return }
            let limit = [shape.max, member.documentedMaxItems].compactMap { $0 }.min() ?? 2
            for index in 1...max(1, min(2, limit)) {
                add(member, shape: element, key: "\(key).member.\(index)", into: &parameters)
            }
        case .structure:
            for child in shape.members {
                add(child, shape: child.shape, key: "\(key).\(child.wireName)", into: &parameters)
            }
        case .string:
            parameters[key] = string(for: shape, key: key)
        case .integer:
            parameters[key] = String(max(shape.min ?? 1, min(shape.max ?? 7, 7)))
        case .boolean:
            parameters[key] = "true"
        case .timestamp:
            parameters[key] = "2026-12-07T10:11:12Z"
        case .blob:
            parameters[key] = Data("blob".utf8).base64EncodedString()
        }
    }

    /// A value of the shape that differs per key (so a member swapped for another would show).
    private static func string(for shape: ShapeSchema, key: String) -> String {
        if let first = shape.enumValues.last { return first }
        let suffix = String(key.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
        let candidates: [(text: String, padding: String)] = [
            ("sample-\(suffix)", "x"), ("/sample/\(suffix)/", "x"), ("v2", "x"), ("123456", "0"),
            ("arn:aws:iam::123456789012:policy/\(suffix)", "x"), ("SAMPLE0", "0"),
        ]
        for (text, padding) in candidates {
            var value = text
            if let min = shape.min, value.utf16.count < min {
                value += String(repeating: padding, count: min - value.utf16.count)
            }
            if let max = shape.max, value.utf16.count > max { value = String(value.prefix(max)) }
            if shape.pattern.map({ $0.matches(value) }) ?? true, value.utf16.count >= (shape.min ?? 0) {
                return value
            }
        }
        Issue.record("no sample value for \(key) (\(shape))")
        return ""
    }
}

@Suite struct OperationInputRoundTripTests {
    static let inputTypes = OperationDeclaration.stsInputTypes + OperationDeclaration.iamInputTypes

    @Test(
        "parameters → schema.decode → init(decoding:) → queryParameters gives back the same parameters and value, for every operation with every member set"
    )
    func everyOperationRoundTrips() throws {
        for type in Self.inputTypes {
            try roundTrip(type)
        }
    }

    private func roundTrip<Input: OperationInput>(_ type: Input.Type) throws {
        let schema = Input.operation.schema
        let parameters = SampleParameters.every(schema)
        let value = try Input(decoding: try schema.decode(parameters))
        // Every member is set: no optional property is nil.
        for child in Mirror(reflecting: value).children {
            let description = String(describing: child.value)
            #expect(description != "nil", "\(Input.self).\(child.label ?? "?") was not decoded")
        }
        let pairs = value.queryParameters
        #expect(Set(pairs.map(\.name)).count == pairs.count, "\(Input.self): a parameter is written twice")
        #expect(
            Dictionary(uniqueKeysWithValues: pairs.map { ($0.name, $0.value) }) == parameters,
            "\(Input.self): the client's parameters differ from what was decoded")
        // Members in model order, as botocore writes them.
        let memberOrder = schema.members.map(\.wireName)
        var seen: [String] = []
        for pair in pairs {
            let member = String(pair.name.prefix { $0 != "." })
            if seen.last != member { seen.append(member) }
        }
        #expect(seen == memberOrder.filter(seen.contains), "\(Input.self): parameters are not in model order")
        #expect(seen.count == memberOrder.count, "\(Input.self): not every member was written")
        let again = try Input(
            decoding: try schema.decode(Dictionary(uniqueKeysWithValues: pairs.map { ($0.name, $0.value) })))
        #expect(again == value, "\(Input.self)")
    }

    @Test("an empty list is sent as Name= and reads back as empty, not absent; an absent list stays nil")
    func emptyAndAbsentLists() throws {
        let empty = AssumeRoleInput(
            roleArn: "arn:aws:iam::123456789012:role/demo", roleSessionName: "session", tags: [], transitiveTagKeys: [])
        let pairs = empty.queryParameters
        #expect(pairs.map(\.name) == ["RoleArn", "RoleSessionName", "Tags", "TransitiveTagKeys"])
        #expect(pairs.map(\.value) == ["arn:aws:iam::123456789012:role/demo", "session", "", ""])
        let decoded = try AssumeRoleInput(
            decoding: try OperationSchema.assumeRole.decode(
                Dictionary(uniqueKeysWithValues: pairs.map { ($0.name, $0.value) })))
        #expect(decoded == empty)
        #expect(decoded.tags == [])
        #expect(decoded.policyArns == nil)
    }

    @Test("the client encoding: nested lists, a structure member, booleans and integers")
    func clientEncoding() {
        let assumeRole = AssumeRoleInput(
            roleArn: "arn:aws:iam::123456789012:role/demo", roleSessionName: "s",
            policyArns: [PolicyDescriptorType(arn: "arn:aws:iam::aws:policy/ReadOnlyAccess")], durationSeconds: 900,
            tags: [Tag(key: "Project", value: "Unicorn"), Tag(key: "Cost Center", value: "12+3")],
            providedContexts: [
                ProvidedContext(
                    providerArn: "arn:aws:iam::aws:contextProvider/IdentityCenter", contextAssertion: "abcd")
            ])
        #expect(
            assumeRole.queryParameters.map { "\($0.name)=\($0.value)" } == [
                "RoleArn=arn:aws:iam::123456789012:role/demo", "RoleSessionName=s",
                "PolicyArns.member.1.arn=arn:aws:iam::aws:policy/ReadOnlyAccess", "DurationSeconds=900",
                "Tags.member.1.Key=Project", "Tags.member.1.Value=Unicorn", "Tags.member.2.Key=Cost Center",
                "Tags.member.2.Value=12+3",
                "ProvidedContexts.member.1.ProviderArn=arn:aws:iam::aws:contextProvider/IdentityCenter",
                "ProvidedContexts.member.1.ContextAssertion=abcd",
            ])
        let root = AssumeRootInput(
            targetPrincipal: "111122223333",
            taskPolicyArn: PolicyDescriptorType(arn: "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"))
        #expect(root.queryParameters.map(\.name) == ["TargetPrincipal", "TaskPolicyArn.arn"])
        let listPolicies = ListPoliciesInput(onlyAttached: false, maxItems: 10)
        #expect(listPolicies.queryParameters.map { "\($0.name)=\($0.value)" } == ["OnlyAttached=false", "MaxItems=10"])
        #expect(GetCallerIdentityInput().queryParameters.isEmpty)
    }

    @Test("init(validating:) validates against the operation's table, then reads")
    func validatingInit() throws {
        let input = try CreateRoleInput(validating: ["RoleName": "demo", "AssumeRolePolicyDocument": "{}", "Tags": ""])
        #expect(input == CreateRoleInput(roleName: "demo", assumeRolePolicyDocument: "{}", tags: []))
        let error = #expect(throws: STSError.self) { try CreateRoleInput(validating: ["RoleName": "a b"]) }
        #expect(error?.code == .validationError)
        #expect(error?.message.hasPrefix("2 validation errors detected") == true)
    }
}
