public import Foundation
public import LatchkeyDomain
import Synchronization

/// Remembers the last use of each long-term access key in memory and writes the uses to the store in batches, so
/// that authenticating a request never waits for a database write.
///
/// `record` is one lock-protected dictionary update (the latest use per key ID wins). ``flush()`` writes every
/// pending use in one store transaction; the server calls it once per flush interval (a minute by default, so each
/// key is written at most once a minute) and once more at graceful shutdown. ``lastUse(accessKeyId:)`` merges the
/// stored use with the pending one, so `GetAccessKeyLastUsed` sees a use at once, before it is flushed.
///
/// Only long-term (`AKIA`) keys are recorded: temporary (`ASIA`) credentials are not IAM access keys, and AWS does
/// not report their use under the long-term key that obtained them (the `GetSessionToken` call itself is a use of
/// that key, and is recorded).
public final class AccessKeyUsageRecorder: Sendable {
    let store: any IdentityStore
    /// Pending uses by key ID. Bounded by the number of long-term keys in the store: only keys whose signature
    /// verified are recorded.
    private let pending = Mutex<[String: AccessKeyUse]>([:])

    public init(store: any IdentityStore) {
        self.store = store
    }

    /// Records a use of `accessKeyId` at `date`; keeps the later of this and any pending use of the same key.
    public func record(accessKeyId: String, date: Date, serviceName: String, region: String) {
        let use = AccessKeyUse(accessKeyId: accessKeyId, date: date, serviceName: serviceName, region: region)
        pending.withLock { entries in
            entries[accessKeyId] = AccessKeyUse.latest(entries[accessKeyId], use)
        }
    }

    /// The use not yet written to the store, if any.
    public func pendingUse(accessKeyId: String) -> AccessKeyUse? {
        pending.withLock { $0[accessKeyId] }
    }

    /// How many keys have a use waiting to be written.
    public var pendingCount: Int { pending.withLock { $0.count } }

    /// The latest use of the key: the stored one or the pending one, whichever is later.
    public func lastUse(accessKeyId: String) async throws -> AccessKeyUse? {
        let stored = try await store.accessKeyLastUse(id: accessKeyId)
        return AccessKeyUse.latest(stored, pendingUse(accessKeyId: accessKeyId))
    }

    /// Writes every pending use to the store in one batch. On a store failure the uses stay pending (unless a
    /// later use of the same key arrived meanwhile) and the error is rethrown; the next flush retries them.
    /// Concurrent flushes take disjoint batches, and the store keeps the latest use of a key whatever the order of
    /// the writes.
    public func flush() async throws {
        let batch = pending.withLock { entries in
            let taken = Array(entries.values)
            entries.removeAll(keepingCapacity: true)
            return taken
        }
        guard !batch.isEmpty else { return }
        do {
            try await store.recordAccessKeyUses(batch.sorted { $0.accessKeyId < $1.accessKeyId })
        } catch {
            pending.withLock { entries in
                for use in batch {
                    entries[use.accessKeyId] = AccessKeyUse.latest(use, entries[use.accessKeyId])
                }
            }
            throw error
        }
    }
}
