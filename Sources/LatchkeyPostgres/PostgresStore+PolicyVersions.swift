public import LatchkeyDomain
import PostgresNIO

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

extension PostgresStore {
    /// The version, or nil if the policy has no such version; `.notFound` if the policy is missing.
    public func policyVersion(policyArn: String, versionId: String) async throws -> PolicyVersion? {
        try await read { connection in
            let (parts, policy) = try await self.requirePolicy(connection, policyArn)
            guard let number = Self.versionNumber(versionId) else { return nil }
            return try await self.fetchOne(
                connection,
                """
                SELECT version, document, create_date FROM policy_versions
                WHERE account_id = \(parts.accountId) AND policy_name_key = \(parts.nameKey) AND version = \(number)
                """
            ).map { row in try Self.decodeVersion(row, defaultVersionId: policy.defaultVersionId) }
        }
    }

    /// All versions of the policy, newest first; `.notFound` if the policy is missing.
    public func policyVersions(policyArn: String) async throws -> [PolicyVersion] {
        try await read { connection in
            let (parts, policy) = try await self.requirePolicy(connection, policyArn)
            return try await self.fetchAll(
                connection,
                """
                SELECT version, document, create_date FROM policy_versions
                WHERE account_id = \(parts.accountId) AND policy_name_key = \(parts.nameKey) ORDER BY version DESC
                """
            ).map { row in try Self.decodeVersion(row, defaultVersionId: policy.defaultVersionId) }
        }
    }

    /// Adds the next version (numbers are never reused); `.limitExceeded` at `maxVersions` versions, counted in the
    /// inserting transaction.
    public func createPolicyVersion(
        policyArn: String, document: String, setAsDefault: Bool, createDate: Date, maxVersions: Int
    ) async throws -> PolicyVersion {
        let created = PolicyColumns.millis(createDate)
        return try await write("createPolicyVersion") { connection in
            let (parts, _) = try await self.requirePolicy(connection, policyArn)
            let counts = try await self.fetchOne(
                connection,
                """
                SELECT (SELECT COUNT(*) FROM policy_versions
                        WHERE account_id = \(parts.accountId) AND policy_name_key = \(parts.nameKey)),
                    next_version
                FROM managed_policies WHERE account_id = \(parts.accountId) AND name_key = \(parts.nameKey)
                """
            )
            let (count, next) = try counts?.decode((Int64, Int64).self) ?? (Int64(0), Int64(1))
            guard count < Int64(maxVersions) else {
                throw StoreError(.limitExceeded, "policy \(policyArn) already has \(count) versions")
            }
            try await connection.query(
                """
                INSERT INTO policy_versions (account_id, policy_name_key, version, document, create_date)
                VALUES (\(parts.accountId), \(parts.nameKey), \(next), \(document), \(created))
                """,
                logger: self.logger
            )
            try await connection.query(
                """
                UPDATE managed_policies SET next_version = \(next + 1), update_date = \(created),
                    default_version = CASE WHEN \(setAsDefault) THEN \(next) ELSE default_version END
                WHERE account_id = \(parts.accountId) AND name_key = \(parts.nameKey)
                """,
                logger: self.logger
            )
            return PolicyVersion(
                versionId: "v\(next)", document: document, isDefaultVersion: setAsDefault,
                createDate: PolicyColumns.date(millis: created)
            )
        }
    }

    /// Makes the version the default; `.notFound` if the policy or the version is missing.
    public func setDefaultPolicyVersion(policyArn: String, versionId: String) async throws {
        try await write("setDefaultPolicyVersion") { connection in
            let (parts, _, number) = try await self.requireVersion(
                connection, policyArn: policyArn, versionId: versionId)
            try await connection.query(
                """
                UPDATE managed_policies SET default_version = \(number)
                WHERE account_id = \(parts.accountId) AND name_key = \(parts.nameKey)
                """,
                logger: self.logger
            )
        }
    }

    /// Deletes a non-default version; `.conflict` "default version" for the default.
    public func deletePolicyVersion(policyArn: String, versionId: String) async throws {
        try await write("deletePolicyVersion") { connection in
            let (parts, policy, number) = try await self.requireVersion(
                connection, policyArn: policyArn, versionId: versionId)
            guard "v\(number)" != policy.defaultVersionId else {
                throw StoreError(.conflict, "default version")
            }
            try await connection.query(
                """
                DELETE FROM policy_versions
                WHERE account_id = \(parts.accountId) AND policy_name_key = \(parts.nameKey) AND version = \(number)
                """,
                logger: self.logger
            )
        }
    }

    /// The policy named by the ARN, which must have the version, and the version's number; `.notFound`
    /// ("policy ..." or "version ...") otherwise.
    private func requireVersion(
        _ connection: PostgresConnection, policyArn: String, versionId: String
    ) async throws -> (ManagedPolicyARN, ManagedPolicy, Int64) {
        let (parts, policy) = try await requirePolicy(connection, policyArn)
        if let number = Self.versionNumber(versionId),
            try await fetchOne(
                connection,
                """
                SELECT 1 FROM policy_versions
                WHERE account_id = \(parts.accountId) AND policy_name_key = \(parts.nameKey) AND version = \(number)
                """
            ) != nil
        {
            return (parts, policy, number)
        }
        throw StoreError(.notFound, "version \(versionId) of policy \(policyArn) does not exist")
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

    static func decodeVersion(_ row: PostgresRow, defaultVersionId: String) throws -> PolicyVersion {
        let (version, document, created) = try row.decode((Int64, String, Int64).self)
        let versionId = "v\(version)"
        return PolicyVersion(
            versionId: versionId, document: document, isDefaultVersion: versionId == defaultVersionId,
            createDate: PolicyColumns.date(millis: created)
        )
    }
}
