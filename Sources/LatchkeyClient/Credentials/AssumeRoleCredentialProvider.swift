public import LatchkeyModel

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Credentials of a role, from STS AssumeRole signed with a source provider's credentials, renewed before
/// they expire (see `RefreshingCredentialProvider`).
///
/// With an MFA `serialNumber`, `tokenCodeProvider` is asked for a code on every renewal; without a callback
/// the renewal fails with `missingTokenCodeProvider`.
public struct AssumeRoleCredentialProvider: AWSCredentialProvider, CustomStringConvertible {
    /// The settings that shape each AssumeRole request.
    public struct Parameters: Sendable, Hashable {
        /// The role to assume.
        public var roleArn: String
        /// The session name; `nil` gives `latchkey-session-<unix seconds>` at each renewal.
        public var roleSessionName: String?
        /// The external ID the role's trust policy expects.
        public var externalId: String?
        /// The MFA device serial number or ARN.
        public var serialNumber: String?
        /// The session duration in seconds; `nil` sends none (STS then uses 3600).
        public var durationSeconds: Int?
        /// An inline session policy.
        public var policy: String?
        /// Managed session policy ARNs.
        public var policyArns: [String]?
        /// The source identity to set.
        public var sourceIdentity: String?

        /// Parameters from their parts.
        public init(
            roleArn: String, roleSessionName: String? = nil, externalId: String? = nil,
            serialNumber: String? = nil,
            durationSeconds: Int? = nil, policy: String? = nil, policyArns: [String]? = nil,
            sourceIdentity: String? = nil
        ) {
            self.roleArn = roleArn
            self.roleSessionName = roleSessionName
            self.externalId = externalId
            self.serialNumber = serialNumber
            self.durationSeconds = durationSeconds
            self.policy = policy
            self.policyArns = policyArns
            self.sourceIdentity = sourceIdentity
        }
    }

    /// The request settings.
    public let parameters: Parameters
    private let tokenCodeProvider: MFATokenCodeProvider?
    private let now: @Sendable () -> Date
    private let refreshing: RefreshingCredentialProvider

    /// A provider that assumes `parameters.roleArn` with `source`'s credentials.
    /// - Parameters:
    ///   - source: signs the AssumeRole call (static keys, another role, ...).
    ///   - target: the STS region and endpoint.
    ///   - calls: the STS operations (`.live()` by default).
    ///   - tokenCodeProvider: asked for an MFA code when `serialNumber` is set.
    ///   - refreshWindow: renew this long before expiry.
    ///   - now: the clock.
    public init(
        parameters: Parameters,
        source: any AWSCredentialProvider,
        target: STSTarget = STSTarget(),
        calls: STSCredentialCalls = .live(),
        tokenCodeProvider: MFATokenCodeProvider? = nil,
        refreshWindow: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.parameters = parameters
        self.tokenCodeProvider = tokenCodeProvider
        self.now = now
        let build = Self.requestBuilder(
            parameters: parameters, tokenCodeProvider: tokenCodeProvider, now: now)
        self.refreshing = RefreshingCredentialProvider(
            label: "AssumeRole \(parameters.roleArn)", refreshWindow: refreshWindow, now: now
        ) {
            let request = try await build()
            let response = try await calls.assumeRole(request, source, target)
            return try requireCredentials(response.credentials, operation: "AssumeRole")
        }
    }

    /// The request the next renewal sends (asking the token-code callback when MFA is configured).
    public func makeRequest() async throws -> AssumeRoleInput {
        try await Self.requestBuilder(
            parameters: parameters, tokenCodeProvider: tokenCodeProvider, now: now)()
    }

    /// The role's credentials, renewed before expiry.
    public func credentials() async throws -> AWSCredentials {
        try await refreshing.credentials()
    }

    public var description: String { "AssumeRoleCredentialProvider(\(parameters.roleArn))" }

    private static func requestBuilder(
        parameters: Parameters, tokenCodeProvider: MFATokenCodeProvider?,
        now: @escaping @Sendable () -> Date
    ) -> @Sendable () async throws -> AssumeRoleInput {
        {
            var tokenCode: String?
            if let serial = parameters.serialNumber {
                tokenCode = try await askTokenCode(
                    serial, tokenCodeProvider, context: "AssumeRole \(parameters.roleArn)")
            }
            return AssumeRoleInput(
                roleArn: parameters.roleArn,
                roleSessionName: parameters.roleSessionName ?? defaultSessionName(at: now()),
                policyArns: parameters.policyArns?.map { PolicyDescriptorType(arn: $0) },
                policy: parameters.policy,
                durationSeconds: parameters.durationSeconds,
                externalId: parameters.externalId,
                serialNumber: parameters.serialNumber,
                tokenCode: tokenCode,
                sourceIdentity: parameters.sourceIdentity)
        }
    }
}

/// Asks `provider` for the code of the MFA device `serial`, or fails naming what needed it.
func askTokenCode(_ serial: String, _ provider: MFATokenCodeProvider?, context: String) async throws
    -> String
{
    guard let provider else {
        throw CredentialProviderError(
            .missingTokenCodeProvider,
            "\(context) needs a code for the MFA device \(serial), but no token-code callback was configured"
        )
    }
    return try await provider(serial)
}
