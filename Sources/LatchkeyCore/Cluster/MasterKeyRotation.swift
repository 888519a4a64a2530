import Crypto
public import LatchkeyDomain
public import LatchkeyTokens

/// Re-sealing every secret at rest under a new master key, in the store's transactions (no node needed).
///
/// The steps: refuse unless the current key is the store's (its check value) and the new key differs; seal the
/// session-token keys that are still derived from the master key (so they survive it: the tokens they sealed keep
/// opening); then re-seal every secret and set the new check value in ONE transaction (`resealSecrets`). A secret
/// that opens under neither key stops it with nothing changed.
public enum MasterKeyRotation {
    /// Why a rotation was refused. The message names the problem, never a key or a secret.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public let message: String

        public init(_ message: String) {
            self.message = message
        }

        public var description: String { message }
    }

    /// What a rotation did.
    public struct Outcome: Sendable, Equatable {
        /// Session-token keys that were derived from the old master key and are now stored sealed.
        public var materializedKeyIDs: [UInt32]
        /// Secrets re-sealed (access-key secrets, MFA seeds, outbound signing keys, session-token keys).
        public var resealedCount: Int
    }

    /// Re-seals every secret of `store` from `current` to `new` and records `new`'s check value. The caller
    /// announces the change (`announceChange()`) so that nodes still on `current` notice and refuse.
    /// - Throws: ``Refusal`` when `current` is not the store's key, `new` is the same key, or a secret does not
    ///   open under `current` (then nothing was re-sealed); the store's errors otherwise.
    @discardableResult
    public static func rotate(store: any ClusterStore, current: MasterKey, new: MasterKey) async throws -> Outcome {
        guard !current.matchesCheckValue(new.checkValue) else {
            throw Refusal("the new master key is the current one: nothing to rotate")
        }
        if let stored = try await store.storeSetting(StoreSettingName.masterKeyCheck) {
            guard current.matchesCheckValue(stored) else {
                if new.matchesCheckValue(stored) {
                    throw Refusal("the store is already sealed under the new master key: restart the nodes with it")
                }
                throw Refusal("the current master key is not the one the store's secrets are sealed with")
            }
        }
        let materialized = try await materializeDerivedKeys(store: store, masterKey: current)
        let oldBox = SecretBox(masterKey: current)
        let newBox = SecretBox(masterKey: new)
        let count = try await store.resealSecrets(settings: [StoreSettingName.masterKeyCheck: new.checkValue]) {
            secret in try reseal(secret, from: oldBox, to: newBox)
        }
        return Outcome(materializedKeyIDs: materialized, resealedCount: count)
    }

    /// Re-seals, under `new`, secrets still sealed under `old` after a rotation (written by a node that had not yet
    /// noticed it); secrets already under `new` stay as they are. Returns how many secrets the store went through.
    @discardableResult
    public static func sweep(store: any ClusterStore, old: MasterKey, new: MasterKey) async throws -> Int {
        let oldBox = SecretBox(masterKey: old)
        let newBox = SecretBox(masterKey: new)
        return try await store.resealSecrets(settings: [:]) { secret in
            try reseal(secret, from: oldBox, to: newBox)
        }
    }

    /// Seals the session-token keys that are derived from `masterKey` (`sealedKey` nil) with its at-rest box;
    /// returns their IDs.
    static func materializeDerivedKeys(store: any ClusterStore, masterKey: MasterKey) async throws -> [UInt32] {
        let box = SecretBox(masterKey: masterKey)
        let before = try await store.sessionTokenKeys()
        guard before.contains(where: { $0.sealedKey == nil }) else { return [] }
        let stored = try await store.modifySessionTokenKeys { keys in
            for index in keys.indices where keys[index].sealedKey == nil {
                let keyID = keys[index].keyId
                let key = masterKey.derivedKey(label: MasterKey.sessionTokenLabel(keyID: keyID))
                keys[index].sealedKey = key.withUnsafeBytes {
                    box.seal(Array($0), context: SessionKeys.sealedKeyContext(keyID: keyID))
                }
            }
        }
        let derivedBefore = Set(before.filter { $0.sealedKey == nil }.map(\.keyId))
        return stored.map(\.keyId).filter { derivedBefore.contains($0) }
    }

    /// `secret` sealed under `new`: as it is when it already opens under `new`, else opened under `old` and sealed
    /// again.
    static func reseal(_ secret: SealedSecret, from old: SecretBox, to new: SecretBox) throws(Refusal) -> [UInt8] {
        if (try? new.open(secret.sealed, context: secret.context)) != nil { return secret.sealed }
        let plaintext: [UInt8]
        do {
            plaintext = try old.open(secret.sealed, context: secret.context)
        } catch {
            throw Refusal(
                "a secret (\(secret.kind), \(secret.context)) does not open under the current master key: nothing "
                    + "was changed")
        }
        return new.seal(plaintext, context: secret.context)
    }
}
