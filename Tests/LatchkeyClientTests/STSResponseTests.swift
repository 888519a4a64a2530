import Foundation
import LatchkeyClient
import Testing

/// `STSResponse`: the generated output with the request ID, its members read and written as the response's own; and
/// the client's old names, kept as deprecated aliases for one release.
@Suite struct STSResponseTests {
    static let expiration = Date(timeIntervalSince1970: 1_796_000_000)
    static let credentials = Credentials(
        accessKeyId: "ASIAEXAMPLE", secretAccessKey: "very-secret", sessionToken: "tok-123", expiration: expiration)

    @Test("The output's members read and write through the response; the request ID is the response's own")
    func membersReadAndWriteThroughTheResponse() {
        var response = STSResponse(
            AssumeRoleOutput(
                credentials: Self.credentials,
                assumedRoleUser: AssumedRoleUser(
                    assumedRoleId: "AROAEXAMPLE:s", arn: "arn:aws:sts::1:assumed-role/r/s"),
                packedPolicySize: 6),
            requestId: "req-1")
        #expect(response.credentials == Self.credentials)
        #expect(response.assumedRoleUser?.arn == "arn:aws:sts::1:assumed-role/r/s")
        #expect(response.packedPolicySize == 6)
        #expect(response.sourceIdentity == nil)
        #expect(response.requestId == "req-1")
        response.sourceIdentity = "me"
        response.credentials?.sessionToken = "tok-456"
        #expect(response.output.sourceIdentity == "me")
        #expect(response.output.credentials?.sessionToken == "tok-456")
        #expect(response != STSResponse(response.output, requestId: "req-2"))
        #expect(response == STSResponse(response.output, requestId: "req-1"))
    }

    @Test("A response describes itself without its secret, session token or web identity token, with its request ID")
    func descriptionRedactsSecrets() {
        let assumed = STSResponse(AssumeRoleOutput(credentials: Self.credentials), requestId: "req-1")
        #expect("\(assumed)".contains("ASIAEXAMPLE"))
        #expect(!"\(assumed)".contains("very-secret"))
        #expect(!"\(assumed)".contains("tok-123"))
        #expect("\(assumed)".hasSuffix(" [request req-1]"))
        let token = STSResponse(
            GetWebIdentityTokenOutput(webIdentityToken: "eyJ.secret.jwt", expiration: Self.expiration))
        #expect(!"\(token)".contains("eyJ.secret.jwt"))
        #expect(!"\(token)".contains("[request"))
    }

    @Test("The old request names are the generated inputs, and they encode and sign as before")
    @available(*, deprecated, message: "exercises the deprecated names")
    func oldRequestNamesAreTheInputs() {
        #expect(AssumeRoleRequest.self == AssumeRoleInput.self)
        #expect(AssumeRoleWithWebIdentityRequest.self == AssumeRoleWithWebIdentityInput.self)
        #expect(AssumeRoleWithSAMLRequest.self == AssumeRoleWithSAMLInput.self)
        #expect(AssumeRootRequest.self == AssumeRootInput.self)
        #expect(GetSessionTokenRequest.self == GetSessionTokenInput.self)
        #expect(GetFederationTokenRequest.self == GetFederationTokenInput.self)
        #expect(GetCallerIdentityRequest.self == GetCallerIdentityInput.self)
        #expect(GetAccessKeyInfoRequest.self == GetAccessKeyInfoInput.self)
        #expect(DecodeAuthorizationMessageRequest.self == DecodeAuthorizationMessageInput.self)
        #expect(GetWebIdentityTokenRequest.self == GetWebIdentityTokenInput.self)
        #expect(GetDelegatedAccessTokenRequest.self == GetDelegatedAccessTokenInput.self)
        #expect(AssumeRoleRequest.action == "AssumeRole")
        #expect(AssumeRoleWithSAMLRequest.action == "AssumeRoleWithSAML")
    }

    @Test("The old response names and initializers build the same responses as STSResponse of the outputs")
    @available(*, deprecated, message: "exercises the deprecated names")
    func oldResponseNamesBuildTheSameResponses() {
        let user = AssumedRoleUser(assumedRoleId: "AROAEXAMPLE:s", arn: "arn:aws:sts::1:assumed-role/r/s")
        #expect(
            AssumeRoleResponse(
                credentials: Self.credentials, assumedRoleUser: user, packedPolicySize: 6, requestId: "r")
                == STSResponse(
                    AssumeRoleOutput(credentials: Self.credentials, assumedRoleUser: user, packedPolicySize: 6),
                    requestId: "r"))
        #expect(
            AssumeRoleWithWebIdentityResponse(
                credentials: Self.credentials, subjectFromWebIdentityToken: "sub", provider: "issuer",
                audience: "aud")
                == STSResponse(
                    AssumeRoleWithWebIdentityOutput(
                        credentials: Self.credentials, subjectFromWebIdentityToken: "sub", provider: "issuer",
                        audience: "aud")))
        #expect(
            AssumeRoleWithSAMLResponse(subject: "alice", subjectType: "persistent", issuer: "idp", nameQualifier: "q")
                == STSResponse(
                    AssumeRoleWithSAMLOutput(
                        subject: "alice", subjectType: "persistent", issuer: "idp", nameQualifier: "q")))
        #expect(
            AssumeRootResponse(sourceIdentity: "me", requestId: "r")
                == STSResponse(AssumeRootOutput(sourceIdentity: "me"), requestId: "r"))
        #expect(
            GetSessionTokenResponse(credentials: Self.credentials)
                == STSResponse(GetSessionTokenOutput(credentials: Self.credentials)))
        let federated = FederatedUser(federatedUserId: "1:bob", arn: "arn:aws:sts::1:federated-user/bob")
        #expect(
            GetFederationTokenResponse(federatedUser: federated, packedPolicySize: 1)
                == STSResponse(GetFederationTokenOutput(federatedUser: federated, packedPolicySize: 1)))
        #expect(
            GetCallerIdentityResponse(userId: "u", account: "1", arn: "a", requestId: "r")
                == STSResponse(GetCallerIdentityOutput(userId: "u", account: "1", arn: "a"), requestId: "r"))
        #expect(GetAccessKeyInfoResponse(account: "1") == STSResponse(GetAccessKeyInfoOutput(account: "1")))
        #expect(
            DecodeAuthorizationMessageResponse(decodedMessage: "{}")
                == STSResponse(DecodeAuthorizationMessageOutput(decodedMessage: "{}")))
        #expect(
            GetWebIdentityTokenResponse(webIdentityToken: "jwt", expiration: Self.expiration)
                == STSResponse(GetWebIdentityTokenOutput(webIdentityToken: "jwt", expiration: Self.expiration)))
        #expect(
            GetDelegatedAccessTokenResponse(packedPolicySize: 2, assumedPrincipal: "p")
                == STSResponse(GetDelegatedAccessTokenOutput(packedPolicySize: 2, assumedPrincipal: "p")))
        let old: AssumeRoleResponse = AssumeRoleResponse()
        #expect(old.credentials == nil && old.requestId == nil)
    }
}
