public import AsyncHTTPClient
public import LatchkeyModel

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Where the STS calls of a credential provider go: a region and an endpoint, each `nil` to let `STSClient`
/// resolve it from the environment (`AWS_REGION`, `AWS_ENDPOINT_URL_STS`, ...).
public struct STSTarget: Sendable, Hashable {
    /// The signing region, or `nil` for the client's default resolution.
    public var region: String?
    /// The endpoint URL, or `nil` for the client's default resolution.
    public var endpoint: String?

    /// A target from its parts.
    public init(region: String? = nil, endpoint: String? = nil) {
        self.region = region
        self.endpoint = endpoint
    }
}

/// The three STS operations the credential providers use, as closures: `live` sends them with `STSClient`;
/// tests substitute closures that record the requests.
public struct STSCredentialCalls: Sendable {
    /// Calls AssumeRole signed with `source`'s credentials.
    public typealias AssumeRole =
        @Sendable (
            _ request: AssumeRoleInput, _ source: any AWSCredentialProvider, _ target: STSTarget
        ) async throws -> STSResponse<AssumeRoleOutput>
    /// Calls AssumeRoleWithWebIdentity (unsigned).
    public typealias AssumeRoleWithWebIdentity =
        @Sendable (
            _ request: AssumeRoleWithWebIdentityInput, _ target: STSTarget
        ) async throws -> STSResponse<AssumeRoleWithWebIdentityOutput>
    /// Calls GetSessionToken signed with `source`'s credentials.
    public typealias GetSessionToken =
        @Sendable (
            _ request: GetSessionTokenInput, _ source: any AWSCredentialProvider, _ target: STSTarget
        ) async throws -> STSResponse<GetSessionTokenOutput>

    /// AssumeRole.
    public var assumeRole: AssumeRole
    /// AssumeRoleWithWebIdentity.
    public var assumeRoleWithWebIdentity: AssumeRoleWithWebIdentity
    /// GetSessionToken.
    public var getSessionToken: GetSessionToken

    /// Calls from closures.
    public init(
        assumeRole: @escaping AssumeRole,
        assumeRoleWithWebIdentity: @escaping AssumeRoleWithWebIdentity,
        getSessionToken: @escaping GetSessionToken
    ) {
        self.assumeRole = assumeRole
        self.assumeRoleWithWebIdentity = assumeRoleWithWebIdentity
        self.getSessionToken = getSessionToken
    }

    /// Real calls through `STSClient` over `httpClient` (a shared client this never shuts down), with
    /// `environment` for the client's region and endpoint resolution.
    public static func live(
        httpClient: HTTPClient = .shared,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> STSCredentialCalls {
        @Sendable func client(_ target: STSTarget, _ provider: (any AWSCredentialProvider)?)
            -> STSClient
        {
            STSClient(
                configuration: STSClient.Configuration(
                    region: target.region, endpoint: target.endpoint, credentialProvider: provider,
                    environment: environment),
                httpClient: httpClient)
        }
        return STSCredentialCalls(
            assumeRole: { request, source, target in
                try await client(target, source).assumeRole(request)
            },
            assumeRoleWithWebIdentity: { request, target in
                try await client(target, nil).assumeRoleWithWebIdentity(request)
            },
            getSessionToken: { request, source, target in
                try await client(target, source).getSessionToken(request)
            })
    }
}

/// Asked for the current code of an MFA device, given its serial number (or ARN). Called each time a request
/// needs a code, so every renewal asks again.
public typealias MFATokenCodeProvider = @Sendable (_ serialNumber: String) async throws -> String

/// The session name used when none is configured: `latchkey-session-<unix seconds>`, like botocore's
/// `botocore-session-<unix seconds>`.
public func defaultSessionName(at date: Date) -> String {
    "latchkey-session-\(Int64(date.timeIntervalSince1970))"
}

/// The credentials of an STS response, or a `missingResponseCredentials` error naming the operation.
func requireCredentials(_ credentials: Credentials?, operation: String) throws -> AWSCredentials {
    guard let credentials else {
        throw CredentialProviderError(
            .missingResponseCredentials, "the \(operation) response carried no credentials")
    }
    return credentials.awsCredentials
}
