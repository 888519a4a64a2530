extension OperationSchema {
    /// IAM `CreateVirtualMFADevice` (`CreateVirtualMFADeviceRequest`).
    public static let createVirtualMFADevice = OperationSchema(
        .iam, "CreateVirtualMFADevice",
        input: .structure(
            "CreateVirtualMFADeviceRequest",
            [
                MemberSchema("Path", IAMShapes.pathType),
                MemberSchema("VirtualMFADeviceName", IAMShapes.virtualMFADeviceName, required: true),
                MemberSchema("Tags", IAMShapes.tagListType),
            ]))

    /// IAM `EnableMFADevice` (`EnableMFADeviceRequest`).
    public static let enableMFADevice = OperationSchema(
        .iam, "EnableMFADevice",
        input: .structure(
            "EnableMFADeviceRequest",
            [
                MemberSchema("UserName", IAMShapes.existingUserNameType, required: true),
                MemberSchema("SerialNumber", IAMShapes.serialNumberType, required: true),
                MemberSchema("AuthenticationCode1", IAMShapes.authenticationCodeType, required: true),
                MemberSchema("AuthenticationCode2", IAMShapes.authenticationCodeType, required: true),
            ]))

    /// IAM `DeactivateMFADevice` (`DeactivateMFADeviceRequest`).
    public static let deactivateMFADevice = OperationSchema(
        .iam, "DeactivateMFADevice",
        input: .structure(
            "DeactivateMFADeviceRequest",
            [
                MemberSchema("UserName", IAMShapes.existingUserNameType),
                MemberSchema("SerialNumber", IAMShapes.serialNumberType, required: true),
            ]))

    /// IAM `ListMFADevices` (`ListMFADevicesRequest`).
    public static let listMFADevices = OperationSchema(
        .iam, "ListMFADevices",
        input: .structure(
            "ListMFADevicesRequest", [MemberSchema("UserName", IAMShapes.existingUserNameType)] + IAMShapes.pagination))

    /// IAM `ListVirtualMFADevices` (`ListVirtualMFADevicesRequest`).
    public static let listVirtualMFADevices = OperationSchema(
        .iam, "ListVirtualMFADevices",
        input: .structure(
            "ListVirtualMFADevicesRequest",
            [MemberSchema("AssignmentStatus", IAMShapes.assignmentStatusType)] + IAMShapes.pagination))

    /// IAM `DeleteVirtualMFADevice` (`DeleteVirtualMFADeviceRequest`).
    public static let deleteVirtualMFADevice = OperationSchema(
        .iam, "DeleteVirtualMFADevice",
        input: .structure(
            "DeleteVirtualMFADeviceRequest", [MemberSchema("SerialNumber", IAMShapes.serialNumberType, required: true)]))
}
