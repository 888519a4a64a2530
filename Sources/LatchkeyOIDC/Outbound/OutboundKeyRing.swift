public import Foundation

/// The signing keys of one account's outbound issuer: one active key per algorithm, plus retired keys that
/// stay published until every token they signed has expired.
///
/// A token lives at most ``OutboundTokenSigner/durationRange`` upper bound (3600 s), so a key retired at `t`
/// is published until `t + publicationPeriod` (3600 s by default) and then dropped. A value type: the lead
/// persists ``keys`` (with ``OutboundSigningKey/pkcs8DER``) after ``rotate(now:)`` and ``prune(now:)``.
public struct OutboundKeyRing: Sendable, Hashable {
    /// The longest lifetime of a token, and so how long a retired key stays published.
    public static let defaultPublicationPeriod: TimeInterval = 3600

    /// Every key, active and retired, newest first per algorithm.
    public private(set) var keys: [OutboundSigningKey]
    /// How long a retired key stays published.
    public let publicationPeriod: TimeInterval

    /// A ring of keys restored from the store.
    public init(keys: [OutboundSigningKey], publicationPeriod: TimeInterval = Self.defaultPublicationPeriod) {
        self.keys = Self.ordered(keys)
        self.publicationPeriod = publicationPeriod
    }

    /// A new ring with one fresh active key per algorithm (at `EnableOutboundWebIdentityFederation`).
    public static func generate(
        now: Date, publicationPeriod: TimeInterval = Self.defaultPublicationPeriod
    ) throws(OutboundKeyError) -> OutboundKeyRing {
        var keys: [OutboundSigningKey] = []
        for algorithm in OutboundSigningAlgorithm.allCases {
            keys.append(try OutboundSigningKey.generate(algorithm, now: now))
        }
        return OutboundKeyRing(keys: keys, publicationPeriod: publicationPeriod)
    }

    /// The key that signs new tokens for `algorithm`: the newest key that is not retired.
    public func activeKey(for algorithm: OutboundSigningAlgorithm) -> OutboundSigningKey? {
        keys.first { $0.algorithm == algorithm && $0.retiredAt == nil }
    }

    /// Retires the active key of every algorithm (`retiredAt = now`) and adds a fresh active key for each.
    public mutating func rotate(now: Date) throws(OutboundKeyError) {
        for algorithm in OutboundSigningAlgorithm.allCases {
            try rotate(algorithm, now: now)
        }
    }

    /// Retires the active key of `algorithm`, if any, and adds a fresh active key for it. Generates the new
    /// key first, so a failure leaves the ring unchanged.
    public mutating func rotate(_ algorithm: OutboundSigningAlgorithm, now: Date) throws(OutboundKeyError) {
        let fresh = try OutboundSigningKey.generate(algorithm, now: now)
        keys = keys.map { key in
            guard key.algorithm == algorithm, key.retiredAt == nil else { return key }
            var retired = key
            retired.retiredAt = now
            return retired
        }
        keys = Self.ordered(keys + [fresh])
    }

    /// The keys a verifier needs at `now`: every active key and every key retired less than
    /// ``publicationPeriod`` ago, in a stable order (algorithm, then newest first, then kid).
    public func publishedKeys(now: Date) -> [OutboundSigningKey] {
        keys.filter { $0.isPublished(now: now, period: publicationPeriod) }
    }

    /// Removes the keys no longer published at `now` and returns them (so the store can delete them).
    @discardableResult
    public mutating func prune(now: Date) -> [OutboundSigningKey] {
        let dropped = keys.filter { !$0.isPublished(now: now, period: publicationPeriod) }
        keys.removeAll { !$0.isPublished(now: now, period: publicationPeriod) }
        return dropped
    }

    private static func ordered(_ keys: [OutboundSigningKey]) -> [OutboundSigningKey] {
        keys.sorted { a, b in
            if a.algorithm != b.algorithm { return a.algorithm < b.algorithm }
            // Active keys first, then the most recently retired.
            let aRetired = a.retiredAt ?? .distantFuture
            let bRetired = b.retiredAt ?? .distantFuture
            if aRetired != bRetired { return aRetired > bRetired }
            if a.createdAt != b.createdAt { return a.createdAt > b.createdAt }
            return a.kid < b.kid
        }
    }
}
