#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// Credentials described by a profile of the shared config and credentials files, resolved as botocore does.
///
/// In order, a profile yields:
/// 1. with `role_arn` and `source_profile` or `credential_source`: an AssumeRole provider (see below);
/// 2. with `role_arn` and `web_identity_token_file`: a `WebIdentityCredentialProvider`;
/// 3. with `aws_access_key_id` and `aws_secret_access_key` (and optional `aws_session_token`): those keys;
/// 4. with `credential_process`: a `ProcessCredentialProvider`.
///
/// For AssumeRole, `source_profile` names the profile whose credentials sign the call: its static keys when
/// it has them (even if it also has a `role_arn`), otherwise its own resolution, so chains `A → B → C` work.
/// A profile may name itself as `source_profile` only when it has static keys; any other repeat is a
/// `profileLoop` error listing the profiles in the loop. `credential_source = Environment` uses the
/// environment's keys; `Ec2InstanceMetadata` and `EcsContainer` are not supported. The request carries
/// `external_id`, `mfa_serial` (with a code from the token-code callback), `duration_seconds` and
/// `role_session_name` (default `latchkey-session-<unix seconds>`). Each hop's STS call goes to the region and
/// `endpoint_url` of the profile that holds the `role_arn`, else of the selected profile, unless
/// `AWS_REGION`/`AWS_DEFAULT_REGION`/`AWS_ENDPOINT_URL_STS`/`AWS_ENDPOINT_URL` are set.
///
/// The whole chain is built when the provider is created, so a missing profile, a loop or a contradictory
/// setting fails at once with an error naming the profile.
public struct ProfileCredentialProvider: AWSCredentialProvider, CustomStringConvertible {
    /// The selected profile.
    public let profileName: String
    /// The provider the profile resolved to.
    public let resolved: any AWSCredentialProvider

    /// Resolves `profileName` (or `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, `default`) in the shared files that
    /// `environment` points at.
    /// - Parameters:
    ///   - profileName: the profile; `nil` selects it from the environment.
    ///   - environment: for the file locations, `HOME`, and `credential_source = Environment`.
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
    ) throws {
        try self.init(
            profileName: profileName, configuration: SharedConfiguration.load(environment: environment),
            environment: environment, calls: calls, tokenCodeProvider: tokenCodeProvider,
            refreshWindow: refreshWindow, now: now)
    }

    /// Resolves a profile of an already-loaded `configuration`.
    public init(
        profileName: String? = nil,
        configuration: SharedConfiguration,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        calls: STSCredentialCalls? = nil,
        tokenCodeProvider: MFATokenCodeProvider? = nil,
        refreshWindow: Duration = .seconds(300),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        let name = SharedConfiguration.selectedProfileName(
            explicit: profileName, environment: environment)
        let resolver = ProfileResolver(
            configuration: configuration, rootProfile: name, environment: environment,
            calls: calls ?? .live(environment: environment), tokenCodeProvider: tokenCodeProvider,
            refreshWindow: refreshWindow, now: now)
        self.profileName = name
        self.resolved = try resolver.resolve(name, visited: [name])
    }

    /// The profile's credentials.
    public func credentials() async throws -> AWSCredentials {
        try await resolved.credentials()
    }

    public var description: String { "ProfileCredentialProvider(\(profileName): \(resolved))" }
}

/// Builds the provider tree of a profile.
struct ProfileResolver {
    let configuration: SharedConfiguration
    let rootProfile: String
    let environment: [String: String]
    let calls: STSCredentialCalls
    let tokenCodeProvider: MFATokenCodeProvider?
    let refreshWindow: Duration
    let now: @Sendable () -> Date

    func resolve(_ name: String, visited: [String]) throws -> any AWSCredentialProvider {
        let profile = try configuration.profile(named: name)
        if profile["role_arn"] != nil {
            if profile["source_profile"] != nil || profile["credential_source"] != nil {
                return try assumeRole(profile, visited: visited)
            }
            if profile["web_identity_token_file"] != nil {
                return try webIdentity(profile)
            }
            throw CredentialProviderError(
                .invalidProfile,
                "the profile '\(name)' has role_arn but no source_profile, credential_source or web_identity_token_file"
            )
        }
        if let keys = try staticKeys(profile) { return keys }
        if let command = profile["credential_process"] {
            return ProcessCredentialProvider(
                command: command, environment: environment, refreshWindow: refreshWindow, now: now)
        }
        throw CredentialProviderError(
            .missingCredentials,
            "the profile '\(name)' has no credentials (aws_access_key_id, role_arn or credential_process)"
        )
    }

    /// The profile's static keys, `nil` when it has none, or `partialCredentials` when only one is there.
    func staticKeys(_ profile: Profile) throws -> StaticCredentialProvider? {
        switch (profile["aws_access_key_id"], profile["aws_secret_access_key"]) {
        case (nil, nil):
            return nil
        case (.some(let keyId), .some(let secret)):
            return StaticCredentialProvider(
                accessKeyId: keyId, secretAccessKey: secret, sessionToken: profile["aws_session_token"])
        default:
            throw CredentialProviderError(
                .partialCredentials,
                "the profile '\(profile.name)' needs both aws_access_key_id and aws_secret_access_key")
        }
    }

    private func assumeRole(_ profile: Profile, visited: [String]) throws -> any AWSCredentialProvider {
        let source: any AWSCredentialProvider
        switch (profile["source_profile"], profile["credential_source"]) {
        case (.some, .some):
            throw CredentialProviderError(
                .invalidProfile,
                "the profile '\(profile.name)' has both source_profile and credential_source")
        case (.some(let sourceName), nil):
            source = try sourceProvider(sourceName, parent: profile.name, visited: visited)
        case (nil, .some(let credentialSource)):
            source = try credentialSourceProvider(credentialSource, profile: profile.name)
        case (nil, nil):
            throw CredentialProviderError(
                .invalidProfile, "the profile '\(profile.name)' has no source_profile or credential_source")
        }
        let parameters = AssumeRoleCredentialProvider.Parameters(
            roleArn: profile["role_arn"] ?? "",
            roleSessionName: profile["role_session_name"],
            externalId: profile["external_id"],
            serialNumber: profile["mfa_serial"],
            durationSeconds: try durationSeconds(profile) ?? 3600)
        return AssumeRoleCredentialProvider(
            parameters: parameters, source: source, target: target(for: profile), calls: calls,
            tokenCodeProvider: tokenCodeProvider, refreshWindow: refreshWindow, now: now)
    }

    private func sourceProvider(_ sourceName: String, parent: String, visited: [String]) throws
        -> any AWSCredentialProvider
    {
        guard let source = configuration.profiles[sourceName] else {
            throw CredentialProviderError(
                .missingSourceProfile,
                "the source_profile '\(sourceName)' named in the profile '\(parent)' does not exist")
        }
        if visited.contains(sourceName) {
            // A profile may source its own static keys, so role and keys can share one profile.
            if sourceName == parent, let keys = try staticKeys(source) { return keys }
            throw CredentialProviderError(
                .profileLoop,
                "source_profile loop: \((visited + [sourceName]).map { "'\($0)'" }.joined(separator: " -> "))"
            )
        }
        if let keys = try staticKeys(source) { return keys }
        return try resolve(sourceName, visited: visited + [sourceName])
    }

    private func credentialSourceProvider(_ value: String, profile: String) throws
        -> any AWSCredentialProvider
    {
        switch value {
        case "Environment":
            return EnvironmentCredentialProvider(environment: environment)
        case "Ec2InstanceMetadata", "EcsContainer":
            throw CredentialProviderError(
                .unsupportedCredentialSource,
                "the profile '\(profile)' has credential_source = \(value), which is not supported "
                    + "(only Environment is)"
            )
        default:
            throw CredentialProviderError(
                .unsupportedCredentialSource,
                "the profile '\(profile)' has an unknown credential_source '\(value.prefix(64))'"
                    + " (expected Environment, Ec2InstanceMetadata or EcsContainer)")
        }
    }

    private func webIdentity(_ profile: Profile) throws -> any AWSCredentialProvider {
        WebIdentityCredentialProvider(
            roleArn: profile["role_arn"] ?? "",
            tokenFile: BoundedFile.expandTilde(
                profile["web_identity_token_file"] ?? "", environment: environment),
            roleSessionName: profile["role_session_name"], durationSeconds: try durationSeconds(profile),
            target: target(for: profile), calls: calls, refreshWindow: refreshWindow, now: now)
    }

    private func durationSeconds(_ profile: Profile) throws -> Int? {
        guard let text = profile["duration_seconds"] else { return nil }
        guard let value = Int(text), value > 0 else {
            throw CredentialProviderError(
                .invalidValue,
                "the profile '\(profile.name)' has duration_seconds = \(text.prefix(32)), "
                    + "which is not a number of seconds"
            )
        }
        return value
    }

    /// The region and endpoint of `profile`, each falling back to the selected profile's.
    private func target(for profile: Profile) -> STSTarget {
        let own = configuration.stsTarget(profileName: profile.name, environment: environment)
        let root = configuration.stsTarget(profileName: rootProfile, environment: environment)
        return STSTarget(region: own.region ?? root.region, endpoint: own.endpoint ?? root.endpoint)
    }
}
