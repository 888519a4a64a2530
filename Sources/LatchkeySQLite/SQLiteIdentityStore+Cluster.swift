import GRDB
public import LatchkeyDomain

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

extension SQLiteIdentityStore: ClusterStore {}

extension SQLiteIdentityStore {
    // MARK: Change sequence

    /// The value of the change sequence (0 in a new file).
    public func changeSequence() async throws -> Int64 {
        try await read { db in try Self.loadChangeSequence(db) }
    }

    /// Increments the change sequence in one write transaction; returns the new value.
    @discardableResult
    public func announceChange() async throws -> Int64 {
        try await write("announceChange") { db in
            try db.execute(sql: "UPDATE change_sequence SET value = value + 1 WHERE id = 1")
            return try Self.loadChangeSequence(db)
        }
    }

    private static func loadChangeSequence(_ db: Database) throws -> Int64 {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT value FROM change_sequence WHERE id = 1"))
        else { throw StoreError(.corrupt, "change_sequence has no row") }
        return try StoredRow(row: row, table: "change_sequence").int64(0)
    }

    // MARK: Store settings

    public func storeSetting(_ name: String) async throws -> [UInt8]? {
        try await read { db in try Self.loadSetting(db, name) }
    }

    /// Inserts the value unless the setting has one (`INSERT ... ON CONFLICT DO NOTHING`), then reads the value
    /// stored, in one write transaction.
    public func insertStoreSettingIfAbsent(_ name: String, value: [UInt8]) async throws -> [UInt8] {
        try await write("insertStoreSettingIfAbsent") { db in
            // COALESCE: GRDB binds an empty Data as NULL; an empty value is stored as an empty blob.
            try db.execute(
                sql: """
                    INSERT INTO store_settings (name, value) VALUES (?, COALESCE(?, X''))
                    ON CONFLICT (name) DO NOTHING
                    """,
                arguments: [name, Data(value)])
            guard let stored = try Self.loadSetting(db, name) else {
                throw StoreError(.corrupt, "store setting \(name) vanished in its own transaction")
            }
            return stored
        }
    }

    private static func loadSetting(_ db: Database, _ name: String) throws -> [UInt8]? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT value FROM store_settings WHERE name = ?"), arguments: [name]
        ).map { try StoredRow(row: $0, table: "store_settings").bytes(0) }
    }

    // MARK: SAML assertion replay

    /// Deletes the records expired at `now`, then inserts the ID unless it is recorded: true when inserted.
    public func recordAssertionUse(id: String, expires: Date, now: Date) async throws -> Bool {
        let expiresMillis = Stored.millis(expires)
        let nowMillis = Stored.millis(now)
        return try await write("recordAssertionUse") { db in
            try db.cachedStatement(sql: "DELETE FROM saml_assertion_uses WHERE expires <= ?")
                .execute(arguments: [nowMillis])
            try db.cachedStatement(
                sql: """
                    INSERT INTO saml_assertion_uses (assertion_id, expires) VALUES (?, ?)
                    ON CONFLICT (assertion_id) DO NOTHING
                    """
            ).execute(arguments: [id, expiresMillis])
            return db.changesCount > 0
        }
    }

    // MARK: MFA failures

    public func mfaFailures(accountId: String, serialNumber: String) async throws -> MFAFailureState? {
        try await read { db in try Self.loadMFAFailures(db, accountId: accountId, serialNumber: serialNumber) }
    }

    /// Reads the device's failures and writes the incremented state in one write transaction.
    @discardableResult
    public func recordMFAFailure(
        accountId: String, serialNumber: String, maxFailures: Int, lockUntil: Date
    ) async throws -> MFAFailureState {
        let lockMillis = Stored.millis(lockUntil)
        return try await write("recordMFAFailure") { db in
            let current = try Self.loadMFAFailures(db, accountId: accountId, serialNumber: serialNumber)
            var state = current ?? MFAFailureState(failures: 0)
            state.failures += 1
            var lockedUntil = state.lockedUntil.map(Stored.millis)
            if state.failures >= maxFailures {
                state.failures = 0
                lockedUntil = lockMillis
            }
            try db.execute(
                sql: """
                    INSERT INTO mfa_failures (account_id, serial_number, failures, locked_until) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account_id, serial_number)
                    DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until
                    """,
                arguments: [accountId, serialNumber, state.failures, lockedUntil])
            return MFAFailureState(failures: state.failures, lockedUntil: lockedUntil.map(Stored.date(millis:)))
        }
    }

    public func clearMFAFailures(accountId: String, serialNumber: String) async throws {
        try await write("clearMFAFailures") { db in
            try db.execute(
                sql: "DELETE FROM mfa_failures WHERE account_id = ? AND serial_number = ?",
                arguments: [accountId, serialNumber])
        }
    }

    private static func loadMFAFailures(
        _ db: Database, accountId: String, serialNumber: String
    ) throws -> MFAFailureState? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT failures, locked_until FROM mfa_failures WHERE account_id = ? AND serial_number = ?"),
            arguments: [accountId, serialNumber]
        ).map { row in
            let columns = StoredRow(row: row, table: "mfa_failures")
            return MFAFailureState(failures: Int(try columns.int64(0)), lockedUntil: try columns.optionalDate(1))
        }
    }

    // MARK: Session revocations

    public func insertSessionRevocation(_ revocation: SessionRevocation) async throws {
        let id = revocation.id
        let (kind, target) = Self.targetColumns(revocation.target)
        try await write(
            "insertSessionRevocation",
            constraint: { $0 == .unique ? StoreError(.alreadyExists, "session revocation \(id) already exists") : nil }
        ) { db in
            try db.execute(
                sql: """
                    INSERT INTO session_revocations
                        (id, account_id, target_kind, target, issued_before, expires_at, create_date)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, revocation.accountId, kind, target, Stored.millis(revocation.issuedBefore),
                    Stored.millis(revocation.expiresAt), Stored.millis(revocation.createDate),
                ])
        }
    }

    public func sessionRevocations(liveAt now: Date) async throws -> [SessionRevocation] {
        let nowMillis = Stored.millis(now)
        return try await read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id, account_id, target_kind, target, issued_before, expires_at, create_date
                        FROM session_revocations WHERE expires_at > ? ORDER BY create_date, id
                        """),
                arguments: [nowMillis]
            ).map(Self.decodeRevocation)
        }
    }

    @discardableResult
    public func deleteSessionRevocations(expiredAt now: Date) async throws -> Int {
        let nowMillis = Stored.millis(now)
        return try await write("deleteSessionRevocations") { db in
            try db.execute(sql: "DELETE FROM session_revocations WHERE expires_at <= ?", arguments: [nowMillis])
            return db.changesCount
        }
    }

    private static func targetColumns(_ target: SessionRevocation.Target) -> (kind: String, value: String) {
        switch target {
        case .accessKeyId(let id): ("access-key-id", id)
        case .principalArn(let arn): ("principal-arn", arn)
        }
    }

    private static func decodeRevocation(_ row: Row) throws -> SessionRevocation {
        let columns = StoredRow(row: row, table: "session_revocations")
        let value = try columns.string(3)
        let target: SessionRevocation.Target
        switch try columns.string(2) {
        case "access-key-id": target = .accessKeyId(value)
        case "principal-arn": target = .principalArn(value)
        default: throw StoreError(.corrupt, "session_revocations.target_kind is not a known kind")
        }
        return SessionRevocation(
            id: try columns.string(0), accountId: try columns.string(1), target: target,
            issuedBefore: try columns.date(4), expiresAt: try columns.date(5), createDate: try columns.date(6))
    }

    // MARK: Session-token keys

    public func sessionTokenKeys() async throws -> [SessionTokenKeyRecord] {
        try await read { db in try Self.loadSessionTokenKeys(db) }
    }

    /// Reads the keys, applies `change` and replaces the stored list with its result, in one write transaction;
    /// an error thrown by `change` rolls back and is rethrown unchanged. `.conflict` if the result names one key
    /// ID twice.
    @discardableResult
    public func modifySessionTokenKeys(
        _ change: @escaping @Sendable (inout [SessionTokenKeyRecord]) throws -> Void
    ) async throws -> [SessionTokenKeyRecord] {
        try await write("modifySessionTokenKeys") { db in
            var keys = try Self.loadSessionTokenKeys(db)
            try Self.apply(change, to: &keys)
            guard Set(keys.map(\.keyId)).count == keys.count else {
                throw StoreError(.conflict, "the session-token key list names a key ID twice")
            }
            try db.execute(sql: "DELETE FROM session_token_keys")
            for key in keys {
                try db.execute(
                    sql: """
                        INSERT INTO session_token_keys (key_id, sealed_key, is_active, create_date, accepted_until)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        Int64(key.keyId), key.sealedKey.map { Data($0) }, key.isActive, Stored.millis(key.createDate),
                        key.acceptedUntil.map(Stored.millis),
                    ])
            }
            return try Self.loadSessionTokenKeys(db)
        }
    }

    private static func loadSessionTokenKeys(_ db: Database) throws -> [SessionTokenKeyRecord] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT key_id, sealed_key, is_active, create_date, accepted_until FROM session_token_keys
                    ORDER BY key_id
                    """)
        ).map { row in
            let columns = StoredRow(row: row, table: "session_token_keys")
            guard let keyId = UInt32(exactly: try columns.int64(0)) else {
                throw StoreError(.corrupt, "session_token_keys.key_id is out of range")
            }
            let sealed: [UInt8]? = row.hasNull(atIndex: 1) ? nil : try columns.bytes(1)
            return SessionTokenKeyRecord(
                keyId: keyId, sealedKey: sealed, isActive: try columns.int64(2) != 0, createDate: try columns.date(3),
                acceptedUntil: try columns.optionalDate(4))
        }
    }

    // MARK: Master-key rotation

    /// Re-seals access-key secrets, MFA seeds, outbound signing keys and sealed session-token keys, and writes
    /// `settings`, in one write transaction; an error thrown by `reseal` rolls everything back and is rethrown
    /// unchanged.
    @discardableResult
    public func resealSecrets(
        settings: [String: [UInt8]], _ reseal: @escaping @Sendable (SealedSecret) throws -> [UInt8]
    ) async throws -> Int {
        try await write("resealSecrets") { db in
            func resealed(_ kind: SealedSecret.Kind, _ context: String, _ sealed: [UInt8]) throws -> Data {
                do {
                    return Data(try reseal(SealedSecret(kind: kind, context: context, sealed: sealed)))
                } catch {
                    throw ChangeFailure(error: error)
                }
            }
            var count = 0
            for row in try Row.fetchAll(db, sql: "SELECT access_key_id, sealed_secret FROM access_keys") {
                let columns = StoredRow(row: row, table: "access_keys")
                let id = try columns.string(0)
                let new = try resealed(.accessKeySecret, "access-key:\(id)", try columns.bytes(1))
                try db.execute(
                    sql: "UPDATE access_keys SET sealed_secret = ? WHERE access_key_id = ?", arguments: [new, id])
                count += 1
            }
            for row in try Row.fetchAll(db, sql: "SELECT serial_number, sealed_seed FROM mfa_devices") {
                let columns = StoredRow(row: row, table: "mfa_devices")
                let serial = try columns.string(0)
                let new = try resealed(.mfaSeed, "mfa-seed:\(serial)", try columns.bytes(1))
                try db.execute(
                    sql: "UPDATE mfa_devices SET sealed_seed = ? WHERE serial_number = ?", arguments: [new, serial])
                count += 1
            }
            for row in try Row.fetchAll(db, sql: "SELECT account_id, key_id, sealed_private_key FROM outbound_keys") {
                let columns = StoredRow(row: row, table: "outbound_keys")
                let (account, kid) = (try columns.string(0), try columns.string(1))
                let new = try resealed(.outboundSigningKey, "outbound-key/\(account)/\(kid)", try columns.bytes(2))
                try db.execute(
                    sql: "UPDATE outbound_keys SET sealed_private_key = ? WHERE account_id = ? AND key_id = ?",
                    arguments: [new, account, kid])
                count += 1
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT key_id, sealed_key FROM session_token_keys WHERE sealed_key IS NOT NULL")
            {
                let columns = StoredRow(row: row, table: "session_token_keys")
                let keyId = try columns.int64(0)
                let new = try resealed(.sessionTokenKey, "session-token-key:\(keyId)", try columns.bytes(1))
                try db.execute(
                    sql: "UPDATE session_token_keys SET sealed_key = ? WHERE key_id = ?", arguments: [new, keyId])
                count += 1
            }
            for (name, value) in settings {
                try db.execute(
                    sql: """
                        INSERT INTO store_settings (name, value) VALUES (?, COALESCE(?, X''))
                        ON CONFLICT (name) DO UPDATE SET value = excluded.value
                        """,
                    arguments: [name, Data(value)])
            }
            return count
        }
    }
}
