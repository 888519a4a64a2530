public import Foundation
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeyTokens

extension IAMService {
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

    /// `CreateAccessKey`: at most two keys per user (or root); the secret is returned this once.
    public func createAccessKey(_ input: CreateAccessKeyInput, caller: Caller, now: Date) async throws(STSError)
        -> CreateAccessKeyOutput
    {
        let userName = input.userName
        try await authorize(caller, CreateAccessKeyInput.operation, resource: try ownerArn(caller, userName))
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
        return CreateAccessKeyOutput(accessKey: record.wire(secretAccessKey: secret))
    }

    /// `ListAccessKeys`: the named user's keys, or the caller's own.
    public func listAccessKeys(_ input: ListAccessKeysInput, caller: Caller) async throws(STSError)
        -> ListAccessKeysOutput
    {
        try await authorize(caller, ListAccessKeysInput.operation, resource: try ownerArn(caller, input.userName))
        let owner = try await keyOwner(caller: caller, userName: input.userName)
        let keys = try await storeCall({ try await store.accessKeys(accountId: caller.accountId, userName: owner) })
        let page = try page(
            keys, listing: "ListAccessKeys", key: { $0.accessKeyId }, marker: input.marker, maxItems: input.maxItems)
        return ListAccessKeysOutput(
            accessKeyMetadata: page.items.map(\.wireMetadata), isTruncated: page.isTruncated, marker: page.marker)
    }

    /// `UpdateAccessKey` (Active/Inactive). An inactive key is refused at once on this node.
    public func updateAccessKey(_ input: UpdateAccessKeyInput, caller: Caller) async throws(STSError)
        -> UpdateAccessKeyOutput
    {
        guard let status = AccessKeyStatus(rawValue: input.status) else {
            throw STSError(.invalidInput, "Status must be Active or Inactive, not \(input.status).")
        }
        try await authorize(caller, UpdateAccessKeyInput.operation, resource: try ownerArn(caller, input.userName))
        let key = try await ownedKey(caller: caller, userName: input.userName, accessKeyId: input.accessKeyId)
        try await storeCall({ try await store.updateAccessKeyStatus(id: key.accessKeyId, status: status) }) { error in
            error.code == .notFound ? noSuchKey(input.accessKeyId) : nil
        }
        resolver?.invalidate(accessKeyId: key.accessKeyId)
        return UpdateAccessKeyOutput()
    }

    /// `DeleteAccessKey`.
    public func deleteAccessKey(_ input: DeleteAccessKeyInput, caller: Caller) async throws(STSError)
        -> DeleteAccessKeyOutput
    {
        try await authorize(caller, DeleteAccessKeyInput.operation, resource: try ownerArn(caller, input.userName))
        let key = try await ownedKey(caller: caller, userName: input.userName, accessKeyId: input.accessKeyId)
        try await storeCall({ try await store.deleteAccessKey(id: key.accessKeyId) }) { error in
            error.code == .notFound ? noSuchKey(input.accessKeyId) : nil
        }
        resolver?.invalidate(accessKeyId: key.accessKeyId)
        return DeleteAccessKeyOutput()
    }

    /// `GetAccessKeyLastUsed`: the key's owner (none for the root's keys) and the latest recorded use of the key
    /// (the store's, merged with a use not yet flushed by the server's usage recorder), or none (`N/A`) for a key
    /// never used.
    public func getAccessKeyLastUsed(_ input: GetAccessKeyLastUsedInput, caller: Caller) async throws(STSError)
        -> GetAccessKeyLastUsedOutput
    {
        let accessKeyId = input.accessKeyId
        try await authorize(
            caller, GetAccessKeyLastUsedInput.operation, resource: "arn:aws:iam::\(caller.accountId):user/")
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
        return GetAccessKeyLastUsedOutput(userName: key.userName, accessKeyLastUsed: IAM.AccessKeyLastUsed(lastUse))
    }

    private func ownedKey(caller: Caller, userName: String?, accessKeyId: String) async throws(STSError)
        -> AccessKeyRecord
    {
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
