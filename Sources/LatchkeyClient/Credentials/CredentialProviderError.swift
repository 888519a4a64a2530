/// Why a credential provider could not hand out credentials: a missing or malformed profile, a loop in
/// `source_profile`, a failed `credential_process`, a missing MFA callback, or an empty provider chain.
///
/// Equality and hashing use `code` only, so tests can match the kind of failure without the message.
/// The message names the profile, file and line involved but never a secret key or session token.
public struct CredentialProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. Matching on it is stable; new codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case missingCredentials
            case partialCredentials
            case invalidValue
            case malformedProfileFile
            case unreadableFile
            case missingProfile
            case missingSourceProfile
            case profileLoop
            case invalidProfile
            case unsupportedCredentialSource
            case missingTokenCodeProvider
            case credentialProcessFailed
            case malformedCredentialProcessOutput
            case missingResponseCredentials
            case noProviderInChain
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Expected credentials (environment variables or profile keys) are not there.
        public static let missingCredentials = Code(.missingCredentials)
        /// An access key without its secret, or a secret without its key.
        public static let partialCredentials = Code(.partialCredentials)
        /// A value is not of the expected form (a duration that is not a number, an unparsable date).
        public static let invalidValue = Code(.invalidValue)
        /// A shared config or credentials file does not follow the INI rules; the message names file and line.
        public static let malformedProfileFile = Code(.malformedProfileFile)
        /// A file exists but cannot be read, or is larger than allowed.
        public static let unreadableFile = Code(.unreadableFile)
        /// The requested profile is in neither shared file.
        public static let missingProfile = Code(.missingProfile)
        /// A `source_profile` names a profile that does not exist.
        public static let missingSourceProfile = Code(.missingSourceProfile)
        /// `source_profile` links form a loop; the message lists the profiles in it.
        public static let profileLoop = Code(.profileLoop)
        /// A profile's settings contradict each other (both `source_profile` and `credential_source`, ...).
        public static let invalidProfile = Code(.invalidProfile)
        /// `credential_source` is `Ec2InstanceMetadata` or `EcsContainer` (not supported) or unknown.
        public static let unsupportedCredentialSource = Code(.unsupportedCredentialSource)
        /// An MFA serial is configured but no token-code callback was given.
        public static let missingTokenCodeProvider = Code(.missingTokenCodeProvider)
        /// `credential_process` could not be started, exited non-zero, timed out or wrote too much.
        public static let credentialProcessFailed = Code(.credentialProcessFailed)
        /// `credential_process` wrote something that is not the expected JSON document.
        public static let malformedCredentialProcessOutput = Code(.malformedCredentialProcessOutput)
        /// An STS response carried no `Credentials` element.
        public static let missingResponseCredentials = Code(.missingResponseCredentials)
        /// No provider of the default chain found credentials.
        public static let noProviderInChain = Code(.noProviderInChain)

        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, naming the profile, file or variable involved.
    public var message: String

    /// An error of the given kind.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
