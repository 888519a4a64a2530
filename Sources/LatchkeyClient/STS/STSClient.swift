public import AsyncHTTPClient
public import Foundation
public import LatchkeyModel

/// An AWS STS client: one async method per operation of `sts-2011-06-15`, over AsyncHTTPClient.
///
/// Every call validates its input against the same constraint tables the Latchkey server uses (so a bad
/// input fails with AWS's own message without a round trip), POSTs the form-encoded awsQuery body to the
/// endpoint, signs it with SigV4 (service `sts`) using the credential provider's current credentials
/// (except `AssumeRoleWithWebIdentity` and `AssumeRoleWithSAML`, which AWS serves unsigned), and decodes the
/// XML answer or AWS's error document. Retries follow ``RetryPolicy``; each attempt is re-signed and bounded
/// by ``Configuration/timeout``; response bodies are read up to 1 MiB. Every failure is an ``STSClientError``
/// (the credential provider's own errors excepted: they are rethrown unchanged).
///
/// Use ``withSTSClient(configuration:_:)`` for a client that owns its `HTTPClient`, or
/// ``init(configuration:httpClient:)`` with a shared one, which the client never shuts down. The client
/// follows no redirects of its own: a 3xx is a ``STSClientError/malformedResponse(_:)`` (a shared
/// `HTTPClient` configured to follow redirects will follow them before the client sees the answer).
public struct STSClient: Sendable {
    /// The STS API version sent with every call.
    public static let apiVersion = "2011-06-15"
    /// The largest response body read, 1 MiB.
    public static let maximumResponseBytes = 1024 * 1024

    /// How a client finds its endpoint and credentials, and how hard it tries.
    public struct Configuration: Sendable {
        /// The region to sign for; nil → `AWS_REGION`, `AWS_DEFAULT_REGION` from ``environment``, else `us-east-1`.
        public var region: String?
        /// An explicit endpoint URL; it wins over everything.
        public var endpoint: String?
        /// Where signing credentials come from; nil: only the unsigned operations work.
        public var credentialProvider: (any AWSCredentialProvider)?
        /// Retries and backoff.
        public var retryPolicy: RetryPolicy
        /// The time one attempt may take, response body included.
        public var timeout: Duration
        /// The environment the region and endpoint are resolved from.
        public var environment: [String: String]

        /// Creates a configuration.
        public init(
            region: String? = nil, endpoint: String? = nil, credentialProvider: (any AWSCredentialProvider)? = nil,
            retryPolicy: RetryPolicy = .default, timeout: Duration = .seconds(30),
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.region = region
            self.endpoint = endpoint
            self.credentialProvider = credentialProvider
            self.retryPolicy = retryPolicy
            self.timeout = timeout
            self.environment = environment
        }
    }

    /// The configuration the client was made with.
    public let configuration: Configuration
    let httpClient: HTTPClient

    /// The region requests are signed for.
    public let region: String
    /// The endpoint URL requests go to (see ``STSEndpoint/resolve(explicit:region:environment:)``). An invalid
    /// URL is reported by each call as ``STSClientError/invalidEndpoint(_:)``.
    public let resolvedEndpoint: String

    /// A client on a shared `HTTPClient`, which it never shuts down.
    public init(configuration: Configuration, httpClient: HTTPClient) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.region = STSEndpoint.resolveRegion(
            configured: configuration.region, environment: configuration.environment)
        self.resolvedEndpoint = STSEndpoint.resolve(
            explicit: configuration.endpoint, region: region, environment: configuration.environment)
    }

    /// Runs `body` with a client that owns a new `HTTPClient` (redirects disallowed; a refused connection fails
    /// at once instead of being retried inside the pool until the deadline, so ``RetryPolicy`` decides), shut
    /// down when `body` returns or throws.
    public static func withSTSClient<R: Sendable>(
        configuration: Configuration,
        _ body: (STSClient) async throws -> R
    ) async throws -> R {
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.redirectConfiguration = .disallow
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        return try await HTTPClient.withHTTPClient(configuration: httpConfiguration) { httpClient in
            try await body(STSClient(configuration: configuration, httpClient: httpClient))
        }
    }
}

extension STSClient {
    /// `AssumeRole`: temporary credentials for a role.
    public func assumeRole(_ input: AssumeRoleInput) async throws -> STSResponse<AssumeRoleOutput> {
        try await perform(input)
    }

    /// `AssumeRoleWithWebIdentity`, sent unsigned: temporary credentials for an OIDC token.
    public func assumeRoleWithWebIdentity(
        _ input: AssumeRoleWithWebIdentityInput
    ) async throws -> STSResponse<AssumeRoleWithWebIdentityOutput> {
        try await perform(input)
    }

    /// `AssumeRoleWithSAML`, sent unsigned: temporary credentials for a SAML assertion.
    public func assumeRoleWithSAML(
        _ input: AssumeRoleWithSAMLInput
    ) async throws -> STSResponse<AssumeRoleWithSAMLOutput> {
        try await perform(input)
    }

    /// `AssumeRoot`: a privileged root session on a member account.
    public func assumeRoot(_ input: AssumeRootInput) async throws -> STSResponse<AssumeRootOutput> {
        try await perform(input)
    }

    /// `GetSessionToken`: temporary credentials for the caller, optionally with MFA.
    public func getSessionToken(
        _ input: GetSessionTokenInput = GetSessionTokenInput()
    ) async throws -> STSResponse<GetSessionTokenOutput> {
        try await perform(input)
    }

    /// `GetFederationToken`: temporary credentials for a federated user.
    public func getFederationToken(
        _ input: GetFederationTokenInput
    ) async throws -> STSResponse<GetFederationTokenOutput> {
        try await perform(input)
    }

    /// `GetCallerIdentity`: who the credentials belong to.
    public func getCallerIdentity(
        _ input: GetCallerIdentityInput = GetCallerIdentityInput()
    ) async throws -> STSResponse<GetCallerIdentityOutput> {
        try await perform(input)
    }

    /// `GetAccessKeyInfo`: the account that owns an access key.
    public func getAccessKeyInfo(_ input: GetAccessKeyInfoInput) async throws -> STSResponse<GetAccessKeyInfoOutput> {
        try await perform(input)
    }

    /// `DecodeAuthorizationMessage`: the JSON behind an encoded authorization failure message.
    public func decodeAuthorizationMessage(
        _ input: DecodeAuthorizationMessageInput
    ) async throws -> STSResponse<DecodeAuthorizationMessageOutput> {
        try await perform(input)
    }

    /// `GetWebIdentityToken`: a JWT for an outbound web identity federation.
    public func getWebIdentityToken(
        _ input: GetWebIdentityTokenInput
    ) async throws -> STSResponse<GetWebIdentityTokenOutput> {
        try await perform(input)
    }

    /// `GetDelegatedAccessToken`: credentials for a trade-in token.
    public func getDelegatedAccessToken(
        _ input: GetDelegatedAccessTokenInput
    ) async throws -> STSResponse<GetDelegatedAccessTokenOutput> {
        try await perform(input)
    }
}
