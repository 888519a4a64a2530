import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The checks `AssumeRoleWithSAML` (`SAML.swift`) makes before it verifies the assertion, without HTTP. (The
/// verified path is covered end to end by `Interop/test_federation_saml.py`, with a signing IdP.)
@Suite struct SAMLTests {
    typealias K = RoleTestKit

    static func input(_ f: ServiceFixture, role: String? = nil, provider: String? = nil) -> AssumeRoleWithSAMLInput {
        AssumeRoleWithSAMLInput(
            roleArn: role ?? K.roleArn(f, "r"),
            principalArn: provider ?? "arn:aws:iam::\(f.accountId):saml-provider/idp",
            samlAssertion: "PHNhbWw+")
    }

    static func assume(_ f: ServiceFixture, _ input: AssumeRoleWithSAMLInput) async throws -> AssumeRoleWithSAMLOutput {
        try await f.sts.assumeRoleWithSAML(input, metadata: RequestMetadata(), now: f.clock.now)
    }

    @Test(
        "a PrincipalArn that is not a SAML provider ARN is a ValidationError naming it",
        arguments: [
            "arn:aws:iam::111122223333:oidc-provider/idp", "arn:aws:iam::111122223333:saml-provider/",
            "arn:aws:iam::111122223333:saml-provider/a/b", "arn:aws:iam::1111:saml-provider/idp",
        ])
    func malformedPrincipalArn(principal: String) async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.validationError, "\(principal) is not a valid SAML provider ARN.") {
            try await Self.assume(f, Self.input(f, provider: principal))
        }
    }

    @Test("a RoleArn that is not a role ARN is 'Request ARN is invalid'; a role of another account is AccessDenied")
    func roleArnRules() async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.validationError, "Request ARN is invalid") {
            try await Self.assume(f, Self.input(f, role: K.userArn(f, "alice")))
        }
        await K.expectError(.accessDenied, "Not authorized to perform sts:AssumeRoleWithSAML") {
            try await Self.assume(f, Self.input(f, role: "arn:aws:iam::444455556666:role/r"))
        }
    }

    @Test("a provider that does not exist is InvalidIdentityToken; with one, a server without SAML is InvalidAction")
    func providerAndFeature() async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.invalidIdentityToken, "Specified provider doesn't exist") {
            try await Self.assume(f, Self.input(f))
        }
        try await f.store.insertSAMLProvider(
            SAMLProvider(
                accountId: f.accountId, name: "idp", uuid: UUID().uuidString, metadataDocument: "<md/>",
                signingCertificates: [], entityId: "https://idp.example.com", validUntil: nil, createDate: f.clock.now))
        // The provider's name is matched exactly (IAM keeps it case-insensitively unique).
        await K.expectError(.invalidIdentityToken, "Specified provider doesn't exist") {
            try await Self.assume(f, Self.input(f, provider: "arn:aws:iam::\(f.accountId):saml-provider/IDP"))
        }
        await K.expectError(.invalidAction, "AssumeRoleWithSAML is not enabled on this server.") {
            try await Self.assume(f, Self.input(f))
        }
    }
}
