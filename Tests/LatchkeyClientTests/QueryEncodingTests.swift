import Foundation
import LatchkeyClient
import LatchkeyModel
import LatchkeyQuery
import Testing

@Suite struct QueryEncodingTests {
    @Test("Lists become .member.N from 1, structures in lists .member.N.Name, and values are RFC 3986 encoded")
    func assumeRoleListsAndStructures() {
        let request = AssumeRoleRequest(
            roleArn: "arn:aws:iam::123456789012:role/demo", roleSessionName: "s@1",
            policyArns: [.init(arn: "arn:aws:iam::aws:policy/A"), .init(arn: "arn:aws:iam::aws:policy/B")],
            policy: #"{"a": 1}"#, durationSeconds: 3600,
            tags: [
                LatchkeyClient.Tag(key: "Project", value: "Unicorn"),
                LatchkeyClient.Tag(key: "Cost Center", value: "12+3"),
            ],
            transitiveTagKeys: ["Project"], externalId: "ext", serialNumber: "arn:aws:iam::123456789012:mfa/u",
            tokenCode: "123456", sourceIdentity: "me",
            providedContexts: [
                .init(providerArn: "arn:aws:iam::aws:contextProvider/IdentityCenter", contextAssertion: "abcd")
            ])
        let expected = [
            "Action=AssumeRole", "Version=2011-06-15", "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo",
            "RoleSessionName=s%401", "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FA",
            "PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FB", "Policy=%7B%22a%22%3A%201%7D",
            "DurationSeconds=3600", "Tags.member.1.Key=Project", "Tags.member.1.Value=Unicorn",
            "Tags.member.2.Key=Cost%20Center", "Tags.member.2.Value=12%2B3", "TransitiveTagKeys.member.1=Project",
            "ExternalId=ext", "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fu", "TokenCode=123456",
            "SourceIdentity=me",
            "ProvidedContexts.member.1.ProviderArn=arn%3Aaws%3Aiam%3A%3Aaws%3AcontextProvider%2FIdentityCenter",
            "ProvidedContexts.member.1.ContextAssertion=abcd",
        ].joined(separator: "&")
        #expect(request.formEncodedBody == expected)
    }

    @Test("The server's decoder reads the client's encoding back into the same members")
    func serverDecoderReadsClientEncoding() throws {
        let request = GetFederationTokenRequest(
            name: "carol", policyArns: [.init(arn: "arn:aws:iam::aws:policy/ReadOnlyAccess")], durationSeconds: 900,
            tags: [LatchkeyClient.Tag(key: "k1", value: "v1"), LatchkeyClient.Tag(key: "k2", value: "")])
        let parameters = try QueryParameters.parse(Array(request.formEncodedBody.utf8))
        let input = try #require(OperationSchema.sts(action: "GetFederationToken")).decode(parameters.dictionary)
        #expect(input.string("Name") == "carol")
        #expect(input.int("DurationSeconds") == 900)
        #expect(input.structures("PolicyArns").map { $0.string("arn") } == ["arn:aws:iam::aws:policy/ReadOnlyAccess"])
        #expect(input.structures("Tags").map { $0.string("Key") } == ["k1", "k2"])
        #expect(input.structures("Tags").map { $0.string("Value") } == ["v1", ""])
    }

    @Test("A structure member is Name.member, a string list Name.member.N, and an empty list an explicit Name=")
    func structureMemberAndEmptyList() {
        let root = AssumeRootRequest(
            targetPrincipal: "444455556666", taskPolicyArn: .init(arn: "arn:aws:iam::aws:policy/root-task/X"),
            durationSeconds: 900)
        #expect(
            root.queryParameters.map { "\($0.name)=\($0.value)" } == [
                "TargetPrincipal=444455556666", "TaskPolicyArn.arn=arn:aws:iam::aws:policy/root-task/X",
                "DurationSeconds=900",
            ])
        let token = GetWebIdentityTokenRequest(audience: ["a", "b"], signingAlgorithm: "RS256", tags: [])
        #expect(
            token.queryParameters.map { "\($0.name)=\($0.value)" } == [
                "Audience.member.1=a", "Audience.member.2=b", "SigningAlgorithm=RS256", "Tags=",
            ])
        #expect(GetSessionTokenRequest().queryParameters.isEmpty)
        #expect(GetCallerIdentityRequest().formEncodedBody == "Action=GetCallerIdentity&Version=2011-06-15")
    }

    @Test("Only AssumeRoleWithWebIdentity and AssumeRoleWithSAML are unsigned")
    func unsignedOperations() {
        #expect(AssumeRoleWithWebIdentityRequest.isUnsigned)
        #expect(AssumeRoleWithSAMLRequest.isUnsigned)
        #expect(!AssumeRoleRequest.isUnsigned)
        #expect(!GetCallerIdentityRequest.isUnsigned)
        #expect(!GetSessionTokenRequest.isUnsigned)
    }

    @Test("Descriptions of secrets and tokens are redacted")
    func descriptionsRedactSecrets() {
        let credentials = LatchkeyClient.Credentials(
            accessKeyId: "ASIAX", secretAccessKey: "very-secret", sessionToken: "tok-123",
            expiration: .init(timeIntervalSince1970: 0))
        #expect(!"\(credentials)".contains("very-secret"))
        #expect(!"\(credentials)".contains("tok-123"))
        let web = AssumeRoleWithWebIdentityRequest(
            roleArn: "arn:aws:iam::1:role/r", roleSessionName: "s", webIdentityToken: "jwt-secret")
        #expect(!"\(web)".contains("jwt-secret"))
        #expect(credentials.awsCredentials.sessionToken == "tok-123")
        #expect(credentials.awsCredentials.expiration == credentials.expiration)
    }
}
