import Foundation
import LatchkeyDomain
import Synchronization

/// A short-lived memory of what AssumeRole, AssumeRoleWithWebIdentity and IAM authorization read on every request:
/// roles, OIDC providers and the effective policies of principals. Any IAM write through this node clears it at once (`invalidateAll`); entries also expire
/// after `ttl`, which bounds how long another node's change can go unseen. Bounded; cleared wholesale when full.
final class IAMSnapshotCache: Sendable {
    private struct Entry<Value: Sendable>: Sendable {
        var value: Value
        var storedAt: ContinuousClock.Instant
    }

    private let roles = Mutex<[String: Entry<IAMRole?>]>([:])
    private let policies = Mutex<[String: Entry<EffectivePolicies>]>([:])
    private let oidcProviders = Mutex<[String: Entry<OIDCProvider?>]>([:])
    private let ttl: Duration
    private let capacity: Int

    init(ttl: Duration = .seconds(5), capacity: Int = 50_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    func role(_ key: String) -> IAMRole?? {
        Self.lookup(roles, key, ttl)
    }

    func store(role: IAMRole?, for key: String) {
        Self.insert(roles, key, role, capacity)
    }

    func effectivePolicies(_ key: String) -> EffectivePolicies? {
        Self.lookup(policies, key, ttl)
    }

    func store(effectivePolicies: EffectivePolicies, for key: String) {
        Self.insert(policies, key, effectivePolicies, capacity)
    }

    func oidcProvider(_ key: String) -> OIDCProvider?? {
        Self.lookup(oidcProviders, key, ttl)
    }

    func store(oidcProvider: OIDCProvider?, for key: String) {
        Self.insert(oidcProviders, key, oidcProvider, capacity)
    }

    func invalidateAll() {
        roles.withLock { $0.removeAll() }
        oidcProviders.withLock { $0.removeAll() }
        policies.withLock { $0.removeAll() }
    }

    private static func lookup<Value: Sendable>(
        _ box: borrowing Mutex<[String: Entry<Value>]>, _ key: String, _ ttl: Duration
    ) -> Value? {
        box.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.storedAt.duration(to: .now) <= ttl else {
                entries[key] = nil
                return nil
            }
            return entry.value
        }
    }

    private static func insert<Value: Sendable>(
        _ box: borrowing Mutex<[String: Entry<Value>]>, _ key: String, _ value: Value, _ capacity: Int
    ) {
        box.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(value: value, storedAt: .now)
        }
    }
}
