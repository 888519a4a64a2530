#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif

/// The merged contents of the shared config file (`AWS_CONFIG_FILE`, default `~/.aws/config`) and the shared
/// credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`).
///
/// For a profile present in both, the credentials file's values win key by key. A file that does not exist
/// counts as empty; a file larger than 1 MiB or not parsable is an error naming the file (and line).
public struct SharedConfiguration: Sendable, Hashable {
    /// Profiles by name.
    public var profiles: [String: Profile]
    /// The config file path that was read (after `~` expansion).
    public var configFilePath: String
    /// The credentials file path that was read (after `~` expansion).
    public var credentialsFilePath: String

    /// Largest shared file accepted.
    static let fileSizeLimit = 1 << 20

    /// A configuration from already-parsed profiles.
    public init(
        profiles: [String: Profile], configFilePath: String = "", credentialsFilePath: String = ""
    ) {
        self.profiles = profiles
        self.configFilePath = configFilePath
        self.credentialsFilePath = credentialsFilePath
    }

    /// Parses the two texts (either may be empty) and merges them.
    public init(
        configText: String, credentialsText: String, configFilePath: String = "config",
        credentialsFilePath: String = "credentials"
    ) throws {
        let config = try ProfileFileParser.parse(configText, kind: .config, fileName: configFilePath)
        let credentials = try ProfileFileParser.parse(
            credentialsText, kind: .credentials, fileName: credentialsFilePath)
        var merged = config
        for (name, profile) in credentials {
            merged[name] = merged[name].map { profile.merged(over: $0) } ?? profile
        }
        self.init(
            profiles: merged, configFilePath: configFilePath, credentialsFilePath: credentialsFilePath)
    }

    /// Reads the files that `environment` points at (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`,
    /// `HOME` for `~`).
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> Self
    {
        let configPath = BoundedFile.expandTilde(
            nonEmpty(environment["AWS_CONFIG_FILE"]) ?? "~/.aws/config", environment: environment)
        let credentialsPath = BoundedFile.expandTilde(
            nonEmpty(environment["AWS_SHARED_CREDENTIALS_FILE"]) ?? "~/.aws/credentials",
            environment: environment)
        let configText = try BoundedFile.readText(configPath, limit: fileSizeLimit) ?? ""
        let credentialsText = try BoundedFile.readText(credentialsPath, limit: fileSizeLimit) ?? ""
        return try Self(
            configText: configText, credentialsText: credentialsText, configFilePath: configPath,
            credentialsFilePath: credentialsPath)
    }

    /// The profile to use: `explicit`, else `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else `default`.
    public static func selectedProfileName(explicit: String? = nil, environment: [String: String])
        -> String
    {
        nonEmpty(explicit) ?? nonEmpty(environment["AWS_PROFILE"]) ?? nonEmpty(
            environment["AWS_DEFAULT_PROFILE"])
            ?? "default"
    }

    /// The named profile, or a `missingProfile` error naming it and the files searched.
    public func profile(named name: String) throws -> Profile {
        guard let profile = profiles[name] else {
            throw CredentialProviderError(
                .missingProfile,
                "the profile '\(name)' is not in \(configFilePath) or \(credentialsFilePath)")
        }
        return profile
    }

    /// The STS region and endpoint for the named profile, with the SDKs' precedence: `AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, then the profile's `region`; `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, then the
    /// profile's `endpoint_url`. A missing profile gives only what the environment says.
    public func stsTarget(profileName: String, environment: [String: String]) -> STSTarget {
        let profile = profiles[profileName]
        let region =
            Self.nonEmpty(environment["AWS_REGION"]) ?? Self.nonEmpty(environment["AWS_DEFAULT_REGION"])
            ?? profile?["region"]
        let endpointFromEnvironment =
            Self.nonEmpty(environment["AWS_ENDPOINT_URL_STS"])
            ?? Self.nonEmpty(environment["AWS_ENDPOINT_URL"])
        // The STS client reads the environment variables itself; pass only the profile's endpoint.
        let endpoint = endpointFromEnvironment == nil ? profile?["endpoint_url"] : nil
        return STSTarget(region: region, endpoint: endpoint)
    }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
