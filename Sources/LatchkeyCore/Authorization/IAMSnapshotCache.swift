import CoreMetrics
import LatchkeyDomain
import Synchronization

/// A memory of what AssumeRole, AssumeRoleWithWebIdentity and IAM authorization read on every request: roles, OIDC
/// providers, the effective policies of principals and the documents of managed policies named by sessions.
///
/// Coherence across nodes: every IAM write through any node reaches every node's ``ChangeFeed``, whose subscriber
/// clears this cache (`invalidateAll`); a write through this node clears it at once. Entries also expire after
/// ``CacheFreshness/ttl``, a backstop for a lost announcement, except while the store cannot be reached: then they
/// are served whatever their age (nothing can change without the store), and a store read that fails falls back to
/// an expired entry. A value read from the store before an invalidation is not stored after it (`CacheGeneration`).
/// Bounded; a full table is cleared wholesale.
final class IAMSnapshotCache: Sendable {
    /// One kind of entry, by key.
    final class Table<Value: Sendable>: Sendable {
        private struct Entry: Sendable {
            var value: Value
            var storedAt: ContinuousClock.Instant
        }

        private let entries = Mutex<[String: Entry]>([:])
        /// Hits and misses of this table; nil without a metrics factory.
        let counters: CacheCounters?

        init(counters: CacheCounters? = nil) {
            self.counters = counters
        }

        /// The entry for `key`, if it may be served (`servableOnly`) or whatever its age.
        func lookup(_ key: String, freshness: CacheFreshness, servableOnly: Bool) -> Value? {
            entries.withLock { entries in
                guard let entry = entries[key] else { return nil }
                if servableOnly, !freshness.isServable(storedAt: entry.storedAt) { return nil }
                return entry.value
            }
        }

        /// Stores `value` unless the cache's generation moved past `generation` since the value was read.
        func insert(_ value: Value, for key: String, generation: UInt64, of current: CacheGeneration, capacity: Int) {
            entries.withLock { entries in
                guard current.current == generation else { return }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                entries[key] = Entry(value: value, storedAt: .now)
            }
        }

        func removeAll() {
            entries.withLock { $0.removeAll() }
        }

        var count: Int { entries.withLock { $0.count } }
    }

    let roles: Table<IAMRole?>
    let policies: Table<EffectivePolicies>
    let oidcProviders: Table<OIDCProvider?>
    /// The default version's document of a managed policy (nil: no such policy), by ARN.
    let managedPolicyDocuments: Table<String?>
    let freshness: CacheFreshness
    private let generation = CacheGeneration()
    private let capacity: Int

    /// - Parameter metrics: where each table's hits and misses are counted (`iam_roles`, `iam_effective_policies`,
    ///   `iam_oidc_providers`, `iam_managed_policies`); nil counts nothing.
    init(freshness: CacheFreshness = CacheFreshness(), capacity: Int = 50_000, metrics: (any MetricsFactory)? = nil) {
        self.freshness = freshness
        self.capacity = capacity
        roles = Table(counters: CacheCounters.make(cache: "iam_roles", factory: metrics))
        policies = Table(counters: CacheCounters.make(cache: "iam_effective_policies", factory: metrics))
        oidcProviders = Table(counters: CacheCounters.make(cache: "iam_oidc_providers", factory: metrics))
        managedPolicyDocuments = Table(counters: CacheCounters.make(cache: "iam_managed_policies", factory: metrics))
    }

    /// The value cached under `key` in `table` while servable; else what `load` reads from the store, cached; if
    /// the store cannot answer, the cached value whatever its age, else `load`'s error.
    func value<Value: Sendable>(
        in table: Table<Value>, _ key: String, load: () async throws -> Value
    ) async throws -> Value {
        if let cached = table.lookup(key, freshness: freshness, servableOnly: true) {
            table.counters?.hit()
            return cached
        }
        table.counters?.miss()
        let generation = generation.current
        let value: Value
        do {
            value = try await load()
        } catch let error where isStoreOutage(error) {
            if let stale = table.lookup(key, freshness: freshness, servableOnly: false) { return stale }
            throw error
        }
        table.insert(value, for: key, generation: generation, of: self.generation, capacity: capacity)
        return value
    }

    /// Forgets everything (a change was made or announced).
    func invalidateAll() {
        generation.advance()
        roles.removeAll()
        oidcProviders.removeAll()
        policies.removeAll()
        managedPolicyDocuments.removeAll()
    }
}
