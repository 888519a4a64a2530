public import Foundation
public import LatchkeyDomain
public import LatchkeyModel
import LatchkeyPolicy
import LatchkeyTokens

extension IAMService {
    /// The most groups one user may belong to (IAM's quota).
    static let maxGroupsPerUser = 10
    /// The aggregate size of a group's inline policies, white space not counted.
    static let maxGroupInlinePolicySize = 5120

    func groupArn(_ accountId: String, _ name: String, path: String = "/") -> String {
        "arn:aws:iam::\(accountId):group\(path)\(name)"
    }

    /// `CreateGroup`.
    public func createGroup(_ input: CreateGroupInput, caller: Caller, now: Date) async throws(STSError)
        -> CreateGroupOutput
    {
        let groupName = input.groupName
        let path = input.path ?? "/"
        try await authorize(
            caller, CreateGroupInput.operation, resource: groupArn(caller.accountId, groupName, path: path))
        let group = IAMGroup(
            accountId: caller.accountId, groupName: groupName,
            groupId: UniqueID.generate(prefix: "AGPA", account: caller.accountId), path: path,
            createDate: now.wholeSeconds)
        try await storeCall({ try await store.insertGroup(group) }) { error in
            error.code == .alreadyExists
                ? STSError(.entityAlreadyExists, "Group with name \(groupName) already exists.") : nil
        }
        return CreateGroupOutput(group: group.wire)
    }

    /// `GetGroup`: the group and a page of its members.
    public func getGroup(_ input: GetGroupInput, caller: Caller) async throws(STSError) -> GetGroupOutput {
        let groupName = input.groupName
        try await authorize(caller, GetGroupInput.operation, resource: groupArn(caller.accountId, groupName))
        let group = try await requireGroup(caller.accountId, groupName)
        let users = try await storeCall({
            try await store.usersInGroup(accountId: caller.accountId, groupName: groupName)
        }) {
            error in error.code == .notFound ? Self.noSuchOwner(.group(groupName)) : nil
        }
        let page = try page(
            users, listing: "GetGroup", key: { $0.userName.lowercased() }, marker: input.marker,
            maxItems: input.maxItems)
        return GetGroupOutput(
            group: group.wire, users: page.items.map { $0.wire(.listing) }, isTruncated: page.isTruncated,
            marker: page.marker)
    }

    /// `ListGroups`, ordered by name, paginated.
    public func listGroups(_ input: ListGroupsInput, caller: Caller) async throws(STSError) -> ListGroupsOutput {
        try await authorize(caller, ListGroupsInput.operation, resource: "arn:aws:iam::\(caller.accountId):group/")
        let groups = try await storeCall({
            try await store.groups(accountId: caller.accountId, pathPrefix: input.pathPrefix ?? "/")
        })
        let page = try page(
            groups, listing: "ListGroups", key: { $0.groupName.lowercased() }, marker: input.marker,
            maxItems: input.maxItems)
        return ListGroupsOutput(groups: page.items.map(\.wire), isTruncated: page.isTruncated, marker: page.marker)
    }

    /// `UpdateGroup`: renames the group and/or changes its path; members and policies follow.
    public func updateGroup(_ input: UpdateGroupInput, caller: Caller) async throws(STSError) -> UpdateGroupOutput {
        let (groupName, newGroupName, newPath) = (input.groupName, input.newGroupName, input.newPath)
        try await authorize(caller, UpdateGroupInput.operation, resource: groupArn(caller.accountId, groupName))
        try await storeCall({
            try await store.updateGroup(
                accountId: caller.accountId, groupName: groupName, newGroupName: newGroupName, newPath: newPath)
        }) { error in
            switch error.code {
            case .notFound: return Self.noSuchOwner(.group(groupName))
            case .alreadyExists:
                return STSError(.entityAlreadyExists, "Group with name \(newGroupName ?? groupName) already exists.")
            default: return nil
            }
        }
        return UpdateGroupOutput()
    }

    /// `DeleteGroup`: refused while it has members, attached policies or inline policies.
    public func deleteGroup(_ input: DeleteGroupInput, caller: Caller) async throws(STSError) -> DeleteGroupOutput {
        let groupName = input.groupName
        try await authorize(caller, DeleteGroupInput.operation, resource: groupArn(caller.accountId, groupName))
        var policiesRemain = false
        do {
            try await storeCall({ try await store.deleteGroup(accountId: caller.accountId, groupName: groupName) }) {
                error in
                if error.code == .notFound { return Self.noSuchOwner(.group(groupName)) }
                guard error.code == .conflict else { return nil }
                if error.detail == "users" {
                    return STSError(.deleteConflict, "Cannot delete entity, must remove users from group first.")
                }
                policiesRemain = true
                return STSError(.deleteConflict, "Cannot delete entity, must delete policies first.")
            }
        } catch {
            guard policiesRemain else { throw error }
            // The store says "policies" for both kinds; IAM names attached ones first.
            let attached = try await storeCall({
                try await store.attachedPolicies(accountId: caller.accountId, owner: .group(groupName))
            })
            guard attached.isEmpty else {
                throw STSError(.deleteConflict, "Cannot delete entity, must detach all policies first.")
            }
            throw error
        }
        return DeleteGroupOutput()
    }

    /// `AddUserToGroup`: adding a member again changes nothing; a user may be in at most 10 groups.
    public func addUserToGroup(_ input: AddUserToGroupInput, caller: Caller) async throws(STSError)
        -> AddUserToGroupOutput
    {
        let (groupName, userName) = (input.groupName, input.userName)
        try await authorize(caller, AddUserToGroupInput.operation, resource: groupArn(caller.accountId, groupName))
        try await storeCall({
            try await store.addUserToGroup(
                accountId: caller.accountId, groupName: groupName, userName: userName,
                maxGroupsPerUser: Self.maxGroupsPerUser)
        }) { error in
            switch error.code {
            case .notFound:
                return error.detail.hasPrefix("group") ? Self.noSuchOwner(.group(groupName)) : noSuchUser(userName)
            case .limitExceeded:
                return STSError(.limitExceeded, "Cannot exceed quota for GroupsPerUser: \(Self.maxGroupsPerUser)")
            default: return nil
            }
        }
        return AddUserToGroupOutput()
    }

    /// `RemoveUserFromGroup`: the group and the user must exist; a user that is not a member is no error (IAM answers
    /// 200).
    public func removeUserFromGroup(_ input: RemoveUserFromGroupInput, caller: Caller) async throws(STSError)
        -> RemoveUserFromGroupOutput
    {
        let (groupName, userName) = (input.groupName, input.userName)
        try await authorize(caller, RemoveUserFromGroupInput.operation, resource: groupArn(caller.accountId, groupName))
        let accountId = caller.accountId
        try await storeCall({
            do {
                try await store.removeUserFromGroup(accountId: accountId, groupName: groupName, userName: userName)
            } catch let error as StoreError where error.code == .notFound && error.detail.hasPrefix("membership") {}
        }) { error in
            guard error.code == .notFound else { return nil }
            return error.detail.hasPrefix("group") ? Self.noSuchOwner(.group(groupName)) : noSuchUser(userName)
        }
        return RemoveUserFromGroupOutput()
    }

    /// `ListGroupsForUser`, ordered by name, paginated.
    public func listGroupsForUser(_ input: ListGroupsForUserInput, caller: Caller) async throws(STSError)
        -> ListGroupsForUserOutput
    {
        let userName = input.userName
        try await authorize(caller, ListGroupsForUserInput.operation, resource: userArn(caller.accountId, userName))
        let groups = try await storeCall({
            try await store.groupsForUser(accountId: caller.accountId, userName: userName)
        }) {
            error in error.code == .notFound ? noSuchUser(userName) : nil
        }
        let page = try page(
            groups, listing: "ListGroupsForUser", key: { $0.groupName.lowercased() }, marker: input.marker,
            maxItems: input.maxItems)
        return ListGroupsForUserOutput(
            groups: page.items.map(\.wire), isTruncated: page.isTruncated, marker: page.marker)
    }

    /// Loads a group of the account or throws `NoSuchEntity`.
    func requireGroup(_ accountId: String, _ name: String) async throws(STSError) -> IAMGroup {
        guard let group = try await storeCall({ try await store.group(accountId: accountId, groupName: name) }) else {
            throw Self.noSuchOwner(.group(name))
        }
        return group
    }
}
