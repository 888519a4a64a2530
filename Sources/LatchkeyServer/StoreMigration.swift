public import Foundation
public import LatchkeyDomain
public import LatchkeySQLite

/// Copies everything a store holds into another, empty, store through the store protocols: what
/// `latchkey migrate-store` does to move a single-node SQLite store to PostgreSQL.
///
/// Every entity is copied as it is stored: IDs, names in their case, paths, dates, tags, boundaries, statuses,
/// last uses, enabled MFA devices with their last used step, every managed-policy version with its ID, document,
/// date and default, group memberships, inline policies, attachments, identity providers, the outbound issuer and
/// its keys, the store settings (the master-key check), the session-token keys, the live session revocations and the
/// audit events (LookupEvents; an event the target already holds is skipped).
/// Secrets (access-key secrets, MFA seeds, outbound and session-token keys) are copied sealed, byte for byte: the
/// same master key opens them in the target. Per-node, short-lived state is not copied: SAML assertion uses and MFA
/// failure counts.
///
/// The target must be empty (no account, no session-token key, no revocation, no setting that differs from the
/// source's); ``checkTarget()`` refuses anything else before anything is written. The copy is not one transaction
/// (the protocols have none spanning calls): if it fails half-way, the target holds a part of the source and is no
/// longer empty, so a second run refuses it; drop and recreate the target database, then run again. The source
/// must not change during the copy (stop the servers that use it).
public struct StoreMigration: Sendable {
    /// How many of each kind were copied.
    public struct Counts: Sendable, Hashable {
        public var accounts = 0
        public var users = 0
        public var accessKeys = 0
        public var accessKeyLastUses = 0
        public var mfaDevices = 0
        public var roles = 0
        public var managedPolicies = 0
        public var policyVersions = 0
        public var groups = 0
        public var groupMemberships = 0
        public var inlinePolicies = 0
        public var attachedPolicies = 0
        public var oidcProviders = 0
        public var samlProviders = 0
        public var outboundIssuers = 0
        public var outboundSigningKeys = 0
        public var storeSettings = 0
        public var sessionTokenKeys = 0
        public var sessionRevocations = 0
        public var auditEvents = 0

        public init() {}

        /// The counts with their labels, in the order they are printed.
        public var lines: [(label: String, count: Int)] {
            [
                ("accounts", accounts), ("users", users), ("access keys", accessKeys),
                ("access-key last uses", accessKeyLastUses), ("MFA devices", mfaDevices), ("roles", roles),
                ("managed policies", managedPolicies), ("policy versions", policyVersions), ("groups", groups),
                ("group memberships", groupMemberships), ("inline policies", inlinePolicies),
                ("policy attachments", attachedPolicies), ("OIDC providers", oidcProviders),
                ("SAML providers", samlProviders), ("outbound issuers", outboundIssuers),
                ("outbound signing keys", outboundSigningKeys), ("store settings", storeSettings),
                ("session-token keys", sessionTokenKeys), ("live session revocations", sessionRevocations),
                ("audit events", auditEvents),
            ]
        }
    }

    /// Why a migration was refused or stopped: a message for the operator.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String

        public init(_ description: String) {
            self.description = description
        }
    }

    let source: any LatchkeyStore
    let target: any LatchkeyStore
    let now: Date
    let nextVersionNumber: @Sendable (ManagedPolicy) async throws -> Int64?

    /// - Parameters:
    ///   - now: revocations live at this date are copied (expired ones are no longer needed).
    ///   - nextVersionNumber: the number the policy's next version gets in the source (nil when unknown: one past
    ///     its highest version); version numbers are never reused, so the target must continue from it.
    public init(
        source: any LatchkeyStore, target: any LatchkeyStore, now: Date,
        nextVersionNumber: @escaping @Sendable (ManagedPolicy) async throws -> Int64?
    ) {
        self.source = source
        self.target = target
        self.now = now
        self.nextVersionNumber = nextVersionNumber
    }

    /// A migration from an SQLite store, which knows its policies' version counters.
    public init(source: SQLiteIdentityStore, target: any LatchkeyStore, now: Date) {
        self.init(source: source, target: target, now: now) { policy in
            try await source.nextPolicyVersionNumber(accountId: policy.accountId, policyName: policy.policyName)
        }
    }

    /// Throws ``Failure`` unless the target is empty and the source holds an account; writes nothing.
    public func checkTarget() async throws {
        let accounts = try await target.accounts()
        guard accounts.isEmpty else {
            throw Failure(
                "the target store is not empty: it holds \(accounts.count) account(s) (\(accounts[0].id)...); "
                    + "migrate-store only copies into an empty store")
        }
        guard try await target.sessionTokenKeys().isEmpty else {
            throw Failure("the target store is not empty: it holds session-token keys")
        }
        guard try await target.sessionRevocations(liveAt: .distantPast).isEmpty else {
            throw Failure("the target store is not empty: it holds session revocations")
        }
        for name in StoreSettingName.all {
            guard let value = try await target.storeSetting(name) else { continue }
            guard let sourceValue = try await source.storeSetting(name), sourceValue == value else {
                throw Failure(
                    "the target store's setting \(name) differs from the source's (a server with another master key "
                        + "used it?)")
            }
        }
        guard try await !source.accounts().isEmpty else {
            throw Failure("the source store holds no account: nothing to copy")
        }
    }

    /// Checks the target (``checkTarget()``), then copies everything; returns what was copied.
    public func run() async throws -> Counts {
        try await checkTarget()
        var counts = Counts()
        for account in try await source.accounts() {
            try await copyAccount(account, &counts)
        }
        try await copyCluster(&counts)
        counts.auditEvents = try await copyAuditEvents()
        return counts
    }

    // MARK: Entities

    private func copyAccount(_ account: Account, _ counts: inout Counts) async throws {
        let accountId = account.id
        let source = self.source
        let target = self.target
        try await target.insertAccount(account)
        counts.accounts += 1

        // Policies first: users and roles name them as boundaries, owners attach them.
        let policies = try await source.managedPolicies(accountId: accountId, pathPrefix: "/", onlyAttached: false)
        counts.policyVersions += try await Self.concurrentMap(policies) { policy in
            try await self.copyManagedPolicy(policy)
        }.reduce(0, +)
        counts.managedPolicies += policies.count

        // Then the principals and groups, then what hangs off them.
        let roles = try await source.roles(accountId: accountId, pathPrefix: "/")
        let users = try await source.users(accountId: accountId, pathPrefix: "/")
        let groups = try await source.groups(accountId: accountId, pathPrefix: "/")
        _ = try await Self.concurrentMap(roles) { role in try await target.insertRole(role) }
        _ = try await Self.concurrentMap(users) { user in try await target.insertUser(user) }
        _ = try await Self.concurrentMap(groups) { group in try await target.insertGroup(group) }
        counts.roles += roles.count
        counts.users += users.count
        counts.groups += groups.count

        counts.groupMemberships += try await Self.concurrentMap(groups) { group in
            let members = try await source.usersInGroup(accountId: accountId, groupName: group.groupName)
            for member in members {
                try await target.addUserToGroup(
                    accountId: accountId, groupName: group.groupName, userName: member.userName, maxGroupsPerUser: nil)
            }
            return members.count
        }.reduce(0, +)

        let owners: [PolicyOwner] =
            roles.map { .role($0.roleName) } + users.map { .user($0.userName) } + groups.map { .group($0.groupName) }
        let ownerCounts = try await Self.concurrentMap(owners) { owner in
            var inline = 0
            for name in try await source.inlinePolicyNames(accountId: accountId, owner: owner) {
                guard let policy = try await source.inlinePolicy(accountId: accountId, owner: owner, policyName: name)
                else { throw Failure("inline policy \(name) of \(owner.kindName) \(owner.name) vanished") }
                try await target.putInlinePolicy(policy, maxTotalSize: nil)
                inline += 1
            }
            let attached = try await source.attachedPolicies(accountId: accountId, owner: owner)
            for policy in attached {
                try await target.attachPolicy(
                    accountId: accountId, owner: owner, policyArn: policy.policyArn, maxAttachedPolicies: nil)
            }
            return (inline: inline, attached: attached.count)
        }
        counts.inlinePolicies += ownerCounts.map(\.inline).reduce(0, +)
        counts.attachedPolicies += ownerCounts.map(\.attached).reduce(0, +)

        // Access keys of every user and of the root, with their last use.
        let keyOwners: [String?] = users.map(\.userName) + [nil]
        let keyCounts = try await Self.concurrentMap(keyOwners) { userName in
            let keys = try await source.accessKeys(accountId: accountId, userName: userName)
            var uses: [AccessKeyUse] = []
            for key in keys {
                try await target.insertAccessKey(key, maxKeysPerOwner: nil)
                if let use = try await source.accessKeyLastUse(id: key.accessKeyId) { uses.append(use) }
            }
            return (keys: keys.count, uses: uses)
        }
        counts.accessKeys += keyCounts.map(\.keys).reduce(0, +)
        let uses = keyCounts.flatMap(\.uses)
        if !uses.isEmpty {
            try await target.recordAccessKeyUses(uses)
            counts.accessKeyLastUses += uses.count
        }
        let devices = try await source.mfaDevices(accountId: accountId)
        _ = try await Self.concurrentMap(devices) { device in try await target.insertMFADevice(device) }
        counts.mfaDevices += devices.count

        let oidc = try await source.oidcProviders(accountId: accountId)
        for provider in oidc {
            try await target.insertOIDCProvider(provider, maxPerAccount: nil)
        }
        counts.oidcProviders += oidc.count
        let saml = try await source.samlProviders(accountId: accountId)
        for provider in saml {
            try await target.insertSAMLProvider(provider, maxPerAccount: nil)
        }
        counts.samlProviders += saml.count
        if let outbound = try await source.outboundFederation(accountId: accountId) {
            try await target.modifyOutboundFederation(accountId: accountId) { state in state = outbound }
            counts.outboundIssuers += 1
            counts.outboundSigningKeys += outbound.keys.count
        }
    }

    /// How many store calls a migration runs at once (per kind of entity): the PostgreSQL pool's default size
    /// less a little, so that the copy does not wait on round trips one at a time.
    static let concurrency = 8

    /// `body` for every element, at most ``concurrency`` at a time; the results in the elements' order. The first
    /// error thrown cancels the others and is rethrown.
    static func concurrentMap<Element: Sendable, Result: Sendable>(
        _ elements: [Element], _ body: @escaping @Sendable (Element) async throws -> Result
    ) async throws -> [Result] {
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var results: [Result?] = Array(repeating: nil, count: elements.count)
            var next = 0
            func start() {
                let index = next
                let element = elements[index]
                group.addTask { (index, try await body(element)) }
                next += 1
            }
            while next < min(concurrency, elements.count) { start() }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < elements.count { start() }
            }
            return results.compactMap { $0 }
        }
    }

    /// Copies a managed policy with its versions as they are numbered in the source; returns how many versions.
    ///
    /// The protocols number versions themselves (one past the highest ever used), so the copy replays the
    /// numbering: it creates every number up to the source's highest ever used, with the source's document and
    /// date where the version still exists and the default's document where it was deleted, sets the default,
    /// then deletes the numbers the source no longer has. The policy's update date is the creation date of the
    /// last version created, as in the source.
    private func copyManagedPolicy(_ policy: ManagedPolicy) async throws -> Int {
        let arn = policy.arn
        let versions = try await source.policyVersions(policyArn: arn)
        var byNumber: [Int64: PolicyVersion] = [:]
        for version in versions {
            guard let number = Self.versionNumber(version.versionId) else {
                throw Failure("policy \(arn) has a version with an unexpected ID \(version.versionId)")
            }
            byNumber[number] = version
        }
        guard let defaultVersion = versions.first(where: \.isDefaultVersion) else {
            throw Failure("policy \(arn) has no default version")
        }
        let highest = byNumber.keys.max() ?? 1
        let next = max(try await nextVersionNumber(policy) ?? highest + 1, highest + 1)
        let filler = defaultVersion.document

        try await target.insertManagedPolicy(policy, document: byNumber[1]?.document ?? filler)
        if next > 2 {
            for number in 2..<next {
                let version = byNumber[number]
                let date = version?.createDate ?? (number == next - 1 ? policy.updateDate : policy.createDate)
                let created = try await target.createPolicyVersion(
                    policyArn: arn, document: version?.document ?? filler, setAsDefault: false, createDate: date,
                    maxVersions: Int.max)
                guard created.versionId == "v\(number)" else {
                    throw Failure("the target numbered version v\(number) of \(arn) as \(created.versionId)")
                }
            }
        }
        if defaultVersion.versionId != "v1" {
            try await target.setDefaultPolicyVersion(policyArn: arn, versionId: defaultVersion.versionId)
        }
        for number in 1..<next where byNumber[number] == nil {
            try await target.deletePolicyVersion(policyArn: arn, versionId: "v\(number)")
        }
        return versions.count
    }

    /// `v12` → 12.
    static func versionNumber(_ versionId: String) -> Int64? {
        guard versionId.hasPrefix("v"), let number = Int64(versionId.dropFirst()), number >= 1 else { return nil }
        return number
    }

    // MARK: Cluster state

    private func copyCluster(_ counts: inout Counts) async throws {
        for name in StoreSettingName.all {
            guard let value = try await source.storeSetting(name) else { continue }
            let stored = try await target.insertStoreSettingIfAbsent(name, value: value)
            guard stored == value else {
                throw Failure("the target store's setting \(name) was set by someone else during the copy")
            }
            counts.storeSettings += 1
        }
        let keys = try await source.sessionTokenKeys()
        if !keys.isEmpty {
            try await target.modifySessionTokenKeys { stored in stored = keys }
            counts.sessionTokenKeys = keys.count
        }
        for revocation in try await source.sessionRevocations(liveAt: now) {
            try await target.insertSessionRevocation(revocation)
            counts.sessionRevocations += 1
        }
    }
}

// MARK: Audit events

extension StoreMigration {
    /// Events per page read from the source and per batch appended to the target.
    static let auditPage = 1000

    /// Every account's audit events, newest first, a page at a time (memory stays bounded whatever the trail's
    /// size); returns how many were read.
    private func copyAuditEvents() async throws -> Int {
        var query = AuditQuery(accountId: nil, maxResults: Self.auditPage)
        var copied = 0
        while true {
            let page = try await source.auditRecords(query)
            try await target.appendAuditRecords(page.records)
            copied += page.records.count
            guard let token = page.nextPageToken else { return copied }
            query.pageToken = token
        }
    }

    /// Reads both stores' audit events page by page; the first that differs (or a trail longer on one side) is
    /// named.
    func auditDifference() async throws -> String? {
        var sourceQuery = AuditQuery(accountId: nil, maxResults: Self.auditPage)
        var targetQuery = sourceQuery
        while true {
            let expected = try await source.auditRecords(sourceQuery)
            let copied = try await target.auditRecords(targetQuery)
            guard expected.records == copied.records else { return "audit events" }
            switch (expected.nextPageToken, copied.nextPageToken) {
            case (nil, nil): return nil
            case (let next?, let other?):
                sourceQuery.pageToken = next
                targetQuery.pageToken = other
            default: return "audit events"
            }
        }
    }
}

// MARK: Verification

extension StoreMigration {
    /// Reads everything back from both stores and throws ``Failure`` naming the first kind that differs.
    public func verify() async throws {
        let expected = try await StoreSnapshot.read(source, now: now)
        let copied = try await StoreSnapshot.read(target, now: now)
        var difference = expected.firstDifference(from: copied)
        if difference == nil { difference = try await auditDifference() }
        if let difference {
            throw Failure("the copy does not read back equal to the source: \(difference) differ")
        }
    }
}

/// Everything a store holds that ``StoreMigration`` copies, as the store protocols read it back: two stores holding
/// the same entities give equal snapshots.
public struct StoreSnapshot: Sendable, Equatable {
    /// One account and everything in it.
    public struct AccountContents: Sendable, Equatable {
        public var account: Account
        public var users: [IAMUser] = []
        public var accessKeys: [AccessKeyRecord] = []
        public var accessKeyLastUses: [AccessKeyUse] = []
        public var mfaDevices: [MFADeviceRecord] = []
        public var roles: [IAMRole] = []
        public var managedPolicies: [ManagedPolicy] = []
        public var policyVersions: [[PolicyVersion]] = []
        public var groups: [IAMGroup] = []
        public var groupMembers: [[String]] = []
        public var inlinePolicies: [InlinePolicy] = []
        public var attachedPolicies: [[AttachedPolicy]] = []
        public var oidcProviders: [OIDCProvider] = []
        public var samlProviders: [SAMLProvider] = []
        public var outbound: OutboundFederation?
    }

    public var accounts: [AccountContents] = []
    public var settings: [String: [UInt8]] = [:]
    public var sessionTokenKeys: [SessionTokenKeyRecord] = []
    public var sessionRevocations: [SessionRevocation] = []

    /// Reads the store: every account's contents, the settings Latchkey uses, the session-token keys and the
    /// revocations live at `now`.
    public static func read(_ store: any LatchkeyStore, now: Date) async throws -> StoreSnapshot {
        var snapshot = StoreSnapshot()
        for account in try await store.accounts() {
            let id = account.id
            var contents = AccountContents(account: account)
            contents.users = try await store.users(accountId: id, pathPrefix: "/")
            contents.roles = try await store.roles(accountId: id, pathPrefix: "/")
            contents.groups = try await store.groups(accountId: id, pathPrefix: "/")
            let keyOwners: [String?] = contents.users.map(\.userName) + [nil]
            contents.accessKeys = try await StoreMigration.concurrentMap(keyOwners) { userName in
                try await store.accessKeys(accountId: id, userName: userName)
            }.flatMap { $0 }
            contents.accessKeyLastUses = try await StoreMigration.concurrentMap(contents.accessKeys) { key in
                try await store.accessKeyLastUse(id: key.accessKeyId)
            }.compactMap { $0 }
            contents.mfaDevices = try await store.mfaDevices(accountId: id)
            contents.managedPolicies = try await store.managedPolicies(
                accountId: id, pathPrefix: "/", onlyAttached: false)
            contents.policyVersions = try await StoreMigration.concurrentMap(contents.managedPolicies) { policy in
                try await store.policyVersions(policyArn: policy.arn)
            }
            contents.groupMembers = try await StoreMigration.concurrentMap(contents.groups) { group in
                try await store.usersInGroup(accountId: id, groupName: group.groupName).map(\.userName)
            }
            let owners: [PolicyOwner] =
                contents.roles.map { .role($0.roleName) } + contents.users.map { .user($0.userName) }
                + contents.groups.map { .group($0.groupName) }
            let ownerPolicies = try await StoreMigration.concurrentMap(owners) { owner in
                var inline: [InlinePolicy] = []
                for name in try await store.inlinePolicyNames(accountId: id, owner: owner) {
                    if let policy = try await store.inlinePolicy(accountId: id, owner: owner, policyName: name) {
                        inline.append(policy)
                    }
                }
                return (inline: inline, attached: try await store.attachedPolicies(accountId: id, owner: owner))
            }
            contents.inlinePolicies = ownerPolicies.flatMap(\.inline)
            contents.attachedPolicies = ownerPolicies.map(\.attached)
            contents.oidcProviders = try await store.oidcProviders(accountId: id)
            contents.samlProviders = try await store.samlProviders(accountId: id)
            contents.outbound = try await store.outboundFederation(accountId: id)
            snapshot.accounts.append(contents)
        }
        for name in StoreSettingName.all {
            if let value = try await store.storeSetting(name) { snapshot.settings[name] = value }
        }
        snapshot.sessionTokenKeys = try await store.sessionTokenKeys()
        snapshot.sessionRevocations = try await store.sessionRevocations(liveAt: now)
        return snapshot
    }

    /// The name of the first kind that differs between the two snapshots, or nil when they are equal.
    public func firstDifference(from other: StoreSnapshot) -> String? {
        guard accounts.map(\.account) == other.accounts.map(\.account) else { return "accounts" }
        for (mine, theirs) in zip(accounts, other.accounts) {
            let kinds: [(String, Bool)] = [
                ("users", mine.users == theirs.users), ("access keys", mine.accessKeys == theirs.accessKeys),
                ("access-key last uses", mine.accessKeyLastUses == theirs.accessKeyLastUses),
                ("MFA devices", mine.mfaDevices == theirs.mfaDevices), ("roles", mine.roles == theirs.roles),
                ("managed policies", mine.managedPolicies == theirs.managedPolicies),
                ("policy versions", mine.policyVersions == theirs.policyVersions),
                ("groups", mine.groups == theirs.groups),
                ("group memberships", mine.groupMembers == theirs.groupMembers),
                ("inline policies", mine.inlinePolicies == theirs.inlinePolicies),
                ("policy attachments", mine.attachedPolicies == theirs.attachedPolicies),
                ("OIDC providers", mine.oidcProviders == theirs.oidcProviders),
                ("SAML providers", mine.samlProviders == theirs.samlProviders),
                ("outbound issuers", mine.outbound == theirs.outbound),
            ]
            if let kind = kinds.first(where: { !$0.1 }) {
                return "\(kind.0) of account \(mine.account.id)"
            }
        }
        if settings != other.settings { return "store settings" }
        if sessionTokenKeys != other.sessionTokenKeys { return "session-token keys" }
        if sessionRevocations != other.sessionRevocations { return "session revocations" }
        return nil
    }
}

// MARK: The source file

extension StoreMigration {
    /// The file named by `sqlite:PATH` (`sqlite://PATH` too): the store file itself, or a data folder holding
    /// `latchkey.sqlite`.
    static func sqlitePath(_ argument: String) throws -> String {
        guard argument.hasPrefix("sqlite:") else {
            throw Failure("--from must be sqlite:PATH (the SQLite store file or the data folder), not '\(argument)'")
        }
        var path = String(argument.dropFirst("sqlite:".count))
        if path.hasPrefix("//") { path.removeFirst(2) }
        guard !path.isEmpty else { throw Failure("--from names no file: sqlite:PATH") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            path += "/" + LatchkeyApplication.databaseFileName
        }
        guard FileManager.default.fileExists(atPath: path) else { throw Failure("--from: no file at \(path)") }
        return path
    }

    /// An SQLite store opened as a migration's source, with its data folder's lock when the folder has one.
    public struct Source: Sendable {
        public let store: SQLiteIdentityStore
        /// Held while the migration runs: no server can start on the folder meanwhile.
        let lock: DataDirectoryLock?
    }

    /// Opens the SQLite store named by `sqlite:PATH` after checking, without changing the file, that it is a
    /// Latchkey store this build knows (the store then applies its own pending migrations, as a server would).
    /// When its folder has a server's lock file (`latchkey.lock`), the lock is taken first: a store a running
    /// server uses is refused.
    public static func openSource(_ argument: String) throws -> Source {
        let path = try sqlitePath(argument)
        let folder = (path as NSString).deletingLastPathComponent
        var lock: DataDirectoryLock?
        let lockFile = (folder as NSString).appendingPathComponent(DataDirectoryLock.fileName)
        if FileManager.default.fileExists(atPath: lockFile) {
            do {
                lock = try DataDirectoryLock.acquire(directory: folder)
            } catch {
                throw Failure("--from: \(error.message): stop it first")
            }
        }
        let applied: [String]?
        do {
            applied = try SQLiteIdentityStore.appliedMigrations(atPath: path)
        } catch let error as StoreError {
            throw Failure("--from: \(error.detail)")
        }
        guard let applied, applied.contains("v1-identity-tables") else {
            throw Failure("--from: \(path) is an SQLite database but not a Latchkey store")
        }
        let unknown = Set(applied).subtracting(SQLiteIdentityStore.migrationIdentifiers)
        guard unknown.isEmpty else {
            throw Failure(
                "--from: \(path) was migrated by a newer Latchkey (\(unknown.sorted().joined(separator: ", ")))")
        }
        do {
            return Source(store: try SQLiteIdentityStore(path: path), lock: lock)
        } catch let error as StoreError {
            throw Failure("--from: \(error.detail)")
        }
    }
}
