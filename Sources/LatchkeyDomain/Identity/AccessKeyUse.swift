public import Foundation

/// The last recorded use of a long-term access key, as `GetAccessKeyLastUsed` reports it: when, with which
/// service's API (`sts` or `iam`), and in which region (the SigV4 credential scope's).
public struct AccessKeyUse: Sendable, Hashable {
    public var accessKeyId: String
    public var date: Date
    public var serviceName: String
    public var region: String

    public init(accessKeyId: String, date: Date, serviceName: String, region: String) {
        self.accessKeyId = accessKeyId
        self.date = date
        self.serviceName = serviceName
        self.region = region
    }

    /// The later of two uses of the same key (`other` when `self` is nil); on equal dates, `other`.
    package static func latest(_ first: AccessKeyUse?, _ other: AccessKeyUse?) -> AccessKeyUse? {
        guard let first else { return other }
        guard let other else { return first }
        return other.date >= first.date ? other : first
    }
}
