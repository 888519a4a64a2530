import Foundation
import LatchkeyOIDC
import Testing

@Suite struct OutboundKeyRingTests {
    @Test("a new ring has one active key per algorithm, all published")
    func newRingHasOneActiveKeyPerAlgorithm() throws {
        let ring = try OutboundKeyRing.generate(now: OutboundFixtures.t0)
        #expect(ring.keys.count == 2)
        #expect(ring.activeKey(for: .rs256)?.algorithm == .rs256)
        #expect(ring.activeKey(for: .es384)?.algorithm == .es384)
        #expect(ring.publishedKeys(now: OutboundFixtures.t0).map(\.algorithm) == [.rs256, .es384])
    }

    @Test("rotation retires the active keys and keeps them published until retiredAt + 3600 s, then drops them")
    func rotationKeepsOldKeysUntilTheirTokensExpire() throws {
        var ring = try OutboundKeyRing.generate(now: OutboundFixtures.t0)
        let old = ring.keys
        let rotatedAt = OutboundFixtures.t0.addingTimeInterval(86_400)
        try ring.rotate(now: rotatedAt)
        #expect(ring.keys.count == 4)
        for key in old {
            let active = try #require(ring.activeKey(for: key.algorithm))
            #expect(active.kid != key.kid && active.createdAt == rotatedAt)
            #expect(ring.keys.first { $0.kid == key.kid }?.retiredAt == rotatedAt)
        }
        let justBefore = ring.publishedKeys(now: rotatedAt.addingTimeInterval(3599)).map(\.kid)
        #expect(Set(justBefore).isSuperset(of: old.map(\.kid)) && justBefore.count == 4)
        // Active keys come first within each algorithm.
        #expect(justBefore.first == ring.activeKey(for: .rs256)?.kid)
        let atExpiry = ring.publishedKeys(now: rotatedAt.addingTimeInterval(3600)).map(\.kid)
        #expect(Set(atExpiry) == Set(OutboundSigningAlgorithm.allCases.compactMap { ring.activeKey(for: $0)?.kid }))
    }

    @Test("pruning removes exactly the keys no longer published and returns them")
    func pruneRemovesUnpublishedKeys() throws {
        var ring = try OutboundKeyRing.generate(now: OutboundFixtures.t0)
        try ring.rotate(.es384, now: OutboundFixtures.t0.addingTimeInterval(10))
        let retired = try #require(ring.keys.first { $0.retiredAt != nil })
        #expect(ring.prune(now: OutboundFixtures.t0.addingTimeInterval(3609)).isEmpty)
        let dropped = ring.prune(now: OutboundFixtures.t0.addingTimeInterval(3610))
        #expect(dropped.map(\.kid) == [retired.kid])
        #expect(ring.keys.count == 2 && ring.keys.allSatisfy { $0.retiredAt == nil })
    }

    @Test("a ring restored from stored keys publishes the same JWKS bytes, whatever the stored order")
    func restoredRingPublishesTheSameDocument() throws {
        var ring = try OutboundKeyRing.generate(now: OutboundFixtures.t0)
        try ring.rotate(.rs256, now: OutboundFixtures.t0.addingTimeInterval(60))
        let stored = ring.keys.reversed().map { ($0.algorithm, $0.pkcs8DER, $0.createdAt, $0.retiredAt) }
        let restored = OutboundKeyRing(
            keys: try stored.map {
                try OutboundSigningKey(algorithm: $0.0, pkcs8DER: $0.1, createdAt: $0.2, retiredAt: $0.3)
            })
        let now = OutboundFixtures.t0.addingTimeInterval(120)
        #expect(
            OutboundIssuerDocuments.jwks(of: restored, now: now) == OutboundIssuerDocuments.jwks(of: ring, now: now))
        #expect(restored.activeKey(for: .rs256)?.kid == ring.activeKey(for: .rs256)?.kid)
    }
}
