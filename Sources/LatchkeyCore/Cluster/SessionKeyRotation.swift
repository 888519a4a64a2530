import Crypto
public import Foundation
import LatchkeyBase
public import LatchkeyDomain
public import LatchkeyTokens

/// The changes to the session-token keys in the store: the first keys (those the configuration implied before the
/// store kept them) and rotation. Each is one `modifySessionTokenKeys` transaction; the nodes pick the result up
/// through ``SessionKeys/refresh(now:)``.
public enum SessionKeyRotation {
    /// What a rotation did.
    public struct Outcome: Sendable, Equatable {
        /// The key that was active before.
        public var previousKeyID: UInt32
        /// The key active now.
        public var activeKeyID: UInt32
        /// Until when the previous key is accepted (nil when it did not change here).
        public var previousAcceptedUntil: Date?
        /// True when this call made `activeKeyID`; false when another rotation that started from the same key
        /// committed first (this one then changed nothing).
        public var rotatedHere: Bool
        /// Keys past their `acceptedUntil`, deleted from the store.
        public var droppedKeyIDs: [UInt32]
    }

    /// The records of the keys a node derived from the configuration (`sessionTokenKeyId`) before the store kept
    /// them: `activeKeyID` active, and the ID before it accepted until every token it can have sealed has expired.
    /// Both are derived from the master key (`sealedKey` nil).
    public static func configuredRecords(activeKeyID: UInt32, now: Date) -> [SessionTokenKeyRecord] {
        var records: [SessionTokenKeyRecord] = []
        if activeKeyID > 1 {
            records.append(
                SessionTokenKeyRecord(
                    keyId: activeKeyID - 1, sealedKey: nil, isActive: false, createDate: now,
                    acceptedUntil: now.addingTimeInterval(SessionKeys.retirementDelay)))
        }
        records.append(SessionTokenKeyRecord(keyId: activeKeyID, sealedKey: nil, isActive: true, createDate: now))
        return records
    }

    /// The keys in the store, after recording ``configuredRecords(activeKeyID:now:)`` if it held none (atomically:
    /// of nodes starting together, one records them and every one gets the same list).
    @discardableResult
    public static func recordConfiguredKeysIfEmpty(
        store: any ClusterStore, activeKeyID: UInt32, now: Date
    ) async throws -> [SessionTokenKeyRecord] {
        let current = try await store.sessionTokenKeys()
        guard current.isEmpty else { return current }
        let configured = configuredRecords(activeKeyID: activeKeyID, now: now)
        return try await store.modifySessionTokenKeys { keys in
            if keys.isEmpty { keys = configured }
        }
    }

    /// Makes a new random 256-bit key (sealed under `secretBox`, context
    /// ``SessionKeys/sealedKeyContext(keyID:)``) the active one, keeps the key it replaces accepted for
    /// ``SessionKeys/retirementDelay``, and deletes keys already past their `acceptedUntil`.
    ///
    /// Two rotations started at once: the first to commit wins, the other changes nothing and reports
    /// `rotatedHere == false` with the winner's key (so two administrators do not rotate twice).
    /// - Parameter configuredActiveKeyID: the configuration's `sessionTokenKeyId`, recorded first if the store holds
    ///   no keys yet.
    @discardableResult
    public static func rotate(
        store: any ClusterStore, secretBox: SecretBox, configuredActiveKeyID: UInt32 = 1, now: Date
    ) async throws -> Outcome {
        let before = try await recordConfiguredKeysIfEmpty(store: store, activeKeyID: configuredActiveKeyID, now: now)
        guard let previous = before.first(where: \.isActive) else {
            throw SessionKeysError("the store holds no active session-token key")
        }
        let newKey = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let stored = try await store.modifySessionTokenKeys { keys in
            try apply(to: &keys, expectingActiveKeyID: previous.keyId, newKey: newKey, secretBox: secretBox, now: now)
        }
        guard let active = stored.first(where: \.isActive) else {
            throw SessionKeysError("the store holds no active session-token key")
        }
        var rotatedHere = false
        if active.keyId != previous.keyId, let sealed = active.sealedKey,
            let opened = try? secretBox.open(sealed, context: SessionKeys.sealedKeyContext(keyID: active.keyId))
        {
            rotatedHere = ConstantTime.equals(opened, newKey)
        }
        let storedIDs = Set(stored.map(\.keyId))
        return Outcome(
            previousKeyID: previous.keyId, activeKeyID: active.keyId,
            previousAcceptedUntil: rotatedHere ? stored.first { $0.keyId == previous.keyId }?.acceptedUntil : nil,
            rotatedHere: rotatedHere,
            droppedKeyIDs: rotatedHere ? before.map(\.keyId).filter { !storedIDs.contains($0) } : [])
    }

    /// The rotation as a change of the key list, `newKey` becoming key (highest ID + 1). Pure: it may run again
    /// when the transaction is retried. Changes nothing when the active key is no longer `expected` (another rotation
    /// committed first).
    public static func apply(
        to keys: inout [SessionTokenKeyRecord], expectingActiveKeyID expected: UInt32, newKey: [UInt8],
        secretBox: SecretBox, now: Date
    ) throws {
        guard let activeIndex = keys.firstIndex(where: \.isActive) else {
            throw SessionKeysError("the store holds no active session-token key")
        }
        // Another rotation committed since this one read the keys: it wins, nothing more to do.
        guard keys[activeIndex].keyId == expected else { return }
        guard let highest = keys.map(\.keyId).max(), highest < UInt32.max else {
            throw SessionKeysError("no session-token key ID is left")
        }
        let newKeyID = highest + 1
        keys.removeAll { !$0.isActive && ($0.acceptedUntil.map { $0 <= now } ?? true) }
        guard keys.count < SessionTokenKeyRing.maximumKeyCount else {
            throw SessionKeysError(
                "\(keys.count) session-token keys are still accepted: wait until older keys retire before rotating")
        }
        for index in keys.indices where keys[index].isActive {
            keys[index].isActive = false
            keys[index].acceptedUntil = now.addingTimeInterval(SessionKeys.retirementDelay)
        }
        let sealed = secretBox.seal(newKey, context: SessionKeys.sealedKeyContext(keyID: newKeyID))
        keys.append(SessionTokenKeyRecord(keyId: newKeyID, sealedKey: sealed, isActive: true, createDate: now))
    }
}
