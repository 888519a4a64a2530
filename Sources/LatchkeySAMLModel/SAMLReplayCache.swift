import Synchronization

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Assertion IDs that have been used, each kept until it expires (``VerifiedSAMLAssertion/replayExpiry``), in the
/// memory of one process.
///
/// The server no longer uses it: a node's memory cannot refuse an assertion replayed on another node, so
/// `AssumeRoleWithSAML` records assertion uses in the store (`ClusterStore.recordAssertionUse`). It remains for
/// callers that verify assertions in a single process.
///
/// Bounded: when full it first drops expired entries; if it is still full it refuses new IDs (fails closed) rather
/// than forgetting live ones. Safe to share between tasks (a `Mutex`).
public final class SAMLReplayCache: Sendable {
    /// The most live entries kept.
    public let capacity: Int
    private let entries = Mutex<[String: Date]>([:])

    /// Creates an empty cache holding at most `capacity` live entries.
    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    /// Records `id` until `expires` and returns `true` if it was not already recorded and live at `now`; returns
    /// `false` for a replay (or when the cache is full of live entries).
    public func checkAndInsert(id: String, expires: Date, now: Date) -> Bool {
        entries.withLock { entries in
            if let existing = entries[id], existing > now { return false }
            if entries.count >= capacity {
                entries = entries.filter { $0.value > now }
                guard entries.count < capacity else { return false }
            }
            entries[id] = expires
            return true
        }
    }

    /// The number of entries currently stored (live or not yet purged).
    public var count: Int { entries.withLock { $0.count } }
}
