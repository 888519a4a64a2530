import Crypto
import Foundation
import LatchkeyCore
import LatchkeyDomain
import LatchkeyModel
import LatchkeyTestSupport
import LatchkeyTokens
import Testing

/// A store with an account (its root key), a user's key, an MFA device and the session-token keys a first start
/// records (derived from `masterKey`), as a node on `masterKey` leaves it.
private struct Seeded {
    let accountId: String
    let rootKeyId: String
    let userKeyId: String
    let userSecret: String
    let serialNumber: String
    let seed: [UInt8]
    let keys: SessionKeys
    let resolver: CredentialResolver
    let sts: SecurityTokenService
    let session: Credentials

    static func make(_ store: any LatchkeyStore, masterKey: MasterKey, clock: TestClock) async throws -> Seeded {
        let box = SecretBox(masterKey: masterKey)
        let first = try #require(
            try await Provisioner(store: store, secretBox: box).createFirstAccountIfEmpty(now: clock.now))
        let now = clock.now.wholeSeconds
        try await store.insertUser(
            IAMUser(
                accountId: first.accountId, userName: "alice",
                userId: UniqueID.generate(prefix: "AIDA", account: first.accountId), path: "/", createDate: now))
        let userKeyId = AccessKeyID.generate(kind: .longTerm, account: first.accountId)
        let userSecret = SecurityTokenService.generateSecretAccessKey()
        try await store.insertAccessKey(
            AccessKeyRecord(
                accessKeyId: userKeyId, accountId: first.accountId, userName: "alice", status: .active,
                createDate: now, sealedSecret: box.seal(Array(userSecret.utf8), context: "access-key:\(userKeyId)")),
            maxKeysPerOwner: 2)
        let seed = TOTP.generateSecret()
        let serial = "arn:aws:iam::\(first.accountId):mfa/alice-phone"
        try await store.insertMFADevice(
            MFADeviceRecord(
                accountId: first.accountId, serialNumber: serial, path: "/", deviceName: "alice-phone",
                sealedSeed: box.seal(seed, context: "mfa-seed:\(serial)"), createDate: now, userName: "alice",
                enableDate: now))
        _ = try await store.insertStoreSettingIfAbsent(StoreSettingName.masterKeyCheck, value: masterKey.checkValue)
        let keys = try await SessionKeys.load(store: store, masterKey: masterKey, now: clock.now)
        let resolver = CredentialResolver(store: store, secretBox: box, sessionKeys: keys)
        let sts = SecurityTokenService(store: store, secretBox: box, sessionKeys: keys)
        let alice = try await resolver.resolve(accessKeyId: userKeyId, sessionToken: nil, now: clock.now).caller
        let session = try #require(
            try await sts.getSessionToken(GetSessionTokenInput(), caller: alice, now: clock.now).credentials)
        return Seeded(
            accountId: first.accountId, rootKeyId: first.key.accessKeyId, userKeyId: userKeyId,
            userSecret: userSecret, serialNumber: serial, seed: seed, keys: keys, resolver: resolver, sts: sts,
            session: session)
    }
}

/// Every sealed secret of the seeded store, as stored.
private func sealedSecrets(_ store: any LatchkeyStore, _ seeded: Seeded) async throws -> [[UInt8]?] {
    [
        try await store.accessKey(id: seeded.rootKeyId)?.sealedSecret,
        try await store.accessKey(id: seeded.userKeyId)?.sealedSecret,
        try await store.mfaDevice(accountId: seeded.accountId, serialNumber: seeded.serialNumber)?.sealedSeed,
    ] + (try await store.sessionTokenKeys()).map(\.sealedKey)
}

@Suite struct MasterKeyRotationTests {
    @Test(
        "every secret is re-sealed under the new key in one transaction; the old node refuses, a new one serves",
        arguments: StoreKind.allCases)
    func rotation(kind: StoreKind) async throws {
        try await kind.withEmptyStore { store in
            let clock = TestClock()
            let old = MasterKey.generate()
            let new = MasterKey.generate()
            let seeded = try await Seeded.make(store, masterKey: old, clock: clock)

            let outcome = try await MasterKeyRotation.rotate(store: store, current: old, new: new)
            #expect(outcome.materializedKeyIDs == [1])
            // Two access keys, one MFA seed, one session-token key.
            #expect(outcome.resealedCount == 4)
            #expect(try await store.storeSetting(StoreSettingName.masterKeyCheck) == new.checkValue)

            // Under the new key: the access-key secret, the MFA seed, and session-token key 1 (the old derived key).
            let box = SecretBox(masterKey: new)
            let userRecord = try #require(try await store.accessKey(id: seeded.userKeyId))
            #expect(
                try box.open(userRecord.sealedSecret, context: "access-key:\(seeded.userKeyId)")
                    == Array(seeded.userSecret.utf8))
            let device = try #require(
                try await store.mfaDevice(accountId: seeded.accountId, serialNumber: seeded.serialNumber))
            #expect(try box.open(device.sealedSeed, context: "mfa-seed:\(seeded.serialNumber)") == seeded.seed)
            let record = try #require(try await store.sessionTokenKeys().first)
            let sealedKey = try #require(record.sealedKey)
            let derived = old.derivedKey(label: MasterKey.sessionTokenLabel(keyID: 1)).withUnsafeBytes { Array($0) }
            #expect(try box.open(sealedKey, context: SessionKeys.sealedKeyContext(keyID: 1)) == derived)

            // The node on the old key: refuses once it sees the change.
            #expect(!seeded.keys.masterKeyRotatedAway)
            try await seeded.keys.refresh(now: clock.now)
            #expect(seeded.keys.masterKeyRotatedAway)
            let refused = await #expect(throws: STSError.self) {
                try await seeded.resolver.resolve(
                    accessKeyId: seeded.session.accessKeyId, sessionToken: seeded.session.sessionToken, now: clock.now)
            }
            #expect(refused?.code == .serviceUnavailable)
            let alice = Caller(
                accountId: seeded.accountId, accessKeyId: seeded.userKeyId,
                credentials: .user(
                    IAMUser(
                        accountId: seeded.accountId, userName: "alice", userId: "AIDAEXAMPLE", path: "/",
                        createDate: clock.now)))
            let sealRefused = await #expect(throws: STSError.self) {
                try await seeded.sts.getSessionToken(GetSessionTokenInput(), caller: alice, now: clock.now)
            }
            #expect(sealRefused?.code == .serviceUnavailable)

            // A node on the new key: the user's key resolves, and the session from before opens.
            let keys = try await SessionKeys.load(store: store, masterKey: new, now: clock.now)
            let resolver = CredentialResolver(store: store, secretBox: box, sessionKeys: keys)
            let user = try await resolver.resolve(accessKeyId: seeded.userKeyId, sessionToken: nil, now: clock.now)
            #expect(user.secretAccessKey == seeded.userSecret)
            let session = try await resolver.resolve(
                accessKeyId: seeded.session.accessKeyId, sessionToken: seeded.session.sessionToken, now: clock.now)
            #expect(session.caller.arn == "arn:aws:iam::\(seeded.accountId):user/alice")
        }
    }

    @Test(
        "refused with nothing written: the same key, a current key that is not the store's, a secret that does not open",
        arguments: StoreKind.allCases)
    func refusals(kind: StoreKind) async throws {
        try await kind.withEmptyStore { store in
            let clock = TestClock()
            let old = MasterKey.generate()
            let seeded = try await Seeded.make(store, masterKey: old, clock: clock)
            let before = try await sealedSecrets(store, seeded)

            let same = await #expect(throws: MasterKeyRotation.Refusal.self) {
                try await MasterKeyRotation.rotate(store: store, current: old, new: old)
            }
            #expect(same?.message.contains("is the current one") == true)
            let stranger = await #expect(throws: MasterKeyRotation.Refusal.self) {
                try await MasterKeyRotation.rotate(store: store, current: MasterKey.generate(), new: .generate())
            }
            #expect(stranger?.message.contains("not the one the store's secrets are sealed with") == true)
            #expect(try await sealedSecrets(store, seeded) == before)

            // A secret sealed under another key (damaged, or written by a foreign node): nothing is re-sealed, not
            // even the secrets before it, and the check value stays.
            let foreign = SecretBox(masterKey: MasterKey.generate())
            let strayId = AccessKeyID.generate(kind: .longTerm, account: seeded.accountId)
            try await store.insertAccessKey(
                AccessKeyRecord(
                    accessKeyId: strayId, accountId: seeded.accountId, userName: "alice", status: .active,
                    createDate: clock.now.wholeSeconds,
                    sealedSecret: foreign.seal(Array("x".utf8), context: "access-key:\(strayId)")),
                maxKeysPerOwner: 2)
            let sealedBefore = try await sealedSecrets(store, seeded)
            let broken = await #expect(throws: MasterKeyRotation.Refusal.self) {
                try await MasterKeyRotation.rotate(store: store, current: old, new: .generate())
            }
            #expect(broken?.message.contains("access-key:\(strayId)") == true)
            #expect(broken?.message.contains("nothing was changed") == true)
            // The session-token keys were sealed (materialized) under the old key first; the rest is unchanged.
            let after = try await sealedSecrets(store, seeded)
            #expect(Array(after.prefix(3)) == Array(sealedBefore.prefix(3)))
            #expect(try await store.storeSetting(StoreSettingName.masterKeyCheck) == old.checkValue)
            let stillOld = try await SessionKeys.load(store: store, masterKey: old, now: clock.now)
            _ = try await stillOld.open(seeded.session.sessionToken, now: clock.now)
        }
    }

    @Test("the sweep re-seals a secret a lagging node wrote under the old key, and leaves the others")
    func sweep() async throws {
        try await StoreKind.sqlite.withEmptyStore { store in
            let clock = TestClock()
            let old = MasterKey.generate()
            let new = MasterKey.generate()
            let seeded = try await Seeded.make(store, masterKey: old, clock: clock)
            try await MasterKeyRotation.rotate(store: store, current: old, new: new)
            let resealed = try await sealedSecrets(store, seeded)
            // A node that has not noticed yet creates a key under the old master key.
            let lateId = AccessKeyID.generate(kind: .longTerm, account: seeded.accountId)
            try await store.insertAccessKey(
                AccessKeyRecord(
                    accessKeyId: lateId, accountId: seeded.accountId, userName: nil, status: .active,
                    createDate: clock.now.wholeSeconds,
                    sealedSecret: SecretBox(masterKey: old).seal(Array("late".utf8), context: "access-key:\(lateId)")),
                maxKeysPerOwner: 2)
            try await MasterKeyRotation.sweep(store: store, old: old, new: new)
            let late = try #require(try await store.accessKey(id: lateId))
            #expect(
                try SecretBox(masterKey: new).open(late.sealedSecret, context: "access-key:\(lateId)")
                    == Array("late".utf8))
            #expect(try await sealedSecrets(store, seeded) == resealed)
        }
    }
}
