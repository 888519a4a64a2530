import Foundation
import LatchkeyDomain
import LatchkeyTestSupport
import Testing

/// The `ClusterStore` contract: what the nodes of one deployment share beyond IAM entities. Every store kind must
/// give the same answers, and the atomic operations must stay atomic under concurrent calls.
@Suite struct ClusterStoreTests {
    /// How many calls race in each concurrency test.
    static let racers = 20

    /// An error of the caller's own, which the store must rethrow as it is.
    struct Refused: Error, Equatable {
        let reason: String
    }

    /// Runs `body(0..<count)` concurrently and collects the results in index order.
    static func race<T: Sendable>(
        _ count: Int = racers, _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            for index in 0..<count {
                group.addTask { (index, try await body(index)) }
            }
            var results: [(Int, T)] = []
            for try await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Runs `body` and returns the `Refused` it threw; records an issue for anything else.
    static func refusal(_ body: () async throws -> Void) async -> Refused? {
        do {
            try await body()
            Issue.record("expected Refused, nothing was thrown")
        } catch let error as Refused {
            return error
        } catch {
            Issue.record("expected Refused, got \(error)")
        }
        return nil
    }

    // MARK: Change sequence

    @Test("the change sequence starts at 0 and each announcement increases it by one", arguments: StoreKind.allCases)
    func changeSequenceIncreases(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            #expect(try await store.changeSequence() == 0)
            #expect(try await store.announceChange() == 1)
            #expect(try await store.announceChange() == 2)
            #expect(try await store.changeSequence() == 2)
        }
    }

    @Test("concurrent announcements each get their own value and none is lost", arguments: StoreKind.allCases)
    func concurrentAnnouncementsAreAllCounted(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let values = try await Self.race { _ in try await store.announceChange() }
            #expect(Set(values) == Set((1...Int64(Self.racers))))
            #expect(try await store.changeSequence() == Int64(Self.racers))
        }
    }

    // MARK: Store settings

    @Test("a setting is inserted once: a second value is ignored and the first returned", arguments: StoreKind.allCases)
    func settingInsertedOnce(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            #expect(try await store.storeSetting("check") == nil)
            #expect(try await store.insertStoreSettingIfAbsent("check", value: [1, 0, 255]) == [1, 0, 255])
            #expect(try await store.insertStoreSettingIfAbsent("check", value: [9, 9]) == [1, 0, 255])
            #expect(try await store.storeSetting("check") == [1, 0, 255])
            #expect(try await store.storeSetting("other") == nil)
            #expect(try await store.insertStoreSettingIfAbsent("empty", value: []) == [])
            #expect(try await store.storeSetting("empty") == [])
        }
    }

    @Test("concurrent inserts of one setting with different values all agree on one", arguments: StoreKind.allCases)
    func concurrentSettingInsertsAgree(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let results = try await Self.race { index in
                try await store.insertStoreSettingIfAbsent(StoreSettingName.masterKeyCheck, value: [UInt8(index), 7])
            }
            let stored = try await store.storeSetting(StoreSettingName.masterKeyCheck)
            #expect(stored != nil)
            #expect(Set(results).count == 1)
            #expect(results.first == stored)
        }
    }

    // MARK: SAML assertion replay

    @Test("an assertion ID is accepted once, then refused until its record expires", arguments: StoreKind.allCases)
    func assertionAcceptedOnce(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let now = Fixture.date(plusSeconds: 0)
            let expires = Fixture.date(plusSeconds: 300)
            #expect(try await store.recordAssertionUse(id: "_a1", expires: expires, now: now))
            #expect(try await store.recordAssertionUse(id: "_a1", expires: expires, now: now) == false)
            #expect(try await store.recordAssertionUse(id: "_A1", expires: expires, now: now))
            #expect(try await store.recordAssertionUse(id: "_a2", expires: expires, now: now))
            let later = Fixture.date(plusSeconds: 299)
            #expect(try await store.recordAssertionUse(id: "_a1", expires: expires, now: later) == false)
            // At its expiry date the record no longer counts: the ID is accepted again, and recorded anew.
            let newExpiry = Fixture.date(plusSeconds: 900)
            #expect(try await store.recordAssertionUse(id: "_a1", expires: newExpiry, now: expires))
            #expect(try await store.recordAssertionUse(id: "_a1", expires: newExpiry, now: expires) == false)
            #expect(
                try await store.recordAssertionUse(id: "_a1", expires: newExpiry, now: Fixture.date(plusSeconds: 600))
                    == false)
        }
    }

    @Test("concurrent uses of one assertion ID: exactly one is accepted", arguments: StoreKind.allCases)
    func concurrentAssertionUsesOneWins(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let now = Fixture.date(plusSeconds: 0)
            let expires = Fixture.date(plusSeconds: 300)
            let results = try await Self.race { _ in
                try await store.recordAssertionUse(id: "_replayed", expires: expires, now: now)
            }
            #expect(results.count { $0 } == 1)
        }
    }

    // MARK: MFA failures

    @Test(
        "wrong MFA codes are counted per device; the last allowed one locks and resets the count; clear forgets",
        arguments: StoreKind.allCases)
    func mfaFailuresCountLockAndClear(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let serial = Fixture.serial("phone")
            let lock = Fixture.date(plusSeconds: 900)
            func fail() async throws -> MFAFailureState {
                try await store.recordMFAFailure(
                    accountId: Fixture.accountId, serialNumber: serial, maxFailures: 3, lockUntil: lock)
            }
            #expect(try await store.mfaFailures(accountId: Fixture.accountId, serialNumber: serial) == nil)
            #expect(try await fail() == MFAFailureState(failures: 1))
            #expect(try await fail() == MFAFailureState(failures: 2))
            #expect(
                try await store.mfaFailures(accountId: Fixture.accountId, serialNumber: serial)
                    == MFAFailureState(failures: 2))
            #expect(try await fail() == MFAFailureState(failures: 0, lockedUntil: lock))
            #expect(
                try await store.mfaFailures(accountId: Fixture.accountId, serialNumber: serial)
                    == MFAFailureState(failures: 0, lockedUntil: lock))
            // A wrong code after the lockout counts again; the lockout date stays until cleared.
            #expect(try await fail() == MFAFailureState(failures: 1, lockedUntil: lock))
            // Other devices and other accounts are separate.
            #expect(
                try await store.mfaFailures(accountId: Fixture.accountId, serialNumber: Fixture.serial("other"))
                    == nil)
            #expect(try await store.mfaFailures(accountId: Fixture.otherAccountId, serialNumber: serial) == nil)
            try await store.clearMFAFailures(accountId: Fixture.accountId, serialNumber: serial)
            #expect(try await store.mfaFailures(accountId: Fixture.accountId, serialNumber: serial) == nil)
            // Clearing a device with nothing recorded is harmless.
            try await store.clearMFAFailures(accountId: Fixture.accountId, serialNumber: serial)
            #expect(try await fail() == MFAFailureState(failures: 1))
        }
    }

    @Test("deleting an MFA device forgets its failures and lockout", arguments: StoreKind.allCases)
    func deletedDeviceForgetsFailures(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let device = Fixture.device("phone")
            try await store.insertMFADevice(device)
            try await store.recordMFAFailure(
                accountId: Fixture.accountId, serialNumber: device.serialNumber, maxFailures: 1,
                lockUntil: Fixture.date(plusSeconds: 900))
            try await store.recordMFAFailure(
                accountId: Fixture.accountId, serialNumber: Fixture.serial("other"), maxFailures: 5,
                lockUntil: Fixture.date(plusSeconds: 900))
            try await store.deleteMFADevice(accountId: Fixture.accountId, serialNumber: device.serialNumber)
            // A new device made under the same serial number starts with no lockout.
            #expect(try await store.mfaFailures(accountId: Fixture.accountId, serialNumber: device.serialNumber) == nil)
            #expect(
                try await store.mfaFailures(accountId: Fixture.accountId, serialNumber: Fixture.serial("other"))
                    == MFAFailureState(failures: 1))
        }
    }

    @Test("concurrent wrong MFA codes are all counted", arguments: StoreKind.allCases)
    func concurrentMFAFailuresAllCounted(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let serial = Fixture.serial("phone")
            let results = try await Self.race { _ in
                try await store.recordMFAFailure(
                    accountId: Fixture.accountId, serialNumber: serial, maxFailures: 1000,
                    lockUntil: Fixture.date(plusSeconds: 900))
            }
            #expect(Set(results.map(\.failures)) == Set(1...Self.racers))
            #expect(
                try await store.mfaFailures(accountId: Fixture.accountId, serialNumber: serial)
                    == MFAFailureState(failures: Self.racers))
        }
    }

    @Test("concurrent wrong MFA codes lock exactly once per maxFailures", arguments: StoreKind.allCases)
    func concurrentMFAFailuresLockOnce(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let serial = Fixture.serial("phone")
            let lock = Fixture.date(plusSeconds: 900)
            let results = try await Self.race { _ in
                try await store.recordMFAFailure(
                    accountId: Fixture.accountId, serialNumber: serial, maxFailures: 5, lockUntil: lock)
            }
            // 20 failures with a lock every 5th: the count went 1...4, 0 four times over.
            #expect(results.count { $0.failures == 0 } == Self.racers / 5)
            #expect(results.allSatisfy { $0.failures == 0 ? $0.lockedUntil == lock : true })
            #expect(
                try await store.mfaFailures(accountId: Fixture.accountId, serialNumber: serial)
                    == MFAFailureState(failures: 0, lockedUntil: lock))
        }
    }

    // MARK: Session revocations

    static func revocation(
        _ id: String, target: SessionRevocation.Target = .principalArn("arn:aws:iam::123456789012:role/Deployer"),
        created: Double, expires: Double, accountId: String = Fixture.accountId
    ) -> SessionRevocation {
        SessionRevocation(
            id: id, accountId: accountId, target: target, issuedBefore: Fixture.date(plusSeconds: created - 1),
            expiresAt: Fixture.date(plusSeconds: expires), createDate: Fixture.date(plusSeconds: created))
    }

    @Test(
        "revocations read back equal, both kinds of target, ordered by creation date then ID",
        arguments: StoreKind.allCases)
    func revocationsReadBackOrdered(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let late = Self.revocation("r-a", target: .accessKeyId("ASIAEXAMPLE000000001"), created: 20, expires: 900)
            let earlyB = Self.revocation("r-b", created: 10, expires: 900)
            let earlyA = Self.revocation(
                "r-B", target: .accessKeyId("AKIAEXAMPLE000000002"), created: 10, expires: 900,
                accountId: Fixture.otherAccountId)
            for revocation in [late, earlyB, earlyA] {
                try await store.insertSessionRevocation(revocation)
            }
            // "r-B" sorts before "r-b" in byte order.
            #expect(try await store.sessionRevocations(liveAt: Fixture.date(plusSeconds: 0)) == [earlyA, earlyB, late])
        }
    }

    @Test("a revocation with a taken ID is rejected with alreadyExists, the first kept", arguments: StoreKind.allCases)
    func duplicateRevocationRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let first = Self.revocation("r-1", created: 10, expires: 900)
            try await store.insertSessionRevocation(first)
            let error = await storeError {
                try await store.insertSessionRevocation(
                    Self.revocation("r-1", target: .accessKeyId("ASIAOTHER"), created: 20, expires: 1000))
            }
            #expect(error?.code == .alreadyExists)
            #expect(try await store.sessionRevocations(liveAt: Fixture.date(plusSeconds: 0)) == [first])
        }
    }

    @Test(
        "only revocations expiring after now are live; deleting expired ones returns how many went",
        arguments: StoreKind.allCases)
    func revocationsFilterAndDeleteByExpiry(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let short = Self.revocation("r-short", created: 1, expires: 100)
            let middle = Self.revocation("r-middle", created: 2, expires: 200)
            let long = Self.revocation("r-long", created: 3, expires: 300)
            for revocation in [short, middle, long] {
                try await store.insertSessionRevocation(revocation)
            }
            #expect(try await store.sessionRevocations(liveAt: Fixture.date(plusSeconds: 99)) == [short, middle, long])
            // At its expiry date a revocation is no longer live.
            #expect(try await store.sessionRevocations(liveAt: Fixture.date(plusSeconds: 100)) == [middle, long])
            #expect(try await store.sessionRevocations(liveAt: Fixture.date(plusSeconds: 250)) == [long])
            // Filtering deletes nothing.
            #expect(try await store.sessionRevocations(liveAt: Fixture.date(plusSeconds: 0)).count == 3)
            #expect(try await store.deleteSessionRevocations(expiredAt: Fixture.date(plusSeconds: 50)) == 0)
            #expect(try await store.deleteSessionRevocations(expiredAt: Fixture.date(plusSeconds: 200)) == 2)
            #expect(try await store.sessionRevocations(liveAt: Fixture.date(plusSeconds: 0)) == [long])
            #expect(try await store.deleteSessionRevocations(expiredAt: Fixture.date(plusSeconds: 200)) == 0)
        }
    }

    // MARK: Session-token keys

    static func tokenKey(
        _ keyId: UInt32, sealed: [UInt8]? = nil, active: Bool = false, acceptedUntil: Double? = nil
    ) -> SessionTokenKeyRecord {
        SessionTokenKeyRecord(
            keyId: keyId, sealedKey: sealed, isActive: active,
            createDate: Fixture.date(plusSeconds: Double(keyId % 1000)),
            acceptedUntil: acceptedUntil.map { Fixture.date(plusSeconds: $0) })
    }

    @Test(
        "session-token keys: empty at first, replaced by modify, read back ordered by key ID",
        arguments: StoreKind.allCases)
    func sessionTokenKeysModifyReplaces(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            #expect(try await store.sessionTokenKeys().isEmpty)
            let derived = Self.tokenKey(1, active: true)
            let top = Self.tokenKey(UInt32.max, sealed: [0, 1, 2, 255])
            let returned = try await store.modifySessionTokenKeys { keys in
                #expect(keys.isEmpty)
                keys = [top, derived]
            }
            #expect(returned == [derived, top])
            #expect(try await store.sessionTokenKeys() == [derived, top])

            // A rotation: the old key stops being active, a new sealed one becomes active, the largest goes.
            let retired = Self.tokenKey(1, active: false, acceptedUntil: 3600)
            let next = Self.tokenKey(2, sealed: [42, 0, 42], active: true)
            try await store.modifySessionTokenKeys { keys in
                #expect(keys == [derived, top])
                keys = [next, retired]
            }
            #expect(try await store.sessionTokenKeys() == [retired, next])
        }
    }

    @Test(
        "a session-token key change that throws leaves the keys as they were and is rethrown unchanged",
        arguments: StoreKind.allCases)
    func throwingSessionTokenKeyChangeChangesNothing(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let key = Self.tokenKey(7, sealed: [7], active: true)
            try await store.modifySessionTokenKeys { $0 = [key] }
            let refusal = await Self.refusal {
                try await store.modifySessionTokenKeys { keys in
                    keys = [Self.tokenKey(8, active: true)]
                    throw Refused(reason: "no rotation today")
                }
            }
            #expect(refusal == Refused(reason: "no rotation today"))
            #expect(try await store.sessionTokenKeys() == [key])
        }
    }

    @Test("a session-token key list naming one key ID twice is rejected, nothing stored", arguments: StoreKind.allCases)
    func duplicateSessionTokenKeyIDRejected(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let error = await storeError {
                try await store.modifySessionTokenKeys { keys in
                    keys = [Self.tokenKey(3, active: true), Self.tokenKey(3, sealed: [1])]
                }
            }
            #expect(error?.code == .conflict)
            #expect(try await store.sessionTokenKeys().isEmpty)
        }
    }

    @Test("concurrent session-token key changes each adding a key: every key survives", arguments: StoreKind.allCases)
    func concurrentSessionTokenKeyChangesAllSurvive(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            _ = try await Self.race { index in
                try await store.modifySessionTokenKeys { keys in
                    keys.append(Self.tokenKey(UInt32(100 + index), sealed: [UInt8(index)]))
                }
            }
            #expect(try await store.sessionTokenKeys().map(\.keyId) == (0..<Self.racers).map { UInt32(100 + $0) })
        }
    }

    // MARK: Master-key rotation

    /// A store holding one secret of every kind (two outbound keys, a sealed and a derived session-token key).
    static func insertSecrets(_ store: any LatchkeyStore) async throws {
        try await store.insertAccessKey(Fixture.key("AKIAROOTKEY000000001"))
        try await store.insertMFADevice(Fixture.device("phone"))
        try await store.modifyOutboundFederation(accountId: Fixture.accountId) { state in
            state.enabled = true
            state.keys = [
                OutboundSigningKeyRecord(
                    keyId: "kid-1", algorithm: "RS256", sealedPrivateKey: [1, 1, 0],
                    createdAt: Fixture.date(plusSeconds: 10), retiredAt: Fixture.date(plusSeconds: 20)),
                OutboundSigningKeyRecord(
                    keyId: "kid-2", algorithm: "ES384", sealedPrivateKey: [2, 2, 0],
                    createdAt: Fixture.date(plusSeconds: 20)),
            ]
        }
        try await store.modifySessionTokenKeys { keys in
            keys = [Self.tokenKey(1), Self.tokenKey(2, sealed: [9, 8, 7], active: true)]
        }
        _ = try await store.insertStoreSettingIfAbsent(StoreSettingName.masterKeyCheck, value: [0xAA])
    }

    /// Every sealed secret as the normal readers return it, with the context it is sealed under.
    static func secrets(_ store: any LatchkeyStore) async throws -> [String: [UInt8]?] {
        let outbound = try await store.outboundFederation(accountId: Fixture.accountId)
        var secrets: [String: [UInt8]?] = [
            "access-key:AKIAROOTKEY000000001": try await store.accessKey(id: "AKIAROOTKEY000000001")?.sealedSecret,
            "mfa-seed:\(Fixture.serial("phone"))":
                try await store.mfaDevice(accountId: Fixture.accountId, serialNumber: Fixture.serial("phone"))?
                .sealedSeed,
        ]
        for key in outbound?.keys ?? [] {
            secrets.updateValue(key.sealedPrivateKey, forKey: "outbound-key/\(Fixture.accountId)/\(key.keyId)")
        }
        for key in try await store.sessionTokenKeys() {
            secrets.updateValue(key.sealedKey, forKey: "session-token-key:\(key.keyId)")
        }
        return secrets
    }

    /// A stand-in for re-sealing: the new bytes name the kind and context, then the old bytes.
    static func fakeReseal(_ secret: SealedSecret) -> [UInt8] {
        Array("\(secret.kind)|\(secret.context)|".utf8) + secret.sealed
    }

    @Test(
        "resealSecrets re-seals every kind of secret under its context and writes the settings",
        arguments: StoreKind.allCases)
    func resealCoversEverySecret(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await Self.insertSecrets(store)
            let before = try await Self.secrets(store)
            let count = try await store.resealSecrets(
                settings: [StoreSettingName.masterKeyCheck: [0xBB, 0], "another": [1]], { Self.fakeReseal($0) })
            #expect(count == 5)
            let sealedBefore = Fixture.key("AKIAROOTKEY000000001").sealedSecret
            let expected: [String: [UInt8]?] = [
                "access-key:AKIAROOTKEY000000001":
                    Array("accessKeySecret|access-key:AKIAROOTKEY000000001|".utf8) + sealedBefore,
                "mfa-seed:\(Fixture.serial("phone"))":
                    Array("mfaSeed|mfa-seed:\(Fixture.serial("phone"))|".utf8) + Fixture.device("phone").sealedSeed,
                "outbound-key/\(Fixture.accountId)/kid-1":
                    Array("outboundSigningKey|outbound-key/\(Fixture.accountId)/kid-1|".utf8) + [1, 1, 0],
                "outbound-key/\(Fixture.accountId)/kid-2":
                    Array("outboundSigningKey|outbound-key/\(Fixture.accountId)/kid-2|".utf8) + [2, 2, 0],
                "session-token-key:1": nil,
                "session-token-key:2": Array("sessionTokenKey|session-token-key:2|".utf8) + [9, 8, 7],
            ]
            #expect(before.count == expected.count)
            #expect(try await Self.secrets(store) == expected)
            #expect(try await store.storeSetting(StoreSettingName.masterKeyCheck) == [0xBB, 0])
            #expect(try await store.storeSetting("another") == [1])
            // Nothing else about the entities changed.
            let outbound = try await store.outboundFederation(accountId: Fixture.accountId)
            #expect(outbound?.enabled == true)
            #expect(outbound?.keys.map(\.retiredAt) == [Fixture.date(plusSeconds: 20), nil])
            #expect(try await store.sessionTokenKeys().map(\.isActive) == [false, true])
            #expect(try await store.accessKey(id: "AKIAROOTKEY000000001")?.status == .active)
        }
    }

    @Test(
        "a reseal that throws for any one kind of secret changes nothing (not even secrets before it) and is rethrown",
        arguments: StoreKind.allCases)
    func throwingResealChangesNothing(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            try await Self.insertSecrets(store)
            let before = try await Self.secrets(store)
            let kinds: [SealedSecret.Kind] = [.accessKeySecret, .mfaSeed, .outboundSigningKey, .sessionTokenKey]
            for failing in kinds {
                let refusal = await Self.refusal {
                    try await store.resealSecrets(settings: [StoreSettingName.masterKeyCheck: [0xCC]]) { secret in
                        guard secret.kind != failing else { throw Refused(reason: "cannot open \(secret.context)") }
                        return Self.fakeReseal(secret)
                    }
                }
                #expect(refusal?.reason.hasPrefix("cannot open ") == true, "failing on \(failing)")
                #expect(try await Self.secrets(store) == before, "failing on \(failing)")
                #expect(
                    try await store.storeSetting(StoreSettingName.masterKeyCheck) == [0xAA], "failing on \(failing)")
            }
        }
    }

    @Test("resealSecrets on a store without secrets writes the settings and returns 0", arguments: StoreKind.allCases)
    func resealEmptyStore(kind: StoreKind) async throws {
        try await withStore(kind) { store throws in
            let count = try await store.resealSecrets(settings: [StoreSettingName.masterKeyCheck: [3]]) { _ in
                throw Refused(reason: "no secret should be re-sealed")
            }
            #expect(count == 0)
            #expect(try await store.storeSetting(StoreSettingName.masterKeyCheck) == [3])
        }
    }
}
