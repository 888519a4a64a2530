/// The input of `GetCallerIdentity` (the model's `GetCallerIdentityRequest`): no members.
public struct GetCallerIdentityRequest: STSOperationRequest, Hashable {
    public static let action = "GetCallerIdentity"

    /// Creates the request.
    public init() {}

    public var queryParameters: [(name: String, value: String)] { [] }
}

/// The output of `GetCallerIdentity` (the model's `GetCallerIdentityResponse`).
public struct GetCallerIdentityResponse: Sendable, Hashable {
    /// `UserId`.
    public var userId: String?
    /// `Account`.
    public var account: String?
    /// `Arn`.
    public var arn: String?
    /// `ResponseMetadata/RequestId`.
    public var requestId: String?

    /// Creates the response.
    public init(userId: String? = nil, account: String? = nil, arn: String? = nil, requestId: String? = nil) {
        self.userId = userId
        self.account = account
        self.arn = arn
        self.requestId = requestId
    }

    init(reading result: ResultReader, requestId: String?) {
        self.init(
            userId: result.string("UserId"), account: result.string("Account"), arn: result.string("Arn"),
            requestId: requestId)
    }
}

/// The input of `GetAccessKeyInfo` (the model's `GetAccessKeyInfoRequest`).
public struct GetAccessKeyInfoRequest: STSOperationRequest, Hashable {
    public static let action = "GetAccessKeyInfo"
    /// `AccessKeyId` (required).
    public var accessKeyId: String

    /// Creates the request.
    public init(accessKeyId: String) {
        self.accessKeyId = accessKeyId
    }

    public var queryParameters: [(name: String, value: String)] { [("AccessKeyId", accessKeyId)] }
}

/// The output of `GetAccessKeyInfo` (the model's `GetAccessKeyInfoResponse`).
public struct GetAccessKeyInfoResponse: Sendable, Hashable {
    /// `Account`: the account that owns the key.
    public var account: String?
    /// `ResponseMetadata/RequestId`.
    public var requestId: String?

    /// Creates the response.
    public init(account: String? = nil, requestId: String? = nil) {
        self.account = account
        self.requestId = requestId
    }

    init(reading result: ResultReader, requestId: String?) {
        self.init(account: result.string("Account"), requestId: requestId)
    }
}

/// The input of `DecodeAuthorizationMessage` (the model's `DecodeAuthorizationMessageRequest`).
public struct DecodeAuthorizationMessageRequest: STSOperationRequest, Hashable {
    public static let action = "DecodeAuthorizationMessage"
    /// `EncodedMessage` (required): the text after "Encoded authorization failure message: ".
    public var encodedMessage: String

    /// Creates the request.
    public init(encodedMessage: String) {
        self.encodedMessage = encodedMessage
    }

    public var queryParameters: [(name: String, value: String)] { [("EncodedMessage", encodedMessage)] }
}

/// The output of `DecodeAuthorizationMessage` (the model's `DecodeAuthorizationMessageResponse`).
public struct DecodeAuthorizationMessageResponse: Sendable, Hashable {
    /// `DecodedMessage`: the JSON document behind the denial.
    public var decodedMessage: String?
    /// `ResponseMetadata/RequestId`.
    public var requestId: String?

    /// Creates the response.
    public init(decodedMessage: String? = nil, requestId: String? = nil) {
        self.decodedMessage = decodedMessage
        self.requestId = requestId
    }

    init(reading result: ResultReader, requestId: String?) {
        self.init(decodedMessage: result.string("DecodedMessage"), requestId: requestId)
    }
}
