public import CoreMetrics
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Fetches an issuer's signing keys: its discovery document, then its `jwks_uri`.
public protocol JWKSFetching: Sendable {
    /// Returns the raw JWKS document of `provider`, or throws ``WebIdentityError/Code/communication``.
    func fetchKeySetDocument(for provider: RegisteredOIDCProvider) async throws(WebIdentityError) -> [UInt8]
}

/// Per-issuer signing keys with a time to live, single-flight loading and a rate-limited refresh when a
/// token names an unknown `kid`.
///
/// - Many concurrent callers with a cold (or expired) cache cause one fetch; they all wait for its result.
/// - A token whose `kid` is not in the set triggers at most one refresh per issuer per
///   ``Policy/minimumRefreshInterval``, so random `kid`s cannot make us hammer the issuer.
/// - A failed fetch is remembered for the same interval: callers within it get the same
///   `IDPCommunicationError` without a new fetch.
/// Times come from the caller's `now`; nothing here reads a clock.
public actor JWKSCache {
    /// How long keys are reused and how often they may be refetched.
    public struct Policy: Sendable {
        /// How long a fetched key set is used before it is fetched again.
        public var timeToLive: Duration
        /// The least time between two fetches for the same issuer, except when the cache is cold or expired.
        public var minimumRefreshInterval: Duration

        /// Creates a policy; the defaults are one hour and 30 seconds.
        public init(timeToLive: Duration = .seconds(3600), minimumRefreshInterval: Duration = .seconds(30)) {
            self.timeToLive = timeToLive
            self.minimumRefreshInterval = minimumRefreshInterval
        }
    }

    struct Snapshot: Sendable {
        let keys: VerificationKeySet
        let generation: Int
    }

    private struct Entry {
        var snapshot: Snapshot?
        var fetchedAt: Date?
        var lastAttempt: Date?
        var lastFailure: WebIdentityError?
        var waiters: [CheckedContinuation<Result<Snapshot, WebIdentityError>, Never>]?
    }

    private let fetcher: any JWKSFetching
    private let policy: Policy
    private var entries: [OIDCProviderIdentity: Entry] = [:]
    private var generation = 0
    /// The fresh snapshots, readable without a hop onto the actor: the path of almost every token.
    private let fresh = Mutex<[OIDCProviderIdentity: (snapshot: Snapshot, fetchedAt: Date)]>([:])
    /// `latchkey_cache_hits_total` / `latchkey_cache_misses_total` with `cache="jwks"`: a key set served from memory,
    /// or one that had to be fetched (or joined a fetch in flight); nil without a metrics factory.
    private let hits: Counter?
    private let misses: Counter?

    /// Creates a cache that loads keys through `fetcher`.
    /// - Parameter metrics: where hits and misses are counted; nil counts nothing.
    public init(fetcher: any JWKSFetching, policy: Policy = .init(), metrics: (any MetricsFactory)? = nil) {
        self.fetcher = fetcher
        self.policy = policy
        self.hits = metrics.map {
            Counter(label: "latchkey_cache_hits_total", dimensions: [("cache", "jwks")], factory: $0)
        }
        self.misses = metrics.map {
            Counter(label: "latchkey_cache_misses_total", dimensions: [("cache", "jwks")], factory: $0)
        }
    }

    /// Forgets every cached key set (e.g. after a provider is updated or deleted).
    public func removeAll() {
        entries = [:]
        fresh.withLock { $0.removeAll() }
    }

    /// The provider's keys when a fetched set is still within its time to live, without waiting for the actor.
    nonisolated func freshKeys(for provider: RegisteredOIDCProvider, now: Date) -> Snapshot? {
        guard let (snapshot, fetchedAt) = fresh.withLock({ $0[provider.identity] }),
            now.timeIntervalSince(fetchedAt) < policy.timeToLive.seconds, now >= fetchedAt
        else { return nil }
        hits?.increment()
        return snapshot
    }

    /// The provider's current keys: cached when fresh, else loaded (one fetch for all concurrent callers).
    func keys(for provider: RegisteredOIDCProvider, now: Date) async throws(WebIdentityError) -> Snapshot {
        let entry = entries[provider.identity] ?? Entry()
        if let snapshot = entry.snapshot, let fetchedAt = entry.fetchedAt,
            now.timeIntervalSince(fetchedAt) < policy.timeToLive.seconds, now >= fetchedAt
        {
            hits?.increment()
            return snapshot
        }
        misses?.increment()
        return try await load(provider, now: now)
    }

    /// Keys newer than `stale` after a token named an unknown `kid`: another caller's newer set, a joined
    /// in-flight fetch, or a new fetch when the last attempt is older than the minimum refresh interval;
    /// `nil` when a refresh is not allowed yet.
    func refreshed(
        for provider: RegisteredOIDCProvider, after stale: Snapshot, now: Date
    ) async throws(WebIdentityError) -> Snapshot? {
        let entry = entries[provider.identity] ?? Entry()
        if let snapshot = entry.snapshot, snapshot.generation != stale.generation { return snapshot }
        if entry.waiters != nil { return try await load(provider, now: now) }
        if let lastAttempt = entry.lastAttempt,
            now.timeIntervalSince(lastAttempt) < policy.minimumRefreshInterval.seconds,
            now >= lastAttempt
        {
            return nil
        }
        misses?.increment()
        return try await load(provider, now: now)
    }

    private func load(_ provider: RegisteredOIDCProvider, now: Date) async throws(WebIdentityError) -> Snapshot {
        let id = provider.identity
        var entry = entries[id] ?? Entry()
        if entry.waiters != nil {
            let result = await withCheckedContinuation { continuation in
                entries[id]?.waiters?.append(continuation)
            }
            return try result.get()
        }
        if let failure = entry.lastFailure, let lastAttempt = entry.lastAttempt, now >= lastAttempt,
            now.timeIntervalSince(lastAttempt) < policy.minimumRefreshInterval.seconds
        {
            throw failure
        }
        entry.waiters = []
        entry.lastAttempt = now
        entries[id] = entry

        let result: Result<Snapshot, WebIdentityError>
        do throws(WebIdentityError) {
            let document = try await fetcher.fetchKeySetDocument(for: provider)
            let keys = try await VerificationKeySet.parse(Data(document))
            generation += 1
            result = .success(Snapshot(keys: keys, generation: generation))
        } catch {
            result = .failure(error)
        }

        let waiters = entries[id]?.waiters ?? []
        entries[id]?.waiters = nil
        switch result {
        case .success(let snapshot):
            entries[id]?.snapshot = snapshot
            entries[id]?.fetchedAt = now
            entries[id]?.lastFailure = nil
            fresh.withLock { $0[id] = (snapshot, now) }
        case .failure(let error):
            entries[id]?.lastFailure = error
        }
        for waiter in waiters { waiter.resume(returning: result) }
        return try result.get()
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
