public import LatchkeyDomain

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The key of a device's MFA failures: its account and serial number (compared exactly).
struct MFADeviceKey: Sendable, Hashable {
    var accountId: String
    var serialNumber: String
}

extension InMemoryStore {
    // MARK: Change sequence

    public func changeSequence() async throws -> Int64 {
        try read { state in state.changeSequence }
    }

    @discardableResult
    public func announceChange() async throws -> Int64 {
        try write { state in
            state.changeSequence += 1
            return state.changeSequence
        }
    }

    // MARK: Store settings

    public func storeSetting(_ name: String) async throws -> [UInt8]? {
        try read { state in state.settings[name] }
    }

    public func insertStoreSettingIfAbsent(_ name: String, value: [UInt8]) async throws -> [UInt8] {
        try write { state in
            if let stored = state.settings[name] { return stored }
            state.settings[name] = value
            return value
        }
    }

    // MARK: SAML assertion replay

    /// Forgets the records expired at `now`, then records the ID unless it is recorded: true when recorded.
    public func recordAssertionUse(id: String, expires: Date, now: Date) async throws -> Bool {
        let nowMillis = Names.millisValue(now)
        let expiresMillis = Names.millisValue(expires)
        return try write { state in
            state.assertionUses = state.assertionUses.filter { $0.value > nowMillis }
            guard state.assertionUses[id] == nil else { return false }
            state.assertionUses[id] = expiresMillis
            return true
        }
    }

    // MARK: MFA failures

    public func mfaFailures(accountId: String, serialNumber: String) async throws -> MFAFailureState? {
        try read { state in state.mfaFailures[MFADeviceKey(accountId: accountId, serialNumber: serialNumber)] }
    }

    @discardableResult
    public func recordMFAFailure(
        accountId: String, serialNumber: String, maxFailures: Int, lockUntil: Date
    ) async throws -> MFAFailureState {
        let key = MFADeviceKey(accountId: accountId, serialNumber: serialNumber)
        return try write { state in
            var failures = state.mfaFailures[key] ?? MFAFailureState(failures: 0)
            failures.failures += 1
            if failures.failures >= maxFailures {
                failures.failures = 0
                failures.lockedUntil = Names.millis(lockUntil)
            }
            state.mfaFailures[key] = failures
            return failures
        }
    }

    public func clearMFAFailures(accountId: String, serialNumber: String) async throws {
        try write { state in
            state.mfaFailures[MFADeviceKey(accountId: accountId, serialNumber: serialNumber)] = nil
        }
    }

    // MARK: Session revocations

    public func insertSessionRevocation(_ revocation: SessionRevocation) async throws {
        try write { state in
            guard state.revocations[revocation.id] == nil else {
                throw StoreError(.alreadyExists, "session revocation \(revocation.id) already exists")
            }
            var stored = revocation
            stored.issuedBefore = Names.millis(revocation.issuedBefore)
            stored.expiresAt = Names.millis(revocation.expiresAt)
            stored.createDate = Names.millis(revocation.createDate)
            state.revocations[revocation.id] = stored
        }
    }

    public func sessionRevocations(liveAt now: Date) async throws -> [SessionRevocation] {
        let nowMillis = Names.millisValue(now)
        return try read { state in
            state.revocations.values.filter { Names.millisValue($0.expiresAt) > nowMillis }
                .sorted { lhs, rhs in
                    let (left, right) = (Names.millisValue(lhs.createDate), Names.millisValue(rhs.createDate))
                    return left != right ? left < right : Names.precedes(lhs.id, rhs.id)
                }
        }
    }

    @discardableResult
    public func deleteSessionRevocations(expiredAt now: Date) async throws -> Int {
        let nowMillis = Names.millisValue(now)
        return try write { state in
            let before = state.revocations.count
            state.revocations = state.revocations.filter { Names.millisValue($0.value.expiresAt) > nowMillis }
            return before - state.revocations.count
        }
    }

    // MARK: Session-token keys

    public func sessionTokenKeys() async throws -> [SessionTokenKeyRecord] {
        try read { state in state.sessionTokenKeys }
    }

    /// Applies `change` to the key list under the lock; `.conflict` if the result names one key ID twice.
    @discardableResult
    public func modifySessionTokenKeys(
        _ change: @escaping @Sendable (inout [SessionTokenKeyRecord]) throws -> Void
    ) async throws -> [SessionTokenKeyRecord] {
        try write { state in
            var keys = state.sessionTokenKeys
            try change(&keys)
            guard Set(keys.map(\.keyId)).count == keys.count else {
                throw StoreError(.conflict, "the session-token key list names a key ID twice")
            }
            let stored =
                keys.map { key in
                    var stored = key
                    stored.createDate = Names.millis(key.createDate)
                    stored.acceptedUntil = key.acceptedUntil.map(Names.millis)
                    return stored
                }
                .sorted { $0.keyId < $1.keyId }
            state.sessionTokenKeys = stored
            return stored
        }
    }

    // MARK: Master-key rotation

    /// Re-seals every secret on a copy of the state, kept only if every `reseal` call returns.
    @discardableResult
    public func resealSecrets(
        settings: [String: [UInt8]], _ reseal: @escaping @Sendable (SealedSecret) throws -> [UInt8]
    ) async throws -> Int {
        try write { state in
            var count = 0
            for id in state.accessKeys.keys.sorted(by: Names.precedes) {
                guard var key = state.accessKeys[id] else { continue }
                key.sealedSecret = try reseal(
                    SealedSecret(kind: .accessKeySecret, context: "access-key:\(id)", sealed: key.sealedSecret))
                state.accessKeys[id] = key
                count += 1
            }
            for serial in state.mfaDevices.keys.sorted(by: Names.precedes) {
                guard var device = state.mfaDevices[serial] else { continue }
                device.device.sealedSeed = try reseal(
                    SealedSecret(kind: .mfaSeed, context: "mfa-seed:\(serial)", sealed: device.device.sealedSeed))
                state.mfaDevices[serial] = device
                count += 1
            }
            for account in state.outbound.keys.sorted(by: Names.precedes) {
                guard var federation = state.outbound[account] else { continue }
                for index in federation.keys.indices {
                    let key = federation.keys[index]
                    federation.keys[index].sealedPrivateKey = try reseal(
                        SealedSecret(
                            kind: .outboundSigningKey, context: "outbound-key/\(account)/\(key.keyId)",
                            sealed: key.sealedPrivateKey))
                    count += 1
                }
                state.outbound[account] = federation
            }
            for index in state.sessionTokenKeys.indices {
                let key = state.sessionTokenKeys[index]
                guard let sealed = key.sealedKey else { continue }
                state.sessionTokenKeys[index].sealedKey = try reseal(
                    SealedSecret(kind: .sessionTokenKey, context: "session-token-key:\(key.keyId)", sealed: sealed))
                count += 1
            }
            for (name, value) in settings {
                state.settings[name] = value
            }
            return count
        }
    }
}
