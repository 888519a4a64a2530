import Synchronization

#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The default chain, as the AWS SDKs order it:
/// 1. environment keys (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`);
/// 2. web identity from the environment (`AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`,
///    `AWS_ROLE_SESSION_NAME`: the Kubernetes flow);
/// 3. the shared-files profile (`profileName`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, or `default`).
///
/// Container (ECS) and instance (EC2 IMDS) metadata credentials are **not supported**.
///
/// The first source that is configured is chosen on the first call and kept; a chosen source that fails
/// (a profile without keys, an STS error) fails the call rather than falling through. A profile named
/// explicitly or through `AWS_PROFILE`/`AWS_DEFAULT_PROFILE` that does not exist is a `missingProfile` error;
/// when nothing is configured at all the error (`noProviderInChain`) lists what was tried. A failed choice is
/// not kept, so a later call looks again.
public final class DefaultCredentialProvider: AWSCredentialProvider, CustomStringConvertible {
    private let profileName: String?
    private let environment: [String: String]
    private let calls: STSCredentialCalls
    private let tokenCodeProvider: MFATokenCodeProvider?
    private let refreshWindow: Duration
    private let now: @Sendable () -> Date
    private let chosen = Mutex<(any AWSCredentialProvider)?>(nil)

    /// The default chain over `environment`.
    /// - Parameters:
    ///   - profileName: the profile for step 3; `nil` selects it from the environment.
    ///   - environment: the variables the chain reads (by default the process environment).
    ///   - calls: the STS operations; `nil` means `.live(environment:)`.
    ///   - tokenCodeProvider: asked for MFA codes when a profile has `mfa_serial`.
    ///   - refreshWindow: renew temporary credentials this long before expiry.
    ///   - now: the clock.
    public init(
        profileName: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        calls: STSCredentialCalls? = nil,
        tokenCodeProvider: MFATokenCodeProvider? = nil,
        refreshWindow: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.profileName = profileName
        self.environment = environment
        self.calls = calls ?? .live(environment: environment)
        self.tokenCodeProvider = tokenCodeProvider
        self.refreshWindow = refreshWindow
        self.now = now
    }

    /// Credentials from the chosen source.
    public func credentials() async throws -> AWSCredentials {
        try await resolvedProvider().credentials()
    }

    /// The source the chain chose (choosing it now if this is the first call).
    public func resolvedProvider() throws -> any AWSCredentialProvider {
        try chosen.withLock { chosen in
            if let chosen { return chosen }
            let provider = try choose()
            chosen = provider
            return provider
        }
    }

    public var description: String { "DefaultCredentialProvider" }

    private func choose() throws -> any AWSCredentialProvider {
        if environment["AWS_ACCESS_KEY_ID"].map({ !$0.isEmpty }) == true
            || environment["AWS_SECRET_ACCESS_KEY"].map({ !$0.isEmpty }) == true
        {
            return EnvironmentCredentialProvider(environment: environment)
        }
        let selected = SharedConfiguration.selectedProfileName(
            explicit: profileName, environment: environment)
        if let webIdentity = WebIdentityCredentialProvider.fromEnvironment(
            environment,
            target: (try? SharedConfiguration.load(environment: environment))?.stsTarget(
                profileName: selected, environment: environment) ?? STSTarget(),
            calls: calls, refreshWindow: refreshWindow, now: now)
        {
            return webIdentity
        }
        let configuration = try SharedConfiguration.load(environment: environment)
        let namedExplicitly =
            SharedConfiguration.nonEmpty(profileName) != nil
            || SharedConfiguration.nonEmpty(environment["AWS_PROFILE"]) != nil
            || SharedConfiguration.nonEmpty(environment["AWS_DEFAULT_PROFILE"]) != nil
        guard configuration.profiles[selected] != nil || namedExplicitly else {
            throw CredentialProviderError(
                .noProviderInChain,
                "no AWS credentials found; tried the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), "
                    + "web identity from the environment (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE), and the "
                    + "profile '\(selected)' in \(configuration.configFilePath) and "
                    + "\(configuration.credentialsFilePath); container and instance metadata are not supported"
            )
        }
        return try ProfileCredentialProvider(
            profileName: selected, configuration: configuration, environment: environment, calls: calls,
            tokenCodeProvider: tokenCodeProvider, refreshWindow: refreshWindow, now: now)
    }
}

extension STSTarget {
    /// The STS region and endpoint for a profile, for building the `STSClient` of that profile: reads the
    /// shared files that `environment` points at and applies the SDKs' precedence (see
    /// `SharedConfiguration.stsTarget(profileName:environment:)`). A missing profile gives only what the
    /// environment says.
    public static func forProfile(
        _ profileName: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> STSTarget {
        let name = SharedConfiguration.selectedProfileName(
            explicit: profileName, environment: environment)
        return try SharedConfiguration.load(environment: environment).stsTarget(
            profileName: name, environment: environment)
    }
}
