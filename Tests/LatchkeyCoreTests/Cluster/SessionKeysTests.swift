import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import LatchkeyTokens
import Testing

/// One node's services over a shared store, wired as the server wires them: its own `SessionKeys` (loaded from the
/// store), resolver and STS, no HTTP.
private struct Node {
    let keys: SessionKeys
    let resolver: CredentialResolver
    let sts: SecurityTokenService
    let secretBox: SecretBox

    static func start(
        _ store: any LatchkeyStore, masterKey: MasterKey, clock: TestClock, configuredActiveKeyID: UInt32 = 1,
        unknownKeyReloadInterval: Duration = .seconds(1)
    ) async throws -> Node {
        let secretBox = SecretBox(masterKey: masterKey)
        let keys = try await SessionKeys.load(
            store: store, masterKey: masterKey, configuredActiveKeyID: configuredActiveKeyID, now: clock.now,
            unknownKeyReloadInterval: unknownKeyReloadInterval)
        let resolver = CredentialResolver(store: store, secretBox: secretBox, sessionKeys: keys)
        let mfa = MFAVerifier(store: store, secretBox: secretBox)
        let sts = SecurityTokenService(store: store, secretBox: secretBox, sessionKeys: keys, mfa: mfa)
        return Node(keys: keys, resolver: resolver, sts: sts, secretBox: secretBox)
    }

    /// Temporary credentials for `caller` (GetSessionToken, 36 hours: the longest a session lives).
    func session(for caller: Caller, now: Date) async throws -> Credentials {
        try #require(
            try await sts.getSessionToken(GetSessionTokenInput(durationSeconds: 129_600), caller: caller, now: now)
                .credentials)
    }

    /// Resolves `credentials` as a request signed with them would be.
    func resolve(_ credentials: Credentials, now: Date) async throws(STSError) -> Caller {
        try await resolver.resolve(
            accessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken, now: now
        ).caller
    }
}

/// A store with one account, and its root calling with the root key (resolved on `node`).
private func rootCaller(_ store: any LatchkeyStore, node: Node, clock: TestClock) async throws -> Caller {
    let provisioner = Provisioner(store: store, secretBox: node.secretBox)
    let first = try #require(try await provisioner.createFirstAccountIfEmpty(now: clock.now))
    return try await node.resolver.resolve(accessKeyId: first.key.accessKeyId, sessionToken: nil, now: clock.now)
        .caller
}

/// The key ID in a session token's header.
private func keyID(_ credentials: Credentials) throws -> UInt32 {
    try #require(SessionTokenKeyRing.keyID(ofToken: credentials.sessionToken))
}

@Suite struct SessionKeysTests {
    @Test(
        "a store without keys gets the configuration's keys as derived records; tokens of the old ring open",
        arguments: StoreKind.allCases)
    func upgradeRecordsTheConfiguredKeys(kind: StoreKind) async throws {
        try await kind.withEmptyStore { store in
            let clock = TestClock()
            let masterKey = MasterKey.generate()
            // What a node sealed with before the store kept the keys (sessionTokenKeyId: 3).
            let oldRing = try SessionTokenKeyRing.derived(from: masterKey, activeKeyID: 3, acceptedKeyIDs: 2...3)
            let previousRing = try SessionTokenKeyRing.derived(from: masterKey, activeKeyID: 2)
            let node = try await Node.start(store, masterKey: masterKey, clock: clock, configuredActiveKeyID: 3)
            let records = try await store.sessionTokenKeys()
            #expect(records.map(\.keyId) == [2, 3])
            #expect(records.allSatisfy { $0.sealedKey == nil })
            #expect(records.map(\.isActive) == [false, true])
            #expect(records[0].acceptedUntil == clock.now.addingTimeInterval(SessionKeys.retirementDelay))
            #expect(records[1].acceptedUntil == nil)
            #expect(node.keys.activeKeyID == 3)

            let root = try await rootCaller(store, node: node, clock: clock)
            let claims = try #require(
                try await node.sts.getSessionToken(GetSessionTokenInput(), caller: root, now: clock.now).credentials)
            // New tokens open with the ring of before the upgrade, and tokens of that ring (both keys) open now.
            #expect(try oldRing.open(claims.sessionToken).accessKeyId == claims.accessKeyId)
            let sample = try oldRing.open(claims.sessionToken)
            _ = try await node.keys.open(previousRing.seal(sample), now: clock.now)
            _ = try await node.keys.open(oldRing.seal(sample), now: clock.now)

            // Once the store holds keys, the configuration is not read again.
            let later = try await Node.start(store, masterKey: masterKey, clock: clock, configuredActiveKeyID: 9)
            #expect(later.keys.activeKeyID == 3)
            #expect(try await store.sessionTokenKeys().map(\.keyId) == [2, 3])
        }
    }

    @Test(
        "two nodes over one store: a rotation seals with the new key, tokens from before and after open on both",
        arguments: StoreKind.allCases)
    func rotationAcrossTwoNodes(kind: StoreKind) async throws {
        try await kind.withEmptyStore { store in
            let clock = TestClock()
            let masterKey = MasterKey.generate()
            let a = try await Node.start(store, masterKey: masterKey, clock: clock)
            let b = try await Node.start(store, masterKey: masterKey, clock: clock)
            let root = try await rootCaller(store, node: a, clock: clock)
            let before = try await a.session(for: root, now: clock.now)
            #expect(try keyID(before) == 1)

            let outcome = try await SessionKeyRotation.rotate(
                store: store, secretBox: a.secretBox, now: clock.now)
            #expect(outcome.rotatedHere)
            #expect(outcome.previousKeyID == 1)
            #expect(outcome.activeKeyID == 2)
            #expect(outcome.previousAcceptedUntil == clock.now.addingTimeInterval(SessionKeys.retirementDelay))
            let stored = try await store.sessionTokenKeys()
            #expect(stored.map(\.keyId) == [1, 2])
            #expect(stored[1].sealedKey != nil)
            #expect(stored[1].isActive && !stored[0].isActive)

            // Node a has reloaded (its change feed reported the change); node b lags behind.
            try await a.keys.refresh(now: clock.now)
            #expect(a.keys.activeKeyID == 2)
            #expect(b.keys.activeKeyID == 1)
            clock.advance(by: 60)
            let after = try await a.session(for: root, now: clock.now)
            #expect(try keyID(after) == 2)
            let lagging = try await b.session(for: root, now: clock.now)
            #expect(try keyID(lagging) == 1)

            // Every token opens on both nodes: b reloads when it meets key 2 (the unknown-key path).
            for credentials in [before, after, lagging] {
                for node in [a, b] {
                    #expect(try await node.resolve(credentials, now: clock.now).accessKeyId == credentials.accessKeyId)
                }
            }
            #expect(b.keys.activeKeyID == 2)
            let fromB = try await b.session(for: root, now: clock.now)
            #expect(try keyID(fromB) == 2)
            #expect(try await a.resolve(fromB, now: clock.now).accessKeyId == fromB.accessKeyId)
        }
    }

    @Test(
        "a key retired by a rotation opens until its acceptedUntil, and not after it (on a fresh node too)",
        arguments: StoreKind.allCases)
    func retiredKeyRefusedAfterAcceptedUntil(kind: StoreKind) async throws {
        try await kind.withEmptyStore { store in
            let clock = TestClock()
            let masterKey = MasterKey.generate()
            let node = try await Node.start(store, masterKey: masterKey, clock: clock)
            let root = try await rootCaller(store, node: node, clock: clock)
            let old = try await node.session(for: root, now: clock.now)
            let claims = try await node.keys.open(old.sessionToken, now: clock.now)
            let rotatedAt = clock.now
            try await SessionKeyRotation.rotate(store: store, secretBox: node.secretBox, now: rotatedAt)
            try await node.keys.refresh(now: clock.now)
            let acceptedUntil = rotatedAt.addingTimeInterval(SessionKeys.retirementDelay)

            // A token sealed under key 1 (here: with a lifetime reaching past the delay, to see the key itself refused).
            let ring1 = try SessionTokenKeyRing.derived(from: masterKey, activeKeyID: 1)
            var longer = claims
            longer.expiresAt = acceptedUntil.addingTimeInterval(3600)
            let token = try ring1.seal(longer)
            _ = try await node.keys.open(token, now: acceptedUntil.addingTimeInterval(-1))
            // The full session from before the rotation resolves until it expires (36 h, before acceptedUntil).
            #expect(
                try await node.resolve(old, now: old.expiration.addingTimeInterval(-1)).accessKeyId == old.accessKeyId)

            await #expect(throws: SessionTokenError(.unknownKey)) {
                try await node.keys.open(token, now: acceptedUntil)
            }
            clock.set(acceptedUntil.addingTimeInterval(1))
            let fresh = try await Node.start(store, masterKey: masterKey, clock: clock)
            #expect(fresh.keys.ring.acceptedKeyIDs == [2])
            await #expect(throws: SessionTokenError(.unknownKey)) {
                try await fresh.keys.open(token, now: clock.now)
            }
            // The next rotation deletes the retired key from the store.
            let next = try await SessionKeyRotation.rotate(store: store, secretBox: node.secretBox, now: clock.now)
            #expect(next.droppedKeyIDs == [1])
            #expect(try await store.sessionTokenKeys().map(\.keyId) == [2, 3])
        }
    }

    @Test(
        "reloads for unknown keys are rate-limited; a made-up key ID below the highest known never reloads",
        arguments: StoreKind.allCases)
    func unknownKeyReloadIsRateLimited(kind: StoreKind) async throws {
        try await kind.withEmptyStore { store in
            let clock = TestClock()
            let masterKey = MasterKey.generate()
            let a = try await Node.start(store, masterKey: masterKey, clock: clock)
            // A node that reloads for an unknown key at most once an hour.
            let b = try await Node.start(
                store, masterKey: masterKey, clock: clock, unknownKeyReloadInterval: .seconds(3600))
            let root = try await rootCaller(store, node: a, clock: clock)

            try await SessionKeyRotation.rotate(store: store, secretBox: a.secretBox, now: clock.now)
            try await a.keys.refresh(now: clock.now)
            let second = try await a.session(for: root, now: clock.now)
            // The first unknown key reloads at once, whatever the interval.
            #expect(try await b.resolve(second, now: clock.now).accessKeyId == second.accessKeyId)

            try await SessionKeyRotation.rotate(store: store, secretBox: a.secretBox, now: clock.now)
            try await a.keys.refresh(now: clock.now)
            let third = try await a.session(for: root, now: clock.now)
            #expect(try keyID(third) == 3)
            // Within the interval b does not read the store again: the token is refused until b reloads.
            await #expect(throws: STSError.self) { try await b.resolve(third, now: clock.now) }
            try await b.keys.refresh(now: clock.now)
            #expect(try await b.resolve(third, now: clock.now).accessKeyId == third.accessKeyId)

            // A token naming key 999 (not in the store) is refused, and so is any garbage.
            let claims = try await a.keys.open(third.sessionToken, now: clock.now)
            let forged = try SessionTokenKeyRing.derived(from: MasterKey.generate(), activeKeyID: 999).seal(claims)
            #expect(SessionTokenKeyRing.keyID(ofToken: forged) == 999)
            await #expect(throws: SessionTokenError(.unknownKey)) { try await a.keys.open(forged, now: clock.now) }
            #expect(SessionTokenKeyRing.keyID(ofToken: "not a token") == nil)
            #expect(SessionTokenKeyRing.keyID(ofToken: "") == nil)
        }
    }

    @Test(
        "two rotations at once: one wins, the other changes nothing, and both nodes agree",
        arguments: StoreKind.allCases)
    func concurrentRotations(kind: StoreKind) async throws {
        try await kind.withEmptyStore { store in
            let clock = TestClock()
            let masterKey = MasterKey.generate()
            let a = try await Node.start(store, masterKey: masterKey, clock: clock)
            let b = try await Node.start(store, masterKey: masterKey, clock: clock)
            let root = try await rootCaller(store, node: a, clock: clock)
            let before = try await a.session(for: root, now: clock.now)
            let box = a.secretBox
            let now = clock.now
            async let first = SessionKeyRotation.rotate(store: store, secretBox: box, now: now)
            async let second = SessionKeyRotation.rotate(store: store, secretBox: box, now: now)
            let outcomes = try await [first, second]
            let stored = try await store.sessionTokenKeys()
            #expect(stored.filter(\.isActive).count == 1)
            let found = stored.first { $0.isActive }
            let active = try #require(found)
            // Both read key 1 as active before either committed: one wins, the other changes nothing and reports
            // the winner's key. Or one read after the other committed: both rotate, one after the other.
            let rotations = outcomes.filter(\.rotatedHere).count
            if rotations == 1 {
                #expect(outcomes.allSatisfy { $0.activeKeyID == active.keyId })
                #expect(active.keyId == 2)
            } else {
                #expect(rotations == 2)
                #expect(Set(outcomes.map(\.activeKeyID)) == [2, 3])
                #expect(active.keyId == 3)
            }
            #expect(stored.count == 1 + rotations)
            print("SessionKeysTests: \(kind): \(rotations) of two concurrent rotations applied")

            try await a.keys.refresh(now: clock.now)
            try await b.keys.refresh(now: clock.now)
            #expect(a.keys.activeKeyID == b.keys.activeKeyID)
            #expect(a.keys.ring.acceptedKeyIDs == b.keys.ring.acceptedKeyIDs)
            let fromA = try await a.session(for: root, now: clock.now)
            let fromB = try await b.session(for: root, now: clock.now)
            for credentials in [before, fromA, fromB] {
                for node in [a, b] {
                    #expect(try await node.resolve(credentials, now: clock.now).accessKeyId == credentials.accessKeyId)
                }
            }
        }
    }

    @Test(
        "of two rotations that read the same active key, the second to commit changes nothing",
        arguments: StoreKind.allCases)
    func stalerRotationChangesNothing(kind: StoreKind) async throws {
        try await kind.withEmptyStore { store in
            let clock = TestClock()
            let box = SecretBox(masterKey: MasterKey.generate())
            try await SessionKeyRotation.recordConfiguredKeysIfEmpty(store: store, activeKeyID: 1, now: clock.now)
            // Rotation one commits; rotation two, which read key 1 as active too, applies its change afterwards.
            try await SessionKeyRotation.rotate(store: store, secretBox: box, now: clock.now)
            var keys = try await store.sessionTokenKeys()
            let before = keys
            try SessionKeyRotation.apply(
                to: &keys, expectingActiveKeyID: 1, newKey: Array(repeating: 7, count: 32), secretBox: box,
                now: clock.now)
            #expect(keys == before)
        }
    }
}
