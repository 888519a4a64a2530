public import LatchkeyModel

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Temporary credentials from STS GetSessionToken, signed with long-term source credentials, optionally
/// MFA-authenticated, renewed before they expire (see `RefreshingCredentialProvider`).
///
/// With an MFA `serialNumber`, `tokenCodeProvider` is asked for a code on every renewal.
public struct SessionTokenCredentialProvider: AWSCredentialProvider, CustomStringConvertible {
    /// The session duration in seconds; `nil` sends none (STS then uses 43200).
    public let durationSeconds: Int?
    /// The MFA device serial number or ARN.
    public let serialNumber: String?
    private let tokenCodeProvider: MFATokenCodeProvider?
    private let refreshing: RefreshingCredentialProvider

    /// A provider of session credentials for `source`'s user.
    /// - Parameters:
    ///   - source: the long-term credentials that sign GetSessionToken.
    ///   - durationSeconds: the session duration.
    ///   - serialNumber: the MFA device; requires `tokenCodeProvider`.
    ///   - tokenCodeProvider: asked for a code on every renewal.
    ///   - target: the STS region and endpoint.
    ///   - calls: the STS operations (`.live()` by default).
    ///   - refreshWindow: renew this long before expiry.
    ///   - now: the clock.
    public init(
        source: any AWSCredentialProvider,
        durationSeconds: Int? = nil,
        serialNumber: String? = nil,
        tokenCodeProvider: MFATokenCodeProvider? = nil,
        target: STSTarget = STSTarget(),
        calls: STSCredentialCalls = .live(),
        refreshWindow: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.durationSeconds = durationSeconds
        self.serialNumber = serialNumber
        self.tokenCodeProvider = tokenCodeProvider
        let build = Self.requestBuilder(durationSeconds, serialNumber, tokenCodeProvider)
        self.refreshing = RefreshingCredentialProvider(
            label: "GetSessionToken", refreshWindow: refreshWindow, now: now
        ) {
            let response = try await calls.getSessionToken(try await build(), source, target)
            return try requireCredentials(response.credentials, operation: "GetSessionToken")
        }
    }

    /// The request the next renewal sends (asking the token-code callback when MFA is configured).
    public func makeRequest() async throws -> GetSessionTokenInput {
        try await Self.requestBuilder(durationSeconds, serialNumber, tokenCodeProvider)()
    }

    /// The session credentials, renewed before expiry.
    public func credentials() async throws -> AWSCredentials {
        try await refreshing.credentials()
    }

    public var description: String { "SessionTokenCredentialProvider" }

    private static func requestBuilder(
        _ durationSeconds: Int?, _ serialNumber: String?, _ tokenCodeProvider: MFATokenCodeProvider?
    ) -> @Sendable () async throws -> GetSessionTokenInput {
        {
            var tokenCode: String?
            if let serialNumber {
                tokenCode = try await askTokenCode(
                    serialNumber, tokenCodeProvider, context: "GetSessionToken")
            }
            return GetSessionTokenInput(
                durationSeconds: durationSeconds, serialNumber: serialNumber, tokenCode: tokenCode)
        }
    }
}
