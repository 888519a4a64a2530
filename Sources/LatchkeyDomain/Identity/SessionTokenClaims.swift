#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Everything the server needs to authenticate a request made with temporary credentials, sealed inside the
/// session token itself so that no store read is needed.
///
/// Dates are kept in whole seconds: the initialiser rounds them down, and so does the encoding. `description` and
/// the reflection mirror leave out the secret access key.
public struct SessionTokenClaims: Sendable, Equatable {
    /// The temporary (`ASIA…`) access key ID.
    public var accessKeyId: String
    /// The secret access key that signs requests with `accessKeyId`.
    public var secretAccessKey: String
    /// The 12-digit account the credentials act in.
    public var accountId: String
    /// Which operation issued the credentials.
    public var kind: SessionTokenKind
    /// The caller ARN `GetCallerIdentity` returns.
    public var principalArn: String
    /// The `UserId` `GetCallerIdentity` returns.
    public var userId: String
    /// The principal that obtained the credentials.
    public var sourcePrincipalArn: String
    /// When the credentials were issued.
    public var issuedAt: Date
    /// When the credentials expire. `open` does not check this; the caller compares it with its clock.
    public var expiresAt: Date
    /// Whether the issuing request was authenticated with MFA.
    public var mfaAuthenticated: Bool
    /// When MFA was presented, if it was.
    public var mfaAuthenticatedAt: Date?
    /// The source identity set on the session.
    public var sourceIdentity: String?
    /// The inline session policy, as JSON text.
    public var sessionPolicy: String?
    /// The managed session policy ARNs, in request order.
    public var policyArns: [String]
    /// Session tags, in order.
    public var tags: [SessionTag]
    /// Keys of the tags that pass on to chained role sessions.
    public var transitiveTagKeys: [String]
    /// Whether the session came from role chaining.
    public var isChained: Bool
    /// The assumed role's ARN.
    public var roleArn: String?
    /// The assumed role's unique ID (`AROA…`).
    public var roleId: String?
    /// The role session name or federated user name.
    public var sessionName: String?
    /// Fields this build does not know, by tag, kept so they survive a round trip. Tags of known fields are ignored
    /// when sealing.
    public var extensions: [UInt16: [UInt8]]

    /// Creates claims; `issuedAt`, `expiresAt` and `mfaAuthenticatedAt` are rounded down to whole seconds, and
    /// `sourcePrincipalArn` defaults to `principalArn`.
    public init(
        accessKeyId: String,
        secretAccessKey: String,
        accountId: String,
        kind: SessionTokenKind,
        principalArn: String,
        userId: String,
        sourcePrincipalArn: String? = nil,
        issuedAt: Date,
        expiresAt: Date,
        mfaAuthenticated: Bool = false,
        mfaAuthenticatedAt: Date? = nil,
        sourceIdentity: String? = nil,
        sessionPolicy: String? = nil,
        policyArns: [String] = [],
        tags: [SessionTag] = [],
        transitiveTagKeys: [String] = [],
        isChained: Bool = false,
        roleArn: String? = nil,
        roleId: String? = nil,
        sessionName: String? = nil,
        extensions: [UInt16: [UInt8]] = [:]
    ) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.accountId = accountId
        self.kind = kind
        self.principalArn = principalArn
        self.userId = userId
        self.sourcePrincipalArn = sourcePrincipalArn ?? principalArn
        self.issuedAt = Date(timeIntervalSince1970: Date.flooredEpochSeconds(issuedAt))
        self.expiresAt = Date(timeIntervalSince1970: Date.flooredEpochSeconds(expiresAt))
        self.mfaAuthenticated = mfaAuthenticated
        self.mfaAuthenticatedAt = mfaAuthenticatedAt.map { Date(timeIntervalSince1970: Date.flooredEpochSeconds($0)) }
        self.sourceIdentity = sourceIdentity
        self.sessionPolicy = sessionPolicy
        self.policyArns = policyArns
        self.tags = tags
        self.transitiveTagKeys = transitiveTagKeys
        self.isChained = isChained
        self.roleArn = roleArn
        self.roleId = roleId
        self.sessionName = sessionName
        self.extensions = extensions
    }
}

extension SessionTokenClaims: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "SessionTokenClaims(accessKeyId: \(accessKeyId), kind: \(kind), principalArn: \(principalArn), "
            + "expiresAt: \(Int64(Date.flooredEpochSeconds(expiresAt))))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyId": accessKeyId, "secretAccessKey": "<redacted>", "accountId": accountId,
                "kind": kind, "principalArn": principalArn, "userId": userId,
                "sourcePrincipalArn": sourcePrincipalArn, "issuedAt": issuedAt, "expiresAt": expiresAt,
                "mfaAuthenticated": mfaAuthenticated, "isChained": isChained,
            ],
            displayStyle: .struct
        )
    }
}

/// Which operation issued a session token. A struct rather than an enum so later versions can add kinds; kinds this
/// build does not know survive a round trip as their wire code.
public struct SessionTokenKind: Sendable, Hashable, CustomStringConvertible {
    /// The one-byte code stored in the token.
    public let wireCode: UInt8

    /// The kind stored as `wireCode`, known or not.
    public init(wireCode: UInt8) { self.wireCode = wireCode }

    /// Credentials from `GetSessionToken`.
    public static let sessionToken = SessionTokenKind(wireCode: 1)
    /// Credentials from `AssumeRole`, `AssumeRoleWithWebIdentity` or `AssumeRoleWithSAML`.
    public static let assumedRole = SessionTokenKind(wireCode: 2)
    /// Credentials from `GetFederationToken`.
    public static let federatedUser = SessionTokenKind(wireCode: 3)
    /// Credentials from `AssumeRoot` or a root `GetSessionToken`.
    public static let rootSession = SessionTokenKind(wireCode: 4)

    public var description: String {
        switch wireCode {
        case 1: "sessionToken"
        case 2: "assumedRole"
        case 3: "federatedUser"
        case 4: "rootSession"
        default: "unknown(\(wireCode))"
        }
    }
}

/// One session tag.
public struct SessionTag: Sendable, Hashable {
    /// The tag key.
    public var key: String
    /// The tag value.
    public var value: String

    /// A tag with `key` and `value`.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

extension Date {
    /// This date rounded down to a whole second, as AWS shows creation and expiry times.
    package var wholeSeconds: Date { Date(timeIntervalSince1970: Date.flooredEpochSeconds(self)) }

    /// Seconds since 1970 rounded down to a whole number, clamped to what an `Int64` holds.
    static func flooredEpochSeconds(_ date: Date) -> Double {
        Double(Int64(clampingSeconds: date.timeIntervalSince1970))
    }
}

extension Int64 {
    /// `seconds` rounded down, clamped to the `Int64` range; non-finite values clamp by sign, NaN becomes 0.
    package init(clampingSeconds seconds: Double) {
        if seconds.isNaN {
            self = 0
        } else if seconds >= 9.2e18 {
            self = .max
        } else if seconds <= -9.2e18 {
            self = .min
        } else {
            self = Int64(seconds.rounded(.down))
        }
    }
}
