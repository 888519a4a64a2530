public import Foundation
public import LatchkeyDomain
public import LatchkeyModel

extension IAMService {
    /// `EnableOutboundWebIdentityFederation`: returns the account's issuer URL.
    public func enableOutboundWebIdentityFederation(
        _ input: EnableOutboundWebIdentityFederationInput, caller: Caller, now: Date
    ) async throws(STSError) -> EnableOutboundWebIdentityFederationOutput {
        try await authorize(caller, EnableOutboundWebIdentityFederationInput.operation, resource: "*")
        let issuer = try await outboundService().enable(accountId: caller.accountId, now: now)
        return EnableOutboundWebIdentityFederationOutput(issuerIdentifier: issuer)
    }

    /// `DisableOutboundWebIdentityFederation`.
    public func disableOutboundWebIdentityFederation(_ input: DisableOutboundWebIdentityFederationInput, caller: Caller)
        async throws(STSError) -> DisableOutboundWebIdentityFederationOutput
    {
        try await authorize(caller, DisableOutboundWebIdentityFederationInput.operation, resource: "*")
        try await outboundService().disable(accountId: caller.accountId)
        return DisableOutboundWebIdentityFederationOutput()
    }

    /// `GetOutboundWebIdentityFederationInfo`: the issuer URL and whether tokens are issued.
    public func getOutboundWebIdentityFederationInfo(
        _ input: GetOutboundWebIdentityFederationInfoInput, caller: Caller
    ) async throws(STSError) -> GetOutboundWebIdentityFederationInfoOutput {
        try await authorize(caller, GetOutboundWebIdentityFederationInfoInput.operation, resource: "*")
        let info = try await outboundService().info(accountId: caller.accountId)
        return GetOutboundWebIdentityFederationInfoOutput(
            issuerIdentifier: info.issuer, jwtVendingEnabled: info.enabled)
    }

    func outboundService() throws(STSError) -> OutboundIssuerService {
        guard let outbound else {
            throw STSError(.featureDisabled, "Outbound identity federation is not configured on this server.")
        }
        return outbound
    }
}
