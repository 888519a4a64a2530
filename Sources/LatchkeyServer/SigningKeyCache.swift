import LatchkeySigV4
import Synchronization

/// Caches derived SigV4 signing keys per (access key, secret, scope): deriving one costs four HMACs, and a client
/// signs every request of a day with the same key. Bounded; cleared wholesale when full.
final class SigningKeyCache: Sendable {
    /// The cache key: the strings themselves, hashed together (no key string built per lookup).
    private struct Key: Hashable {
        let accessKeyID: String
        let secretAccessKey: String
        let date: String
        let region: String
        let service: String
    }

    private let entries = Mutex<[Key: SigV4SigningKey]>([:])
    private let capacity: Int

    init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    func key(accessKeyID: String, secretAccessKey: String, scope: SigV4Scope) -> SigV4SigningKey {
        let cacheKey = Key(
            accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, date: scope.date, region: scope.region,
            service: scope.service)
        if let key = entries.withLock({ $0[cacheKey] }) { return key }
        let key = SigV4.signingKey(
            secretAccessKey: secretAccessKey, date: scope.date, region: scope.region, service: scope.service)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[cacheKey] = key
        }
        return key
    }
}
