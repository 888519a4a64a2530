import Crypto
import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeySAMLModel
import LatchkeyTestSupport
import Testing

/// The rules of `AssumeRoleWithSAML` (`SAML.swift`), without HTTP. The assertion's XML signature is LatchkeySAML's
/// job (its own tests, and `Interop/test_federation_saml.py` end to end): here a verifier hands the service the
/// assertion a real one would have verified, and the service's own rules are checked.
@Suite struct SAMLTests {
    typealias K = RoleTestKit

    /// Answers every response with `result`.
    struct Verifier: SAMLResponseVerifying {
        var result: Result<VerifiedSAMLAssertion, SAMLError>

        func verify(samlResponseBase64: String, trustedCertificates: [[UInt8]], now: Date) throws(SAMLError)
            -> VerifiedSAMLAssertion
        {
            try result.get()
        }
    }

    static let recipient = "https://signin.aws.amazon.com/saml"
    static let issuer = "https://idp.example.com/metadata"

    static func providerArn(_ f: ServiceFixture) -> String { "arn:aws:iam::\(f.accountId):saml-provider/idp" }

    /// A verified assertion with the AWS attributes `aws` (names without the prefix), and `id`.
    static func assertion(
        _ f: ServiceFixture, id: String = "_a1", aws: [String: [String]], sessionNotOnOrAfter: Date? = nil
    ) throws -> VerifiedSAMLAssertion {
        var attributes: [String: [String]] = [:]
        for (name, values) in aws { attributes[SAMLAWSAttributes.prefix + name] = values }
        return VerifiedSAMLAssertion(
            assertionID: id, issuer: issuer, subject: "alice@example.com",
            nameIDFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", audiences: [recipient],
            recipient: recipient, destination: nil, notOnOrAfter: f.clock.now.addingTimeInterval(300),
            replayExpiry: f.clock.now.addingTimeInterval(600), sessionNotOnOrAfter: sessionNotOnOrAfter,
            attributes: attributes, aws: try SAMLAWSAttributes.parse(attributes, names: attributes.keys.sorted()))
    }

    /// The Role attribute pairing `role` with the provider, and a session name.
    static func attributes(_ f: ServiceFixture, role: String = "saml", session: String? = "alice") -> [String: [String]]
    {
        var aws = ["Role": ["\(K.roleArn(f, role)),\(providerArn(f))"]]
        if let session { aws["RoleSessionName"] = [session] }
        return aws
    }

    /// The provider `idp` in the store, and a role `saml` trusting it for the recipient `saml:aud`.
    static func setUp(_ f: ServiceFixture, actions: String = #""sts:AssumeRoleWithSAML""#) async throws {
        try await f.store.insertSAMLProvider(
            SAMLProvider(
                accountId: f.accountId, name: "idp", uuid: UUID().uuidString, metadataDocument: "<md/>",
                signingCertificates: [], entityId: issuer, validUntil: nil, createDate: f.clock.now))
        let trust = #"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"\#(providerArn(f))"},\#
            "Action":\#(actions),"Condition":{"StringEquals":{"SAML:aud":"\#(recipient)"}}}]}
            """#
        try await K.createRole(f, "saml", trust: trust)
    }

    static func sts(_ f: ServiceFixture, _ result: Result<VerifiedSAMLAssertion, SAMLError>) -> SecurityTokenService {
        var sts = f.sts
        sts.saml = SAMLFederation(verifier: Verifier(result: result))
        return sts
    }

    static func input(_ f: ServiceFixture, role: String? = nil, provider: String? = nil) -> AssumeRoleWithSAMLInput {
        AssumeRoleWithSAMLInput(
            roleArn: role ?? K.roleArn(f, "saml"), principalArn: provider ?? providerArn(f), samlAssertion: "PHNhbWw+")
    }

    static func assume(
        _ sts: SecurityTokenService, _ f: ServiceFixture,
        _ configure: (inout AssumeRoleWithSAMLInput) -> Void = { _ in }
    ) async throws -> AssumeRoleWithSAMLOutput {
        var input = input(f)
        configure(&input)
        return try await sts.assumeRoleWithSAML(input, metadata: RequestMetadata(), now: f.clock.now)
    }

    // MARK: Before verification

    @Test(
        "a PrincipalArn that is not a SAML provider ARN is a ValidationError naming it",
        arguments: [
            "arn:aws:iam::111122223333:oidc-provider/idp", "arn:aws:iam::111122223333:saml-provider/",
            "arn:aws:iam::111122223333:saml-provider/a/b", "arn:aws:iam::1111:saml-provider/idp",
        ])
    func malformedPrincipalArn(principal: String) async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.validationError, "\(principal) is not a valid SAML provider ARN.") {
            try await f.sts.assumeRoleWithSAML(
                Self.input(f, provider: principal), metadata: RequestMetadata(), now: f.clock.now)
        }
    }

    @Test("a RoleArn that is not a role ARN is 'Request ARN is invalid'; a role of another account is AccessDenied")
    func roleArnRules() async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.validationError, "Request ARN is invalid") {
            try await Self.assume(f.sts, f) { $0.roleArn = K.userArn(f, "alice") }
        }
        await K.expectError(.accessDenied, "Not authorized to perform sts:AssumeRoleWithSAML") {
            try await Self.assume(f.sts, f) { $0.roleArn = "arn:aws:iam::444455556666:role/saml" }
        }
    }

    @Test("a provider that does not exist is InvalidIdentityToken; with one, a server without SAML is InvalidAction")
    func providerAndFeature() async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(.invalidIdentityToken, "Specified provider doesn't exist") {
            try await Self.assume(f.sts, f)
        }
        try await Self.setUp(f)
        // The provider's name is matched exactly (IAM keeps it case-insensitively unique).
        await K.expectError(.invalidIdentityToken, "Specified provider doesn't exist") {
            try await Self.assume(f.sts, f) { $0.principalArn = "arn:aws:iam::\(f.accountId):saml-provider/IDP" }
        }
        await K.expectError(.invalidAction, "AssumeRoleWithSAML is not enabled on this server.") {
            try await Self.assume(f.sts, f)
        }
    }

    // MARK: After verification

    @Test(
        "a verified assertion pairing the role with the provider gets a session: subject, issuer, audience, qualifier")
    func grant() async throws {
        let f = try await ServiceFixture.make()
        try await Self.setUp(f)
        let sts = Self.sts(f, .success(try Self.assertion(f, aws: Self.attributes(f))))
        let output = try await Self.assume(sts, f)
        let role = try #require(try await f.store.role(accountId: f.accountId, roleName: "saml"))
        #expect(
            output.assumedRoleUser
                == AssumedRoleUser(
                    assumedRoleId: "\(role.roleId):alice", arn: "arn:aws:sts::\(f.accountId):assumed-role/saml/alice"))
        #expect(output.subject == "alice@example.com")
        #expect(output.subjectType == "persistent")
        #expect(output.issuer == Self.issuer)
        #expect(output.audience == Self.recipient)
        // Base64(SHA1(issuer + account + "/" + provider name)), computed here independently.
        let digest = Insecure.SHA1.hash(data: Data((Self.issuer + f.accountId + "/idp").utf8))
        #expect(output.nameQualifier == Data(digest).base64EncodedString())
        #expect(output.credentials?.expiration == TestClock.start.addingTimeInterval(3600))
        #expect(output.packedPolicySize == nil)
        #expect(output.sourceIdentity == nil)
        #expect(
            try await STSTestKit.caller(f, output.credentials).sessionClaims?.sourcePrincipalArn == Self.providerArn(f))
    }

    @Test("an assertion is accepted once: a replay is InvalidIdentityToken")
    func replay() async throws {
        let f = try await ServiceFixture.make()
        try await Self.setUp(f)
        let sts = Self.sts(f, .success(try Self.assertion(f, aws: Self.attributes(f))))
        _ = try await Self.assume(sts, f)
        await K.expectError(.invalidIdentityToken, "The SAML assertion was already used.") {
            try await Self.assume(sts, f)
        }
    }

    @Test(
        "the verifier's refusals keep their AWS codes",
        arguments: [
            (SAMLError(.expired, SAMLError.expiredMessage), STSError.Code.expiredTokenException),
            (SAMLError(.idpRejected, "The identity provider refused"), .idpRejectedClaim),
            (SAMLError(.signatureInvalid, "The signature is invalid"), .invalidIdentityToken),
        ])
    func verifierRefusals(error: SAMLError, code: STSError.Code) async throws {
        let f = try await ServiceFixture.make()
        try await Self.setUp(f)
        let refused = await K.expectError(code) { try await Self.assume(Self.sts(f, .failure(error)), f) }
        #expect(refused?.message == error.message)
    }

    @Test("the Role attribute must pair this role with this provider, and RoleSessionName must be present and valid")
    func assertionRules() async throws {
        let f = try await ServiceFixture.make()
        try await Self.setUp(f)
        let otherRole = try Self.assertion(f, id: "_b", aws: Self.attributes(f, role: "other"))
        await K.expectError(.accessDenied, "Not authorized to perform sts:AssumeRoleWithSAML") {
            try await Self.assume(Self.sts(f, .success(otherRole)), f)
        }
        let noSession = try Self.assertion(f, id: "_c", aws: Self.attributes(f, session: nil))
        await K.expectError(.invalidIdentityToken, "RoleSessionName is required in AuthnResponse") {
            try await Self.assume(Self.sts(f, .success(noSession)), f)
        }
        for (index, name) in ["a", String(repeating: "n", count: 65), "alice smith"].enumerated() {
            let bad = try Self.assertion(f, id: "_d\(index)", aws: Self.attributes(f, session: name))
            await K.expectError(
                .invalidIdentityToken, #"RoleSessionName in AuthnResponse must satisfy [\w+=,.@-]{2,64}"#
            ) {
                try await Self.assume(Self.sts(f, .success(bad)), f)
            }
        }
    }

    @Test(
        "the session lasts the shortest of DurationSeconds, SessionDuration, SessionNotOnOrAfter and the role's maximum"
    )
    func durations() async throws {
        let f = try await ServiceFixture.make()
        try await Self.setUp(f)
        await K.expectError(
            .validationError, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        ) {
            try await Self.assume(Self.sts(f, .success(try Self.assertion(f, aws: Self.attributes(f)))), f) {
                $0.durationSeconds = 7200
            }
        }
        var aws = Self.attributes(f)
        aws["SessionDuration"] = ["1800"]
        let attribute = try await Self.assume(Self.sts(f, .success(try Self.assertion(f, id: "_e", aws: aws))), f)
        #expect(attribute.credentials?.expiration == TestClock.start.addingTimeInterval(1800))
        let ending = try Self.assertion(
            f, id: "_f", aws: Self.attributes(f), sessionNotOnOrAfter: f.clock.now.addingTimeInterval(1000))
        let capped = try await Self.assume(Self.sts(f, .success(ending)), f) { $0.durationSeconds = 1200 }
        #expect(capped.credentials?.expiration == TestClock.start.addingTimeInterval(1000))
    }

    @Test("the trust policy decides: another recipient is AccessDenied; principal tags need sts:TagSession")
    func trustRules() async throws {
        let f = try await ServiceFixture.make()
        try await Self.setUp(f)
        let other = VerifiedSAMLAssertion(
            assertionID: "_g", issuer: Self.issuer, subject: "alice@example.com", nameIDFormat: nil,
            audiences: ["https://other.example.com/saml"], recipient: "https://other.example.com/saml",
            destination: nil,
            notOnOrAfter: f.clock.now.addingTimeInterval(300), replayExpiry: f.clock.now.addingTimeInterval(600),
            sessionNotOnOrAfter: nil, attributes: [:], aws: try Self.assertion(f, aws: Self.attributes(f)).aws)
        await K.expectError(.accessDenied, "Not authorized to perform sts:AssumeRoleWithSAML") {
            try await Self.assume(Self.sts(f, .success(other)), f)
        }
        var aws = Self.attributes(f)
        aws["PrincipalTag:team"] = ["blue"]
        await K.expectError(.accessDenied, "Not authorized to perform sts:TagSession") {
            try await Self.assume(Self.sts(f, .success(try Self.assertion(f, id: "_h", aws: aws))), f)
        }
        try await STSTestKit.setTrust(
            f, role: "saml",
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"\#(Self.providerArn(f))"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"]}]}"#
        )
        let tagged = try await Self.assume(Self.sts(f, .success(try Self.assertion(f, id: "_i", aws: aws))), f)
        #expect(tagged.packedPolicySize == 1)
        #expect(
            try await STSTestKit.caller(f, tagged.credentials).sessionClaims?.tags == [
                SessionTag(key: "team", value: "blue")
            ])
    }
}
