import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The checks `AssumeRoleWithWebIdentity` (`WebIdentity.swift`) makes before it verifies the token, without HTTP.
/// (The verified path is covered end to end by `Interop/test_federation_oidc.py`, with an issuer.)
@Suite struct WebIdentityTests {
    typealias K = RoleTestKit

    @Test("a server without a token verifier answers InvalidAction")
    func notEnabled() async throws {
        let f = try await ServiceFixture.make()
        let input = AssumeRoleWithWebIdentityInput(
            roleArn: K.roleArn(f, "r"), roleSessionName: "s1", webIdentityToken: "a.b.c")
        await K.expectError(.invalidAction, "AssumeRoleWithWebIdentity is not enabled on this server.") {
            try await f.sts.assumeRoleWithWebIdentity(input, metadata: RequestMetadata(), now: f.clock.now)
        }
    }
}
