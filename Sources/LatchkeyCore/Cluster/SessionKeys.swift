import Crypto
public import Foundation
public import LatchkeyDomain
public import LatchkeyTokens
import Synchronization

/// The session-token keys of one node: the ring that seals new session tokens and opens the ones any node sealed,
/// built from the keys the store holds (`ClusterStore.sessionTokenKeys()`) and rebuilt when they change.
///
/// - A rotation (``SessionKeyRotation``) adds a key and makes it active; the key it replaces stays accepted until
///   every token it sealed has expired (its `acceptedUntil`), then drops out of the ring at the first use after that
///   date, with no store read.
/// - ``refresh(now:)`` reloads the keys; the server calls it when the change feed reports a change.
/// - A token under a key ID higher than any this node has seen was sealed by a node that already knows a newer key:
///   ``open(_:now:)`` reloads the keys once and retries, at most once per `unknownKeyReloadInterval` (concurrent
///   requests wait for the same reload), so no live session is refused while the nodes catch up.
/// - When the store's master-key check value stops matching this node's master key (another node ran
///   `latchkey admin rotate-master-key`), ``masterKeyRotatedAway`` turns true and stays so: the node can no longer
///   open or seal what the store holds and must be restarted with the new key.
public final class SessionKeys: Sendable {
    /// Longest validity of a session token: GetSessionToken and GetFederationToken grant up to 36 hours.
    public static let longestSessionLifetime: TimeInterval = 36 * 3600
    /// Allowance for nodes' clocks that differ and for a node that seals under the old key until it reloads.
    public static let clockSkewAllowance: TimeInterval = 15 * 60
    /// How long a key replaced by a rotation stays accepted: every token it sealed has expired by then.
    public static let retirementDelay: TimeInterval = longestSessionLifetime + clockSkewAllowance

    /// What a node whose master key was rotated away answers (ServiceUnavailable) until it is restarted.
    public static let masterKeyRotatedMessage =
        "The master key was rotated: this node must be restarted with the new key. Please retry on another node."

    /// The `SecretBox` context a key made by rotation is sealed under.
    public static func sealedKeyContext(keyID: UInt32) -> String { "session-token-key:\(keyID)" }

    /// Something the server should log or act on.
    public enum Event: Sendable, Equatable {
        /// The ring changed: the active key and every accepted key.
        case loaded(activeKeyID: UInt32, acceptedKeyIDs: [UInt32])
        /// The store's master-key check no longer matches this node's key.
        case masterKeyRotated
    }

    private struct Loaded: Sendable {
        var ring: SessionTokenKeyRing
        /// Every key of the ring, for rebuilding it when a key retires.
        var keys: [UInt32: SymmetricKey]
        /// When each inactive key of the ring stops being accepted.
        var retirements: [UInt32: Date]
        /// The highest key ID in the store when loaded (retired keys included).
        var highestKeyID: UInt32
        /// The first of `retirements`.
        var nextRetirement: Date? { retirements.values.min() }

        /// The ring without the keys retired at `now`.
        func retiring(at now: Date) -> Loaded {
            var next = self
            for (keyID, until) in retirements where until <= now {
                next.keys[keyID] = nil
                next.retirements[keyID] = nil
            }
            // The active key is never among `retirements`, so the smaller ring is valid.
            if let ring = try? SessionTokenKeyRing(keys: next.keys, activeKeyID: ring.activeKeyID) {
                next.ring = ring
            }
            return next
        }
    }

    private struct Source: Sendable {
        let store: any ClusterStore
        let masterKey: MasterKey
        let secretBox: SecretBox
    }

    private struct ReloadGate {
        var lastStart: ContinuousClock.Instant?
        var running: Task<Void, Never>?
    }

    private let loaded: Mutex<(sequence: UInt64, value: Loaded)>
    private let loadSequence = Atomic<UInt64>(0)
    private let source: Source?
    private let rotatedAway = Atomic<Bool>(false)
    private let unknownKeyReloadInterval: Duration
    private let gate = Mutex(ReloadGate())
    private let onEvent: @Sendable (Event) -> Void

    /// A fixed ring that never reloads (services built without a cluster store, tests).
    public init(ring: SessionTokenKeyRing) {
        let value = Loaded(ring: ring, keys: [:], retirements: [:], highestKeyID: ring.acceptedKeyIDs.max() ?? 0)
        loaded = Mutex((0, value))
        source = nil
        unknownKeyReloadInterval = .seconds(1)
        onEvent = { _ in }
    }

    private init(
        loaded value: Loaded, source: Source, unknownKeyReloadInterval: Duration,
        onEvent: @escaping @Sendable (Event) -> Void
    ) {
        loaded = Mutex((0, value))
        self.source = source
        self.unknownKeyReloadInterval = unknownKeyReloadInterval
        self.onEvent = onEvent
    }

    /// Loads the keys from `store`. A store that holds none yet first gets the keys the configuration implies
    /// (``SessionKeyRotation/recordConfiguredKeysIfEmpty(store:activeKeyID:now:)``), so tokens sealed before the
    /// upgrade keep opening; once the store holds keys they are the truth and `configuredActiveKeyID` is unused.
    /// - Throws: the store's error, or ``SessionKeysError`` when the keys cannot be used (one does not open under
    ///   `masterKey`, no key is active).
    public static func load(
        store: any ClusterStore, masterKey: MasterKey, configuredActiveKeyID: UInt32 = 1, now: Date,
        unknownKeyReloadInterval: Duration = .seconds(1), onEvent: @escaping @Sendable (Event) -> Void = { _ in }
    ) async throws -> SessionKeys {
        let records = try await SessionKeyRotation.recordConfiguredKeysIfEmpty(
            store: store, activeKeyID: configuredActiveKeyID, now: now)
        let source = Source(store: store, masterKey: masterKey, secretBox: SecretBox(masterKey: masterKey))
        let value = try build(records, source: source, now: now)
        let keys = SessionKeys(
            loaded: value, source: source, unknownKeyReloadInterval: unknownKeyReloadInterval, onEvent: onEvent)
        onEvent(.loaded(activeKeyID: value.ring.activeKeyID, acceptedKeyIDs: value.ring.acceptedKeyIDs.sorted()))
        return keys
    }

    /// The ring as loaded (keys retired since are dropped at the next ``open(_:now:)``).
    public var ring: SessionTokenKeyRing { loaded.withLock { $0.value.ring } }

    /// The key new tokens are sealed under.
    public var activeKeyID: UInt32 { ring.activeKeyID }

    /// Whether the store's secrets were re-sealed under another master key since this node loaded: it must not
    /// seal or open anything until restarted with the new key.
    public var masterKeyRotatedAway: Bool { rotatedAway.load(ordering: .acquiring) }

    /// Seals `claims` under the active key (see `SessionTokenKeyRing.seal`).
    public func seal(_ claims: SessionTokenClaims) throws(SessionTokenError) -> String {
        try ring.seal(claims)
    }

    /// Opens a token sealed under any key accepted at `now`; a key ID newer than this node knows triggers one
    /// (rate-limited) reload from the store and a second attempt. Expiry is not checked.
    public func open(_ token: String, now: Date) async throws(SessionTokenError) -> SessionTokenClaims {
        do throws(SessionTokenError) {
            return try ring(at: now).open(token)
        } catch {
            guard error.code == .unknownKey, source != nil, let keyID = SessionTokenKeyRing.keyID(ofToken: token),
                keyID > loaded.withLock({ $0.value.highestKeyID })
            else { throw error }
            await reloadForUnknownKey(now: now)
            return try ring(at: now).open(token)
        }
    }

    /// Reads the master-key check and the keys from the store and rebuilds the ring (after a change reported by the
    /// change feed, or as a periodic backstop). Throws the store's error, or ``SessionKeysError``; the ring in use
    /// stays as it was when it throws.
    public func refresh(now: Date) async throws {
        guard let source else { return }
        if let check = try await source.store.storeSetting(StoreSettingName.masterKeyCheck),
            !source.masterKey.matchesCheckValue(check)
        {
            if !rotatedAway.exchange(true, ordering: .acquiringAndReleasing) { onEvent(.masterKeyRotated) }
            return
        }
        guard !masterKeyRotatedAway else { return }
        let sequence = loadSequence.add(1, ordering: .relaxed).newValue
        let records = try await source.store.sessionTokenKeys()
        let value = try Self.build(records, source: source, now: now)
        let changed = loaded.withLock { current -> Bool in
            // A slower reload that started earlier must not replace a newer ring.
            guard sequence > current.sequence else { return false }
            let before = current.value.ring
            current = (sequence, value)
            return before.activeKeyID != value.ring.activeKeyID || before.acceptedKeyIDs != value.ring.acceptedKeyIDs
        }
        if changed {
            onEvent(.loaded(activeKeyID: value.ring.activeKeyID, acceptedKeyIDs: value.ring.acceptedKeyIDs.sorted()))
        }
    }

    /// The ring at `now`: keys whose `acceptedUntil` has passed are dropped first.
    private func ring(at now: Date) -> SessionTokenKeyRing {
        loaded.withLock { current in
            if let next = current.value.nextRetirement, next <= now {
                current.value = current.value.retiring(at: now)
            }
            return current.value.ring
        }
    }

    /// One reload for tokens under an unknown key: joins a reload in progress, else starts one unless one started
    /// less than `unknownKeyReloadInterval` ago (a client sending made-up key IDs costs at most one store read per
    /// interval).
    private func reloadForUnknownKey(now: Date) async {
        let task: Task<Void, Never>? = gate.withLock { gate in
            if let running = gate.running { return running }
            let instant = ContinuousClock.now
            if let last = gate.lastStart, last.duration(to: instant) < unknownKeyReloadInterval { return nil }
            gate.lastStart = instant
            let task = Task { [self] in
                // A failed reload leaves the ring as it was: the token is refused as unknown.
                try? await self.refresh(now: now)
                self.gate.withLock { $0.running = nil }
            }
            gate.running = task
            return task
        }
        await task?.value
    }

    /// The ring of `records` at `now`: the active key and every key still accepted.
    private static func build(_ records: [SessionTokenKeyRecord], source: Source, now: Date) throws -> Loaded {
        let active = records.filter(\.isActive)
        guard active.count == 1, let activeKeyID = active.first?.keyId else {
            throw SessionKeysError(
                "the store holds \(active.count) active session-token keys instead of one")
        }
        var keys: [UInt32: SymmetricKey] = [:]
        var retirements: [UInt32: Date] = [:]
        for record in records {
            if !record.isActive {
                guard let until = record.acceptedUntil, until > now else { continue }
                retirements[record.keyId] = until
            }
            keys[record.keyId] = try key(of: record, source: source)
        }
        let ring: SessionTokenKeyRing
        do {
            ring = try SessionTokenKeyRing(keys: keys, activeKeyID: activeKeyID)
        } catch {
            throw SessionKeysError("the session-token keys in the store do not make a key ring: \(error)")
        }
        return Loaded(
            ring: ring, keys: keys, retirements: retirements, highestKeyID: records.map(\.keyId).max() ?? activeKeyID)
    }

    /// The key of `record`: opened with the at-rest box, or derived from the master key when not sealed.
    static func key(of record: SessionTokenKeyRecord, masterKey: MasterKey, secretBox: SecretBox) throws
        -> SymmetricKey
    {
        guard let sealed = record.sealedKey else {
            return masterKey.derivedKey(label: MasterKey.sessionTokenLabel(keyID: record.keyId))
        }
        let bytes: [UInt8]
        do {
            bytes = try secretBox.open(sealed, context: sealedKeyContext(keyID: record.keyId))
        } catch {
            throw SessionKeysError(
                "session-token key \(record.keyId) does not open with this master key (was the master key rotated?)")
        }
        guard bytes.count == 32 else {
            throw SessionKeysError("session-token key \(record.keyId) is not 256 bits long")
        }
        return SymmetricKey(data: bytes)
    }

    private static func key(of record: SessionTokenKeyRecord, source: Source) throws -> SymmetricKey {
        try key(of: record, masterKey: source.masterKey, secretBox: source.secretBox)
    }
}

/// Why the session-token keys could not be loaded or rotated. The message never holds key material.
public struct SessionKeysError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
