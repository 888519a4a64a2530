public import LatchkeyDomain
import NIOCore
import PostgresNIO

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

extension PostgresStore {
    /// Device columns with the user's name in its stored case (joined back from `users`).
    private static let deviceSelect: String = """
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
                switch violation.kind {
                case .unique: StoreError(.alreadyExists, "MFA device \(serial) already exists")
                case .foreignKey: StoreError(.notFound, "the owner of MFA device \(serial) does not exist")
                default: nil
                }
            }
        ) { connection in
            try await self.requireAccount(connection, device.accountId)
            let ownerKey = device.userName.map(StoredValueCoding.nameKey)
            if let userName = device.userName, let ownerKey,
                try await !self.userExists(connection, accountId: device.accountId, nameKey: ownerKey)
            {
                throw StoreError(.notFound, "user \(userName) in account \(device.accountId) does not exist")
            }
            try await self.execute(
                connection,
                """
                INSERT INTO mfa_devices (serial_number, account_id, path, device_name, name_key, sealed_seed,
                    create_date, tags, user_name_key, enable_date, last_used_step)
                VALUES (\(serial), \(device.accountId), \(device.path), \(device.deviceName),
                    \(StoredValueCoding.nameKey(device.deviceName)), \(Self.bytea(device.sealedSeed)),
                    \(StoredValueCoding.millis(device.createDate)), \(tags), \(ownerKey),
                    \(device.enableDate.map(StoredValueCoding.millis)), \(device.lastUsedStep))
                """
            )
        }
    }

    /// The device with this serial number (compared exactly) in the account, if any.
    public func mfaDevice(accountId: String, serialNumber: String) async throws -> MFADeviceRecord? {
        try await readStatement { connection in
            try await self.fetchOne(
                connection,
                """
                \(unescaped: Self.deviceSelect)
                WHERE d.account_id = \(accountId) AND d.serial_number = \(serialNumber)
                """
            ).map(Self.decodeDevice)
        }
    }

    /// All devices of the account, ordered by serial number (byte order).
    public func mfaDevices(accountId: String) async throws -> [MFADeviceRecord] {
        try await readStatement { connection in
            try await self.fetchAll(
                connection,
                "\(unescaped: Self.deviceSelect) WHERE d.account_id = \(accountId) ORDER BY d.serial_number"
            ).map(Self.decodeDevice)
        }
    }

    /// Enables the device for a user and records the last accepted step; `.notFound` if the device or user is
    /// missing, `.conflict` if the device is already enabled (for anyone).
    public func enableMFADevice(
        accountId: String, serialNumber: String, userName: String, enableDate: Date, lastUsedStep: Int64
    ) async throws {
        let nameKey = StoredValueCoding.nameKey(userName)
        let enabled = StoredValueCoding.millis(enableDate)
        try await write(
            "enableMFADevice",
            constraint: { $0.kind == .foreignKey ? StoreError(.notFound, "user \(userName) does not exist") : nil }
        ) { connection in
            guard let owner = try await self.deviceOwner(connection, accountId: accountId, serialNumber: serialNumber)
            else {
                throw StoreError(.notFound, "MFA device \(serialNumber) does not exist")
            }
            guard try await self.userExists(connection, accountId: accountId, nameKey: nameKey) else {
                throw StoreError(.notFound, "user \(userName) in account \(accountId) does not exist")
            }
            guard owner.userNameKey == nil else {
                throw StoreError(.conflict, "MFA device \(serialNumber) is already enabled")
            }
            try await self.execute(
                connection,
                """
                UPDATE mfa_devices SET user_name_key = \(nameKey), enable_date = \(enabled),
                    last_used_step = \(lastUsedStep)
                WHERE account_id = \(accountId) AND serial_number = \(serialNumber)
                """
            )
        }
    }

    /// Detaches the device from its user (its last used step is kept); `.notFound` if missing or not enabled.
    public func deactivateMFADevice(accountId: String, serialNumber: String) async throws {
        try await write("deactivateMFADevice") { connection in
            let changed = try await self.fetchAll(
                connection,
                """
                UPDATE mfa_devices SET user_name_key = NULL, enable_date = NULL
                WHERE account_id = \(accountId) AND serial_number = \(serialNumber) AND user_name_key IS NOT NULL
                RETURNING 1
                """
            )
            guard !changed.isEmpty else {
                throw StoreError(.notFound, "MFA device \(serialNumber) does not exist or is not enabled")
            }
        }
    }

    /// Deletes the device; `.notFound` if missing; `.conflict` if it is still enabled for a user.
    public func deleteMFADevice(accountId: String, serialNumber: String) async throws {
        try await write("deleteMFADevice") { connection in
            guard let owner = try await self.deviceOwner(connection, accountId: accountId, serialNumber: serialNumber)
            else {
                throw StoreError(.notFound, "MFA device \(serialNumber) does not exist")
            }
            guard owner.userNameKey == nil else {
                throw StoreError(.conflict, "MFA device \(serialNumber) is enabled for a user")
            }
            try await self.execute(
                connection,
                "DELETE FROM mfa_devices WHERE account_id = \(accountId) AND serial_number = \(serialNumber)")
            // A new device under the same serial number must not inherit this one's failures or lockout.
            try await self.execute(
                connection,
                "DELETE FROM mfa_failures WHERE account_id = \(accountId) AND serial_number = \(serialNumber)")
        }
    }

    /// Accepts `step` only if it is later than the device's last used step, in a single conditional UPDATE: of
    /// any number of concurrent callers with the same step, on any node, exactly one wins (the others wait for its
    /// row lock, then see the new step; under SERIALIZABLE a conflict re-runs the transaction, which then finds
    /// the step used). `.notFound` if the device is missing.
    public func consumeMFAStep(accountId: String, serialNumber: String, step: Int64) async throws -> Bool {
        try await write("consumeMFAStep") { connection in
            let changed = try await self.fetchAll(
                connection,
                """
                UPDATE mfa_devices SET last_used_step = \(step)
                WHERE account_id = \(accountId) AND serial_number = \(serialNumber)
                    AND (last_used_step IS NULL OR last_used_step < \(step))
                RETURNING 1
                """
            )
            if !changed.isEmpty { return true }
            guard try await self.deviceOwner(connection, accountId: accountId, serialNumber: serialNumber) != nil
            else {
                throw StoreError(.notFound, "MFA device \(serialNumber) does not exist")
            }
            return false
        }
    }

    private struct DeviceOwner {
        var userNameKey: String?
    }

    private func deviceOwner(
        _ connection: PostgresConnection, accountId: String, serialNumber: String
    ) async throws -> DeviceOwner? {
        try await fetchOne(
            connection,
            "SELECT user_name_key FROM mfa_devices WHERE account_id = \(accountId) AND serial_number = \(serialNumber)"
        ).map { row in DeviceOwner(userNameKey: try row.decode(String?.self)) }
    }

    static func decodeDevice(_ row: PostgresRow) throws -> MFADeviceRecord {
        let (accountId, serialNumber, path, deviceName, seed, created, tags, userNameKey, userName, enabled, step) =
            try row.decode(
                (String, String, String, String, ByteBuffer, Int64, String, String?, String?, Int64?, Int64?).self)
        if userNameKey != nil, userName == nil {
            throw StoreError(.corrupt, "MFA device \(serialNumber) references a missing user")
        }
        return MFADeviceRecord(
            accountId: accountId,
            serialNumber: serialNumber,
            path: path,
            deviceName: deviceName,
            sealedSeed: Self.bytes(seed),
            createDate: StoredValueCoding.date(millis: created),
            tags: try StoredValueCoding.tags(json: tags, table: "mfa_devices"),
            userName: userNameKey == nil ? nil : userName,
            enableDate: enabled.map(StoredValueCoding.date(millis:)),
            lastUsedStep: step
        )
    }
}
