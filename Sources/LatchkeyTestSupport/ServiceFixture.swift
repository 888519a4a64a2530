import Foundation
public import LatchkeyCore
public import LatchkeyDomain
import LatchkeyMemoryStore
import LatchkeyModel
public import LatchkeyTokens

/// The STS and IAM services over a fresh store, wired as `LatchkeyApplication.build` wires them, without HTTP: for
/// tests of the service rules.
///
/// The store holds one account (created as a first start creates it) with one root access key; `root` is that
/// account's root calling with the key. Web identity and SAML verification are off (`sts.webIdentity`,
/// `sts.saml` and `iam.samlMetadata` are nil) unless a test sets them.
public struct ServiceFixture: Sendable {
    public let store: any LatchkeyStore
    public let clock: TestClock
    public let sts: SecurityTokenService
    public let iam: IAMService
    /// The first (and only) account.
    public let accountId: String
    /// That account's root, calling with its long-term key (`Caller.credentials == .root`).
    public let root: Caller
    /// The root's key, as the first start shows it once.
    public let rootKey: BootstrapPlan.RootKey
    /// The shared pieces, for tests that need one of them directly.
    public let secretBox: SecretBox
    public let keyRing: SessionTokenKeyRing
    public let resolver: CredentialResolver
    public let mfa: MFAVerifier
    public let authorizer: Authorizer
    public let messages: AuthorizationMessageCodec

    /// The base URL of Latchkey's own OIDC issuer in the fixture.
    public static let outboundBaseURL = "https://latchkey.test/oidc"

    /// Builds the services over a new, empty in-memory store at `clock`'s time.
    public static func make(clock: TestClock = TestClock()) async throws -> ServiceFixture {
        try await make(store: InMemoryStore(), clock: clock)
    }

    /// Builds the services over a new, empty store of `kind` (to run a service test on every store).
    public static func make(kind: StoreKind, clock: TestClock = TestClock()) async throws -> ServiceFixture {
        try await make(store: try kind.makeStore(), clock: clock)
    }

    /// Builds the services over `store`, which must hold no account yet.
    public static func make(store: any LatchkeyStore, clock: TestClock = TestClock()) async throws -> ServiceFixture {
        let masterKey = MasterKey.generate()
        let secretBox = SecretBox(masterKey: masterKey)
        let keyRing = try SessionTokenKeyRing.derived(from: masterKey, activeKeyID: 1, acceptedKeyIDs: 1...1)
        let provisioner = Provisioner(store: store, secretBox: secretBox)
        guard let first = try await provisioner.createFirstAccountIfEmpty(now: clock.now) else {
            throw FixtureError("the store already holds an account")
        }
        let usage = AccessKeyUsageRecorder(store: store)
        let resolver = CredentialResolver(store: store, secretBox: secretBox, keyRing: keyRing, usage: usage)
        let mfa = MFAVerifier(store: store, secretBox: secretBox)
        let messages = AuthorizationMessageCodec(masterKey: masterKey)
        let authorizer = Authorizer(store: store, cache: PolicyCache(), messages: messages)
        let outbound = OutboundIssuerService(store: store, secretBox: secretBox) { Self.outboundBaseURL }
        var sts = SecurityTokenService(
            store: store, secretBox: secretBox, keyRing: keyRing, mfa: mfa, messages: messages, authorizer: authorizer)
        sts.outbound = outbound
        var iam = IAMService(
            store: store, secretBox: secretBox, resolver: resolver, mfa: mfa, authorizer: authorizer,
            clock: clock.closure)
        iam.outbound = outbound
        let root = try await resolver.resolve(accessKeyId: first.key.accessKeyId, sessionToken: nil, now: clock.now)
        return ServiceFixture(
            store: store, clock: clock, sts: sts, iam: iam, accountId: first.accountId, root: root.caller,
            rootKey: first.key, secretBox: secretBox, keyRing: keyRing, resolver: resolver, mfa: mfa,
            authorizer: authorizer, messages: messages)
    }

    /// Creates the IAM user `name` (path `/`, no tags, created now) with one active access key, written to the
    /// store as `CreateUser` and `CreateAccessKey` write them, and returns the user calling with that key
    /// (`Caller.credentials == .user`).
    public func user(named name: String) async throws -> Caller {
        try await userWithKey(named: name).caller
    }

    /// Like ``user(named:)``, also returning the key's secret (to sign with, or to compare).
    public func userWithKey(named name: String) async throws -> (caller: Caller, secretAccessKey: String) {
        let now = clock.now
        try await store.insertUser(
            IAMUser(
                accountId: accountId, userName: name, userId: UniqueID.generate(prefix: "AIDA", account: accountId),
                path: "/", createDate: now.wholeSeconds))
        let id = AccessKeyID.generate(kind: .longTerm, account: accountId)
        let secret = SecurityTokenService.generateSecretAccessKey()
        try await store.insertAccessKey(
            AccessKeyRecord(
                accessKeyId: id, accountId: accountId, userName: name, status: .active, createDate: now.wholeSeconds,
                sealedSecret: secretBox.seal(Array(secret.utf8), context: "access-key:\(id)")),
            maxKeysPerOwner: 2)
        let resolved = try await resolver.resolve(accessKeyId: id, sessionToken: nil, now: now)
        return (resolved.caller, secret)
    }
}

/// A fixture that could not be built.
struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
