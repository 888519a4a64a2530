import AsyncHTTPClient
import Foundation
import LatchkeyClient
import Testing

/// The client against moto's STS, an implementation we did not write.
@Suite struct STSClientMotoTests {
    static let account = "123456789012"
    static let key = AWSCredentials(
        accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

    /// A SAML response with the attributes moto reads (Role, RoleSessionName), base64-encoded.
    static let samlAssertion = Data(
        """
        <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">\
        <saml:Assertion><saml:AttributeStatement>\
        <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><saml:AttributeValue>\
        arn:aws:iam::123456789012:role/saml-role,arn:aws:iam::123456789012:saml-provider/idp</saml:AttributeValue></saml:Attribute>\
        <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">\
        <saml:AttributeValue>alice</saml:AttributeValue></saml:Attribute>\
        </saml:AttributeStatement></saml:Assertion></samlp:Response>
        """.utf8
    ).base64EncodedString()

    static func client(_ endpoint: String, _ credentials: AWSCredentials? = key) -> STSClient {
        STSClient(
            configuration: .init(
                region: "us-east-1", endpoint: endpoint,
                credentialProvider: credentials.map(FixedCredentialProvider.init),
                retryPolicy: .none, timeout: .seconds(20), environment: [:]),
            httpClient: .shared)
    }

    @Test("Every operation moto implements works through the client: identity, tokens, roles, federation, key info")
    func operationsAgainstMoto() async throws {
        try await MotoServer.run { endpoint in
            let client = Self.client(endpoint)

            let identity = try await client.getCallerIdentity()
            #expect(identity.account == Self.account)
            #expect(identity.arn == "arn:aws:sts::\(Self.account):user/moto")
            #expect(identity.requestId?.isEmpty == false)

            let session = try await client.getSessionToken(.init(durationSeconds: 900))
            let sessionCredentials = try #require(session.credentials)
            #expect(!sessionCredentials.sessionToken.isEmpty)

            let assumed = try await client.assumeRole(
                .init(
                    roleArn: "arn:aws:iam::\(Self.account):role/moto-role", roleSessionName: "client-test",
                    durationSeconds: 900))
            let roleCredentials = try #require(assumed.credentials)
            #expect(roleCredentials.accessKeyId.hasPrefix("ASIA"))
            #expect(roleCredentials.expiration > Date())
            #expect(assumed.assumedRoleUser?.arn == "arn:aws:sts::\(Self.account):assumed-role/moto-role/client-test")
            let asRole = try await Self.client(endpoint, roleCredentials.awsCredentials).getCallerIdentity()
            #expect(asRole.arn == assumed.assumedRoleUser?.arn)

            let unsigned = Self.client(endpoint, nil)
            let web = try await unsigned.assumeRoleWithWebIdentity(
                .init(
                    roleArn: "arn:aws:iam::\(Self.account):role/web-role", roleSessionName: "web-session",
                    webIdentityToken: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"))
            #expect(web.credentials != nil)
            #expect(web.assumedRoleUser?.arn == "arn:aws:sts::\(Self.account):assumed-role/web-role/web-session")

            let saml = try await unsigned.assumeRoleWithSAML(
                .init(
                    roleArn: "arn:aws:iam::\(Self.account):role/saml-role",
                    principalArn: "arn:aws:iam::\(Self.account):saml-provider/idp", samlAssertion: Self.samlAssertion))
            #expect(saml.credentials != nil)
            #expect(saml.assumedRoleUser?.arn == "arn:aws:sts::\(Self.account):assumed-role/saml-role/alice")

            let federation = try await client.getFederationToken(.init(name: "bob", durationSeconds: 900))
            #expect(federation.federatedUser?.arn == "arn:aws:sts::\(Self.account):federated-user/bob")
            #expect(federation.credentials != nil)

            let info = try await client.getAccessKeyInfo(.init(accessKeyId: "AKIAIOSFODNN7EXAMPLE"))
            #expect(info.account == Self.account)
        }
    }
}
