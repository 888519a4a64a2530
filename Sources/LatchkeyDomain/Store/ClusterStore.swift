#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// What the nodes of one deployment share beyond IAM entities, so that any node can serve any request: a change
/// sequence that tells every node an IAM write happened, store settings (the master-key check), the SAML assertions
/// and MFA failures seen, session revocations, the session-token keys, and the re-sealing of every secret when the
/// master key rotates.
///
/// The conventions are `IdentityStore`'s: every method is one atomic unit (one transaction); errors are
/// `StoreError`; any other error means the store is unavailable. The `modify...` contract of `IdentityStore`
/// ("No lost updates") holds for ``modifySessionTokenKeys(_:)``: `change` may run more than once and must be pure.
public protocol ClusterStore: Sendable {
    // MARK: Change sequence
    /// The current value of the change sequence: 0 in a new store, and never lower than a value read before.
    func changeSequence() async throws -> Int64
    /// Increments the change sequence (after an IAM write, a revocation, a key rotation) and returns the new value.
    @discardableResult
    func announceChange() async throws -> Int64

    // MARK: Store settings
    /// A setting's value (bytes), or nil if it was never set.
    func storeSetting(_ name: String) async throws -> [UInt8]?
    /// Sets the setting only if it has no value yet, in one transaction; returns the value stored afterwards (the
    /// given one, or the one already there), so nodes starting together agree on one value.
    func insertStoreSettingIfAbsent(_ name: String, value: [UInt8]) async throws -> [UInt8]

    // MARK: SAML assertion replay
    /// Records the assertion `id` until `expires` and returns true if it was not recorded already (or its record had
    /// expired at `now`); false for a replay. Atomic across nodes: of two concurrent calls with one ID, one gets
    /// true. Records expired at `now` may be deleted by the same call.
    func recordAssertionUse(id: String, expires: Date, now: Date) async throws -> Bool

    // MARK: MFA failures
    /// The device's consecutive wrong codes and lockout; nil when it has none recorded.
    func mfaFailures(accountId: String, serialNumber: String) async throws -> MFAFailureState?
    /// Counts one wrong code for the device, atomically: the count goes up by one, and when it reaches
    /// `maxFailures` the count goes back to 0 and `lockedUntil` is set to `lockUntil`. Returns the state stored.
    @discardableResult
    func recordMFAFailure(accountId: String, serialNumber: String, maxFailures: Int, lockUntil: Date) async throws
        -> MFAFailureState
    /// Forgets the device's failures and lockout (after a good code, or once a lockout has passed).
    func clearMFAFailures(accountId: String, serialNumber: String) async throws

    // MARK: Session revocations
    /// Inserts a revocation; `.alreadyExists` if its ID is taken.
    func insertSessionRevocation(_ revocation: SessionRevocation) async throws
    /// The revocations whose `expiresAt` is after `now`, ordered by creation date then ID.
    func sessionRevocations(liveAt now: Date) async throws -> [SessionRevocation]
    /// Deletes the revocations whose `expiresAt` is at or before `now`; returns how many.
    @discardableResult
    func deleteSessionRevocations(expiredAt now: Date) async throws -> Int

    // MARK: Session-token keys
    /// The session-token keys, ordered by key ID; empty in a new store.
    func sessionTokenKeys() async throws -> [SessionTokenKeyRecord]
    /// Atomically changes the key list (see `IdentityStore`, "No lost updates"): `change` gets the list as stored
    /// and the result replaces it in the same transaction. Returns the list as stored, ordered by key ID.
    @discardableResult
    func modifySessionTokenKeys(_ change: @escaping @Sendable (inout [SessionTokenKeyRecord]) throws -> Void)
        async throws -> [SessionTokenKeyRecord]

    // MARK: Master-key rotation
    /// Re-seals every secret the store holds (access-key secrets, MFA seeds, outbound signing keys, session-token
    /// keys) with `reseal`, and sets `settings`, in ONE transaction: if `reseal` throws for any secret, nothing is
    /// changed and the error is rethrown unchanged. `reseal` gets each sealed secret with the context it was sealed
    /// under and returns the new sealed bytes; it may be called more than once per secret (a retried transaction).
    /// Returns how many secrets were re-sealed.
    @discardableResult
    func resealSecrets(
        settings: [String: [UInt8]], _ reseal: @escaping @Sendable (SealedSecret) throws -> [UInt8]
    ) async throws -> Int
}

/// The store settings Latchkey itself uses.
public enum StoreSettingName {
    /// A value derived from the master key (`MasterKey.checkValue`): a node whose key gives another value refuses
    /// to start.
    public static let masterKeyCheck = "master-key-check"

    /// Every setting Latchkey uses: what `latchkey migrate-store` copies. A new setting name is added here too.
    public static let all: [String] = [masterKeyCheck]
}

/// A device's consecutive wrong MFA codes and its lockout.
public struct MFAFailureState: Sendable, Hashable {
    /// Wrong codes in a row since the last good code or lockout.
    public var failures: Int
    /// Every code is refused until this date, when set.
    public var lockedUntil: Date?

    public init(failures: Int, lockedUntil: Date? = nil) {
        self.failures = failures
        self.lockedUntil = lockedUntil
    }
}

/// A Latchkey extension beyond AWS: sessions cut off before they expire.
///
/// A revocation names one session (its `ASIA` access key ID) or a principal (a user, a role, a federated user or
/// the root, by ARN, or a long-term `AKIA` key whose derived sessions all go); every session it names that was
/// issued before `issuedBefore` is refused, and so is every session derived from one (role chaining,
/// GetWebIdentityToken). It is kept until `expiresAt`, after which no session it names can still be valid.
public struct SessionRevocation: Sendable, Hashable {
    /// What the revocation names.
    public enum Target: Sendable, Hashable {
        /// One session (`ASIA...`) or every session derived from one long-term key (`AKIA...`).
        case accessKeyId(String)
        /// Every session of the principal with this ARN.
        case principalArn(String)
    }

    /// A unique ID (random).
    public var id: String
    public var accountId: String
    public var target: Target
    /// Sessions issued at or after this date are not revoked.
    public var issuedBefore: Date
    /// When every session it can name has expired: the revocation can be forgotten.
    public var expiresAt: Date
    public var createDate: Date

    public init(
        id: String, accountId: String, target: Target, issuedBefore: Date, expiresAt: Date, createDate: Date
    ) {
        self.id = id
        self.accountId = accountId
        self.target = target
        self.issuedBefore = issuedBefore
        self.expiresAt = expiresAt
        self.createDate = createDate
    }
}

/// One key that session tokens are (or were) sealed under.
public struct SessionTokenKeyRecord: Sendable, Hashable {
    /// The key ID written in the token header.
    public var keyId: UInt32
    /// The 256-bit key sealed with `SecretBox` under the context `session-token-key:<keyId>`; nil for a key
    /// derived from the master key (`MasterKey.sessionTokenLabel(keyID:)`, how keys were made before rotation was
    /// kept in the store).
    public var sealedKey: [UInt8]?
    /// Whether new tokens are sealed under it (exactly one key is active).
    public var isActive: Bool
    public var createDate: Date
    /// Once no longer active: tokens under it still open until this date (the longest session after the rotation).
    public var acceptedUntil: Date?

    public init(keyId: UInt32, sealedKey: [UInt8]?, isActive: Bool, createDate: Date, acceptedUntil: Date? = nil) {
        self.keyId = keyId
        self.sealedKey = sealedKey
        self.isActive = isActive
        self.createDate = createDate
        self.acceptedUntil = acceptedUntil
    }
}

/// A secret held sealed in the store, as ``ClusterStore/resealSecrets(settings:_:)`` hands it out.
public struct SealedSecret: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case accessKeySecret, mfaSeed, outboundSigningKey, sessionTokenKey
    }

    public var kind: Kind
    /// The `SecretBox` context it is sealed under: `access-key:<id>`, `mfa-seed:<serial>`,
    /// `outbound-key/<account>/<kid>`, `session-token-key:<keyId>`.
    public var context: String
    public var sealed: [UInt8]

    public init(kind: Kind, context: String, sealed: [UInt8]) {
        self.kind = kind
        self.context = context
        self.sealed = sealed
    }
}
