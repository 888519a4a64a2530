public import LatchkeyDomain
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A `LatchkeyStore` held in memory, for tests and for a server that needs no persistence.
///
/// It behaves as `SQLiteIdentityStore` does, and the store-contract tests (`LatchkeyStoreContractTests`) run
/// against both: the same `StoreError` codes and details, case-insensitive names stored with their case, listings
/// in the same order (names compared by their lowercased UTF-8 bytes, as SQLite compares its `name_key` columns),
/// and dates kept to the millisecond (rounded to the nearest, as SQLite stores them).
///
/// "No lost updates": one `Mutex` guards the whole state, and every protocol method runs entirely inside it, so
/// every read-modify-write and every quota count is atomic. A method works on a copy of the state and writes it
/// back only when it succeeds, so a failure (a `StoreError`, or an error thrown by a `modify...` caller's
/// `change`) leaves nothing changed, like a rolled-back transaction. A `modify...` caller's `change` runs under the
/// lock, so it must not call the store (the protocol already requires it to be pure).
///
/// Known difference from SQLite: names and other keys are Swift strings, which compare equal under Unicode
/// canonical equivalence, where SQLite compares bytes: two names that differ only in normalization (`é` as one
/// scalar or as `e` + U+0301) are one name here and two in SQLite. IAM's name patterns are ASCII, so the
/// operations never reach it.
public final class InMemoryStore: LatchkeyStore {
    let state = Mutex(MemoryState())

    /// An empty store: no account.
    public init() {}

    /// Runs `body` on the state; its changes are kept only if it returns.
    func write<T: Sendable>(_ body: (inout MemoryState) throws -> T) throws -> T {
        try state.withLock { (stored: inout MemoryState) throws -> T in
            var copy = stored
            let result = try body(&copy)
            stored = copy
            return result
        }
    }

    /// Runs `body` on a consistent view of the state.
    func read<T: Sendable>(_ body: (MemoryState) throws -> T) throws -> T {
        try state.withLock { (stored: inout MemoryState) throws -> T in try body(stored) }
    }
}

/// Everything the store holds: the tables of `SQLiteIdentityStore`, keyed as it keys them.
///
/// Children refer to users, groups and policies by the owner's folded name (``NameKey``), as SQLite's foreign
/// keys do; renames re-key them (SQLite's `ON UPDATE CASCADE`), and reads join back to the owner's stored name.
struct MemoryState: Sendable {
    var accounts: [String: Account] = [:]
    var users: [NameKey: IAMUser] = [:]
    var accessKeys: [String: StoredKey] = [:]
    var mfaDevices: [String: StoredDevice] = [:]
    var roles: [NameKey: IAMRole] = [:]
    var groups: [NameKey: IAMGroup] = [:]
    var memberships: Set<Membership> = []
    var policies: [NameKey: StoredPolicy] = [:]
    var inlinePolicies: [OwnerKey: [String: StoredInline]] = [:]
    var attachments: [OwnerKey: Set<String>] = [:]
    var oidcProviders: [NameKey: OIDCProvider] = [:]
    var samlProviders: [NameKey: SAMLProvider] = [:]
    var outbound: [String: OutboundFederation] = [:]
    // ClusterStore (InMemoryStore+Cluster.swift)
    var changeSequence: Int64 = 0
    var settings: [String: [UInt8]] = [:]
    var assertionUses: [String: Int64] = [:]
    var mfaFailures: [MFADeviceKey: MFAFailureState] = [:]
    var revocations: [String: SessionRevocation] = [:]
    var sessionTokenKeys: [SessionTokenKeyRecord] = []
    // AuditStore (InMemoryStore+Audit.swift): changed in place, never through `write`'s copy.
    var audit = MemoryAuditLog()
}

/// An entity's place in its table: its account and its folded name (or, for OIDC providers, its identity).
struct NameKey: Sendable, Hashable {
    var accountId: String
    var key: String

    init(_ accountId: String, _ key: String) {
        self.accountId = accountId
        self.key = key
    }

    /// The key of a case-insensitive name.
    init(_ accountId: String, name: String) {
        self.init(accountId, Names.fold(name))
    }
}

/// The owner of inline policies and attachments: a user, role or group, by folded name.
struct OwnerKey: Sendable, Hashable {
    enum Kind: Sendable, Hashable { case user, role, group }
    var kind: Kind
    var name: NameKey

    init(_ accountId: String, _ owner: PolicyOwner) {
        switch owner {
        case .user: kind = .user
        case .role: kind = .role
        case .group: kind = .group
        }
        name = NameKey(accountId, name: owner.name)
    }

    init(kind: Kind, name: NameKey) {
        self.kind = kind
        self.name = name
    }
}

/// A user's membership of a group, by folded names.
struct Membership: Sendable, Hashable {
    var accountId: String
    var groupKey: String
    var userKey: String
}

/// An access key row: the owner by folded name, the last recorded use.
struct StoredKey: Sendable {
    var accessKeyId: String
    var accountId: String
    var userKey: String?
    var status: AccessKeyStatus
    var createDate: Date
    var sealedSecret: [UInt8]
    var lastUse: AccessKeyUse?
}

/// An MFA device row: the user it is enabled for by folded name.
struct StoredDevice: Sendable {
    var device: MFADeviceRecord
    var userKey: String?
}

/// A managed policy row with its versions (by number), the default and the next number to use.
struct StoredPolicy: Sendable {
    var policy: ManagedPolicy
    var defaultVersion: Int64
    var nextVersion: Int64
    var versions: [Int64: StoredVersion]
}

struct StoredVersion: Sendable {
    var document: String
    var createDate: Date
}

/// An inline policy: its name as last put, and its document.
struct StoredInline: Sendable {
    var policyName: String
    var document: String
}

/// How names and dates are compared and kept, as `SQLiteIdentityStore` does.
enum Names {
    /// The folded form of a case-insensitive name: what uniqueness and lookups compare.
    static func fold(_ name: String) -> String { name.lowercased() }

    /// SQLite's `BINARY` collation: UTF-8 bytes.
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// Whether `path` starts with `prefix`, compared by code points as SQLite's `substr`/`length` do.
    static func hasPrefix(_ path: String, _ prefix: String) -> Bool {
        path.unicodeScalars.starts(with: prefix.unicodeScalars)
    }

    /// The date rounded to the nearest millisecond, as the SQLite store keeps it.
    static func millis(_ date: Date) -> Date {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        guard value > -9.2e18, value < 9.2e18 else { return date }
        return Date(timeIntervalSince1970: Double(Int64(value)) / 1000)
    }

    /// The millisecond value of a date, for comparisons.
    static func millisValue(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        guard value > -9.2e18, value < 9.2e18 else { return value < 0 ? Int64.min : Int64.max }
        return Int64(value)
    }
}

extension MemoryState {
    /// Throws `.notFound` unless the account exists.
    func requireAccount(_ accountId: String) throws {
        guard accounts[accountId] != nil else { throw StoreError(.notFound, "account \(accountId) does not exist") }
    }

    /// Throws `.notFound` ("KIND NAME in account A does not exist") unless the owner exists; returns its name in
    /// its stored case.
    @discardableResult
    func requireOwner(_ accountId: String, _ owner: PolicyOwner) throws -> String {
        let key = NameKey(accountId, name: owner.name)
        let name: String? =
            switch owner {
            case .user: users[key]?.userName
            case .role: roles[key]?.roleName
            case .group: groups[key]?.groupName
            }
        guard let name else {
            throw StoreError(.notFound, "\(owner.kindName) \(owner.name) in account \(accountId) does not exist")
        }
        return name
    }

    /// The stored name of the user with this folded name.
    func userName(_ accountId: String, key: String?) throws -> String? {
        guard let key else { return nil }
        guard let user = users[NameKey(accountId, key)] else {
            throw StoreError(.corrupt, "a row references a missing user")
        }
        return user.userName
    }
}
