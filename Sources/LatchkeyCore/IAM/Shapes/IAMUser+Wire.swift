import Foundation
public import LatchkeyDomain
public import LatchkeyModel

extension IAMUser {
    /// Which members of `User` a response carries, as IAM answers.
    public enum WireStyle: Sendable {
        /// CreateUser, GetUser: the permissions boundary and the tags (when there are some).
        case detailed
        /// ListUsers, GetGroup, ListVirtualMFADevices: no permissions boundary and no tags, as IAM lists users.
        case listing
    }

    /// The user as `style`'s operation answers it.
    public func wire(_ style: WireStyle) -> IAM.User {
        let detailed = style == .detailed
        return IAM.User(
            userId: userId, arn: arn, createDate: createDate, path: path, userName: userName,
            permissionsBoundary: detailed
                ? permissionsBoundaryArn.map(IAM.AttachedPermissionsBoundary.init(policyArn:)) : nil,
            tags: detailed && !tags.isEmpty ? tags.map(IAM.Tag.init) : nil)
    }

    /// `GetUser` without a name, called by the root: no path and no name, the root's ARN, the account's creation.
    static func rootWire(accountId: String, createDate: Date) -> IAM.User {
        IAM.User(userId: accountId, arn: "arn:aws:iam::\(accountId):root", createDate: createDate)
    }
}

extension AccessKeyRecord {
    /// An entry of `ListAccessKeys` (no `UserName` for the root's keys).
    var wireMetadata: IAM.AccessKeyMetadata {
        IAM.AccessKeyMetadata(
            userName: userName, accessKeyId: accessKeyId, status: status.rawValue, createDate: createDate)
    }

    /// `CreateAccessKey`'s `AccessKey`: the record and its secret, returned this once.
    func wire(secretAccessKey: String) -> IAM.AccessKey {
        IAM.AccessKey(
            accessKeyId: accessKeyId, status: status.rawValue, secretAccessKey: secretAccessKey, userName: userName,
            createDate: createDate)
    }
}

extension IAM.AccessKeyLastUsed {
    /// A key's last use; for a key never used, no `LastUsedDate`, and `ServiceName` and `Region` `N/A` (the model
    /// marks those two required), as IAM answers.
    init(_ use: AccessKeyUse?) {
        self.init(serviceName: use?.serviceName ?? "N/A", region: use?.region ?? "N/A", lastUsedDate: use?.date)
    }
}

extension MFADeviceRecord {
    /// An entry of `ListMFADevices`.
    var wire: IAM.MFADevice {
        IAM.MFADevice(serialNumber: serialNumber, userName: userName, enableDate: enableDate)
    }
}

extension IAMGroup {
    /// `Group`.
    var wire: IAM.Group {
        IAM.Group(path: path, groupName: groupName, groupId: groupId, arn: arn, createDate: createDate)
    }
}
