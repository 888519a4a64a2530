public import Foundation
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeyTokens

extension IAMService {
    /// `CreateUser`.
    public func createUser(_ input: CreateUserInput, caller: Caller, now: Date) async throws(STSError)
        -> CreateUserOutput
    {
        let userName = input.userName
        let path = input.path ?? "/"
        let tags = (input.tags ?? []).map(ResourceTag.init)
        try await authorize(
            caller, CreateUserInput.operation, resource: userArn(caller.accountId, userName, path: path))
        try Self.checkTagKeysUnique(tags)
        if let permissionsBoundary = input.permissionsBoundary { try Self.checkPolicyArn(permissionsBoundary) }
        let user = IAMUser(
            accountId: caller.accountId, userName: userName,
            userId: UniqueID.generate(prefix: "AIDA", account: caller.accountId),
            path: path, createDate: now.wholeSeconds, tags: tags, permissionsBoundaryArn: input.permissionsBoundary
        )
        try await storeCall({ try await store.insertUser(user) }) { error in
            error.code == .alreadyExists
                ? STSError(.entityAlreadyExists, "User with name \(userName) already exists.") : nil
        }
        return CreateUserOutput(user: user.wire(.detailed))
    }

    /// `GetUser`: without a name, the caller itself (the root answers with its account's ID and creation date).
    public func getUser(_ input: GetUserInput, caller: Caller) async throws(STSError) -> GetUserOutput {
        guard let userName = input.userName else {
            // Without a name, the caller itself; the caller still needs iam:GetUser on itself.
            try await authorize(caller, GetUserInput.operation, resource: caller.arn)
            switch caller.credentials {
            case .user(let user):
                return GetUserOutput(user: user.wire(.detailed))
            case .root:
                return GetUserOutput(user: try await rootUser(caller.accountId))
            case .temporary(let claims):
                if claims.kind == .rootSession { return GetUserOutput(user: try await rootUser(caller.accountId)) }
                throw STSError(.validationError, "Must specify userName when calling with non-User credentials")
            }
        }
        return GetUserOutput(user: try await authorizedUser(caller, userName).wire(.detailed))
    }

    /// A named user, which the caller must be allowed to `iam:GetUser`.
    func authorizedUser(_ caller: Caller, _ userName: String) async throws(STSError) -> IAMUser {
        try await authorize(caller, GetUserInput.operation, resource: userArn(caller.accountId, userName))
        return try await requireUser(caller.accountId, userName)
    }

    private func rootUser(_ accountId: String) async throws(STSError) -> IAM.User {
        let account = try await storeCall({ try await store.account(id: accountId) })
        return IAMUser.rootWire(accountId: accountId, createDate: account?.createDate ?? Date(timeIntervalSince1970: 0))
    }

    /// `ListUsers`, ordered by name, paginated.
    public func listUsers(_ input: ListUsersInput, caller: Caller) async throws(STSError) -> ListUsersOutput {
        try await authorize(caller, ListUsersInput.operation, resource: "arn:aws:iam::\(caller.accountId):user/")
        let users = try await storeCall({
            try await store.users(accountId: caller.accountId, pathPrefix: input.pathPrefix ?? "/")
        })
        let page = try page(
            users, listing: "ListUsers", key: { $0.userName.lowercased() }, marker: input.marker,
            maxItems: input.maxItems)
        return ListUsersOutput(
            users: page.items.map { $0.wire(.listing) }, isTruncated: page.isTruncated, marker: page.marker)
    }

    /// `DeleteUser`: refused while the user has access keys, MFA devices, policies or groups.
    public func deleteUser(_ input: DeleteUserInput, caller: Caller) async throws(STSError) -> DeleteUserOutput {
        let userName = input.userName
        try await authorize(caller, DeleteUserInput.operation, resource: userArn(caller.accountId, userName))
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
        return DeleteUserOutput()
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
    public func updateUser(_ input: UpdateUserInput, caller: Caller) async throws(STSError) -> UpdateUserOutput {
        let userName = input.userName
        let newUserName = input.newUserName
        let newPath = input.newPath
        let existing = try await storeCall({ try await store.user(accountId: caller.accountId, userName: userName) })
        let source = existing?.arn ?? userArn(caller.accountId, userName)
        try await authorize(caller, UpdateUserInput.operation, resource: source)
        guard let existing else { throw noSuchUser(userName) }
        let target = userArn(caller.accountId, newUserName ?? existing.userName, path: newPath ?? existing.path)
        if target != source {
            try await authorize(caller, UpdateUserInput.operation, resource: target)
        }
        _ = try await storeCall({
            try await store.renameUser(
                accountId: caller.accountId, userName: existing.userName, newUserName: newUserName, newPath: newPath)
        }) { error in
            switch error.code {
            case .notFound: return noSuchUser(userName)
            case .alreadyExists:
                return STSError(.entityAlreadyExists, "User with name \(newUserName ?? userName) already exists.")
            default: return nil
            }
        }
        // Cached callers carry the user (its name and ARN), and cached effective policies are keyed by user name.
        resolver?.invalidateAll()
        authorizer.invalidate()
        return UpdateUserOutput()
    }

    /// `arn:aws:iam::ACCOUNT:policy/...` or `arn:aws:iam::aws:policy/...`.
    static func isPolicyArn(_ arn: String) -> Bool {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "aws", parts[2] == "iam", parts[3].isEmpty else {
            return false
        }
        guard parts[4] == "aws" || Account.isValidID(String(parts[4])) else { return false }
        return parts[5].hasPrefix("policy/") && parts[5].count > "policy/".count
    }

}
