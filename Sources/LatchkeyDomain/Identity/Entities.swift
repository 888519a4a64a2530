public import Foundation

/// An AWS account hosted by this server: a 12-digit ID and its root principal.
public struct Account: Sendable, Hashable {
    public var id: String
    public var createDate: Date

    public init(id: String, createDate: Date) {
        self.id = id
        self.createDate = createDate
    }

    /// `arn:aws:iam::ACCOUNT:root`
    public var rootArn: String { "arn:aws:iam::\(id):root" }

    /// Whether `id` is exactly 12 ASCII digits.
    public static func isValidID(_ id: String) -> Bool {
        id.utf8.count == 12 && id.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}

/// A tag on an IAM resource (`Key`/`Value`).
public struct ResourceTag: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// An IAM user.
public struct IAMUser: Sendable, Hashable {
    public var accountId: String
    public var userName: String
    /// The unique ID, `AIDA...`.
    public var userId: String
    public var path: String
    public var createDate: Date
    public var tags: [ResourceTag]
    public var permissionsBoundaryArn: String?

    public init(
        accountId: String, userName: String, userId: String, path: String, createDate: Date,
        tags: [ResourceTag] = [], permissionsBoundaryArn: String? = nil
    ) {
        self.accountId = accountId
        self.userName = userName
        self.userId = userId
        self.path = path
        self.createDate = createDate
        self.tags = tags
        self.permissionsBoundaryArn = permissionsBoundaryArn
    }

    /// `arn:aws:iam::ACCOUNT:user/PATH/NAME` (the path includes its slashes).
    public var arn: String { "arn:aws:iam::\(accountId):user\(path)\(userName)" }
}

/// `Active` or `Inactive`, as IAM spells them.
public enum AccessKeyStatus: String, Sendable, Hashable {
    case active = "Active"
    case inactive = "Inactive"
}

/// A long-term access key as stored: the secret is sealed under the master key, never stored in clear.
public struct AccessKeyRecord: Sendable, Hashable {
    public var accessKeyId: String
    public var accountId: String
    /// The owning IAM user; nil for the account's root.
    public var userName: String?
    public var status: AccessKeyStatus
    public var createDate: Date
    /// The secret access key sealed with `SecretBox` (context `access-key:<id>`).
    public var sealedSecret: [UInt8]

    public init(
        accessKeyId: String, accountId: String, userName: String?, status: AccessKeyStatus, createDate: Date,
        sealedSecret: [UInt8]
    ) {
        self.accessKeyId = accessKeyId
        self.accountId = accountId
        self.userName = userName
        self.status = status
        self.createDate = createDate
        self.sealedSecret = sealedSecret
    }
}

/// A virtual MFA device. Its TOTP seed is sealed under the master key.
public struct MFADeviceRecord: Sendable, Hashable {
    public var accountId: String
    /// `arn:aws:iam::ACCOUNT:mfa/PATH/NAME`
    public var serialNumber: String
    public var path: String
    public var deviceName: String
    /// The seed sealed with `SecretBox` (context `mfa-seed:<serial>`).
    public var sealedSeed: [UInt8]
    public var createDate: Date
    public var tags: [ResourceTag]
    /// The user the device is enabled for, if any.
    public var userName: String?
    public var enableDate: Date?
    /// The last TOTP time step accepted; a code at or before it is refused (replay protection).
    public var lastUsedStep: Int64?

    public init(
        accountId: String, serialNumber: String, path: String, deviceName: String, sealedSeed: [UInt8],
        createDate: Date, tags: [ResourceTag] = [], userName: String? = nil, enableDate: Date? = nil,
        lastUsedStep: Int64? = nil
    ) {
        self.accountId = accountId
        self.serialNumber = serialNumber
        self.path = path
        self.deviceName = deviceName
        self.sealedSeed = sealedSeed
        self.createDate = createDate
        self.tags = tags
        self.userName = userName
        self.enableDate = enableDate
        self.lastUsedStep = lastUsedStep
    }
}
