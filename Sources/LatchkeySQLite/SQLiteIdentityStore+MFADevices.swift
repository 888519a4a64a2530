import GRDB
public import LatchkeyDomain

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

extension SQLiteIdentityStore {
    /// Device columns with the user's name in its stored case (joined back from `users`).
    private static let deviceSelect = """
        SELECT d.account_id, d.serial_number, d.path, d.device_name, d.sealed_seed, d.create_date, d.tags,
            d.user_name_key, u.user_name, d.enable_date, d.last_used_step
        FROM mfa_devices d
        LEFT JOIN users u ON u.account_id = d.account_id AND u.name_key = d.user_name_key
        """

    /// Inserts a device; `.alreadyExists` if the serial number exists or the device name is taken
    /// (case-insensitively) in the account; `.notFound` if the account (or the user it names) is missing.
    public func insertMFADevice(_ device: MFADeviceRecord) async throws {
        let tags = try Self.encodeTags(device.tags)
        let serial = device.serialNumber
        try await write(
            "insertMFADevice",
            constraint: { violation in
                switch violation {
                case .unique: StoreError(.alreadyExists, "MFA device \(serial) already exists")
                case .foreignKey: StoreError(.notFound, "the owner of MFA device \(serial) does not exist")
                case .other: nil
                }
            }
        ) { db in
            try Self.requireAccount(db, device.accountId)
            if let userName = device.userName,
                try !Self.userExists(db, accountId: device.accountId, nameKey: Stored.nameKey(userName))
            {
                throw StoreError(.notFound, "user \(userName) in account \(device.accountId) does not exist")
            }
            try db.execute(
                sql: """
                    INSERT INTO mfa_devices (serial_number, account_id, path, device_name, name_key, sealed_seed,
                        create_date, tags, user_name_key, enable_date, last_used_step)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    serial, device.accountId, device.path, device.deviceName, Stored.nameKey(device.deviceName),
                    Data(device.sealedSeed), Stored.millis(device.createDate), tags,
                    device.userName.map(Stored.nameKey), device.enableDate.map(Stored.millis), device.lastUsedStep,
                ]
            )
        }
    }

    /// The device with this serial number (compared exactly) in the account, if any.
    public func mfaDevice(accountId: String, serialNumber: String) async throws -> MFADeviceRecord? {
        try await read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "\(Self.deviceSelect) WHERE d.account_id = ? AND d.serial_number = ?"),
                arguments: [accountId, serialNumber]
            ).map(Self.decodeDevice)
        }
    }

    /// All devices of the account, ordered by serial number.
    public func mfaDevices(accountId: String) async throws -> [MFADeviceRecord] {
        try await read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "\(Self.deviceSelect) WHERE d.account_id = ? ORDER BY d.serial_number"),
                arguments: [accountId]
            ).map(Self.decodeDevice)
        }
    }

    /// Enables the device for a user and records the last accepted step; `.notFound` if the device or user is
    /// missing, `.conflict` if the device is already enabled (for anyone).
    public func enableMFADevice(
        accountId: String, serialNumber: String, userName: String, enableDate: Date, lastUsedStep: Int64
    ) async throws {
        let nameKey = Stored.nameKey(userName)
        let enabled = Stored.millis(enableDate)
        try await write(
            "enableMFADevice",
            constraint: { $0 == .foreignKey ? StoreError(.notFound, "user \(userName) does not exist") : nil }
        ) { db in
            let current = try Self.deviceOwner(db, accountId: accountId, serialNumber: serialNumber)
            guard let current else {
                throw StoreError(.notFound, "MFA device \(serialNumber) does not exist")
            }
            guard try Self.userExists(db, accountId: accountId, nameKey: nameKey) else {
                throw StoreError(.notFound, "user \(userName) in account \(accountId) does not exist")
            }
            guard current.userNameKey == nil else {
                throw StoreError(.conflict, "MFA device \(serialNumber) is already enabled")
            }
            try db.execute(
                sql: """
                    UPDATE mfa_devices SET user_name_key = ?, enable_date = ?, last_used_step = ?
                    WHERE account_id = ? AND serial_number = ?
                    """,
                arguments: [nameKey, enabled, lastUsedStep, accountId, serialNumber]
            )
        }
    }

    /// Detaches the device from its user (its last used step is kept); `.notFound` if missing or not enabled.
    public func deactivateMFADevice(accountId: String, serialNumber: String) async throws {
        try await write("deactivateMFADevice") { db in
            try db.execute(
                sql: """
                    UPDATE mfa_devices SET user_name_key = NULL, enable_date = NULL
                    WHERE account_id = ? AND serial_number = ? AND user_name_key IS NOT NULL
                    """,
                arguments: [accountId, serialNumber]
            )
            guard db.changesCount > 0 else {
                throw StoreError(.notFound, "MFA device \(serialNumber) does not exist or is not enabled")
            }
        }
    }

    /// Deletes the device; `.notFound` if missing; `.conflict` if it is still enabled for a user.
    public func deleteMFADevice(accountId: String, serialNumber: String) async throws {
        try await write("deleteMFADevice") { db in
            let current = try Self.deviceOwner(db, accountId: accountId, serialNumber: serialNumber)
            guard let current else {
                throw StoreError(.notFound, "MFA device \(serialNumber) does not exist")
            }
            guard current.userNameKey == nil else {
                throw StoreError(.conflict, "MFA device \(serialNumber) is enabled for a user")
            }
            try db.execute(
                sql: "DELETE FROM mfa_devices WHERE account_id = ? AND serial_number = ?",
                arguments: [accountId, serialNumber]
            )
            // A new device under the same serial number must not inherit this one's failures or lockout.
            try db.execute(
                sql: "DELETE FROM mfa_failures WHERE account_id = ? AND serial_number = ?",
                arguments: [accountId, serialNumber]
            )
        }
    }

    /// Accepts `step` only if it is later than the device's last used step, in a single conditional UPDATE; the
    /// writer's serialisation makes exactly one of any number of concurrent callers with the same step win.
    /// `.notFound` if the device is missing.
    public func consumeMFAStep(accountId: String, serialNumber: String, step: Int64) async throws -> Bool {
        try await write("consumeMFAStep") { db in
            try db.cachedStatement(
                sql: """
                    UPDATE mfa_devices SET last_used_step = ?1
                    WHERE account_id = ?2 AND serial_number = ?3 AND (last_used_step IS NULL OR last_used_step < ?1)
                    """
            ).execute(arguments: [step, accountId, serialNumber])
            if db.changesCount > 0 { return true }
            guard try Self.deviceOwner(db, accountId: accountId, serialNumber: serialNumber) != nil else {
                throw StoreError(.notFound, "MFA device \(serialNumber) does not exist")
            }
            return false
        }
    }

    private struct DeviceOwner {
        var userNameKey: String?
    }

    private static func deviceOwner(_ db: Database, accountId: String, serialNumber: String) throws -> DeviceOwner? {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT user_name_key FROM mfa_devices WHERE account_id = ? AND serial_number = ?"
            ),
            arguments: [accountId, serialNumber]
        )
        return try row.map { DeviceOwner(userNameKey: try StoredRow(row: $0, table: "mfa_devices").optionalString(0)) }
    }

    static func decodeDevice(_ row: Row) throws -> MFADeviceRecord {
        let columns = StoredRow(row: row, table: "mfa_devices")
        let serialNumber = try columns.string(1)
        var userName: String?
        if try columns.optionalString(7) != nil {
            guard let name = try columns.optionalString(8) else {
                throw StoreError(.corrupt, "MFA device \(serialNumber) references a missing user")
            }
            userName = name
        }
        return MFADeviceRecord(
            accountId: try columns.string(0),
            serialNumber: serialNumber,
            path: try columns.string(2),
            deviceName: try columns.string(3),
            sealedSeed: try columns.bytes(4),
            createDate: try columns.date(5),
            tags: try columns.tags(6),
            userName: userName,
            enableDate: try columns.optionalDate(9),
            lastUsedStep: try columns.optionalInt64(10)
        )
    }
}
