import Foundation
import LatchkeyModel
import Testing

/// A botocore service model loaded from `Fixtures/`, as plain JSON.
struct ServiceModelFixture {
    let text: String
    let operations: [String: Any]
    var shapes: [String: [String: Any]]

    init(_ name: String) throws {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        let data = try Data(contentsOf: url)
        text = try #require(String(data: data, encoding: .utf8))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        operations = try #require(root["operations"] as? [String: Any])
        shapes = try #require(root["shapes"] as? [String: [String: Any]])
    }

    static func forService(_ service: OperationSchema.Service) throws -> ServiceModelFixture {
        try ServiceModelFixture(service == .sts ? "sts-2011-06-15" : "iam-2010-05-08")
    }

    /// Latchkey's own IAM operations (`scripts/codegen/latchkey-iam-extensions.json`), in the same model format.
    static func iamExtensions() throws -> ServiceModelFixture {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try ServiceModelFixture(
            url: root.appendingPathComponent("scripts/codegen/latchkey-iam-extensions.json"))
    }

    init(url: URL) throws {
        let data = try Data(contentsOf: url)
        text = try #require(String(data: data, encoding: .utf8))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        operations = try #require(root["operations"] as? [String: Any])
        shapes = try #require(root["shapes"] as? [String: [String: Any]])
    }

    /// The model of `operation`'s service, or Latchkey's extensions for an operation AWS does not have.
    static func declaring(_ operation: OperationSchema) throws -> ServiceModelFixture {
        let model = try forService(operation.service)
        guard operation.service == .iam, model.operations[operation.name] == nil else { return model }
        let extensions = try iamExtensions()
        // Extension shapes may name the IAM model's scalar shapes (accessKeyIdType, arnType, dateType).
        var merged = extensions
        merged.shapes.merge(model.shapes) { mine, _ in mine }
        return merged
    }

    func inputShapeName(of operation: String) -> String? {
        ((operations[operation] as? [String: Any])?["input"] as? [String: Any])?["shape"] as? String
    }

    /// Member names of a structure in the order the JSON file lists them (JSONSerialization loses order).
    func memberOrder(of shapeName: String) -> [String] {
        guard let start = text.range(of: "\n  \"\(shapeName)\": {\n") else { return [] }
        var names: [String] = []
        for line in text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  }") { break }
            if line.hasPrefix("    \""), !line.hasPrefix("     "), line.hasSuffix("\": {") {
                names.append(String(line.dropFirst(5).dropLast(4)))
            }
        }
        return names
    }

    /// Every difference between a table shape and the model shape of the same name, recursively.
    func differences(_ schema: ShapeSchema, modelName: String, at path: String) -> [String] {
        guard let model = shapes[modelName] else { return ["\(path): model has no shape \(modelName)"] }
        var found: [String] = []
        func expect(_ ok: Bool, _ what: String) {
            if !ok { found.append("\(path) (\(modelName)): \(what)") }
        }
        expect(schema.name == modelName, "table names the shape \(schema.name)")
        expect(schema.kind.rawValue == model["type"] as? String, "kind \(schema.kind) vs \(model["type"] ?? "nil")")
        expect(schema.min == model["min"] as? Int, "min \(String(describing: schema.min)) vs \(model["min"] ?? "nil")")
        expect(schema.max == model["max"] as? Int, "max \(String(describing: schema.max)) vs \(model["max"] ?? "nil")")
        expect(schema.pattern?.source == model["pattern"] as? String, "pattern \(schema.pattern?.source ?? "nil")")
        expect(schema.enumValues == (model["enum"] as? [String] ?? []), "enum \(schema.enumValues)")
        expect(schema.isSensitive == (model["sensitive"] as? Bool ?? false), "sensitive \(schema.isSensitive)")
        switch schema.kind {
        case .list:
            let elementName = (model["member"] as? [String: Any])?["shape"] as? String
            if let element = schema.element, let elementName {
                found += differences(element, modelName: elementName, at: path + ".member")
            } else {
                expect(false, "list element missing")
            }
        case .structure:
            let modelMembers = model["members"] as? [String: [String: Any]] ?? [:]
            let required = Set(model["required"] as? [String] ?? [])
            expect(schema.members.map(\.wireName) == memberOrder(of: modelName), "members or their order differ")
            expect(Set(schema.members.map(\.wireName)) == Set(modelMembers.keys), "member set differs")
            for member in schema.members {
                guard let modelMember = modelMembers[member.wireName], let shapeName = modelMember["shape"] as? String
                else { continue }
                let memberPath = path + "." + member.wireName
                expect(member.isRequired == required.contains(member.wireName), "\(member.wireName) required flag")
                expect(
                    member.isSensitive == (modelMember["sensitive"] as? Bool ?? false), "\(member.wireName) sensitive")
                found += differences(member.shape, modelName: shapeName, at: memberPath)
            }
        case .string, .integer, .boolean, .timestamp, .blob:
            expect(schema.element == nil && schema.members.isEmpty, "scalar with element or members")
        }
        return found
    }
}

@Suite struct ModelCrossCheckTests {
    @Test(
        "every table matches the botocore model: members, order, required, min/max, pattern, enum, sensitive",
        arguments: OperationSchema.all)
    func tableMatchesModel(operation: OperationSchema) throws {
        let model = try ServiceModelFixture.declaring(operation)
        #expect(model.operations[operation.name] != nil, "\(operation.name) not in the model")
        guard let inputName = model.inputShapeName(of: operation.name) else {
            // Operations the model gives no input shape (EnableOutboundWebIdentityFederation) take no members.
            #expect(operation.members.isEmpty, "\(operation.name) has no input in the model")
            #expect(operation.input.name == operation.name + "Request")
            return
        }
        #expect(operation.input.name == inputName)
        let differences = model.differences(operation.input, modelName: inputName, at: operation.name)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    @Test("the STS tables cover exactly the operations of the STS model")
    func stsTablesCoverEveryOperation() throws {
        let model = try ServiceModelFixture("sts-2011-06-15")
        #expect(Set(OperationSchema.allSTS.map(\.name)) == Set(model.operations.keys))
        #expect(OperationSchema.allSTS.count == 11)
    }

    @Test("the IAM tables cover the 97 IAM operations Latchkey serves: AWS's IAM model's and RevokeSessions")
    func iamTablesExistInModel() throws {
        let model = try ServiceModelFixture("iam-2010-05-08")
        let extensions = try ServiceModelFixture.iamExtensions()
        #expect(OperationSchema.allIAM.count == 97)
        #expect(Set(OperationSchema.allIAM.map(\.name)).count == OperationSchema.allIAM.count)
        #expect(Set(extensions.operations.keys) == ["RevokeSessions"])
        for name in extensions.operations.keys {
            #expect(model.operations[name] == nil, "\(name) is AWS's: it cannot be an extension")
        }
        for operation in OperationSchema.allIAM {
            #expect(
                model.operations[operation.name] != nil || extensions.operations[operation.name] != nil,
                "\(operation.name)")
            #expect(operation.service == .iam, "\(operation.name)")
        }
    }

    @Test(
        "the role, policy and group operations are registered, so the cross-check above covers them",
        arguments: IAMRolePolicyGroupValidationTests.addedOperations)
    func roleAndPolicyOperationsAreRegistered(name: String) throws {
        let operation = try #require(OperationSchema.iam(action: name))
        #expect(OperationSchema.all.contains { $0.service == .iam && $0.name == name })
        #expect(operation.input.name == name + "Request")
    }

    @Test("the cross-check notices drift: a differing shape is reported")
    func crossCheckDetectsDrift() throws {
        let model = try ServiceModelFixture("sts-2011-06-15")
        // The IAM userNameType (1…64, `+`) differs from the STS shape of the same name (2…32, `*`).
        let iamUserName = try #require(OperationSchema.createUser.input.member("UserName")?.shape)
        let differences = model.differences(iamUserName, modelName: "userNameType", at: "drift")
        #expect(differences.count == 3)
        // The member order is read from the file, not from the unordered dictionary.
        #expect(model.memberOrder(of: "TagUserRequest").isEmpty)
        #expect(model.memberOrder(of: "Tag") == ["Key", "Value"])
    }

    @Test("the message name of a member lowercases only its first character, as AWS does")
    func messageNamesLowercaseFirstCharacter() throws {
        let saml = try #require(OperationSchema.assumeRoleWithSAML.input.member("SAMLAssertion"))
        #expect(saml.messageName == "sAMLAssertion")
        for operation in OperationSchema.all {
            for member in operation.members {
                #expect(member.messageName.first?.isLowercase == true || member.messageName.first?.isNumber == true)
                #expect(member.messageName.dropFirst() == member.wireName.dropFirst())
            }
        }
    }
}
