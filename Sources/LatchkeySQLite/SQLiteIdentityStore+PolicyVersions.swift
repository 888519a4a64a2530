import GRDB
public import LatchkeyDomain

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

extension SQLiteIdentityStore {
    /// The version, or nil if the policy has no such version; `.notFound` if the policy is missing.
    public func policyVersion(policyArn: String, versionId: String) async throws -> PolicyVersion? {
        try await read { db in
            let (parts, policy) = try Self.requirePolicy(db, policyArn)
            guard let number = Self.versionNumber(versionId) else { return nil }
            return try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT version, document, create_date FROM policy_versions
                        WHERE account_id = ? AND policy_name_key = ? AND version = ?
                        """
                ),
                arguments: [parts.accountId, parts.nameKey, number]
            ).map { row in try Self.decodeVersion(row, defaultVersionId: policy.defaultVersionId) }
        }
    }

    /// All versions of the policy, newest first; `.notFound` if the policy is missing.
    public func policyVersions(policyArn: String) async throws -> [PolicyVersion] {
        try await read { db in
            let (parts, policy) = try Self.requirePolicy(db, policyArn)
            return try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT version, document, create_date FROM policy_versions
                        WHERE account_id = ? AND policy_name_key = ? ORDER BY version DESC
                        """
                ),
                arguments: [parts.accountId, parts.nameKey]
            ).map { row in try Self.decodeVersion(row, defaultVersionId: policy.defaultVersionId) }
        }
    }

    /// Adds the next version (numbers are never reused); `.limitExceeded` at `maxVersions` versions.
    public func createPolicyVersion(
        policyArn: String, document: String, setAsDefault: Bool, createDate: Date, maxVersions: Int
    ) async throws -> PolicyVersion {
        let created = Stored.millis(createDate)
        return try await write("createPolicyVersion") { db in
            let (parts, _) = try Self.requirePolicy(db, policyArn)
            let keys: StatementArguments = [parts.accountId, parts.nameKey]
            let count =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM policy_versions WHERE account_id = ? AND policy_name_key = ?",
                    arguments: keys
                ) ?? 0
            guard count < maxVersions else {
                throw StoreError(.limitExceeded, "policy \(policyArn) already has \(count) versions")
            }
            let next =
                try Int64.fetchOne(
                    db,
                    sql: "SELECT next_version FROM managed_policies WHERE account_id = ? AND name_key = ?",
                    arguments: keys
                ) ?? 1
            try db.execute(
                sql: """
                    INSERT INTO policy_versions (account_id, policy_name_key, version, document, create_date)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [parts.accountId, parts.nameKey, next, document, created]
            )
            try db.execute(
                sql: """
                    UPDATE managed_policies SET next_version = ?1 + 1, update_date = ?2,
                        default_version = CASE WHEN ?3 THEN ?1 ELSE default_version END
                    WHERE account_id = ?4 AND name_key = ?5
                    """,
                arguments: [next, created, setAsDefault, parts.accountId, parts.nameKey]
            )
            return PolicyVersion(
                versionId: "v\(next)", document: document, isDefaultVersion: setAsDefault,
                createDate: Stored.date(millis: created)
            )
        }
    }

    /// Makes the version the default; `.notFound` if the policy or the version is missing.
    public func setDefaultPolicyVersion(policyArn: String, versionId: String) async throws {
        try await write("setDefaultPolicyVersion") { db in
            let (parts, _) = try Self.requireVersion(db, policyArn: policyArn, versionId: versionId)
            try db.execute(
                sql: "UPDATE managed_policies SET default_version = ? WHERE account_id = ? AND name_key = ?",
                arguments: [Self.versionNumber(versionId), parts.accountId, parts.nameKey]
            )
        }
    }

    /// Deletes a non-default version; `.conflict` "default version" for the default.
    public func deletePolicyVersion(policyArn: String, versionId: String) async throws {
        try await write("deletePolicyVersion") { db in
            let (parts, policy) = try Self.requireVersion(db, policyArn: policyArn, versionId: versionId)
            let number = Self.versionNumber(versionId)
            guard "v\(number ?? 0)" != policy.defaultVersionId else {
                throw StoreError(.conflict, "default version")
            }
            try db.execute(
                sql: "DELETE FROM policy_versions WHERE account_id = ? AND policy_name_key = ? AND version = ?",
                arguments: [parts.accountId, parts.nameKey, number]
            )
        }
    }

    /// The policy named by the ARN, which must have the version; `.notFound` ("policy ..." or "version ...")
    /// otherwise.
    private static func requireVersion(
        _ db: Database, policyArn: String, versionId: String
    ) throws -> (PolicyARN, ManagedPolicy) {
        let (parts, policy) = try requirePolicy(db, policyArn)
        let exists =
            try versionNumber(versionId).map { number in
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM policy_versions
                            WHERE account_id = ? AND policy_name_key = ? AND version = ?)
                        """,
                    arguments: [parts.accountId, parts.nameKey, number]
                ) == true
            } ?? false
        guard exists else { throw StoreError(.notFound, "version \(versionId) of policy \(policyArn) does not exist") }
        return (parts, policy)
    }

    /// The number of a version ID `vN` (N from 1, no leading zero, at most 9 digits); nil for anything else.
    static func versionNumber(_ versionId: String) -> Int64? {
        let bytes = Array(versionId.utf8)
        guard bytes.count >= 2, bytes.count <= 10, bytes[0] == UInt8(ascii: "v"), bytes[1] != UInt8(ascii: "0")
        else { return nil }
        var number: Int64 = 0
        for byte in bytes.dropFirst() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            number = number * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return number
    }

    static func decodeVersion(_ row: Row, defaultVersionId: String) throws -> PolicyVersion {
        let columns = StoredRow(row: row, table: "policy_versions")
        let versionId = "v\(try columns.int64(0))"
        return PolicyVersion(
            versionId: versionId,
            document: try columns.string(1),
            isDefaultVersion: versionId == defaultVersionId,
            createDate: try columns.date(2)
        )
    }
}
