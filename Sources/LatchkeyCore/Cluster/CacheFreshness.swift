import LatchkeyDomain
import Synchronization

/// How long this node's caches of store data (roles, effective policies, OIDC providers, long-term keys, outbound
/// signing keys) may serve an entry, shared by every cache of one node.
///
/// While a ``ChangeFeed`` runs, every change any node makes clears the caches within one poll, so `ttl` is only a
/// backstop (for an announcement that failed). While the store cannot be reached (the feed's polls fail), entries
/// are served past `ttl`: nothing can change IAM without the database, so the last known state is the current one
/// ("stale if error"). A cache whose store read fails also falls back to its expired entry.
public final class CacheFreshness: Sendable {
    /// The TTL of a node without a change feed (tests that build the services alone, a single process): changes
    /// made elsewhere go unseen this long.
    public static let standaloneTTL: Duration = .seconds(5)
    /// The TTL of a node whose change feed runs: a backstop only.
    public static let backstopTTL: Duration = .seconds(30)

    /// How old an entry may get while the store is reachable.
    public let ttl: Duration
    private let unreachable = Atomic<Bool>(false)

    public init(ttl: Duration = CacheFreshness.standaloneTTL) {
        self.ttl = ttl
    }

    /// Whether the store is known to be unreachable (the last poll of the change feed failed): caches then serve
    /// what they hold whatever its age.
    public var storeUnreachable: Bool { unreachable.load(ordering: .relaxed) }

    /// Set by the change feed after each poll.
    public func setStoreUnreachable(_ value: Bool) {
        unreachable.store(value, ordering: .relaxed)
    }

    /// Whether an entry stored at `storedAt` may be served without asking the store.
    func isServable(storedAt: ContinuousClock.Instant) -> Bool {
        storedAt.duration(to: .now) <= ttl || storeUnreachable
    }
}

/// A cache generation: bumped by every invalidation, so a value read from the store before an invalidation is not
/// stored after it (it could be the state the invalidation announced as changed).
final class CacheGeneration: Sendable {
    private let value = Atomic<UInt64>(0)

    /// The current generation; capture it before reading the store.
    var current: UInt64 { value.load(ordering: .acquiring) }

    /// Starts a new generation: call it before clearing the entries.
    func advance() {
        value.add(1, ordering: .releasing)
    }
}

/// Whether a store error means the store could not answer (an outage), rather than an answer such as "not found".
func isStoreOutage(_ error: any Error) -> Bool {
    guard let storeError = error as? StoreError else { return true }
    return storeError.code == .unavailable
}
