import Foundation
import LatchkeyDomain
import LatchkeySQLite
import Testing

/// Roles, policies and groups for the v2 tables: fixed, millisecond-aligned values.
extension Fixture {
    static let trustPolicy = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},\
        "Action":"sts:AssumeRole"}]}
        """

    /// A small identity policy allowing `action` on everything.
    static func document(_ action: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"\#(action)","Resource":"*"}]}"#
    }

    static func role(
        _ name: String, accountId: String = accountId, path: String = "/", description: String? = nil
    ) -> IAMRole {
        IAMRole(
            accountId: accountId, roleName: name, roleId: "AROA\(name.uppercased())00000000", path: path,
            assumeRolePolicyDocument: trustPolicy, description: description, createDate: date(plusSeconds: 180)
        )
    }

    static func policy(
        _ name: String, accountId: String = accountId, path: String = "/", tags: [ResourceTag] = []
    ) -> ManagedPolicy {
        ManagedPolicy(
            accountId: accountId, policyName: name, policyId: "ANPA\(name.uppercased())00000000", path: path,
            description: "the \(name) policy", createDate: date(plusSeconds: 240), tags: tags
        )
    }

    static func policyArn(_ name: String, accountId: String = accountId, path: String = "/") -> String {
        "arn:aws:iam::\(accountId):policy\(path)\(name)"
    }

    static func group(_ name: String, accountId: String = accountId, path: String = "/") -> IAMGroup {
        IAMGroup(
            accountId: accountId, groupName: name, groupId: "AGPA\(name.uppercased())00000000", path: path,
            createDate: date(plusSeconds: 300)
        )
    }

    /// Inserts a managed policy whose v1 document allows `action` (default: `NAME:Get`); returns its ARN.
    @discardableResult
    static func insertPolicy(
        _ store: SQLiteIdentityStore, _ name: String, path: String = "/", action: String? = nil
    ) async throws -> String {
        try await store.insertManagedPolicy(policy(name, path: path), document: document(action ?? "\(name):Get"))
        return policyArn(name, path: path)
    }

    /// One owner of each kind, inserted into the store under the same name.
    static func insertOwners(_ store: SQLiteIdentityStore, named name: String) async throws -> [PolicyOwner] {
        try await store.insertUser(user(name))
        try await store.insertRole(role(name))
        try await store.insertGroup(group(name))
        return [.user(name), .role(name), .group(name)]
    }
}
