public import Foundation
public import LatchkeyModel
public import LatchkeyDomain
import LatchkeyTokens

extension IAMService {
    /// `CreateUser`.
    public func createUser(
        caller: Caller, userName: String, path: String?, permissionsBoundary: String?, tags: [ResourceTag], now: Date
    ) async throws(STSError) -> IAMUser {
        let path = path ?? "/"
        try await authorize(caller, action: "CreateUser", resource: userArn(caller.accountId, userName, path: path))
        try Self.checkTagKeysUnique(tags)
        if let permissionsBoundary { try Self.checkPolicyArn(permissionsBoundary) }
        let user = IAMUser(
            accountId: caller.accountId, userName: userName,
            userId: UniqueID.generate(prefix: "AIDA", account: caller.accountId),
            path: path, createDate: now.wholeSeconds, tags: tags, permissionsBoundaryArn: permissionsBoundary
        )
        try await storeCall({ try await store.insertUser(user) }) { error in
            error.code == .alreadyExists
                ? STSError(.entityAlreadyExists, "User with name \(userName) already exists.") : nil
        }
        return user
    }

    /// The result of `GetUser`: a user, or the root when called without a name by the root.
    public enum GetUserResult: Sendable {
        case user(IAMUser)
        case root(accountId: String, createDate: Date)
    }

    /// `GetUser`: without a name, the caller itself.
    public func getUser(caller: Caller, userName: String?) async throws(STSError) -> GetUserResult {
        guard let userName else {
            // Without a name, the caller itself; the caller still needs iam:GetUser on itself.
            try await authorize(caller, action: "GetUser", resource: caller.arn)
            switch caller.credentials {
            case .user(let user):
                return .user(user)
            case .root:
                return try await rootResult(caller.accountId)
            case .temporary(let claims):
                if claims.kind == .rootSession { return try await rootResult(caller.accountId) }
                throw STSError(.validationError, "Must specify userName when calling with non-User credentials")
            }
        }
        try await authorize(caller, action: "GetUser", resource: userArn(caller.accountId, userName))
        return .user(try await requireUser(caller.accountId, userName))
    }

    private func rootResult(_ accountId: String) async throws(STSError) -> GetUserResult {
        let account = try await storeCall({ try await store.account(id: accountId) })
        return .root(accountId: accountId, createDate: account?.createDate ?? Date(timeIntervalSince1970: 0))
    }

    /// `ListUsers`, ordered by name, paginated.
    public func listUsers(caller: Caller, pathPrefix: String?, marker: String?, maxItems: Int?) async throws(STSError)
        -> Page<IAMUser>
    {
        try await authorize(caller, action: "ListUsers", resource: "arn:aws:iam::\(caller.accountId):user/")
        let users = try await storeCall({ try await store.users(accountId: caller.accountId, pathPrefix: pathPrefix ?? "/") })
        return try page(users, listing: "ListUsers", key: { $0.userName.lowercased() }, marker: marker, maxItems: maxItems)
    }

    /// `DeleteUser`: refused while the user has access keys or an enabled MFA device.
    public func deleteUser(caller: Caller, userName: String) async throws(STSError) {
        try await authorize(caller, action: "DeleteUser", resource: userArn(caller.accountId, userName))
        let keys = try await storeCall({ try await store.accessKeys(accountId: caller.accountId, userName: userName) })
        try await storeCall({ try await store.deleteUser(accountId: caller.accountId, userName: userName) }) { error in
            if error.code == .notFound { return noSuchUser(userName) }
            if error.code == .conflict {
                let message =
                    switch error.detail {
                    case "MFA devices": "Cannot delete entity, must delete MFA device first."
                    case "attached policies": "Cannot delete entity, must detach all policies first."
                    case "policies": "Cannot delete entity, must delete policies first."
                    case "groups": "Cannot delete entity, must remove user from all groups first."
                    default: "Cannot delete entity, must delete access keys first."
                    }
                return STSError(.deleteConflict, message)
            }
            return nil
        }
        for key in keys { resolver?.invalidate(accessKeyId: key.accessKeyId) }
    }

    /// `UpdateUser`: renames the user and/or moves it to another path. The user keeps its user ID, access keys,
    /// MFA devices, group memberships, inline and attached policies, permissions boundary and tags; its ARN becomes
    /// the new path and name.
    ///
    /// As AWS documents ("to change Bob to Robert, the entity making the request must have permission on Bob and
    /// Robert"), the caller needs `iam:UpdateUser` on the user's current ARN and, when the ARN changes, on the new
    /// one too. The current ARN is the stored user's (its real path); for a user that does not exist it is
    /// `user/NAME`, authorized before the `NoSuchEntity` so that existence is never told to an unauthorized
    /// caller. Credentials already issued keep working: long-term keys resolve to the renamed user at once (the
    /// credential cache is dropped), and session tokens are self-contained and keep the ARN they were issued with.
    public func updateUser(caller: Caller, userName: String, newUserName: String?, newPath: String?)
        async throws(STSError) -> IAMUser
    {
        let existing = try await storeCall({ try await store.user(accountId: caller.accountId, userName: userName) })
        let source = existing?.arn ?? userArn(caller.accountId, userName)
        try await authorize(caller, action: "UpdateUser", resource: source)
        guard let existing else { throw noSuchUser(userName) }
        let target = userArn(caller.accountId, newUserName ?? existing.userName, path: newPath ?? existing.path)
        if target != source {
            try await authorize(caller, action: "UpdateUser", resource: target)
        }
        let renamed = try await storeCall({
            try await store.renameUser(
                accountId: caller.accountId, userName: existing.userName, newUserName: newUserName, newPath: newPath)
        }) { error in
            switch error.code {
            case .notFound: return noSuchUser(userName)
            case .alreadyExists: return STSError(.entityAlreadyExists, "User with name \(newUserName ?? userName) already exists.")
            default: return nil
            }
        }
        // Cached callers carry the user (its name and ARN), and cached effective policies are keyed by user name.
        resolver?.invalidateAll()
        authorizer.invalidate()
        return renamed
    }

    /// `TagUser`: adds or replaces tags (keys case-insensitive); at most 50 tags on a user.
    public func tagUser(caller: Caller, userName: String, tags: [ResourceTag]) async throws(STSError) {
        try await authorize(caller, action: "TagUser", resource: userArn(caller.accountId, userName))
        try Self.checkTagKeysUnique(tags)
        try await modifyUser(caller.accountId, userName) { user in
            // Counted against the tags actually stored, inside the store's transaction.
            let merged = Self.merge(user.tags, with: tags)
            guard merged.count <= 50 else {
                throw Self.tooManyTags
            }
            user.tags = merged
        }
    }

    /// `UntagUser`: removes the named keys (case-insensitively); absent keys are ignored.
    public func untagUser(caller: Caller, userName: String, tagKeys: [String]) async throws(STSError) {
        try await authorize(caller, action: "UntagUser", resource: userArn(caller.accountId, userName))
        let removed = Set(tagKeys.map { $0.lowercased() })
        try await modifyUser(caller.accountId, userName) { user in
            user.tags.removeAll { removed.contains($0.key.lowercased()) }
        }
    }

    /// `ListUserTags`.
    public func listUserTags(caller: Caller, userName: String, marker: String?, maxItems: Int?) async throws(STSError)
        -> Page<ResourceTag>
    {
        try await authorize(caller, action: "ListUserTags", resource: userArn(caller.accountId, userName))
        let user = try await requireUser(caller.accountId, userName)
        let sorted = user.tags.sorted { $0.key.lowercased() < $1.key.lowercased() }
        return try page(sorted, listing: "ListUserTags", key: { $0.key.lowercased() }, marker: marker, maxItems: maxItems)
    }

    /// Changes the user's tags atomically (read, `change`, write in one store transaction, so concurrent updates
    /// are not lost); an `STSError` thrown by `change` comes back as it is, a missing user is `NoSuchEntity`.
    private func modifyUser(
        _ accountId: String, _ userName: String, _ change: @escaping @Sendable (inout IAMUser) throws -> Void
    ) async throws(STSError) {
        _ = try await storeCall({ try await store.modifyUser(accountId: accountId, userName: userName, change) }) { error in
            error.code == .notFound ? noSuchUser(userName) : nil
        }
        // Cached callers carry the user (its tags); drop them.
        resolver?.invalidateAll()
    }

    /// `arn:aws:iam::ACCOUNT:policy/...` or `arn:aws:iam::aws:policy/...`.
    static func isPolicyArn(_ arn: String) -> Bool {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "aws", parts[2] == "iam", parts[3].isEmpty else { return false }
        guard parts[4] == "aws" || Account.isValidID(String(parts[4])) else { return false }
        return parts[5].hasPrefix("policy/") && parts[5].count > "policy/".count
    }

}
