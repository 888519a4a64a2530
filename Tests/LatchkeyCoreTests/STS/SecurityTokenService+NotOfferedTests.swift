import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// `SecurityTokenService+NotOffered.swift`: the declared operations Latchkey answers with `InvalidAction`.
@Suite struct SecurityTokenServiceNotOfferedTests {
    typealias K = RoleTestKit

    @Test("AssumeRoot and GetDelegatedAccessToken answer InvalidAction, saying why")
    func notOffered() async throws {
        let f = try await ServiceFixture.make()
        let alice = try await f.user(named: "alice")
        for caller in [f.root, alice] {
            await K.expectError(
                .invalidAction,
                "Latchkey does not offer AssumeRoot: privileged root sessions need an AWS Organization of member accounts and AWS's root task policies, which a self-hosted STS does not have. The request was authenticated and its parameters are valid."
            ) {
                try f.sts.assumeRoot(
                    AssumeRootInput(
                        targetPrincipal: "444455556666",
                        taskPolicyArn: PolicyDescriptorType(
                            arn: "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials")),
                    caller: caller)
            }
            await K.expectError(
                .invalidAction,
                "Latchkey does not offer GetDelegatedAccessToken: its trade-in tokens are minted only by AWS services. The request was authenticated and its parameters are valid."
            ) {
                try f.sts.getDelegatedAccessToken(GetDelegatedAccessTokenInput(tradeInToken: "token"), caller: caller)
            }
        }
    }

    @Test("GetSessionToken credentials get the session restriction first")
    func sessionRestrictionFirst() async throws {
        let f = try await ServiceFixture.make()
        let session = try await STSTestKit.caller(
            f, try await f.sts.getSessionToken(GetSessionTokenInput(), caller: f.root, now: f.clock.now).credentials)
        await K.expectError(.accessDenied, "Cannot call AssumeRoot with session credentials") {
            try f.sts.assumeRoot(
                AssumeRootInput(targetPrincipal: "444455556666", taskPolicyArn: PolicyDescriptorType(arn: "arn")),
                caller: session)
        }
        await K.expectError(.accessDenied, "Cannot call GetDelegatedAccessToken with session credentials") {
            try f.sts.getDelegatedAccessToken(GetDelegatedAccessTokenInput(tradeInToken: "token"), caller: session)
        }
    }
}
