public import LatchkeyDomain
public import Testing

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Entities for store tests: fixed, millisecond-aligned values (stores keep dates to the millisecond).
public enum StoreFixture {
    public static let accountId = "123456789012"
    public static let otherAccountId = "210987654321"
    public static let epoch = Date(timeIntervalSince1970: 1_700_000_000.123)
    public static let account = Account(id: accountId, createDate: epoch)

    public static func date(plusSeconds seconds: Double) -> Date {
        Date(timeIntervalSince1970: 1_700_000_000.123 + seconds)
    }

    public static func user(
        _ name: String, accountId: String = accountId, path: String = "/", tags: [ResourceTag] = []
    ) -> IAMUser {
        IAMUser(
            accountId: accountId, userName: name, userId: "AIDA\(name.uppercased())00000000", path: path,
            createDate: date(plusSeconds: 60), tags: tags
        )
    }

    public static func key(
        _ id: String, accountId: String = accountId, userName: String? = nil, createdAfter seconds: Double = 0,
        status: AccessKeyStatus = .active
    ) -> AccessKeyRecord {
        AccessKeyRecord(
            accessKeyId: id, accountId: accountId, userName: userName, status: status,
            createDate: date(plusSeconds: seconds), sealedSecret: Array("sealed:\(id)".utf8) + [0, 255, 7]
        )
    }

    public static func serial(_ name: String, accountId: String = accountId) -> String {
        "arn:aws:iam::\(accountId):mfa/\(name)"
    }

    public static func device(_ name: String, accountId: String = accountId) -> MFADeviceRecord {
        MFADeviceRecord(
            accountId: accountId, serialNumber: serial(name, accountId: accountId), path: "/", deviceName: name,
            sealedSeed: [1, 2, 3, 0, 254], createDate: date(plusSeconds: 120),
            tags: [ResourceTag(key: "team", value: "blue")]
        )
    }

    // MARK: Roles, policies and groups

    public static let trustPolicy = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},\
        "Action":"sts:AssumeRole"}]}
        """

    /// A small identity policy allowing `action` on everything.
    public static func document(_ action: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"\#(action)","Resource":"*"}]}"#
    }

    public static func role(
        _ name: String, accountId: String = accountId, path: String = "/", description: String? = nil
    ) -> IAMRole {
        IAMRole(
            accountId: accountId, roleName: name, roleId: "AROA\(name.uppercased())00000000", path: path,
            assumeRolePolicyDocument: trustPolicy, description: description, createDate: date(plusSeconds: 180)
        )
    }

    public static func policy(
        _ name: String, accountId: String = accountId, path: String = "/", tags: [ResourceTag] = []
    ) -> ManagedPolicy {
        ManagedPolicy(
            accountId: accountId, policyName: name, policyId: "ANPA\(name.uppercased())00000000", path: path,
            description: "the \(name) policy", createDate: date(plusSeconds: 240), tags: tags
        )
    }

    public static func policyArn(_ name: String, accountId: String = accountId, path: String = "/") -> String {
        "arn:aws:iam::\(accountId):policy\(path)\(name)"
    }

    public static func group(_ name: String, accountId: String = accountId, path: String = "/") -> IAMGroup {
        IAMGroup(
            accountId: accountId, groupName: name, groupId: "AGPA\(name.uppercased())00000000", path: path,
            createDate: date(plusSeconds: 300)
        )
    }

    /// Inserts a managed policy whose v1 document allows `action` (default: `NAME:Get`); returns its ARN.
    @discardableResult
    public static func insertPolicy(
        _ store: any LatchkeyStore, _ name: String, path: String = "/", action: String? = nil
    ) async throws -> String {
        try await store.insertManagedPolicy(policy(name, path: path), document: document(action ?? "\(name):Get"))
        return policyArn(name, path: path)
    }

    /// One owner of each kind, inserted into the store under the same name.
    public static func insertOwners(_ store: any LatchkeyStore, named name: String) async throws -> [PolicyOwner] {
        try await store.insertUser(user(name))
        try await store.insertRole(role(name))
        try await store.insertGroup(group(name))
        return [.user(name), .role(name), .group(name)]
    }
}

/// Runs `body` and returns the `StoreError` it threw; records an issue if it threw nothing or something else.
public func storeError(
    _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) async -> StoreError? {
    do {
        try await body()
        Issue.record("expected a StoreError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as StoreError {
        return error
    } catch {
        Issue.record("expected a StoreError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
