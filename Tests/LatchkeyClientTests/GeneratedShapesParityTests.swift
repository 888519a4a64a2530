import Foundation
import LatchkeyClient
import LatchkeyModel
import Testing

/// The generated STS inputs (`LatchkeyModel`) encode requests exactly as the client's hand-written requests do, so the
/// client can switch to them without a change on the wire.
@Suite struct GeneratedShapesParityTests {
    static func same(_ client: [(name: String, value: String)], _ generated: [(name: String, value: String)]) -> Bool {
        client.map { "\($0.name)=\($0.value)" } == generated.map { "\($0.name)=\($0.value)" }
    }

    static let clientTags = [
        LatchkeyClient.Tag(key: "Project", value: "Unicorn"), LatchkeyClient.Tag(key: "Cost Center", value: ""),
    ]
    static let tags = [
        LatchkeyModel.Tag(key: "Project", value: "Unicorn"), LatchkeyModel.Tag(key: "Cost Center", value: ""),
    ]
    static let clientArns = [LatchkeyClient.PolicyDescriptorType(arn: "arn:aws:iam::aws:policy/ReadOnlyAccess")]
    static let arns = [LatchkeyModel.PolicyDescriptorType(arn: "arn:aws:iam::aws:policy/ReadOnlyAccess")]

    @Test("every STS request with every member set encodes to the same parameters, in the same order")
    func queryParametersMatchTheClient() {
        let role = "arn:aws:iam::123456789012:role/demo"
        #expect(
            Self.same(
                AssumeRoleRequest(
                    roleArn: role, roleSessionName: "s", policyArns: Self.clientArns, policy: "{}",
                    durationSeconds: 900,
                    tags: Self.clientTags, transitiveTagKeys: ["Project"], externalId: "ext", serialNumber: "arn:mfa",
                    tokenCode: "123456", sourceIdentity: "me",
                    providedContexts: [LatchkeyClient.ProvidedContext(providerArn: "arn:p", contextAssertion: "abcd")]
                ).queryParameters,
                AssumeRoleInput(
                    roleArn: role, roleSessionName: "s", policyArns: Self.arns, policy: "{}", durationSeconds: 900,
                    tags: Self.tags, transitiveTagKeys: ["Project"], externalId: "ext", serialNumber: "arn:mfa",
                    tokenCode: "123456", sourceIdentity: "me",
                    providedContexts: [LatchkeyModel.ProvidedContext(providerArn: "arn:p", contextAssertion: "abcd")]
                ).queryParameters))
        #expect(
            Self.same(
                AssumeRoleWithWebIdentityRequest(
                    roleArn: role, roleSessionName: "s", webIdentityToken: "jwt", providerId: "p",
                    policyArns: Self.clientArns,
                    policy: "{}", durationSeconds: 900
                ).queryParameters,
                AssumeRoleWithWebIdentityInput(
                    roleArn: role, roleSessionName: "s", webIdentityToken: "jwt", providerId: "p",
                    policyArns: Self.arns,
                    policy: "{}", durationSeconds: 900
                ).queryParameters))
        #expect(
            Self.same(
                AssumeRoleWithSAMLRequest(
                    roleArn: role, principalArn: "arn:saml", samlAssertion: "PHNhbWw+", policyArns: [], policy: "{}",
                    durationSeconds: 900
                ).queryParameters,
                AssumeRoleWithSAMLInput(
                    roleArn: role, principalArn: "arn:saml", samlAssertion: "PHNhbWw+", policyArns: [], policy: "{}",
                    durationSeconds: 900
                ).queryParameters))
        #expect(
            Self.same(
                AssumeRootRequest(
                    targetPrincipal: "111122223333",
                    taskPolicyArn: LatchkeyClient.PolicyDescriptorType(arn: "arn:task"),
                    durationSeconds: 900
                ).queryParameters,
                AssumeRootInput(
                    targetPrincipal: "111122223333", taskPolicyArn: LatchkeyModel.PolicyDescriptorType(arn: "arn:task"),
                    durationSeconds: 900
                ).queryParameters))
        #expect(
            Self.same(
                GetSessionTokenRequest(durationSeconds: 900, serialNumber: "arn:mfa", tokenCode: "123456")
                    .queryParameters,
                GetSessionTokenInput(durationSeconds: 900, serialNumber: "arn:mfa", tokenCode: "123456").queryParameters
            ))
        #expect(
            Self.same(
                GetFederationTokenRequest(
                    name: "bob", policy: "{}", policyArns: Self.clientArns, durationSeconds: 900, tags: Self.clientTags
                ).queryParameters,
                GetFederationTokenInput(
                    name: "bob", policy: "{}", policyArns: Self.arns, durationSeconds: 900, tags: Self.tags
                )
                .queryParameters))
        #expect(
            Self.same(
                GetWebIdentityTokenRequest(
                    audience: ["a", "b"], signingAlgorithm: "RS256", durationSeconds: 60, tags: Self.clientTags
                )
                .queryParameters,
                GetWebIdentityTokenInput(
                    audience: ["a", "b"], signingAlgorithm: "RS256", durationSeconds: 60, tags: Self.tags
                )
                .queryParameters))
        #expect(
            Self.same(
                GetDelegatedAccessTokenRequest(tradeInToken: "t").queryParameters,
                GetDelegatedAccessTokenInput(tradeInToken: "t").queryParameters))
        #expect(Self.same(GetCallerIdentityRequest().queryParameters, GetCallerIdentityInput().queryParameters))
        #expect(
            Self.same(
                GetAccessKeyInfoRequest(accessKeyId: "AKIA").queryParameters,
                GetAccessKeyInfoInput(accessKeyId: "AKIA").queryParameters))
        #expect(
            Self.same(
                DecodeAuthorizationMessageRequest(encodedMessage: "m").queryParameters,
                DecodeAuthorizationMessageInput(encodedMessage: "m").queryParameters))
    }

    @Test("the generated Credentials describes itself as the client's does")
    func credentialsDescriptionMatchesTheClient() {
        let expiration = Date(timeIntervalSince1970: 1_796_000_000)
        let client = LatchkeyClient.Credentials(
            accessKeyId: "ASIAX", secretAccessKey: "very-secret", sessionToken: "tok-123", expiration: expiration)
        let generated = LatchkeyModel.Credentials(
            accessKeyId: "ASIAX", secretAccessKey: "very-secret", sessionToken: "tok-123", expiration: expiration)
        #expect(client.description == generated.description)
    }
}
