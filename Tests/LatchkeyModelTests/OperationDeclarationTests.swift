import Foundation
import LatchkeyModel
import Testing

@Suite struct OperationDeclarationTests {
    @Test("every constraint table has exactly one declared input type, in the same order, and vice versa")
    func everySchemaHasExactlyOneInputType() {
        for (service, schemas, types) in [
            (OperationSchema.Service.sts, OperationSchema.allSTS, OperationDeclaration.stsInputTypes),
            (.iam, OperationSchema.allIAM, OperationDeclaration.iamInputTypes),
        ] {
            let declared = types.map { $0.operation }
            #expect(declared.map(\.name) == schemas.map(\.name), "\(service)")
            #expect(Set(declared).count == declared.count, "\(service): an operation is declared twice")
            #expect(declared.allSatisfy { $0.service == service }, "\(service)")
            for type in types {
                // The declaration's table is the one the endpoint validates with.
                let schema = type.operation.schema
                #expect(schema.name == type.operation.name)
                #expect(
                    OperationSchema.all.filter { $0.service == schema.service && $0.name == schema.name }.count == 1)
                #expect(String(describing: type) == "\(schema.name)Input")
            }
        }
        #expect(OperationDeclaration.allSTS.count + OperationDeclaration.allIAM.count == OperationSchema.all.count)
    }

    @Test("IAM writes are the operations that change state: not Get*, List* or SimulatePrincipalPolicy; STS only reads")
    func accessOfEachOperation() {
        for operation in OperationDeclaration.allIAM {
            let reads =
                operation.name.hasPrefix("Get") || operation.name.hasPrefix("List")
                || operation.name == "SimulatePrincipalPolicy"
            #expect(operation.access == (reads ? .read : .write), "\(operation)")
        }
        #expect(OperationDeclaration.allSTS.allSatisfy { $0.access == .read })
        #expect(SimulatePrincipalPolicyInput.operation.access == .read)
        #expect(CreateRoleInput.operation.access == .write)
        #expect(EnableOutboundWebIdentityFederationInput.operation.access == .write)
        #expect(GetOutboundWebIdentityFederationInfoInput.operation.access == .read)
    }

    @Test("the IAM action names the service in lower case and the Action")
    func iamActionNames() {
        #expect(CreateRoleInput.operation.iamAction == "iam:CreateRole")
        #expect(AssumeRoleInput.operation.iamAction == "sts:AssumeRole")
        #expect(GetCallerIdentityInput.operation.iamAction == "sts:GetCallerIdentity")
        #expect("\(CreateOpenIDConnectProviderInput.operation)" == "iam:CreateOpenIDConnectProvider")
    }

    @Test("only AssumeRoleWithWebIdentity and AssumeRoleWithSAML are unsigned")
    func unsignedOperations() {
        let unsigned = (OperationDeclaration.allSTS + OperationDeclaration.allIAM).filter(\.isUnsigned).map(\.name)
        #expect(unsigned.sorted() == ["AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"])
    }

    @Test("input types are found by service and Action, and not across services")
    func lookupOfInputTypes() throws {
        let found = try #require(OperationDeclaration.inputType(.iam, action: "CreateRole"))
        #expect(ObjectIdentifier(found) == ObjectIdentifier(CreateRoleInput.self))
        #expect(OperationDeclaration.inputType(.sts, action: "CreateRole") == nil)
        #expect(OperationDeclaration.inputType(.iam, action: "AssumeRole") == nil)
        #expect(OperationDeclaration.inputType(.sts, action: "assumerole") == nil)
    }

    @Test("property names lower a leading acronym and match the client's names")
    func propertyNames() {
        let saml = AssumeRoleWithSAMLInput(roleArn: "r", principalArn: "p", samlAssertion: "s")
        #expect(saml.samlAssertion == "s")
        #expect(CreateOpenIDConnectProviderOutput(openIDConnectProviderArn: "a").openIDConnectProviderArn == "a")
        #expect(ListMFADevicesOutput(mfaDevices: []).mfaDevices == [])
        #expect(CreateSAMLProviderInput(samlMetadataDocument: "m", name: "n").samlMetadataDocument == "m")
        #expect(GetSAMLProviderOutput(samlProviderUUID: "u").samlProviderUUID == "u")
        #expect(IAM.VirtualMFADevice(serialNumber: "s", qrCodePNG: Data([1])).qrCodePNG == Data([1]))
        // Required members come first in the memberwise init, as in the client (`audience`, `signingAlgorithm`).
        let token = GetWebIdentityTokenInput(audience: ["a"], signingAlgorithm: "RS256", durationSeconds: 60)
        #expect(token.queryParameters.map(\.name) == ["Audience.member.1", "DurationSeconds", "SigningAlgorithm"])
    }

    @Test("descriptions never show sensitive members, nor the secrets Latchkey redacts")
    func descriptionsRedactSecrets() {
        let credentials = Credentials(
            accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret-key-material", sessionToken: "session-token-material",
            expiration: Date(timeIntervalSince1970: 0))
        #expect(
            credentials.description
                == "Credentials(accessKeyId: ASIAEXAMPLE, secretAccessKey: <redacted>, sessionToken: <redacted>, expiration: \(Date(timeIntervalSince1970: 0)))"
        )
        let texts = [
            "\(AssumeRoleOutput(credentials: credentials))",
            "\(GetSessionTokenOutput(credentials: credentials))",
            String(reflecting: AssumeRoleOutput(credentials: credentials)),
            "\(AssumeRoleWithWebIdentityInput(roleArn: "arn", roleSessionName: "s", webIdentityToken: "secret-key-material"))",
            "\(AssumeRoleWithSAMLInput(roleArn: "arn", principalArn: "p", samlAssertion: "secret-key-material"))",
            "\(GetDelegatedAccessTokenInput(tradeInToken: "secret-key-material"))",
            "\(GetWebIdentityTokenOutput(webIdentityToken: "secret-key-material"))",
            "\(AssumeRoleInput(roleArn: "arn", roleSessionName: "s", tokenCode: "secret-key-material"))",
            "\(EnableMFADeviceInput(userName: "u", serialNumber: "s", authenticationCode1: "secret-key-material", authenticationCode2: "secret-key-material"))",
            "\(CreateAccessKeyOutput(accessKey: IAM.AccessKey(accessKeyId: "AKIA", status: "Active", secretAccessKey: "secret-key-material")))",
            "\(IAM.VirtualMFADevice(serialNumber: "s", base32StringSeed: Data("secret-key-material".utf8)))",
            "\(CreateSAMLProviderInput(samlMetadataDocument: "m", name: "n", addPrivateKey: "secret-key-material"))",
        ]
        for text in texts {
            #expect(!text.contains("secret-key-material"), "\(text)")
            #expect(!text.contains("session-token-material"), "\(text)")
        }
        #expect(texts[0].contains("ASIAEXAMPLE"))
    }

    @Test("decoding an input that lacks a required member throws MissingParameter instead of trapping")
    func missingRequiredMemberThrows() throws {
        // An empty input, as no validated AssumeRole request can be.
        let empty = try OperationSchema.getCallerIdentity.decode([:])
        let error = #expect(throws: STSError.self) { try AssumeRoleInput(decoding: empty) }
        #expect(error?.code == .missingParameter)
        #expect(error?.message.contains("RoleArn") == true)
        // GetRole's input has a RoleName but neither TagKeys (a list of strings) nor Tags (a list of structures).
        let roleOnly = try OperationSchema.getRole.decode(["RoleName": "r"])
        let untag = #expect(throws: STSError.self) { try UntagRoleInput(decoding: roleOnly) }
        #expect(untag?.code == .missingParameter)
        #expect(untag?.message.contains("TagKeys") == true)
        let tag = #expect(throws: STSError.self) { try TagRoleInput(decoding: roleOnly) }
        #expect(tag?.message.contains("Tags") == true)
        #expect(try GetRoleInput(decoding: roleOnly) == GetRoleInput(roleName: "r"))
    }
}
