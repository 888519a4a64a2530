public import LatchkeyDomain

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

extension InMemoryStore {
    // MARK: Accounts

    public func insertAccount(_ account: Account) async throws {
        try write { state in
            guard state.accounts[account.id] == nil else {
                throw StoreError(.alreadyExists, "account \(account.id) already exists")
            }
            state.accounts[account.id] = Account(id: account.id, createDate: Names.millis(account.createDate))
        }
    }

    public func insertFirstAccount(_ account: Account) async throws -> Bool {
        try write { state in
            guard state.accounts.isEmpty else { return false }
            state.accounts[account.id] = Account(id: account.id, createDate: Names.millis(account.createDate))
            return true
        }
    }

    public func account(id: String) async throws -> Account? {
        try read { state in state.accounts[id] }
    }

    public func accounts() async throws -> [Account] {
        try read { state in state.accounts.values.sorted { Names.precedes($0.id, $1.id) } }
    }

    // MARK: Users

    public func insertUser(_ user: IAMUser) async throws {
        try write { state in
            try state.requireAccount(user.accountId)
            let key = NameKey(user.accountId, name: user.userName)
            guard state.users[key] == nil, !state.users.values.contains(where: { $0.userId == user.userId }) else {
                throw StoreError(.alreadyExists, "user \(user.userName) in account \(user.accountId) already exists")
            }
            var stored = user
            stored.createDate = Names.millis(user.createDate)
            state.users[key] = stored
        }
    }

    public func user(accountId: String, userName: String) async throws -> IAMUser? {
        try read { state in state.users[NameKey(accountId, name: userName)] }
    }

    public func users(accountId: String, pathPrefix: String) async throws -> [IAMUser] {
        try read { state in
            state.users.filter { $0.key.accountId == accountId && Names.hasPrefix($0.value.path, pathPrefix) }
                .sorted { Names.precedes($0.key.key, $1.key.key) }.map(\.value)
        }
    }

    @discardableResult
    public func modifyUser(
        accountId: String, userName: String, _ change: @escaping @Sendable (inout IAMUser) throws -> Void
    ) async throws -> IAMUser {
        try write { state in
            let key = NameKey(accountId, name: userName)
            guard let current = state.users[key] else {
                throw StoreError(.notFound, "user \(userName) in account \(accountId) does not exist")
            }
            var changed = current
            try change(&changed)
            var stored = current
            stored.tags = changed.tags
            state.users[key] = stored
            return stored
        }
    }

    public func renameUser(accountId: String, userName: String, newUserName: String?, newPath: String?) async throws
        -> IAMUser
    {
        try write { state in
            let current = try state.requireOwner(accountId, .user(userName))
            let newName = newUserName ?? current
            let oldKey = NameKey(accountId, name: userName)
            let newKey = NameKey(accountId, name: newName)
            if newKey != oldKey, state.users[newKey] != nil {
                throw StoreError(.alreadyExists, "user \(newName) in account \(accountId) already exists")
            }
            guard var user = state.users.removeValue(forKey: oldKey) else {
                throw StoreError(.unavailable, "user \(newName) in account \(accountId) vanished while renamed")
            }
            user.userName = newName
            if let newPath { user.path = newPath }
            state.users[newKey] = user
            if newKey != oldKey { state.rekeyUser(from: oldKey, to: newKey) }
            return user
        }
    }

    public func deleteUser(accountId: String, userName: String) async throws {
        try write { state in
            let key = NameKey(accountId, name: userName)
            guard state.users[key] != nil else {
                throw StoreError(.notFound, "user \(userName) in account \(accountId) does not exist")
            }
            if state.accessKeys.values.contains(where: { $0.accountId == accountId && $0.userKey == key.key }) {
                throw StoreError(.conflict, "access keys")
            }
            if state.mfaDevices.values.contains(where: { $0.device.accountId == accountId && $0.userKey == key.key }) {
                throw StoreError(.conflict, "MFA devices")
            }
            let owner = OwnerKey(kind: .user, name: key)
            if !(state.attachments[owner] ?? []).isEmpty { throw StoreError(.conflict, "attached policies") }
            if state.hasPolicies(owner) { throw StoreError(.conflict, "policies") }
            if state.memberships.contains(where: { $0.accountId == accountId && $0.userKey == key.key }) {
                throw StoreError(.conflict, "groups")
            }
            state.users[key] = nil
        }
    }

    // MARK: Access keys

    public func insertAccessKey(_ key: AccessKeyRecord, maxKeysPerOwner: Int?) async throws {
        try write { state in
            try state.requireAccount(key.accountId)
            let userKey = key.userName.map(Names.fold)
            if let userName = key.userName, let userKey, state.users[NameKey(key.accountId, userKey)] == nil {
                throw StoreError(.notFound, "user \(userName) in account \(key.accountId) does not exist")
            }
            if let maxKeysPerOwner {
                let count = state.accessKeys.values.count { $0.accountId == key.accountId && $0.userKey == userKey }
                guard count < maxKeysPerOwner else {
                    throw StoreError(
                        .limitExceeded, "the owner of access key \(key.accessKeyId) already has \(count) keys")
                }
            }
            guard state.accessKeys[key.accessKeyId] == nil else {
                throw StoreError(.alreadyExists, "access key \(key.accessKeyId) already exists")
            }
            state.accessKeys[key.accessKeyId] = StoredKey(key, userKey: userKey)
        }
    }

    public func putRootAccessKey(_ key: AccessKeyRecord) async throws {
        try write { state in
            guard key.userName == nil else {
                throw StoreError(.conflict, "access key \(key.accessKeyId) is a user's key, not a root key")
            }
            try state.requireAccount(key.accountId)
            guard var existing = state.accessKeys[key.accessKeyId] else {
                state.accessKeys[key.accessKeyId] = StoredKey(key, userKey: nil)
                return
            }
            guard existing.accountId == key.accountId, existing.userKey == nil else {
                throw StoreError(
                    .conflict, "access key \(key.accessKeyId) belongs to another account or to a user")
            }
            existing.status = key.status
            existing.createDate = Names.millis(key.createDate)
            existing.sealedSecret = key.sealedSecret
            state.accessKeys[key.accessKeyId] = existing
        }
    }

    public func accessKey(id: String) async throws -> AccessKeyRecord? {
        try read { state in try state.accessKeys[id].map(state.record) }
    }

    public func accessKeys(accountId: String, userName: String?) async throws -> [AccessKeyRecord] {
        let userKey = userName.map(Names.fold)
        return try read { state in
            try state.accessKeys.values.filter { $0.accountId == accountId && $0.userKey == userKey }
                .sorted {
                    let (lhs, rhs) = (Names.millisValue($0.createDate), Names.millisValue($1.createDate))
                    return lhs != rhs ? lhs < rhs : Names.precedes($0.accessKeyId, $1.accessKeyId)
                }
                .map(state.record)
        }
    }

    public func updateAccessKeyStatus(id: String, status: AccessKeyStatus) async throws {
        try write { state in
            guard state.accessKeys[id] != nil else { throw StoreError(.notFound, "access key \(id) does not exist") }
            state.accessKeys[id]?.status = status
        }
    }

    public func deleteAccessKey(id: String) async throws {
        try write { state in
            guard state.accessKeys.removeValue(forKey: id) != nil else {
                throw StoreError(.notFound, "access key \(id) does not exist")
            }
        }
    }

    public func accessKeyLastUse(id: String) async throws -> AccessKeyUse? {
        try read { state in state.accessKeys[id]?.lastUse }
    }

    public func recordAccessKeyUses(_ uses: [AccessKeyUse]) async throws {
        guard !uses.isEmpty else { return }
        try write { state in
            for use in uses {
                guard var key = state.accessKeys[use.accessKeyId] else { continue }
                if let last = key.lastUse, Names.millisValue(last.date) >= Names.millisValue(use.date) { continue }
                var stored = use
                stored.date = Names.millis(use.date)
                key.lastUse = stored
                state.accessKeys[use.accessKeyId] = key
            }
        }
    }

    // MARK: MFA devices

    public func insertMFADevice(_ device: MFADeviceRecord) async throws {
        try write { state in
            try state.requireAccount(device.accountId)
            let userKey = device.userName.map(Names.fold)
            if let userName = device.userName, let userKey, state.users[NameKey(device.accountId, userKey)] == nil {
                throw StoreError(.notFound, "user \(userName) in account \(device.accountId) does not exist")
            }
            let nameKey = Names.fold(device.deviceName)
            let nameTaken = state.mfaDevices.values.contains {
                $0.device.accountId == device.accountId && Names.fold($0.device.deviceName) == nameKey
            }
            guard state.mfaDevices[device.serialNumber] == nil, !nameTaken else {
                throw StoreError(.alreadyExists, "MFA device \(device.serialNumber) already exists")
            }
            var stored = device
            stored.createDate = Names.millis(device.createDate)
            stored.enableDate = device.enableDate.map(Names.millis)
            state.mfaDevices[device.serialNumber] = StoredDevice(device: stored, userKey: userKey)
        }
    }

    public func mfaDevice(accountId: String, serialNumber: String) async throws -> MFADeviceRecord? {
        try read { state in
            guard let stored = state.mfaDevices[serialNumber], stored.device.accountId == accountId else { return nil }
            return try state.record(stored)
        }
    }

    public func mfaDevices(accountId: String) async throws -> [MFADeviceRecord] {
        try read { state in
            try state.mfaDevices.values.filter { $0.device.accountId == accountId }
                .sorted { Names.precedes($0.device.serialNumber, $1.device.serialNumber) }
                .map(state.record)
        }
    }

    public func enableMFADevice(
        accountId: String, serialNumber: String, userName: String, enableDate: Date, lastUsedStep: Int64
    ) async throws {
        try write { state in
            guard var stored = state.mfaDevices[serialNumber], stored.device.accountId == accountId else {
                throw StoreError(.notFound, "MFA device \(serialNumber) does not exist")
            }
            let userKey = Names.fold(userName)
            guard state.users[NameKey(accountId, userKey)] != nil else {
                throw StoreError(.notFound, "user \(userName) in account \(accountId) does not exist")
            }
            guard stored.userKey == nil else {
                throw StoreError(.conflict, "MFA device \(serialNumber) is already enabled")
            }
            stored.userKey = userKey
            stored.device.enableDate = Names.millis(enableDate)
            stored.device.lastUsedStep = lastUsedStep
            state.mfaDevices[serialNumber] = stored
        }
    }

    public func deactivateMFADevice(accountId: String, serialNumber: String) async throws {
        try write { state in
            guard var stored = state.mfaDevices[serialNumber], stored.device.accountId == accountId,
                stored.userKey != nil
            else {
                throw StoreError(.notFound, "MFA device \(serialNumber) does not exist or is not enabled")
            }
            stored.userKey = nil
            stored.device.enableDate = nil
            state.mfaDevices[serialNumber] = stored
        }
    }

    public func deleteMFADevice(accountId: String, serialNumber: String) async throws {
        try write { state in
            guard let stored = state.mfaDevices[serialNumber], stored.device.accountId == accountId else {
                throw StoreError(.notFound, "MFA device \(serialNumber) does not exist")
            }
            guard stored.userKey == nil else {
                throw StoreError(.conflict, "MFA device \(serialNumber) is enabled for a user")
            }
            state.mfaDevices[serialNumber] = nil
            // A new device under the same serial number must not inherit this one's failures or lockout.
            state.mfaFailures[MFADeviceKey(accountId: accountId, serialNumber: serialNumber)] = nil
        }
    }

    public func consumeMFAStep(accountId: String, serialNumber: String, step: Int64) async throws -> Bool {
        try write { state in
            guard var stored = state.mfaDevices[serialNumber], stored.device.accountId == accountId else {
                throw StoreError(.notFound, "MFA device \(serialNumber) does not exist")
            }
            if let last = stored.device.lastUsedStep, last >= step { return false }
            stored.device.lastUsedStep = step
            state.mfaDevices[serialNumber] = stored
            return true
        }
    }
}

extension StoredKey {
    init(_ key: AccessKeyRecord, userKey: String?) {
        self.init(
            accessKeyId: key.accessKeyId, accountId: key.accountId, userKey: userKey, status: key.status,
            createDate: Names.millis(key.createDate), sealedSecret: key.sealedSecret, lastUse: nil)
    }
}

extension MemoryState {
    /// The key as the protocol returns it: its owner's name in the stored case.
    func record(_ key: StoredKey) throws -> AccessKeyRecord {
        AccessKeyRecord(
            accessKeyId: key.accessKeyId, accountId: key.accountId,
            userName: try userName(key.accountId, key: key.userKey), status: key.status, createDate: key.createDate,
            sealedSecret: key.sealedSecret)
    }

    /// The device as the protocol returns it: its user's name in the stored case.
    func record(_ stored: StoredDevice) throws -> MFADeviceRecord {
        var device = stored.device
        device.userName = try userName(device.accountId, key: stored.userKey)
        return device
    }

    /// Moves every row that refers to the user `old` to `new` (SQLite's `ON UPDATE CASCADE`).
    mutating func rekeyUser(from old: NameKey, to new: NameKey) {
        for (id, key) in accessKeys where key.accountId == old.accountId && key.userKey == old.key {
            accessKeys[id]?.userKey = new.key
        }
        for (serial, device) in mfaDevices where device.device.accountId == old.accountId && device.userKey == old.key {
            mfaDevices[serial]?.userKey = new.key
        }
        memberships = Set(
            memberships.map { membership in
                guard membership.accountId == old.accountId, membership.userKey == old.key else { return membership }
                var moved = membership
                moved.userKey = new.key
                return moved
            })
        rekeyOwner(from: OwnerKey(kind: .user, name: old), to: OwnerKey(kind: .user, name: new))
    }

    /// Moves the owner's inline policies and attachments.
    mutating func rekeyOwner(from old: OwnerKey, to new: OwnerKey) {
        if let inline = inlinePolicies.removeValue(forKey: old) { inlinePolicies[new] = inline }
        if let attached = attachments.removeValue(forKey: old) { attachments[new] = attached }
    }

    /// Whether the owner has any inline policy or attached managed policy.
    func hasPolicies(_ owner: OwnerKey) -> Bool {
        !(inlinePolicies[owner] ?? [:]).isEmpty || !(attachments[owner] ?? []).isEmpty
    }
}
