import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import Testing

@Suite struct CoreCallerTests {
    static let account = "111122223333"
    static let alice = IAMUser(
        accountId: account, userName: "alice", userId: "AIDAEXAMPLEALICE0001", path: "/eng/",
        createDate: Date(timeIntervalSince1970: 0))

    static func claims(kind: SessionTokenKind, principal: String, userId: String, mfa: Bool = false)
        -> SessionTokenClaims
    {
        SessionTokenClaims(
            accessKeyId: "ASIAEXAMPLE000000001", secretAccessKey: "secret", accountId: account, kind: kind,
            principalArn: principal, userId: userId, issuedAt: Date(timeIntervalSince1970: 0),
            expiresAt: Date(timeIntervalSince1970: 3600), mfaAuthenticated: mfa)
    }

    static let root = Caller(accountId: account, accessKeyId: "AKIAIOSFODNN7EXAMPLE", credentials: .root)
    static let user = Caller(accountId: account, accessKeyId: "AKIAEXAMPLEALICE0001", credentials: .user(alice))
    static let rootSession = Caller(
        accountId: account, accessKeyId: "ASIAEXAMPLE000000001",
        credentials: .temporary(
            claims(kind: .rootSession, principal: "arn:aws:iam::111122223333:root", userId: account)))
    static let userSession = Caller(
        accountId: account, accessKeyId: "ASIAEXAMPLE000000001",
        credentials: .temporary(claims(kind: .sessionToken, principal: alice.arn, userId: alice.userId, mfa: true)))

    @Test("a caller's Arn and UserId are those GetCallerIdentity returns")
    func identities() {
        #expect(Self.root.arn == "arn:aws:iam::111122223333:root")
        #expect(Self.root.userId == Self.account)
        #expect(Self.user.arn == "arn:aws:iam::111122223333:user/eng/alice")
        #expect(Self.user.userId == "AIDAEXAMPLEALICE0001")
        #expect(Self.rootSession.arn == Self.root.arn)
        #expect(Self.rootSession.userId == Self.root.userId)
        #expect(Self.userSession.arn == Self.user.arn)
        #expect(Self.userSession.userId == Self.user.userId)
    }

    @Test("root-ness and MFA come from the credentials")
    func flags() {
        #expect(Self.root.isRoot)
        #expect(Self.rootSession.isRoot)
        #expect(!Self.user.isRoot)
        #expect(!Self.userSession.isRoot)
        #expect(Self.userSession.isMFAAuthenticated)
        #expect(!Self.rootSession.isMFAAuthenticated)
        #expect(!Self.root.isMFAAuthenticated)
        #expect(Self.root.sessionClaims == nil)
    }

    @Test(
        "GetSessionToken credentials may call only AssumeRole and GetCallerIdentity in STS",
        arguments: [
            "AssumeRole", "GetCallerIdentity", "GetSessionToken", "GetAccessKeyInfo", "GetFederationToken",
            "DecodeAuthorizationMessage",
        ])
    func sessionRestrictions(action: String) {
        let allowed = action == "AssumeRole" || action == "GetCallerIdentity"
        for caller in [Self.rootSession, Self.userSession] {
            if allowed {
                #expect(throws: Never.self) {
                    try SecurityTokenService.checkSessionRestrictions(caller, action: action)
                }
            } else {
                #expect(throws: STSError(.accessDenied, "")) {
                    try SecurityTokenService.checkSessionRestrictions(caller, action: action)
                }
            }
        }
        for caller in [Self.root, Self.user] {
            #expect(throws: Never.self) { try SecurityTokenService.checkSessionRestrictions(caller, action: action) }
        }
    }

    @Test("secret access keys are 40 characters of the base64 alphabet and never repeat")
    func generatedSecrets() {
        let secrets = (0..<50).map { _ in SecurityTokenService.generateSecretAccessKey() }
        #expect(Set(secrets).count == secrets.count)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        for secret in secrets {
            #expect(secret.count == 40)
            #expect(secret.allSatisfy { alphabet.contains($0) })
        }
    }
}
