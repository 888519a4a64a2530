import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import Testing

/// `GetWebIdentityToken` (`SecurityTokenService.getWebIdentityToken` in `OutboundIssuerService.swift`), without HTTP.
@Suite struct OutboundIssuerServiceWebIdentityTokenTests {
    typealias K = RoleTestKit

    static func input(_ audience: [String] = ["https://api.example.com"], duration: Int? = nil, tags: [STSTag]? = nil)
        -> GetWebIdentityTokenInput
    {
        GetWebIdentityTokenInput(audience: audience, signingAlgorithm: "RS256", durationSeconds: duration, tags: tags)
    }

    /// The JSON payload of a compact JWT (decoded with Foundation, not with the code under test).
    static func payload(_ token: String?) throws -> [String: Any] {
        let parts = try #require(token).split(separator: ".")
        try #require(parts.count == 3)
        var text = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        let data = try #require(Data(base64Encoded: text))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("refused while the account has outbound federation off, and when the server has no issuer")
    func disabled() async throws {
        let f = try await ServiceFixture.make()
        await K.expectError(
            .outboundWebIdentityFederationDisabled,
            "Outbound web identity federation is disabled for account \(f.accountId)."
        ) {
            try await f.sts.getWebIdentityToken(Self.input(), caller: f.root, now: f.clock.now)
        }
        var unconfigured = f.sts
        unconfigured.outbound = nil
        await K.expectError(
            .outboundWebIdentityFederationDisabled, "Outbound web identity federation is not configured on this server."
        ) {
            try await unconfigured.getWebIdentityToken(Self.input(), caller: f.root, now: f.clock.now)
        }
    }

    @Test("once enabled, the root gets a JWT from the account's issuer, for itself and the audience, 300 s by default")
    func rootGetsAToken() async throws {
        let f = try await ServiceFixture.make()
        let outbound = try #require(f.sts.outbound)
        let issuer = try await outbound.enable(accountId: f.accountId, now: f.clock.now)
        let output = try await f.sts.getWebIdentityToken(Self.input(), caller: f.root, now: f.clock.now)
        #expect(output.expiration == TestClock.start.addingTimeInterval(300))
        let claims = try Self.payload(output.webIdentityToken)
        #expect(claims["iss"] as? String == issuer)
        #expect(claims["sub"] as? String == f.root.arn)
        #expect((claims["aud"] as? String ?? (claims["aud"] as? [String])?.first) == "https://api.example.com")
        #expect(claims["exp"] as? Int == Int(TestClock.start.timeIntervalSince1970) + 300)

        let short = try await f.sts.getWebIdentityToken(Self.input(duration: 60), caller: f.root, now: f.clock.now)
        #expect(short.expiration == TestClock.start.addingTimeInterval(60))
    }

    @Test("a user needs sts:GetWebIdentityToken; aws:RequestTag conditions see the tags passed")
    func userNeedsPermission() async throws {
        let f = try await ServiceFixture.make()
        _ = try await f.sts.outbound?.enable(accountId: f.accountId, now: f.clock.now)
        let bob = try await f.user(named: "bob")
        let denied = await K.expectError(.accessDenied) {
            try await f.sts.getWebIdentityToken(Self.input(), caller: bob, now: f.clock.now)
        }
        #expect(
            denied?.message.hasPrefix(
                "User: \(bob.arn) is not authorized to perform: sts:GetWebIdentityToken on resource: *") == true)

        try await K.grant(
            f, user: "bob",
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetWebIdentityToken","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"blue"}}}]}"#
        )
        await K.expectError(.accessDenied) {
            try await f.sts.getWebIdentityToken(Self.input(), caller: bob, now: f.clock.now)
        }
        await K.expectError(.accessDenied) {
            try await f.sts.getWebIdentityToken(
                Self.input(tags: [STSTag(key: "team", value: "red")]), caller: bob, now: f.clock.now)
        }
        let output = try await f.sts.getWebIdentityToken(
            Self.input(tags: [STSTag(key: "team", value: "blue")]), caller: bob, now: f.clock.now)
        #expect(try Self.payload(output.webIdentityToken)["sub"] as? String == bob.arn)
    }

    @Test("GetSessionToken credentials may not call GetWebIdentityToken")
    func sessionRestriction() async throws {
        let f = try await ServiceFixture.make()
        _ = try await f.sts.outbound?.enable(accountId: f.accountId, now: f.clock.now)
        let session = try await STSTestKit.caller(
            f, try await f.sts.getSessionToken(GetSessionTokenInput(), caller: f.root, now: f.clock.now).credentials)
        await K.expectError(.accessDenied, "Cannot call GetWebIdentityToken with session credentials") {
            try await f.sts.getWebIdentityToken(Self.input(), caller: session, now: f.clock.now)
        }
    }
}
