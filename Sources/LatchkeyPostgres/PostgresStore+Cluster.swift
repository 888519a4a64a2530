public import LatchkeyDomain
import NIOCore
import PostgresNIO

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

extension PostgresStore: ClusterStore {}

extension PostgresStore {
    // MARK: Change sequence

    /// The value of the change sequence (0 in a new store): the sequence's last value once it was first used.
    public func changeSequence() async throws -> Int64 {
        try await readStatement { connection in
            try await self.fetchOne(
                connection, "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM change_sequence"
            )?.decode(Int64.self) ?? 0
        }
    }

    /// Increments the change sequence (`nextval`, outside any transaction: never conflicts, never goes back) and
    /// returns the new value.
    @discardableResult
    public func announceChange() async throws -> Int64 {
        try await readStatement("announceChange") { connection in
            guard let row = try await self.fetchOne(connection, "SELECT nextval('change_sequence')") else {
                throw StoreError(.corrupt, "nextval('change_sequence') returned no row")
            }
            return try row.decode(Int64.self)
        }
    }

    // MARK: Store settings

    public func storeSetting(_ name: String) async throws -> [UInt8]? {
        try await readStatement { connection in
            try await self.fetchOne(connection, "SELECT value FROM store_settings WHERE name = \(name)")
                .map { row in Self.bytes(try row.decode(ByteBuffer.self)) }
        }
    }

    /// Inserts the value unless the setting has one (`INSERT ... ON CONFLICT DO NOTHING`), then reads the value
    /// stored, in one serializable transaction: of nodes starting together, all end with one value.
    public func insertStoreSettingIfAbsent(_ name: String, value: [UInt8]) async throws -> [UInt8] {
        try await write("insertStoreSettingIfAbsent") { connection in
            try await self.execute(
                connection,
                """
                INSERT INTO store_settings (name, value) VALUES (\(name), \(Self.bytea(value)))
                ON CONFLICT (name) DO NOTHING
                """
            )
            guard let row = try await self.fetchOne(connection, "SELECT value FROM store_settings WHERE name = \(name)")
            else {
                throw StoreError(.corrupt, "store setting \(name) vanished in its own transaction")
            }
            return Self.bytes(try row.decode(ByteBuffer.self))
        }
    }

    // MARK: SAML assertion replay

    /// Deletes the records expired at `now`, then inserts the ID unless it is recorded: true when inserted. The
    /// primary key makes it atomic across nodes (a concurrent insert of the same ID waits, then does nothing).
    public func recordAssertionUse(id: String, expires: Date, now: Date) async throws -> Bool {
        let expiresMillis = StoredValueCoding.millis(expires)
        let nowMillis = StoredValueCoding.millis(now)
        return try await write("recordAssertionUse") { connection in
            try await self.execute(connection, "DELETE FROM saml_assertion_uses WHERE expires <= \(nowMillis)")
            let inserted = try await self.fetchAll(
                connection,
                """
                INSERT INTO saml_assertion_uses (assertion_id, expires) VALUES (\(id), \(expiresMillis))
                ON CONFLICT (assertion_id) DO NOTHING
                RETURNING 1
                """
            )
            return !inserted.isEmpty
        }
    }

    // MARK: MFA failures

    public func mfaFailures(accountId: String, serialNumber: String) async throws -> MFAFailureState? {
        try await readStatement { connection in
            try await self.loadMFAFailures(connection, accountId: accountId, serialNumber: serialNumber)
        }
    }

    /// Reads the device's failures and writes the incremented state in one serializable transaction.
    @discardableResult
    public func recordMFAFailure(
        accountId: String, serialNumber: String, maxFailures: Int, lockUntil: Date
    ) async throws -> MFAFailureState {
        let lockMillis = StoredValueCoding.millis(lockUntil)
        return try await write("recordMFAFailure") { connection in
            let current = try await self.loadMFAFailures(connection, accountId: accountId, serialNumber: serialNumber)
            var failures = (current?.failures ?? 0) + 1
            var lockedUntil = current?.lockedUntil.map(StoredValueCoding.millis)
            if failures >= maxFailures {
                failures = 0
                lockedUntil = lockMillis
            }
            try await self.execute(
                connection,
                """
                INSERT INTO mfa_failures (account_id, serial_number, failures, locked_until)
                VALUES (\(accountId), \(serialNumber), \(Int64(failures)), \(lockedUntil))
                ON CONFLICT (account_id, serial_number)
                DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until
                """
            )
            return MFAFailureState(failures: failures, lockedUntil: lockedUntil.map(StoredValueCoding.date(millis:)))
        }
    }

    public func clearMFAFailures(accountId: String, serialNumber: String) async throws {
        try await write("clearMFAFailures") { connection in
            try await self.execute(
                connection,
                "DELETE FROM mfa_failures WHERE account_id = \(accountId) AND serial_number = \(serialNumber)")
        }
    }

    private func loadMFAFailures(
        _ connection: PostgresConnection, accountId: String, serialNumber: String
    ) async throws -> MFAFailureState? {
        try await fetchOne(
            connection,
            """
            SELECT failures, locked_until FROM mfa_failures
            WHERE account_id = \(accountId) AND serial_number = \(serialNumber)
            """
        ).map { row in
            let (failures, lockedUntil) = try row.decode((Int64, Int64?).self)
            return MFAFailureState(
                failures: Int(clamping: failures), lockedUntil: lockedUntil.map(StoredValueCoding.date(millis:)))
        }
    }

    // MARK: Session revocations

    public func insertSessionRevocation(_ revocation: SessionRevocation) async throws {
        let id = revocation.id
        let (kind, target) = Self.targetColumns(revocation.target)
        try await write(
            "insertSessionRevocation",
            constraint: {
                $0.kind == .unique ? StoreError(.alreadyExists, "session revocation \(id) already exists") : nil
            }
        ) { connection in
            try await self.execute(
                connection,
                """
                INSERT INTO session_revocations
                    (id, account_id, target_kind, target, issued_before, expires_at, create_date)
                VALUES (\(id), \(revocation.accountId), \(kind), \(target),
                    \(StoredValueCoding.millis(revocation.issuedBefore)),
                    \(StoredValueCoding.millis(revocation.expiresAt)),
                    \(StoredValueCoding.millis(revocation.createDate)))
                """
            )
        }
    }

    public func sessionRevocations(liveAt now: Date) async throws -> [SessionRevocation] {
        let nowMillis = StoredValueCoding.millis(now)
        return try await readStatement { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT id, account_id, target_kind, target, issued_before, expires_at, create_date
                FROM session_revocations WHERE expires_at > \(nowMillis) ORDER BY create_date, id
                """
            ).map(Self.decodeRevocation)
        }
    }

    @discardableResult
    public func deleteSessionRevocations(expiredAt now: Date) async throws -> Int {
        let nowMillis = StoredValueCoding.millis(now)
        return try await write("deleteSessionRevocations") { connection in
            try await self.fetchAll(
                connection, "DELETE FROM session_revocations WHERE expires_at <= \(nowMillis) RETURNING 1"
            ).count
        }
    }

    private static func targetColumns(_ target: SessionRevocation.Target) -> (kind: String, value: String) {
        switch target {
        case .accessKeyId(let id): ("access-key-id", id)
        case .principalArn(let arn): ("principal-arn", arn)
        }
    }

    private static func decodeRevocation(_ row: PostgresRow) throws -> SessionRevocation {
        let (id, accountId, kind, value, issuedBefore, expiresAt, created) = try row.decode(
            (String, String, String, String, Int64, Int64, Int64).self)
        let target: SessionRevocation.Target
        switch kind {
        case "access-key-id": target = .accessKeyId(value)
        case "principal-arn": target = .principalArn(value)
        default: throw StoreError(.corrupt, "session_revocations.target_kind is not a known kind")
        }
        return SessionRevocation(
            id: id, accountId: accountId, target: target,
            issuedBefore: StoredValueCoding.date(millis: issuedBefore),
            expiresAt: StoredValueCoding.date(millis: expiresAt),
            createDate: StoredValueCoding.date(millis: created))
    }

    // MARK: Session-token keys

    public func sessionTokenKeys() async throws -> [SessionTokenKeyRecord] {
        try await readStatement { connection in try await self.loadSessionTokenKeys(connection) }
    }

    /// Reads the keys, applies `change` and replaces the stored list with its result, in one serializable
    /// transaction (re-run on a conflict, so `change` may run more than once); an error thrown by `change` rolls
    /// back and is rethrown unchanged. `.conflict` if the result names one key ID twice.
    @discardableResult
    public func modifySessionTokenKeys(
        _ change: @escaping @Sendable (inout [SessionTokenKeyRecord]) throws -> Void
    ) async throws -> [SessionTokenKeyRecord] {
        try await write("modifySessionTokenKeys") { connection in
            // The whole list is rewritten: concurrent rotations queue on the table lock instead of failing
            // serialization again and again until the deadline (EXCLUSIVE still lets readers through).
            try await self.execute(connection, "LOCK TABLE session_token_keys IN EXCLUSIVE MODE")
            var keys = try await self.loadSessionTokenKeys(connection)
            try Self.apply(change, to: &keys)
            guard Set(keys.map(\.keyId)).count == keys.count else {
                throw StoreError(.conflict, "the session-token key list names a key ID twice")
            }
            try await self.execute(connection, "DELETE FROM session_token_keys")
            for key in keys {
                try await self.execute(
                    connection,
                    """
                    INSERT INTO session_token_keys (key_id, sealed_key, is_active, create_date, accepted_until)
                    VALUES (\(Int64(key.keyId)), \(key.sealedKey.map(Self.bytea)), \(key.isActive),
                        \(StoredValueCoding.millis(key.createDate)), \(key.acceptedUntil.map(StoredValueCoding.millis)))
                    """
                )
            }
            return try await self.loadSessionTokenKeys(connection)
        }
    }

    private func loadSessionTokenKeys(_ connection: PostgresConnection) async throws -> [SessionTokenKeyRecord] {
        try await fetchAll(
            connection,
            """
            SELECT key_id, sealed_key, is_active, create_date, accepted_until FROM session_token_keys
            ORDER BY key_id
            """
        ).map { row in
            let (keyId, sealed, isActive, created, acceptedUntil) = try row.decode(
                (Int64, ByteBuffer?, Bool, Int64, Int64?).self)
            guard let keyId = UInt32(exactly: keyId) else {
                throw StoreError(.corrupt, "session_token_keys.key_id is out of range")
            }
            return SessionTokenKeyRecord(
                keyId: keyId, sealedKey: sealed.map(Self.bytes), isActive: isActive,
                createDate: StoredValueCoding.date(millis: created),
                acceptedUntil: acceptedUntil.map(StoredValueCoding.date(millis:)))
        }
    }

    // MARK: Master-key rotation

    /// Re-seals access-key secrets, MFA seeds, outbound signing keys and sealed session-token keys, and writes
    /// `settings`, in one serializable transaction; an error thrown by `reseal` rolls everything back and is
    /// rethrown unchanged.
    @discardableResult
    public func resealSecrets(
        settings: [String: [UInt8]], _ reseal: @escaping @Sendable (SealedSecret) throws -> [UInt8]
    ) async throws -> Int {
        // The caller's error must come out unchanged, not mapped to `.unavailable`.
        let carried: @Sendable (SealedSecret) throws -> [UInt8] = { secret in
            do {
                return try reseal(secret)
            } catch {
                throw ChangeFailure(error: error)
            }
        }
        return try await write("resealSecrets") { connection in
            var count = 0
            for row in try await self.fetchAll(
                connection, "SELECT access_key_id, sealed_secret FROM access_keys ORDER BY access_key_id")
            {
                let (id, sealed) = try row.decode((String, ByteBuffer).self)
                let new = try carried(
                    SealedSecret(kind: .accessKeySecret, context: "access-key:\(id)", sealed: Self.bytes(sealed)))
                try await self.execute(
                    connection,
                    "UPDATE access_keys SET sealed_secret = \(Self.bytea(new)) WHERE access_key_id = \(id)")
                count += 1
            }
            for row in try await self.fetchAll(
                connection, "SELECT serial_number, sealed_seed FROM mfa_devices ORDER BY serial_number")
            {
                let (serial, sealed) = try row.decode((String, ByteBuffer).self)
                let new = try carried(
                    SealedSecret(kind: .mfaSeed, context: "mfa-seed:\(serial)", sealed: Self.bytes(sealed)))
                try await self.execute(
                    connection,
                    "UPDATE mfa_devices SET sealed_seed = \(Self.bytea(new)) WHERE serial_number = \(serial)")
                count += 1
            }
            count += try await self.resealOutboundKeys(connection, carried)
            for row in try await self.fetchAll(
                connection,
                "SELECT key_id, sealed_key FROM session_token_keys WHERE sealed_key IS NOT NULL ORDER BY key_id")
            {
                let (keyId, sealed) = try row.decode((Int64, ByteBuffer).self)
                let new = try carried(
                    SealedSecret(
                        kind: .sessionTokenKey, context: "session-token-key:\(keyId)", sealed: Self.bytes(sealed)))
                try await self.execute(
                    connection, "UPDATE session_token_keys SET sealed_key = \(Self.bytea(new)) WHERE key_id = \(keyId)")
                count += 1
            }
            for (name, value) in settings.sorted(by: { $0.key < $1.key }) {
                try await self.execute(
                    connection,
                    """
                    INSERT INTO store_settings (name, value) VALUES (\(name), \(Self.bytea(value)))
                    ON CONFLICT (name) DO UPDATE SET value = excluded.value
                    """
                )
            }
            return count
        }
    }
}
