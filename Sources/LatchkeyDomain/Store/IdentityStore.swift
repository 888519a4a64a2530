public import Foundation

/// Why a store operation failed, in terms the IAM operations turn into AWS errors.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable {
        private enum Base: Sendable, Hashable {
            case notFound, alreadyExists, conflict, unavailable, corrupt, limitExceeded
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The entity (or its parent) does not exist.
        public static let notFound = Code(.notFound)
        /// A unique name or ID is already taken.
        public static let alreadyExists = Code(.alreadyExists)
        /// The change conflicts with dependent entities (a user with keys, an enabled MFA device, ...).
        public static let conflict = Code(.conflict)
        /// The database could not be reached or the write failed; nothing was changed.
        public static let unavailable = Code(.unavailable)
        /// A stored row could not be read back (schema drift, hand-edited file).
        public static let corrupt = Code(.corrupt)
        /// A per-owner quota would be exceeded.
        public static let limitExceeded = Code(.limitExceeded)
    }

    public var code: Code
    /// What failed, for logs and, for `conflict`, the dependent kind ("access keys", "MFA devices").
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { detail }
}

/// Every store the operations need: what a store implementation (SQLite, PostgreSQL, in memory) provides.
public typealias LatchkeyStore = IdentityStore & PolicyStore & FederationStore & ClusterStore & AuditStore

/// Persistence of accounts, IAM users, access keys and MFA devices.
///
/// Every method is one atomic unit: it either changes everything it names or nothing. Names are compared as IAM
/// does: user names and MFA device names are unique per account case-insensitively, but stored and returned with
/// the case they were created with. Implementations: SQLite (`LatchkeySQLite`), PostgreSQL
/// (`LatchkeyPostgres`) and in memory (`LatchkeyMemoryStore`).
/// Errors are `StoreError`; any other error means the store is unavailable.
///
/// ## No lost updates: the rule for every store
///
/// Every read-modify-write of an entity happens in one write transaction (or is a targeted update of the changed
/// columns/rows); every quota is checked inside the transaction that inserts. A caller never reads an entity,
/// changes it in memory and writes the whole of it back in a second call: two concurrent callers would both
/// succeed and one change would be lost (a tightened trust policy silently undone by a concurrent `TagRole`).
///
/// The `modify...` methods (``modifyUser(accountId:userName:_:)``, `PolicyStore.modifyRole`,
/// `PolicyStore.modifyManagedPolicyTags`, `FederationStore.modifyOIDCProvider`, `FederationStore.modifySAMLProvider`,
/// `FederationStore.modifyOutboundFederation`) share one contract:
/// - the store reads the current entity INSIDE its write transaction, calls `change` with it, and writes the
///   result in that same transaction; it returns the entity as stored;
/// - an error thrown by `change` aborts the transaction (nothing is written) and is rethrown unchanged (never
///   turned into `.unavailable`), so a caller can throw its own domain errors from `change`;
/// - `change` may be called more than once (a store may retry after a serialization conflict, as PostgreSQL does
///   with `SERIALIZABLE` or after losing a row lock), so it must be pure: it depends only on its argument and
///   on values captured before the call, and has no side effects;
/// - `.notFound` if the entity is missing (then `change` is not called);
/// - only the fields each method names are written; changes `change` makes to the others (names, IDs, paths,
///   creation dates, boundaries, which have their own targeted methods) are ignored.
public protocol IdentityStore: Sendable {
    // MARK: Accounts
    /// Inserts an account; `.alreadyExists` if the ID exists.
    func insertAccount(_ account: Account) async throws
    /// Inserts the account only if the store holds no account at all, checked in the same transaction (so servers
    /// starting together on one empty store create one first account); returns whether it was inserted.
    func insertFirstAccount(_ account: Account) async throws -> Bool
    func account(id: String) async throws -> Account?
    /// All accounts, ordered by ID.
    func accounts() async throws -> [Account]

    // MARK: Users
    /// Inserts a user; `.alreadyExists` if the name (case-insensitively) exists in the account, `.notFound` if the
    /// account does not exist.
    func insertUser(_ user: IAMUser) async throws
    /// Case-insensitive lookup by name.
    func user(accountId: String, userName: String) async throws -> IAMUser?
    /// Users whose path starts with `pathPrefix`, ordered by name (case-insensitively).
    func users(accountId: String, pathPrefix: String) async throws -> [IAMUser]
    /// Atomically changes the user's tags (see "No lost updates" above): `change` gets the user as stored and
    /// its `tags` are written in the same transaction. Returns the user as stored after the change. `.notFound`
    /// if missing.
    @discardableResult
    func modifyUser(accountId: String, userName: String, _ change: @escaping @Sendable (inout IAMUser) throws -> Void)
        async throws -> IAMUser
    /// Renames the user and/or moves it to another path (nil keeps the current value), keeping its user ID;
    /// access keys, MFA devices, group memberships, inline and attached policies, boundary and tags follow.
    /// `.notFound` if missing; `.alreadyExists` if `newUserName` (case-insensitively) names another user of the
    /// account. Returns the user as stored after the change.
    func renameUser(accountId: String, userName: String, newUserName: String?, newPath: String?) async throws -> IAMUser
    /// Deletes the user; `.notFound` if missing; `.conflict` with detail "access keys" or "MFA devices" while the
    /// user still has access keys or an enabled MFA device.
    func deleteUser(accountId: String, userName: String) async throws

    // MARK: Access keys
    /// Inserts a key; `.alreadyExists` if the ID exists; `.notFound` if its user or account is missing;
    /// `.limitExceeded` if its owner (user, or root when `userName` is nil) already has `maxKeysPerOwner` keys,
    /// counted in the same transaction as the insert.
    func insertAccessKey(_ key: AccessKeyRecord, maxKeysPerOwner: Int?) async throws
    /// Inserts or replaces a root key declared by the bootstrap file; `.conflict` if the ID belongs to another
    /// account or to a user.
    func putRootAccessKey(_ key: AccessKeyRecord) async throws
    func accessKey(id: String) async throws -> AccessKeyRecord?
    /// The keys of a user, or of the account's root when `userName` is nil, ordered by creation date.
    func accessKeys(accountId: String, userName: String?) async throws -> [AccessKeyRecord]
    /// `.notFound` if missing.
    func updateAccessKeyStatus(id: String, status: AccessKeyStatus) async throws
    /// `.notFound` if missing.
    func deleteAccessKey(id: String) async throws
    /// The last use recorded for the key by ``recordAccessKeyUses(_:)``; nil if the key was never used (or is
    /// missing).
    func accessKeyLastUse(id: String) async throws -> AccessKeyUse?
    /// Records the uses, each only if it is later than the use already stored for its key (so batches from
    /// several nodes, in any order, keep the latest). Uses of keys that no longer exist are ignored. One
    /// transaction for the whole batch.
    func recordAccessKeyUses(_ uses: [AccessKeyUse]) async throws

    // MARK: MFA devices
    /// `.alreadyExists` if the serial number exists; `.notFound` if the account is missing.
    func insertMFADevice(_ device: MFADeviceRecord) async throws
    func mfaDevice(accountId: String, serialNumber: String) async throws -> MFADeviceRecord?
    /// All devices of the account, ordered by serial number.
    func mfaDevices(accountId: String) async throws -> [MFADeviceRecord]
    /// Enables the device for a user and records the last accepted step; `.notFound` if the device or user is
    /// missing, `.conflict` if the device is already enabled (for anyone).
    func enableMFADevice(
        accountId: String, serialNumber: String, userName: String, enableDate: Date, lastUsedStep: Int64)
        async throws
    /// Detaches the device from its user; `.notFound` if missing or not enabled.
    func deactivateMFADevice(accountId: String, serialNumber: String) async throws
    /// `.notFound` if missing; `.conflict` if it is still enabled for a user.
    func deleteMFADevice(accountId: String, serialNumber: String) async throws
    /// Atomically accepts `step` if it is later than the device's last used step, recording it; returns false
    /// (and changes nothing) when the step was already used. `.notFound` if the device is missing.
    func consumeMFAStep(accountId: String, serialNumber: String, step: Int64) async throws -> Bool
}

extension IdentityStore {
    /// Inserts a key with no quota.
    public func insertAccessKey(_ key: AccessKeyRecord) async throws {
        try await insertAccessKey(key, maxKeysPerOwner: nil)
    }
}
