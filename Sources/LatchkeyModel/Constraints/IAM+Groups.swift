extension OperationSchema {
    /// IAM `CreateGroup` (`CreateGroupRequest`).
    public static let createGroup = OperationSchema(
        .iam, "CreateGroup",
        input: .structure(
            "CreateGroupRequest",
            [
                MemberSchema("Path", IAMShapes.pathType),
                MemberSchema("GroupName", IAMShapes.groupNameType, required: true),
            ]))

    /// IAM `GetGroup` (`GetGroupRequest`).
    public static let getGroup = OperationSchema(
        .iam, "GetGroup",
        input: .structure(
            "GetGroupRequest",
            [MemberSchema("GroupName", IAMShapes.groupNameType, required: true)] + IAMShapes.pagination))

    /// IAM `ListGroups` (`ListGroupsRequest`).
    public static let listGroups = OperationSchema(
        .iam, "ListGroups",
        input: .structure(
            "ListGroupsRequest", [MemberSchema("PathPrefix", IAMShapes.pathPrefixType)] + IAMShapes.pagination))

    /// IAM `UpdateGroup` (`UpdateGroupRequest`).
    public static let updateGroup = OperationSchema(
        .iam, "UpdateGroup",
        input: .structure(
            "UpdateGroupRequest",
            [
                MemberSchema("GroupName", IAMShapes.groupNameType, required: true),
                MemberSchema("NewPath", IAMShapes.pathType),
                MemberSchema("NewGroupName", IAMShapes.groupNameType),
            ]))

    /// IAM `DeleteGroup` (`DeleteGroupRequest`).
    public static let deleteGroup = OperationSchema(
        .iam, "DeleteGroup",
        input: .structure("DeleteGroupRequest", [MemberSchema("GroupName", IAMShapes.groupNameType, required: true)]))

    /// IAM `AddUserToGroup` (`AddUserToGroupRequest`).
    public static let addUserToGroup = OperationSchema(
        .iam, "AddUserToGroup",
        input: .structure(
            "AddUserToGroupRequest",
            [
                MemberSchema("GroupName", IAMShapes.groupNameType, required: true),
                MemberSchema("UserName", IAMShapes.existingUserNameType, required: true),
            ]))

    /// IAM `RemoveUserFromGroup` (`RemoveUserFromGroupRequest`).
    public static let removeUserFromGroup = OperationSchema(
        .iam, "RemoveUserFromGroup",
        input: .structure(
            "RemoveUserFromGroupRequest",
            [
                MemberSchema("GroupName", IAMShapes.groupNameType, required: true),
                MemberSchema("UserName", IAMShapes.existingUserNameType, required: true),
            ]))

    /// IAM `ListGroupsForUser` (`ListGroupsForUserRequest`).
    public static let listGroupsForUser = OperationSchema(
        .iam, "ListGroupsForUser",
        input: .structure(
            "ListGroupsForUserRequest",
            [MemberSchema("UserName", IAMShapes.existingUserNameType, required: true)] + IAMShapes.pagination))
}
