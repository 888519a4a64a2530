extension OperationSchema {
    /// IAM `CreateUser` (`CreateUserRequest`).
    public static let createUser = OperationSchema(
        .iam, "CreateUser",
        input: .structure(
            "CreateUserRequest",
            [
                MemberSchema("Path", IAMShapes.pathType),
                MemberSchema("UserName", IAMShapes.userNameType, required: true),
                MemberSchema("PermissionsBoundary", IAMShapes.arnType),
                MemberSchema("Tags", IAMShapes.tagListType),
            ]))

    /// IAM `GetUser` (`GetUserRequest`).
    public static let getUser = OperationSchema(
        .iam, "GetUser",
        input: .structure("GetUserRequest", [MemberSchema("UserName", IAMShapes.existingUserNameType)]))

    /// IAM `ListUsers` (`ListUsersRequest`).
    public static let listUsers = OperationSchema(
        .iam, "ListUsers",
        input: .structure("ListUsersRequest", [MemberSchema("PathPrefix", IAMShapes.pathPrefixType)] + IAMShapes.pagination))

    /// IAM `DeleteUser` (`DeleteUserRequest`).
    public static let deleteUser = OperationSchema(
        .iam, "DeleteUser",
        input: .structure(
            "DeleteUserRequest", [MemberSchema("UserName", IAMShapes.existingUserNameType, required: true)]))

    /// IAM `UpdateUser` (`UpdateUserRequest`).
    public static let updateUser = OperationSchema(
        .iam, "UpdateUser",
        input: .structure(
            "UpdateUserRequest",
            [
                MemberSchema("UserName", IAMShapes.existingUserNameType, required: true),
                MemberSchema("NewPath", IAMShapes.pathType),
                MemberSchema("NewUserName", IAMShapes.userNameType),
            ]))

    /// IAM `TagUser` (`TagUserRequest`).
    public static let tagUser = OperationSchema(
        .iam, "TagUser",
        input: .structure(
            "TagUserRequest",
            [
                MemberSchema("UserName", IAMShapes.existingUserNameType, required: true),
                MemberSchema("Tags", IAMShapes.tagListType, required: true),
            ]))

    /// IAM `UntagUser` (`UntagUserRequest`).
    public static let untagUser = OperationSchema(
        .iam, "UntagUser",
        input: .structure(
            "UntagUserRequest",
            [
                MemberSchema("UserName", IAMShapes.existingUserNameType, required: true),
                MemberSchema("TagKeys", IAMShapes.tagKeyListType, required: true),
            ]))

    /// IAM `ListUserTags` (`ListUserTagsRequest`).
    public static let listUserTags = OperationSchema(
        .iam, "ListUserTags",
        input: .structure(
            "ListUserTagsRequest",
            [MemberSchema("UserName", IAMShapes.existingUserNameType, required: true)] + IAMShapes.pagination))
}
