import LatchkeyModel
import Testing

@Suite struct OperationRegistryTests {
    @Test("operations are found by their Action name, per service")
    func lookupByAction() throws {
        let assumeRole = try #require(OperationSchema.sts(action: "AssumeRole"))
        #expect(assumeRole.name == "AssumeRole")
        #expect(assumeRole.service == .sts)
        #expect(assumeRole.input.name == "AssumeRoleRequest")
        #expect(assumeRole.members.map(\.wireName).prefix(2) == ["RoleArn", "RoleSessionName"])
        let createUser = try #require(OperationSchema.iam(action: "CreateUser"))
        #expect(createUser.service == .iam)
        #expect(createUser.service.apiVersion == "2010-05-08")
    }

    @Test("an Action of the other service, a wrong case or an unknown name is not found")
    func unknownActionsAreNotFound() {
        #expect(OperationSchema.sts(action: "CreateUser") == nil)
        #expect(OperationSchema.iam(action: "AssumeRole") == nil)
        #expect(OperationSchema.sts(action: "assumerole") == nil)
        #expect(OperationSchema.sts(action: "") == nil)
        #expect(OperationSchema.all.count == 108)  // 11 STS, 96 IAM from the model, RevokeSessions
    }

    @Test("operations without required members accept an empty request")
    func optionalOnlyOperationsAcceptEmptyRequests() throws {
        for operation in OperationSchema.all where !operation.members.contains(where: \.isRequired) {
            #expect(throws: Never.self, "\(operation)") { try operation.decode([:]) }
        }
    }

    @Test("every operation reports each of its required members as null when sent nothing")
    func requiredMembersReportedAsNull() throws {
        for operation in OperationSchema.all where operation.members.contains(where: \.isRequired) {
            let error = try rejection(operation, ["Action": operation.name])
            let required = operation.members.filter(\.isRequired)
            #expect(error.message.hasPrefix("\(required.count) validation error"))
            // STS shows the missing value as `null`; IAM never shows a value (`Value at 'userName' …`).
            let shown = operation.service == .iam ? "Value at" : "Value null at"
            for member in required {
                #expect(
                    error.message.contains(
                        "\(shown) '\(member.messageName)' failed to satisfy constraint: Member must not be null"))
            }
        }
    }

    @Test(
        "Latchkey redacts session and IAM policy documents, MFA codes and context assertions beyond sensitive shapes")
    func redactedMembers() {
        var redacted: Set<String> = []
        var sensitive: Set<String> = []
        func visit(_ shape: ShapeSchema) {
            if shape.isRedacted { redacted.insert(shape.name) }
            if shape.isSensitive { sensitive.insert(shape.name) }
            shape.element.map(visit)
            shape.members.forEach { visit($0.shape) }
        }
        OperationSchema.all.forEach { visit($0.input) }
        #expect(sensitive == ["SAMLAssertionType", "clientTokenType", "tradeInTokenType", "privateKeyType"])
        #expect(
            redacted.subtracting(sensitive) == [
                "sessionPolicyDocumentType", "unrestrictedSessionPolicyDocumentType", "tokenCodeType",
                "contextAssertionType", "authenticationCodeType", "policyDocumentType",
            ])
    }
}
