import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// The IAM side of outbound web identity federation (`IAMService+Outbound.swift`), without HTTP.
@Suite struct IAMServiceOutboundTests {
    typealias K = ProviderTestKit

    static func info(_ f: ServiceFixture, as caller: Caller? = nil) async throws
        -> GetOutboundWebIdentityFederationInfoOutput
    {
        try await f.iam.getOutboundWebIdentityFederationInfo(
            GetOutboundWebIdentityFederationInfoInput(), caller: caller ?? f.root)
    }

    @Test("Enable answers the account's issuer; Info follows Enable and Disable; each twice in a row is refused")
    func enableAndDisable() async throws {
        let f = try await ServiceFixture.make()
        let issuer = "\(ServiceFixture.outboundBaseURL)/\(f.accountId)"
        await K.expectError(.featureDisabled, "Outbound identity federation is disabled for this account.") {
            try await Self.info(f)
        }
        let enabled = try await f.iam.enableOutboundWebIdentityFederation(
            EnableOutboundWebIdentityFederationInput(), caller: f.root, now: f.clock.now)
        #expect(enabled.issuerIdentifier == issuer)
        #expect(
            try await Self.info(f)
                == GetOutboundWebIdentityFederationInfoOutput(
                    issuerIdentifier: issuer, jwtVendingEnabled: true))
        await K.expectError(.featureEnabled, "Outbound identity federation is already enabled for this account.") {
            try await f.iam.enableOutboundWebIdentityFederation(
                EnableOutboundWebIdentityFederationInput(), caller: f.root, now: f.clock.now)
        }

        _ = try await f.iam.disableOutboundWebIdentityFederation(
            DisableOutboundWebIdentityFederationInput(), caller: f.root)
        #expect(
            try await Self.info(f)
                == GetOutboundWebIdentityFederationInfoOutput(
                    issuerIdentifier: issuer, jwtVendingEnabled: false))
        await K.expectError(.featureDisabled, "Outbound identity federation is already disabled for this account.") {
            try await f.iam.disableOutboundWebIdentityFederation(
                DisableOutboundWebIdentityFederationInput(), caller: f.root)
        }
    }

    @Test("without an outbound issuer on the server, the operations are FeatureDisabled")
    func notConfigured() async throws {
        let f = try await ServiceFixture.make()
        var iam = f.iam
        iam.outbound = nil
        let message = "Outbound identity federation is not configured on this server."
        await K.expectError(.featureDisabled, message) {
            try await iam.enableOutboundWebIdentityFederation(
                EnableOutboundWebIdentityFederationInput(), caller: f.root, now: f.clock.now)
        }
        await K.expectError(.featureDisabled, message) {
            try await iam.getOutboundWebIdentityFederationInfo(
                GetOutboundWebIdentityFederationInfoInput(), caller: f.root)
        }
    }

    @Test("a user no policy allows is AccessDenied on resource *; allowed, it can enable")
    func authorization() async throws {
        let f = try await ServiceFixture.make()
        let bob = try await f.user(named: "bob")
        for action in ["EnableOutboundWebIdentityFederation", "GetOutboundWebIdentityFederationInfo"] {
            await K.expectError(.accessDenied, prefix: K.denial(bob, "iam:\(action)", "*")) {
                if action.hasPrefix("Enable") {
                    _ = try await f.iam.enableOutboundWebIdentityFederation(
                        EnableOutboundWebIdentityFederationInput(), caller: bob, now: f.clock.now)
                } else {
                    _ = try await Self.info(f, as: bob)
                }
            }
        }
        await K.expectError(.accessDenied, prefix: K.denial(bob, "iam:DisableOutboundWebIdentityFederation", "*")) {
            try await f.iam.disableOutboundWebIdentityFederation(
                DisableOutboundWebIdentityFederationInput(), caller: bob)
        }
        try await K.grant(f, user: "bob", K.allow("iam:EnableOutboundWebIdentityFederation"))
        let enabled = try await f.iam.enableOutboundWebIdentityFederation(
            EnableOutboundWebIdentityFederationInput(), caller: bob, now: f.clock.now)
        #expect(enabled.issuerIdentifier == "\(ServiceFixture.outboundBaseURL)/\(f.accountId)")
    }
}
