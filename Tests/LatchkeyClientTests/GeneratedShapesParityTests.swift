import Foundation
import LatchkeyClient
import LatchkeyModel
import Testing

/// The client sends the generated STS inputs (`LatchkeyModel`) on the wire exactly as its hand-written requests did
/// before them: the expected pairs below are what those requests encoded, recorded when both existed (commit 09cdf0b
/// compared the two). The file imports both modules and names every shape unqualified: the client re-exports the
/// model's shapes, so there is one `Tag`, one `Credentials`.
@Suite struct GeneratedShapesParityTests {
    static func pairs(_ parameters: [(name: String, value: String)]) -> [String] {
        parameters.map { "\($0.name)=\($0.value)" }
    }

    static let role = "arn:aws:iam::123456789012:role/demo"
    static let tags = [Tag(key: "Project", value: "Unicorn"), Tag(key: "Cost Center", value: "")]
    static let tagPairs = [
        "Tags.member.1.Key=Project", "Tags.member.1.Value=Unicorn", "Tags.member.2.Key=Cost Center",
        "Tags.member.2.Value=",
    ]
    static let arns = [PolicyDescriptorType(arn: "arn:aws:iam::aws:policy/ReadOnlyAccess")]
    static let arnPairs = ["PolicyArns.member.1.arn=arn:aws:iam::aws:policy/ReadOnlyAccess"]

    @Test("every STS request with every member set encodes to the same parameters, in the same order")
    func queryParametersMatchTheClient() {
        let assumeRole = AssumeRoleInput(
            roleArn: Self.role, roleSessionName: "s", policyArns: Self.arns, policy: "{}", durationSeconds: 900,
            tags: Self.tags, transitiveTagKeys: ["Project"], externalId: "ext", serialNumber: "arn:mfa",
            tokenCode: "123456", sourceIdentity: "me",
            providedContexts: [ProvidedContext(providerArn: "arn:p", contextAssertion: "abcd")])
        #expect(
            Self.pairs(assumeRole.queryParameters)
                == ["RoleArn=\(Self.role)", "RoleSessionName=s"] + Self.arnPairs + ["Policy={}", "DurationSeconds=900"]
                + Self.tagPairs
                + [
                    "TransitiveTagKeys.member.1=Project", "ExternalId=ext", "SerialNumber=arn:mfa", "TokenCode=123456",
                    "SourceIdentity=me", "ProvidedContexts.member.1.ProviderArn=arn:p",
                    "ProvidedContexts.member.1.ContextAssertion=abcd",
                ])
        let webIdentity = AssumeRoleWithWebIdentityInput(
            roleArn: Self.role, roleSessionName: "s", webIdentityToken: "jwt", providerId: "p", policyArns: Self.arns,
            policy: "{}", durationSeconds: 900)
        #expect(
            Self.pairs(webIdentity.queryParameters)
                == ["RoleArn=\(Self.role)", "RoleSessionName=s", "WebIdentityToken=jwt", "ProviderId=p"]
                + Self.arnPairs + ["Policy={}", "DurationSeconds=900"])
        let saml = AssumeRoleWithSAMLInput(
            roleArn: Self.role, principalArn: "arn:saml", samlAssertion: "PHNhbWw+", policyArns: [], policy: "{}",
            durationSeconds: 900)
        #expect(
            Self.pairs(saml.queryParameters) == [
                "RoleArn=\(Self.role)", "PrincipalArn=arn:saml", "SAMLAssertion=PHNhbWw+", "PolicyArns=", "Policy={}",
                "DurationSeconds=900",
            ])
        let root = AssumeRootInput(
            targetPrincipal: "111122223333", taskPolicyArn: PolicyDescriptorType(arn: "arn:task"), durationSeconds: 900)
        #expect(
            Self.pairs(root.queryParameters) == [
                "TargetPrincipal=111122223333", "TaskPolicyArn.arn=arn:task", "DurationSeconds=900",
            ])
        let sessionToken = GetSessionTokenInput(durationSeconds: 900, serialNumber: "arn:mfa", tokenCode: "123456")
        #expect(
            Self.pairs(sessionToken.queryParameters) == [
                "DurationSeconds=900", "SerialNumber=arn:mfa", "TokenCode=123456",
            ])
        let federation = GetFederationTokenInput(
            name: "bob", policy: "{}", policyArns: Self.arns, durationSeconds: 900, tags: Self.tags)
        #expect(
            Self.pairs(federation.queryParameters)
                == ["Name=bob", "Policy={}"] + Self.arnPairs + ["DurationSeconds=900"] + Self.tagPairs)
        let webToken = GetWebIdentityTokenInput(
            audience: ["a", "b"], signingAlgorithm: "RS256", durationSeconds: 60, tags: Self.tags)
        #expect(
            Self.pairs(webToken.queryParameters)
                == ["Audience.member.1=a", "Audience.member.2=b", "DurationSeconds=60", "SigningAlgorithm=RS256"]
                + Self.tagPairs)
        #expect(Self.pairs(GetDelegatedAccessTokenInput(tradeInToken: "t").queryParameters) == ["TradeInToken=t"])
        #expect(GetCallerIdentityInput().queryParameters.isEmpty)
        #expect(Self.pairs(GetAccessKeyInfoInput(accessKeyId: "AKIA").queryParameters) == ["AccessKeyId=AKIA"])
        #expect(
            Self.pairs(DecodeAuthorizationMessageInput(encodedMessage: "m").queryParameters) == ["EncodedMessage=m"])
    }

    @Test("the generated Credentials describes itself as the client's does")
    func credentialsDescriptionMatchesTheClient() {
        let expiration = Date(timeIntervalSince1970: 1_796_000_000)
        let credentials = Credentials(
            accessKeyId: "ASIAX", secretAccessKey: "very-secret", sessionToken: "tok-123", expiration: expiration)
        #expect(
            credentials.description
                == "Credentials(accessKeyId: ASIAX, secretAccessKey: <redacted>, sessionToken: <redacted>, "
                + "expiration: \(expiration))")
        #expect(LatchkeyClient.Credentials.self == LatchkeyModel.Credentials.self)
        #expect(LatchkeyClient.Tag.self == LatchkeyModel.Tag.self)
    }
}
