public import Foundation
public import LatchkeyModel
public import LatchkeyDomain

extension IAMService {
    /// `EnableOutboundWebIdentityFederation`: returns the account's issuer URL.
    public func enableOutboundWebIdentityFederation(caller: Caller, now: Date) async throws(STSError) -> String {
        try await authorize(caller, action: "EnableOutboundWebIdentityFederation", resource: "*")
        return try await outboundService().enable(accountId: caller.accountId, now: now)
    }

    /// `DisableOutboundWebIdentityFederation`.
    public func disableOutboundWebIdentityFederation(caller: Caller) async throws(STSError) {
        try await authorize(caller, action: "DisableOutboundWebIdentityFederation", resource: "*")
        try await outboundService().disable(accountId: caller.accountId)
    }

    /// `GetOutboundWebIdentityFederationInfo`: the issuer URL and whether tokens are issued.
    public func getOutboundWebIdentityFederationInfo(caller: Caller) async throws(STSError) -> (issuer: String, enabled: Bool) {
        try await authorize(caller, action: "GetOutboundWebIdentityFederationInfo", resource: "*")
        return try await outboundService().info(accountId: caller.accountId)
    }

    func outboundService() throws(STSError) -> OutboundIssuerService {
        guard let outbound else {
            throw STSError(.featureDisabled, "Outbound identity federation is not configured on this server.")
        }
        return outbound
    }
}
