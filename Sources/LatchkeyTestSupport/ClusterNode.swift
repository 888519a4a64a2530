import Foundation
public import LatchkeyCore
public import LatchkeyDomain
import LatchkeyModel
import LatchkeySQLite
public import LatchkeyTokens

/// One node of a cluster in tests: the STS and IAM services over a handle on a shared store, with the node's change
/// feed subscribed to its caches, wired as `LatchkeyApplication.build` wires them (without HTTP). Several nodes over
/// one store (one SQLite file opened twice, one PostgreSQL database, one in-memory store) behave as servers behind
/// a load balancer do.
///
/// The feed does not run by itself: a test calls ``tick()`` where a real node's poll would happen, and
/// ``announce()`` after an IAM write, as the server's endpoint does after every write operation.
public struct ClusterNode: Sendable {
    /// The node's services; `fixture.store` is this node's handle on the shared store.
    public let fixture: ServiceFixture
    /// The node's change feed (polled by hand).
    public let feed: ChangeFeed
    /// The master key every node shares.
    public let masterKey: MasterKey

    /// The first node: provisions the store's first account (the store must hold none yet).
    /// - Parameter ttl: the caches' TTL (the backstop a running node uses by default).
    /// - Parameter maxMFAFailures: wrong MFA codes in a row that lock a device.
    public static func first(
        store: any LatchkeyStore, clock: TestClock = TestClock(), masterKey: MasterKey = .generate(),
        ttl: Duration = CacheFreshness.backstopTTL, maxMFAFailures: Int = 5
    ) async throws -> ClusterNode {
        let provisioner = Provisioner(store: store, secretBox: SecretBox(masterKey: masterKey))
        guard let first = try await provisioner.createFirstAccountIfEmpty(now: clock.now) else {
            throw FixtureError("the store already holds an account")
        }
        return try await make(
            store: store, clock: clock, masterKey: masterKey, accountId: first.accountId, rootKey: first.key,
            ttl: ttl, maxMFAFailures: maxMFAFailures)
    }

    /// Another node over `store`, a handle on the store this node uses, with the same master key and clock.
    public func join(
        store: any LatchkeyStore, ttl: Duration = CacheFreshness.backstopTTL, maxMFAFailures: Int = 5
    ) async throws -> ClusterNode {
        try await Self.make(
            store: store, clock: fixture.clock, masterKey: masterKey, accountId: fixture.accountId,
            rootKey: fixture.rootKey, ttl: ttl, maxMFAFailures: maxMFAFailures)
    }

    /// One poll of the change feed.
    @discardableResult
    public func tick() async -> Bool {
        await feed.tick()
    }

    /// What the endpoint does after an IAM write: this node's caches dropped, the change announced to the others.
    public func announce() async {
        await feed.announce()
    }

    private static func make(
        store: any LatchkeyStore, clock: TestClock, masterKey: MasterKey, accountId: String,
        rootKey: BootstrapPlan.RootKey, ttl: Duration, maxMFAFailures: Int
    ) async throws -> ClusterNode {
        let secretBox = SecretBox(masterKey: masterKey)
        let keyRing = try SessionTokenKeyRing.derived(from: masterKey, activeKeyID: 1, acceptedKeyIDs: 1...1)
        let feed = ChangeFeed(store: store, freshness: CacheFreshness(ttl: ttl))
        let resolver = CredentialResolver(
            store: store, secretBox: secretBox, keyRing: keyRing, freshness: feed.freshness,
            usage: AccessKeyUsageRecorder(store: store))
        let mfa = MFAVerifier(store: store, secretBox: secretBox, maxFailures: maxMFAFailures)
        let messages = AuthorizationMessageCodec(masterKey: masterKey)
        let authorizer = Authorizer(store: store, cache: PolicyCache(), messages: messages, freshness: feed.freshness)
        let outbound = OutboundIssuerService(
            store: store, secretBox: secretBox, freshness: feed.freshness, changeAnnouncer: { await feed.announce() }
        ) { ServiceFixture.outboundBaseURL }
        var sts = SecurityTokenService(
            store: store, secretBox: secretBox, keyRing: keyRing, mfa: mfa, messages: messages, authorizer: authorizer)
        sts.outbound = outbound
        var iam = IAMService(
            store: store, secretBox: secretBox, resolver: resolver, mfa: mfa, authorizer: authorizer,
            clock: clock.closure)
        iam.outbound = outbound
        feed.subscribeCaches(resolver: resolver, authorizer: authorizer, outbound: outbound)
        let root = try await resolver.resolve(accessKeyId: rootKey.accessKeyId, sessionToken: nil, now: clock.now)
        let fixture = ServiceFixture(
            store: store, clock: clock, sts: sts, iam: iam, accountId: accountId, root: root.caller, rootKey: rootKey,
            secretBox: secretBox, keyRing: keyRing, resolver: resolver, mfa: mfa, authorizer: authorizer,
            messages: messages)
        return ClusterNode(fixture: fixture, feed: feed, masterKey: masterKey)
    }
}

extension ClusterNode {
    /// Two nodes over one new, empty store of `kind`, the first having provisioned it: for SQLite the file is opened
    /// twice (two handles, as two processes would); an in-memory store is shared (it has no second handle), and so
    /// is a PostgreSQL store (its connection pool serves both nodes, each with its own caches and feed).
    public static func withTwoNodes<T>(
        _ kind: StoreKind, clock: TestClock = TestClock(), ttl: Duration = CacheFreshness.backstopTTL,
        maxMFAFailures: Int = 5, _ body: (ClusterNode, ClusterNode) async throws -> T
    ) async throws -> T {
        switch kind {
        case .sqlite:
            return try await withTemporaryDirectory { directory in
                let path = directory + "/latchkey.sqlite"
                let storeA = try SQLiteIdentityStore(path: path)
                defer { try? storeA.close() }
                let storeB = try SQLiteIdentityStore(path: path)
                defer { try? storeB.close() }
                let first = try await first(store: storeA, clock: clock, ttl: ttl, maxMFAFailures: maxMFAFailures)
                let second = try await first.join(store: storeB, ttl: ttl, maxMFAFailures: maxMFAFailures)
                return try await body(first, second)
            }
        default:
            return try await kind.withEmptyStore { store in
                let first = try await first(store: store, clock: clock, ttl: ttl, maxMFAFailures: maxMFAFailures)
                let second = try await first.join(store: store, ttl: ttl, maxMFAFailures: maxMFAFailures)
                return try await body(first, second)
            }
        }
    }

    /// Closes this node's handle on an SQLite store (its later calls fail with `.unavailable`, as when the database
    /// cannot be reached); false for a store of another kind.
    public func closeSQLiteHandle() throws -> Bool {
        guard let store = fixture.store as? SQLiteIdentityStore else { return false }
        try store.close()
        return true
    }
}
