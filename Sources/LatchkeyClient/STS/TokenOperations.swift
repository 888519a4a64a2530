#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The input of `GetSessionToken` (the model's `GetSessionTokenRequest`): every member optional.
public struct GetSessionTokenRequest: STSOperationRequest, Hashable {
    public static let action = "GetSessionToken"
    /// `DurationSeconds`, 900–129600.
    public var durationSeconds: Int?
    /// `SerialNumber` of the caller's MFA device.
    public var serialNumber: String?
    /// `TokenCode`: the current six-digit MFA code.
    public var tokenCode: String?

    /// Creates the request.
    public init(durationSeconds: Int? = nil, serialNumber: String? = nil, tokenCode: String? = nil) {
        self.durationSeconds = durationSeconds
        self.serialNumber = serialNumber
        self.tokenCode = tokenCode
    }

    public var queryParameters: [(name: String, value: String)] {
        var writer = QueryWriter()
        writer.add("DurationSeconds", durationSeconds)
        writer.add("SerialNumber", serialNumber)
        writer.add("TokenCode", tokenCode)
        return writer.pairs
    }
}

/// The output of `GetSessionToken` (the model's `GetSessionTokenResponse`).
public struct GetSessionTokenResponse: Sendable, Hashable {
    /// `Credentials`.
    public var credentials: Credentials?
    /// `ResponseMetadata/RequestId`.
    public var requestId: String?

    /// Creates the response.
    public init(credentials: Credentials? = nil, requestId: String? = nil) {
        self.credentials = credentials
        self.requestId = requestId
    }

    init(reading result: ResultReader, requestId: String?) throws(ResponseShapeError) {
        self.init(credentials: try result.credentials(), requestId: requestId)
    }
}

/// The input of `GetFederationToken` (the model's `GetFederationTokenRequest`).
public struct GetFederationTokenRequest: STSOperationRequest, Hashable {
    public static let action = "GetFederationToken"
    /// `Name` (required): the federated user's name, 2–32 characters.
    public var name: String
    /// `Policy`.
    public var policy: String?
    /// `PolicyArns`.
    public var policyArns: [PolicyDescriptorType]?
    /// `DurationSeconds`, 900–129600.
    public var durationSeconds: Int?
    /// `Tags`.
    public var tags: [Tag]?

    /// Creates the request.
    public init(
        name: String, policy: String? = nil, policyArns: [PolicyDescriptorType]? = nil, durationSeconds: Int? = nil,
        tags: [Tag]? = nil
    ) {
        self.name = name
        self.policy = policy
        self.policyArns = policyArns
        self.durationSeconds = durationSeconds
        self.tags = tags
    }

    public var queryParameters: [(name: String, value: String)] {
        var writer = QueryWriter()
        writer.add("Name", name)
        writer.add("Policy", policy)
        writer.add("PolicyArns", structures: policyArns)
        writer.add("DurationSeconds", durationSeconds)
        writer.add("Tags", structures: tags)
        return writer.pairs
    }
}

/// The output of `GetFederationToken` (the model's `GetFederationTokenResponse`).
public struct GetFederationTokenResponse: Sendable, Hashable {
    /// `Credentials`.
    public var credentials: Credentials?
    /// `FederatedUser`.
    public var federatedUser: FederatedUser?
    /// `PackedPolicySize`.
    public var packedPolicySize: Int?
    /// `ResponseMetadata/RequestId`.
    public var requestId: String?

    /// Creates the response.
    public init(
        credentials: Credentials? = nil, federatedUser: FederatedUser? = nil, packedPolicySize: Int? = nil,
        requestId: String? = nil
    ) {
        self.credentials = credentials
        self.federatedUser = federatedUser
        self.packedPolicySize = packedPolicySize
        self.requestId = requestId
    }

    init(reading result: ResultReader, requestId: String?) throws(ResponseShapeError) {
        self.init(
            credentials: try result.credentials(), federatedUser: try result.federatedUser(),
            packedPolicySize: try result.int("PackedPolicySize"), requestId: requestId)
    }
}

/// The input of `GetWebIdentityToken` (the model's `GetWebIdentityTokenRequest`).
public struct GetWebIdentityTokenRequest: STSOperationRequest, Hashable {
    public static let action = "GetWebIdentityToken"
    /// `Audience` (required): 1–10 audiences.
    public var audience: [String]
    /// `SigningAlgorithm` (required): `RS256` or `ES384`.
    public var signingAlgorithm: String
    /// `DurationSeconds`, 60–3600.
    public var durationSeconds: Int?
    /// `Tags`.
    public var tags: [Tag]?

    /// Creates the request.
    public init(audience: [String], signingAlgorithm: String, durationSeconds: Int? = nil, tags: [Tag]? = nil) {
        self.audience = audience
        self.signingAlgorithm = signingAlgorithm
        self.durationSeconds = durationSeconds
        self.tags = tags
    }

    public var queryParameters: [(name: String, value: String)] {
        var writer = QueryWriter()
        writer.add("Audience", strings: audience)
        writer.add("DurationSeconds", durationSeconds)
        writer.add("SigningAlgorithm", signingAlgorithm)
        writer.add("Tags", structures: tags)
        return writer.pairs
    }
}

/// The output of `GetWebIdentityToken` (the model's `GetWebIdentityTokenResponse`).
public struct GetWebIdentityTokenResponse: Sendable, Hashable, CustomStringConvertible {
    /// `WebIdentityToken`: a signed JWT. Never shown in `description`.
    public var webIdentityToken: String?
    /// `Expiration`.
    public var expiration: Date?
    /// `ResponseMetadata/RequestId`.
    public var requestId: String?

    /// Creates the response.
    public init(webIdentityToken: String? = nil, expiration: Date? = nil, requestId: String? = nil) {
        self.webIdentityToken = webIdentityToken
        self.expiration = expiration
        self.requestId = requestId
    }

    public var description: String {
        "GetWebIdentityTokenResponse(webIdentityToken: <redacted>, expiration: \(expiration.map { "\($0)" } ?? "nil"))"
    }

    init(reading result: ResultReader, requestId: String?) throws(ResponseShapeError) {
        self.init(
            webIdentityToken: result.string("WebIdentityToken"), expiration: try result.date("Expiration"),
            requestId: requestId)
    }
}

/// The input of `GetDelegatedAccessToken` (the model's `GetDelegatedAccessTokenRequest`).
public struct GetDelegatedAccessTokenRequest: STSOperationRequest, Hashable, CustomStringConvertible {
    public static let action = "GetDelegatedAccessToken"
    /// `TradeInToken` (required). Never shown in `description`.
    public var tradeInToken: String

    /// Creates the request.
    public init(tradeInToken: String) {
        self.tradeInToken = tradeInToken
    }

    public var description: String { "GetDelegatedAccessTokenRequest(tradeInToken: <redacted>)" }

    public var queryParameters: [(name: String, value: String)] { [("TradeInToken", tradeInToken)] }
}

/// The output of `GetDelegatedAccessToken` (the model's `GetDelegatedAccessTokenResponse`).
public struct GetDelegatedAccessTokenResponse: Sendable, Hashable {
    /// `Credentials`.
    public var credentials: Credentials?
    /// `PackedPolicySize`.
    public var packedPolicySize: Int?
    /// `AssumedPrincipal`.
    public var assumedPrincipal: String?
    /// `ResponseMetadata/RequestId`.
    public var requestId: String?

    /// Creates the response.
    public init(
        credentials: Credentials? = nil, packedPolicySize: Int? = nil, assumedPrincipal: String? = nil,
        requestId: String? = nil
    ) {
        self.credentials = credentials
        self.packedPolicySize = packedPolicySize
        self.assumedPrincipal = assumedPrincipal
        self.requestId = requestId
    }

    init(reading result: ResultReader, requestId: String?) throws(ResponseShapeError) {
        self.init(
            credentials: try result.credentials(), packedPolicySize: try result.int("PackedPolicySize"),
            assumedPrincipal: result.string("AssumedPrincipal"), requestId: requestId)
    }
}
