public import Foundation
public import LatchkeyModel
public import LatchkeyDomain
import LatchkeyTokens

extension IAMService {
    /// A new access key with its secret, returned once by `CreateAccessKey`.
    public struct NewAccessKey: Sendable {
        public var record: AccessKeyRecord
        public var secretAccessKey: String
    }

    /// Resolves `UserName` for the access-key and MFA operations: the named user (which must exist), or the caller's
    /// own identity when omitted: the root (nil), the calling user, or the user behind GetSessionToken credentials.
    func keyOwner(caller: Caller, userName: String?) async throws(STSError) -> String? {
        if let userName {
            return try await requireUser(caller.accountId, userName).userName
        }
        switch try Self.implicitUser(caller) {
        case .root: return nil
        case .user(let name): return name
        }
    }

    /// Who an operation acts on when `UserName` is omitted.
    enum ImplicitUser: Equatable {
        case root
        case user(String)
    }

    /// The identity an operation without `UserName` acts on. Role and federated sessions are no user:
    /// `ValidationError` "Must specify userName when calling with non-User credentials", as IAM answers.
    static func implicitUser(_ caller: Caller) throws(STSError) -> ImplicitUser {
        switch caller.credentials {
        case .root: return .root
        case .user(let user): return .user(user.userName)
        case .temporary(let claims):
            if claims.kind == .rootSession { return .root }
            if claims.kind == .sessionToken, let range = claims.principalArn.range(of: ":user/"),
                let name = claims.principalArn[range.upperBound...].split(separator: "/").last
            {
                return .user(String(name))
            }
            throw STSError(.validationError, "Must specify userName when calling with non-User credentials")
        }
    }

    /// The resource an access-key or MFA operation acts on: the named user, else the caller itself (which must be
    /// the root or a user: see ``implicitUser(_:)``).
    func ownerArn(_ caller: Caller, _ userName: String?) throws(STSError) -> String {
        if let userName { return userArn(caller.accountId, userName) }
        _ = try Self.implicitUser(caller)
        return caller.arn
    }

    /// `CreateAccessKey`: at most two keys per user (or root).
    public func createAccessKey(caller: Caller, userName: String?, now: Date) async throws(STSError) -> NewAccessKey {
        try await authorize(caller, action: "CreateAccessKey", resource: try ownerArn(caller, userName))
        let owner = try await keyOwner(caller: caller, userName: userName)
        let id = AccessKeyID.generate(kind: .longTerm, account: caller.accountId)
        let secret = SecurityTokenService.generateSecretAccessKey()
        let record = AccessKeyRecord(
            accessKeyId: id, accountId: caller.accountId, userName: owner, status: .active,
            createDate: now.wholeSeconds,
            sealedSecret: secretBox.seal(Array(secret.utf8), context: "access-key:\(id)")
        )
        try await storeCall({ try await store.insertAccessKey(record, maxKeysPerOwner: 2) }) { error in
            switch error.code {
            case .notFound: return noSuchUser(userName ?? "")
            case .limitExceeded: return STSError(.limitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2")
            default: return nil
            }
        }
        return NewAccessKey(record: record, secretAccessKey: secret)
    }

    /// `ListAccessKeys`.
    public func listAccessKeys(caller: Caller, userName: String?, marker: String?, maxItems: Int?) async throws(STSError)
        -> Page<AccessKeyRecord>
    {
        try await authorize(caller, action: "ListAccessKeys", resource: try ownerArn(caller, userName))
        let owner = try await keyOwner(caller: caller, userName: userName)
        let keys = try await storeCall({ try await store.accessKeys(accountId: caller.accountId, userName: owner) })
        return try page(keys, listing: "ListAccessKeys", key: { $0.accessKeyId }, marker: marker, maxItems: maxItems)
    }

    /// `UpdateAccessKey` (Active/Inactive). An inactive key is refused at once on this node.
    public func updateAccessKey(caller: Caller, userName: String?, accessKeyId: String, status: AccessKeyStatus)
        async throws(STSError)
    {
        try await authorize(caller, action: "UpdateAccessKey", resource: try ownerArn(caller, userName))
        let key = try await ownedKey(caller: caller, userName: userName, accessKeyId: accessKeyId)
        try await storeCall({ try await store.updateAccessKeyStatus(id: key.accessKeyId, status: status) }) { error in
            error.code == .notFound ? noSuchKey(accessKeyId) : nil
        }
        resolver?.invalidate(accessKeyId: key.accessKeyId)
    }

    /// `DeleteAccessKey`.
    public func deleteAccessKey(caller: Caller, userName: String?, accessKeyId: String) async throws(STSError) {
        try await authorize(caller, action: "DeleteAccessKey", resource: try ownerArn(caller, userName))
        let key = try await ownedKey(caller: caller, userName: userName, accessKeyId: accessKeyId)
        try await storeCall({ try await store.deleteAccessKey(id: key.accessKeyId) }) { error in
            error.code == .notFound ? noSuchKey(accessKeyId) : nil
        }
        resolver?.invalidate(accessKeyId: key.accessKeyId)
    }

    /// What `GetAccessKeyLastUsed` answers: the key (for its owner's name) and its last use, nil if never used.
    public struct AccessKeyLastUsed: Sendable {
        public var key: AccessKeyRecord
        public var lastUse: AccessKeyUse?
    }

    /// `GetAccessKeyLastUsed`: the latest recorded use of the key (the store's, merged with a use not yet flushed
    /// by the server's usage recorder), or none (`N/A`) for a key never used.
    public func getAccessKeyLastUsed(caller: Caller, accessKeyId: String) async throws(STSError) -> AccessKeyLastUsed {
        try await authorize(caller, action: "GetAccessKeyLastUsed", resource: "arn:aws:iam::\(caller.accountId):user/")
        guard let key = try await storeCall({ try await store.accessKey(id: accessKeyId) }),
            key.accountId == caller.accountId
        else {
            throw STSError(.accessDenied, "The Access Key with id \(accessKeyId) cannot be found.")
        }
        let lastUse: AccessKeyUse?
        if let usage = resolver?.usage {
            lastUse = try await storeCall({ try await usage.lastUse(accessKeyId: key.accessKeyId) })
        } else {
            lastUse = try await storeCall({ try await store.accessKeyLastUse(id: key.accessKeyId) })
        }
        return AccessKeyLastUsed(key: key, lastUse: lastUse)
    }

    private func ownedKey(caller: Caller, userName: String?, accessKeyId: String) async throws(STSError) -> AccessKeyRecord {
        let owner = try await keyOwner(caller: caller, userName: userName)
        guard let key = try await storeCall({ try await store.accessKey(id: accessKeyId) }),
            key.accountId == caller.accountId,
            key.userName?.lowercased() == owner?.lowercased()
        else {
            throw noSuchKey(accessKeyId)
        }
        return key
    }

    private func noSuchKey(_ id: String) -> STSError {
        STSError(.noSuchEntity, "The Access Key with id \(id) cannot be found.")
    }
}
